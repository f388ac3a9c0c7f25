// docs/components.md, generated from the component definitions so that images, ports,
// storage and per-environment differences in the docs are always what the code runs.

import { podSpecOf, type KubeObject } from './kube.ts';
import { workloadRequests } from './validate/budget.ts';
import { ENVIRONMENTS, type Environment } from './names.ts';
import { formatCpu, formatMemory, parseQuantity } from './quantity.ts';
import { TIER_WAVE, serviceDns, type BuildContext, type ComponentSpec } from './components/spec.ts';
import { listNetworkFlows, renderNetworkFlowTable } from './components/platform.ts';
import { upstreamWorkloadPatch } from './component-tree.ts';

type Res = { requests?: Record<string, string> };

function requests(objects: readonly KubeObject[]): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const o of objects) {
    if (isCnpgCluster(o) || isStrimzi(o)) {
      const r = workloadRequests(o);
      if (!r) continue;
      cpu += r.cpu;
      memory += r.memory;
      continue;
    }
    const p = podSpecOf(o);
    if (!p || o.kind === 'CronJob' || o.kind === 'Job') continue;
    const replicas = (o.spec as { replicas?: number }).replicas ?? 1;
    for (const c of (p.spec.containers as { resources?: Res }[]) ?? []) {
      cpu += parseQuantity(c.resources?.requests?.cpu ?? '0') * replicas;
      memory += parseQuantity(c.resources?.requests?.memory ?? '0') * replicas;
    }
  }
  return { cpu, memory };
}

const isCnpgCluster = (o: KubeObject) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/');
const isNodePool = (o: KubeObject) => o.kind === 'KafkaNodePool' && o.apiVersion.startsWith('kafka.strimzi.io/');
const isStrimzi = (o: KubeObject) => o.apiVersion.startsWith('kafka.strimzi.io/');

function replicas(objects: readonly KubeObject[]): string {
  const rows = objects
    .filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment' || isCnpgCluster(o) || isStrimzi(o))
    .flatMap((o) => {
      const spec = o.spec as { replicas?: number; instances?: number; roles?: string[]; kafkaExporter?: unknown };
      if (o.kind === 'Kafka') return spec.kafkaExporter ? [`${o.metadata.name}-kafka-exporter ×1`] : [];
      if (isNodePool(o)) return `${o.metadata.name} ×${spec.replicas ?? 0} (${(spec.roles ?? []).join(' + ')})`;
      return `${o.metadata.name} ×${isCnpgCluster(o) ? `${spec.instances ?? 1} instances` : (spec.replicas ?? 1)}`;
    });
  return rows.join(', ') || '—';
}

function storage(objects: readonly KubeObject[]): string {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind === 'StatefulSet') {
      for (const t of ((o.spec as any).volumeClaimTemplates ?? []) as any[])
        out.push(`${t.metadata.name} ${t.spec.resources.requests.storage}`);
    }
    if (isCnpgCluster(o)) {
      const spec = o.spec as { instances?: number; storage?: { size?: string } };
      if (spec.storage?.size) out.push(`${spec.storage.size} per instance`);
    }
    if (isNodePool(o)) {
      const size = (o.spec as { storage?: { size?: string } }).storage?.size;
      if (size) out.push(`${o.metadata.name} ${size} per node`);
    }
    if (o.kind === 'PersistentVolumeClaim')
      out.push(`${o.metadata.name} ${(o.spec as any).resources.requests.storage}`);
  }
  return out.join(', ') || 'none (ephemeral)';
}

function kinds(objects: readonly KubeObject[]): string {
  return [...new Set(objects.map((o) => o.kind))].sort().join(', ');
}

function ports(c: ComponentSpec): string[] {
  const s = c.service;
  if (!s) return [];
  const rows = [`- Service \`${serviceDns(c.name)}:${s.port}\` (contract)`];
  for (const p of s.extraClient ?? []) rows.push(`- ${p.name} ${p.port} on the same Service`);
  rows.push(`- metrics: port ${s.metrics.port}, path \`${s.metrics.path}\` (scraped by Prometheus)`);
  for (const p of s.peer ?? []) rows.push(`- ${p.name} ${p.port} between the component's own pods only`);
  for (const x of s.secrets)
    rows.push(
      `- reads Secret \`${x.name}\` (keys ${x.keys.map((k) => `\`${k}\``).join(', ')})${x.environments ? ` in ${x.environments.join(', ')}` : ''}`,
    );
  return rows;
}

/** What an environment runs of a component: its objects, or an operator's sized upstream workloads (one replica each). */
function objectsOf(c: ComponentSpec, env: Environment, ctx: BuildContext): KubeObject[] {
  if (!c.upstream) return c.build(env, ctx);
  return c.upstream.workloads.map((w) => {
    const patch = upstreamWorkloadPatch(w, c.upstream!.namespace);
    return { ...patch, metadata: { ...patch.metadata }, spec: { replicas: 1, ...(patch.spec as object) } };
  });
}

function upstreamLines(c: ComponentSpec): string[] {
  const u = c.upstream;
  if (!u) return [];
  return [
    `- pinned release \`${u.url}\` in namespace \`${u.namespace}\`, referenced by URL from \`base/${c.name}/\` with local patches that size its workloads`,
    `- the release's kinds: ${[...u.kinds.cluster, ...u.kinds.namespaced].map((k) => k.kind).join(', ')}`,
    ...u.workloads
      .filter((w) => w.extraArgs?.length)
      .map(
        (w) =>
          `- ${w.kind} \`${w.name}\` gets ${w.extraArgs!.map((a) => `\`${a}\``).join(' ')} appended (the last value of a flag wins)`,
      ),
    ...(u.relocate
      ? [
          `- moved by a patch from \`${u.relocate.from}\` into \`${u.namespace}\` (the project never allows \`${u.relocate.from}\`): ${u.relocate.objects.map((o) => `${o.kind} \`${o.name}\``).join(', ')}`,
        ]
      : []),
    '',
  ];
}

function section(c: ComponentSpec, ctx: BuildContext): string[] {
  const byEnv = Object.fromEntries(ENVIRONMENTS.map((e) => [e, objectsOf(c, e, ctx)])) as Record<
    Environment,
    KubeObject[]
  >;
  const lines = [
    `## ${c.name}`,
    '',
    c.description,
    '',
    `Sync wave ${TIER_WAVE[c.tier]} (${c.tier}).${c.dashboard ? ` Grafana dashboard \`${c.dashboard.uid}\`.` : ''}`,
    '',
  ];
  if (c.images.length) {
    lines.push('| image | used for |', '| --- | --- |', ...c.images.map((i) => `| \`${i.image}\` | ${i.role} |`), '');
  }
  const p = ports(c);
  if (p.length) lines.push(...p, '');
  lines.push(...upstreamLines(c));
  lines.push('| environment | workloads | requests (total) | storage | kinds |', '| --- | --- | --- | --- | --- |');
  for (const e of ENVIRONMENTS) {
    const r = requests(byEnv[e]);
    lines.push(
      `| ${e} | ${replicas(byEnv[e])} | ${formatCpu(r.cpu)} CPU / ${formatMemory(r.memory)} | ${storage(byEnv[e])} | ${kinds(byEnv[e])} |`,
    );
  }
  lines.push('');
  return lines;
}

export function renderComponentsDoc(ctx: BuildContext): string {
  const { components } = ctx;
  const lines = [
    '<!-- Generated by `npm run generate` from src/core/components/*.ts. Do not edit by hand: change the source and regenerate. -->',
    '# Components',
    '',
    'Every shared component runs in namespace `soma-infra`. This page is generated from the',
    'component definitions, so the images, ports, sizes and storage below are exactly what the',
    'overlays deploy. Requests are totals over all containers and replicas of the component.',
    '',
  ];
  for (const c of components) lines.push(...section(c, ctx));
  if (components.some((c) => c.name === 'platform')) {
    lines.push(
      '## Network flows',
      '',
      'What the NetworkPolicies of `platform` allow (prod; dev also publishes Grafana on its NodePort). Everything else is denied.',
      '',
    );
    lines.push(renderNetworkFlowTable(listNetworkFlows(components, 'prod')));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
