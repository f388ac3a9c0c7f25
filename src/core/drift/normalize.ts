// What the API server and controllers write into an object that git never sets. Live
// mode needs little of this (the dry-run answers with the server's own defaults and
// the comparison only looks at the fields our manager owns); offline mode relies on it.
import type { KubeObject } from '../kube.ts';
import { isMap } from './fieldset.ts';

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** A copy without status and the metadata the server maintains (ids, versions, timestamps, managedFields). */
export function stripServerFields(o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  delete copy.status;
  const meta = copy.metadata as Record<string, unknown>;
  for (const f of SERVER_METADATA) delete meta[f];
  const annotations = copy.metadata.annotations;
  if (annotations) {
    for (const a of SERVER_ANNOTATIONS) delete annotations[a];
    if (!Object.keys(annotations).length) delete copy.metadata.annotations;
  }
  return copy;
}

/**
 * The desired object the way the API server would store it: a Secret's `stringData` is
 * merged into `data` (base64), as the server does on write, so that a Secret written
 * with stringData in git compares equal to the one read back.
 */
export function normalizeDesired(o: KubeObject): KubeObject {
  const copy = stripServerFields(o);
  if (copy.kind === 'Secret' && copy.apiVersion === 'v1' && isMap(copy.stringData)) {
    const data: Record<string, unknown> = isMap(copy.data) ? { ...copy.data } : {};
    for (const [k, v] of Object.entries(copy.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    copy.data = data;
    delete copy.stringData;
  }
  return copy;
}
