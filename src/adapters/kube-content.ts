// Whether a live object already holds what an apply would set: the comparison that lets
// bootstrap and sync report `unchanged` instead of re-applying, blind to what the API
// server and controllers write on their own.
import type { KubeObject } from '../core/kube.ts';
import { ANNOTATIONS } from '../core/names.ts';

// What the server and controllers change on their own: bookkeeping, status, and Argo CD's
// refresh request and in-flight operation. None of it is what an apply sets.
const VOLATILE_META = ['resourceVersion', 'managedFields', 'generation'] as const;
const VOLATILE_ANNOTATIONS = [ANNOTATIONS.refresh];

function contentOf(o: KubeObject): unknown {
  const { status: _status, metadata, ...rest } = o;
  // An Application's `operation` is the sync Argo CD has under way, not part of what we apply.
  if (o.kind === 'Application') delete rest.operation;
  const meta: Record<string, unknown> = { ...metadata };
  for (const k of VOLATILE_META) delete meta[k];
  if (metadata.annotations) {
    const annotations = { ...metadata.annotations };
    for (const k of VOLATILE_ANNOTATIONS) delete annotations[k];
    meta.annotations = Object.keys(annotations).length ? annotations : undefined;
  }
  return { ...rest, metadata: meta };
}

/** Same object apart from what the server and controllers change on their own. Key order does not matter. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  return stableJson(contentOf(a)) === stableJson(contentOf(b));
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x)
            .filter(([, y]) => y !== undefined)
            .sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)),
        )
      : x,
  );
}
