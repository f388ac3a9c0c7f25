// Step 3: Argo CD, rendered from bootstrap/argocd with real kustomize (the pinned
// upstream install plus our patches) and applied server-side: namespaces, then CRDs and a
// wait until the API serves them, then everything else; then a wait until its
// Deployments and StatefulSets have rolled out at their current generation.
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { assessHealth } from '../../core/health.ts';
import { isKubeObject, objectRef, type KubeObject } from '../../core/kube.ts';
import { argocdInstallDir, argocdProfile } from '../../core/argocd-install.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';
import { ARGOCD_VERSION } from '../../core/versions.ts';
import { parseYamlStream } from '../../core/yaml.ts';
import type { ApplyResult, KubeClient } from '../../adapters/kube.ts';
import { KustomizeError, kustomizeBuild } from '../../adapters/kustomize.ts';
import { pollUntil, withTicker, type PollState } from './poll.ts';
import type { BootstrapContext, Step } from './types.ts';

const APPLY_CONCURRENCY = 8;
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Renders bootstrap/argocd to objects (kustomize fetches the pinned upstream install). */
export async function renderArgoCdInstall(ctx: Pick<BootstrapContext, 'deps' | 'tools' | 'cluster'>): Promise<KubeObject[]> {
  const installDir = argocdInstallDir(argocdProfile(ctx.cluster));
  const dir = join(ctx.deps.io.root, installDir);
  let yaml: string;
  try {
    yaml = await kustomizeBuild(dir, ctx.deps.runner, { command: ctx.tools.kubectl, prefix: ['kustomize'] });
  } catch (e) {
    if (!(e instanceof KustomizeError)) throw e;
    throw new UserError(
      `could not render ${installDir}: ${kustomizeReason(e.detail)}`,
      `it pulls the pinned Argo CD ${ARGOCD_VERSION} install.yaml from GitHub: check the network; if ${installDir}/ is missing, run \`npm run generate\``,
    );
  }
  const objects: KubeObject[] = [];
  for (const doc of parseYamlStream(yaml)) {
    if (doc.errors.length) throw new UserError(`kustomize output for ${installDir} is not valid YAML (document ${doc.index + 1}): ${doc.errors[0]}`);
    if (isKubeObject(doc.value)) objects.push(doc.value);
  }
  if (!objects.length) throw new UserError(`${installDir} rendered no objects`, 'run `npm run generate`');
  return objects;
}

/** The line of kustomize's (klog-wrapped) error output that says what went wrong. */
export function kustomizeReason(detail: string): string {
  const lines = detail.split('\n').map((l) => l.trim()).filter((l) => l && l !== '>' && !/^[EWIF]\d{4} /.test(l));
  const reason = lines[0] ?? detail.trim();
  return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
}

/** Apply order: namespaces, CRDs (then wait until established), everything else. Pure. */
export function installPhases(objects: readonly KubeObject[]): { namespaces: KubeObject[]; crds: KubeObject[]; rest: KubeObject[] } {
  return {
    namespaces: objects.filter((o) => o.kind === 'Namespace'),
    crds: objects.filter((o) => o.kind === 'CustomResourceDefinition'),
    rest: objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition'),
  };
}

export interface ApplyTally {
  created: string[];
  configured: string[];
  unchanged: number;
}

/** Server-side applies objects (bounded concurrency) and tallies what changed. */
export async function applyAll(client: KubeClient, objects: readonly KubeObject[], tally: ApplyTally, defaultNamespace = ARGOCD_NAMESPACE): Promise<KubeObject[]> {
  const results: ApplyResult[] = await mapLimit(objects, APPLY_CONCURRENCY, async (o) => {
    const target = !o.metadata.namespace && (await client.isNamespaced(o.apiVersion, o.kind)) ? { ...o, metadata: { ...o.metadata, namespace: defaultNamespace } } : o;
    return client.apply(target);
  });
  for (const r of results) {
    if (r.outcome === 'created') tally.created.push(objectRef(r.object));
    else if (r.outcome === 'configured') tally.configured.push(objectRef(r.object));
    else tally.unchanged++;
  }
  return results.map((r) => r.object);
}

async function crdsEstablished(client: KubeClient, crds: readonly KubeObject[]): Promise<PollState> {
  const pending: string[] = [];
  for (const crd of crds) {
    const live = await client.get(crd.apiVersion, crd.kind, crd.metadata.name);
    const conditions = ((live?.status as { conditions?: { type: string; status: string; message?: string }[] })?.conditions) ?? [];
    const established = conditions.find((c) => c.type === 'Established');
    if (established?.status !== 'True') pending.push(`CRD ${crd.metadata.name}: ${established?.message ?? 'not established yet'}`);
  }
  return { done: pending.length === 0, pending };
}

async function workloadsReady(client: KubeClient, workloads: readonly KubeObject[]): Promise<PollState> {
  const pending: string[] = [];
  for (const w of workloads) {
    const live = await client.get(w.apiVersion, w.kind, w.metadata.name, w.metadata.namespace);
    if (!live) {
      pending.push(`${w.kind} ${w.metadata.name}: missing`);
      continue;
    }
    const h = assessHealth(live);
    if (h.status !== 'Healthy') pending.push(`${w.kind} ${w.metadata.name}: ${h.status}${h.message ? `: ${h.message}` : ''}`);
  }
  return { done: pending.length === 0, pending };
}

/** Why pods are not ready (image pulls, scheduling, crashes): shown when the wait times out. */
export async function podDiagnosis(client: KubeClient, namespace: string): Promise<string[]> {
  const pods = await client.list('v1', 'Pod', { namespace });
  return pods
    .map((p) => ({ p, h: assessHealth(p) }))
    .filter(({ h }) => h.status !== 'Healthy')
    .map(({ p, h }) => `pod ${p.metadata.name}: ${h.status}${h.message ? `: ${h.message}` : ''}`);
}

export function describeTally(t: ApplyTally): string {
  const parts = [t.created.length && `${t.created.length} created`, t.configured.length && `${t.configured.length} configured`, t.unchanged && `${t.unchanged} unchanged`];
  return parts.filter(Boolean).join(', ') || 'nothing applied';
}

export const argocdStep: Step = {
  name: 'argocd',
  title: `Argo CD ${ARGOCD_VERSION}`,
  async run(ctx) {
    const client = ctx.client!;
    const installDir = argocdInstallDir(argocdProfile(ctx.cluster));
    const objects = await withTicker(ctx, `rendering ${installDir} (kustomize fetches the pinned install.yaml)`, renderArgoCdInstall(ctx));
    const { namespaces, crds, rest } = installPhases(objects);
    const tally: ApplyTally = { created: [], configured: [], unchanged: 0 };
    ctx.progress.update(`applying ${objects.length} objects (server-side)`);
    await applyAll(client, namespaces, tally);
    await applyAll(client, crds, tally);
    await pollUntil(ctx, { what: "Argo CD's CRDs to be established", timeoutMs: ctx.options.timeoutMs, check: () => crdsEstablished(client, crds) });
    const applied = await applyAll(client, rest, tally);
    const workloads = applied.filter((o) => WORKLOAD_KINDS.has(o.kind));
    await pollUntil(ctx, {
      what: `Argo CD's ${workloads.length} workloads to roll out`,
      timeoutMs: ctx.options.timeoutMs,
      check: () => workloadsReady(client, workloads),
      diagnose: () => podDiagnosis(client, ARGOCD_NAMESPACE),
      hint: `kubectl --context ${client.context} -n ${ARGOCD_NAMESPACE} get pods; kubectl --context ${client.context} -n ${ARGOCD_NAMESPACE} describe pod <name>`,
    });
    const changed = tally.created.length + tally.configured.length > 0;
    return {
      changed,
      summary: `${changed ? 'installed' : 'already installed'} (${describeTally(tally)}); ${workloads.length} workloads ready`,
      // On a re-run, what changed is the interesting part (drift from the pinned install).
      details: tally.configured.slice(0, 20).map((r) => `configured ${r}`),
    };
  },
};
