// Step 6: the cluster's root Application (app-of-apps) and its AppProject, exactly as
// generated in bootstrap/clusters/<cluster>/root-app.yaml.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { isKubeObject, objectRef, type KubeObject } from '../../core/kube.ts';
import { rootAppPath } from '../../core/names.ts';
import { parseYamlStream } from '../../core/yaml.ts';
import type { BootstrapContext, Step } from './types.ts';

export const rootAppFile = (clusterName: string) => rootAppPath(clusterName);

/** Projects before Applications, so an Application never names a project that does not exist yet. Pure. */
export function orderRootObjects(objects: readonly KubeObject[]): KubeObject[] {
  const rank = (o: KubeObject) => (o.kind === 'AppProject' ? 0 : o.kind === 'Application' ? 2 : 1);
  return [...objects].sort((a, b) => rank(a) - rank(b));
}

export async function readRootObjects(root: string, clusterName: string): Promise<KubeObject[]> {
  const file = rootAppFile(clusterName);
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    throw new UserError(`${file} not found`, 'run `npm run generate` (and commit and push the result: Argo CD reads it from git)');
  }
  const objects: KubeObject[] = [];
  for (const doc of parseYamlStream(text)) {
    if (doc.errors.length) throw new UserError(`${file} (document at line ${doc.line}) is not valid YAML: ${doc.errors[0]}`, 'run `npm run generate`');
    if (isKubeObject(doc.value)) objects.push(doc.value);
  }
  if (!objects.some((o) => o.kind === 'Application')) throw new UserError(`${file} holds no Application`, 'run `npm run generate`');
  return orderRootObjects(objects);
}

export const rootAppStep: Step = {
  name: 'root-app',
  title: 'Root application',
  async run(ctx: BootstrapContext) {
    const client = ctx.argocdClient!;
    const objects = await readRootObjects(ctx.deps.io.root, ctx.cluster.name);
    const changes: string[] = [];
    for (const o of objects) {
      const { outcome } = await client.apply(o);
      if (outcome !== 'unchanged') changes.push(`${outcome} ${objectRef(o)}`);
    }
    const names = objects.map((o) => `${o.kind} ${o.metadata.name}`).join(', ');
    return { changed: changes.length > 0, summary: `${changes.length ? 'applied' : 'unchanged'}: ${names}`, details: changes };
  },
};
