import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/adapters/inputs.ts';
import { argoCdWorkloadObjects } from '../../src/core/argocd-install.ts';
import { clusterLayerPath, upstreamWorkloadPatch } from '../../src/core/component-tree.ts';
import { kustomizeBuild } from '../../src/adapters/kustomize.ts';
import { parseRendered } from '../../src/adapters/render.ts';
import { COMPONENTS } from '../../src/core/components/index.ts';
import { operatorServices } from '../../src/core/validate/policy/cluster.ts';
import { CONTRACTS, type ServiceComponent } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, LABELS, NAMESPACE } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { CTX } from '../support/context.ts';
import { ROOT, renderAllOverlays } from '../support/render-all.ts';
import { hasHealthCheck } from '../../src/core/health.ts';
import { parseYamlStream } from '../../src/core/yaml.ts';

type Container = {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, any>;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
};

function containersOf(
  o: KubeObject,
): { containers: Container[]; init: Container[]; pod: Record<string, any> } | undefined {
  const p = podSpecOf(o);
  if (!p) return undefined;
  return {
    containers: (p.spec.containers as Container[]) ?? [],
    init: (p.spec.initContainers as Container[]) ?? [],
    pod: p.spec,
  };
}

/** Requests of one pod as the scheduler sees them: max(largest init container, sum of containers). */
export function podRequests(o: KubeObject): { cpu: number; memory: number } {
  const c = containersOf(o)!;
  const sum = (list: Container[], k: 'cpu' | 'memory') =>
    list.reduce((a, x) => a + parseQuantity(x.resources?.requests?.[k] ?? '0'), 0);
  const max = (list: Container[], k: 'cpu' | 'memory') =>
    Math.max(0, ...list.map((x) => parseQuantity(x.resources?.requests?.[k] ?? '0')));
  return {
    cpu: Math.max(sum(c.containers, 'cpu'), max(c.init, 'cpu')),
    memory: Math.max(sum(c.containers, 'memory'), max(c.init, 'memory')),
  };
}

/** A tag other than latest after the last path segment, or a digest. */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const last = image.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.split(':').pop()! : '';
  return tag !== '' && tag !== 'latest';
}

const isRunToCompletion = (o: KubeObject) => o.kind === 'Job' || o.kind === 'CronJob';

describe('rendered overlays of every component in every environment', () => {
  it('expose each contract Service with its name, namespace and port', async () => {
    const rendered = await renderAllOverlays();
    const table: string[] = [];
    for (const env of ENVIRONMENTS) {
      for (const [component, contract] of Object.entries(CONTRACTS) as [
        ServiceComponent,
        (typeof CONTRACTS)[ServiceComponent],
      ][]) {
        const objects = rendered.find((r) => r.env === env && r.component === component)!.objects;
        const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === contract.service);
        const ports = ((svc?.spec as { ports?: { port: number }[] })?.ports ?? []).map((p) => p.port);
        // A CloudNativePG Cluster declares the Service its operator makes (always on 5432).
        const managed = operatorServices(
          objects.map((object) => ({ object })),
          NAMESPACE,
        ).includes(contract.service);
        const where = svc
          ? `${svc.metadata.name}.${svc.metadata.namespace}`
          : managed
            ? `${contract.service}.${NAMESPACE}`
            : 'none';
        table.push(
          `${env} ${component} ${where}:${ports.includes(contract.port) || (managed && contract.port === 5432) ? contract.port : 'MISSING'}`,
        );
      }
    }
    const expected = ENVIRONMENTS.flatMap((env) =>
      Object.entries(CONTRACTS).map(([c, k]) => `${env} ${c} ${k.service}.${NAMESPACE}:${k.port}`),
    );
    expect(table).toEqual(expected);
  });

  it('run every container with the restricted security baseline, probes, requests and limits', async () => {
    const violations: string[] = [];
    for (const r of await renderAllOverlays()) {
      for (const o of r.objects) {
        const c = containersOf(o);
        if (!c) continue;
        const where = `${r.env}/${o.kind}/${o.metadata.name}`;
        if (c.pod.securityContext?.runAsNonRoot !== true) violations.push(`${where}: pod runAsNonRoot`);
        if (c.pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') violations.push(`${where}: pod seccomp`);
        for (const k of [...c.containers, ...c.init]) {
          const s = k.securityContext ?? {};
          if (s.allowPrivilegeEscalation !== false) violations.push(`${where}/${k.name}: allowPrivilegeEscalation`);
          if (s.readOnlyRootFilesystem !== true) violations.push(`${where}/${k.name}: readOnlyRootFilesystem`);
          if (s.runAsNonRoot !== true && c.pod.securityContext?.runAsNonRoot !== true)
            violations.push(`${where}/${k.name}: runAsNonRoot`);
          if (JSON.stringify(s.capabilities?.drop) !== '["ALL"]') violations.push(`${where}/${k.name}: capabilities`);
          if (s.capabilities?.add?.length) violations.push(`${where}/${k.name}: adds capabilities`);
          for (const q of ['cpu', 'memory']) {
            if (!k.resources?.requests?.[q]) violations.push(`${where}/${k.name}: ${q} request`);
            if (!k.resources?.limits?.[q]) violations.push(`${where}/${k.name}: ${q} limit`);
          }
          if (!isPinned(k.image ?? '') || /bitnami/.test(k.image ?? '')) {
            violations.push(`${where}/${k.name}: image not pinned (${k.image})`);
          }
        }
        if (!isRunToCompletion(o)) {
          for (const k of c.containers) {
            if (!k.livenessProbe || !k.readinessProbe) violations.push(`${where}/${k.name}: probes`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('label every object for Argo CD and the environment', async () => {
    const missing: string[] = [];
    for (const r of await renderAllOverlays()) {
      for (const o of r.objects) {
        for (const l of [LABELS.name, LABELS.component, LABELS.partOf, LABELS.managedBy])
          if (!o.metadata.labels?.[l]) missing.push(`${r.env}/${o.kind}/${o.metadata.name}: ${l}`);
        if (o.metadata.labels?.[LABELS.environment] !== r.env)
          missing.push(`${r.env}/${o.kind}/${o.metadata.name}: environment label`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keep every kustomize render identical to the component definition (overlays cannot drift)', async () => {
    const rendered = await renderAllOverlays();
    for (const r of rendered) {
      const c = COMPONENTS.find((x) => x.name === r.component)!;
      const built = c.build(r.env, CTX);
      for (const o of built) {
        const got = r.objects.find((x) => x.kind === o.kind && x.metadata.name === o.metadata.name);
        expect(got, `${r.env}/${o.kind}/${o.metadata.name}`).toBeDefined();
        const strip = (x: KubeObject) =>
          JSON.parse(JSON.stringify(x, (k, v) => (k === LABELS.environment ? undefined : v)));
        expect(strip(got!), `${r.env}/${o.kind}/${o.metadata.name}`).toEqual(strip(o));
      }
    }
  });

  it('run Vault in dev mode in dev only', async () => {
    for (const r of (await renderAllOverlays()).filter((x) => x.component === 'vault')) {
      const text = JSON.stringify(r.objects);
      const devMode = /"-dev"|"server -dev|VAULT_DEV_ROOT_TOKEN_ID/.test(text);
      expect(devMode, r.env).toBe(r.env === 'dev');
    }
  });
});

describe('the kind-soma budget', () => {
  it('fits everything this repository runs there, Argo CD included, in 3 CPU / 6 GiB of requests', async () => {
    const cluster = await loadCluster(ROOT, 'kind-soma');
    const rendered = (await renderAllOverlays()).filter(
      (r) => r.env === 'dev' && cluster.components.includes(r.component as never),
    );
    let cpu = 0;
    let memory = 0;
    // Operators are remote installs too: what counts is what their local patches set (one replica each).
    const operators = COMPONENTS.filter((c) => c.upstream && cluster.components.includes(c.name as never)).flatMap(
      (c) => c.upstream!.workloads.map((w) => upstreamWorkloadPatch(w, c.upstream!.namespace)),
    );
    expect(operators.length).toBeGreaterThan(0);
    for (const o of [...rendered.flatMap((r) => r.objects), ...argoCdWorkloadObjects(), ...operators]) {
      if (!podSpecOf(o) || isRunToCompletion(o)) continue;
      const replicas = (o.spec as { replicas?: number }).replicas ?? 1;
      const r = podRequests(o);
      cpu += r.cpu * replicas;
      memory += r.memory * replicas;
    }
    expect(cpu).toBeGreaterThan(0.5);
    expect(cpu).toBeLessThanOrEqual(parseQuantity(cluster.budget!.cpu));
    expect(memory).toBeLessThanOrEqual(parseQuantity(cluster.budget!.memory));
  });
});

/** Kinds in Argo CD's own install (manifests/install.yaml of the pinned release), which is remote and not rendered here. */
const ARGOCD_INSTALL_KINDS: [string, string][] = [
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ['v1', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
];

/** apiVersion/kind of every object in the committed YAML under a folder (Applications, projects, root apps, Argo CD patches). */
function committedKinds(dir: string, out: Set<string>): void {
  for (const f of readdirSync(join(ROOT, dir))) {
    const path = join(dir, f);
    if (statSync(join(ROOT, path)).isDirectory()) committedKinds(path, out);
    else if (/\.ya?ml$/.test(f) && f !== 'kustomization.yaml' && f !== 'kind-config.yaml') {
      for (const d of parseYamlStream(readFileSync(join(ROOT, path), 'utf8'))) {
        const o = d.value as { apiVersion?: string; kind?: string } | null;
        if (o?.apiVersion && o.kind) out.add(`${o.apiVersion} ${o.kind}`);
      }
    }
  }
}

describe('health rules for what the repository deploys', () => {
  it('every kind it deploys (every cluster, Argo CD included) has a rule, or is a kind docs/operations.md lists as having none', async () => {
    const kinds = new Set<string>(ARGOCD_INSTALL_KINDS.map(([v, k]) => `${v} ${k}`));
    // The operators' releases, not rendered here either: the kinds their specs declare (all at v1).
    for (const c of COMPONENTS)
      for (const k of [...(c.upstream?.kinds.cluster ?? []), ...(c.upstream?.kinds.namespaced ?? [])])
        kinds.add(`${k.group ? `${k.group}/v1` : 'v1'} ${k.kind}`);
    for (const r of await renderAllOverlays()) for (const o of r.objects) kinds.add(`${o.apiVersion} ${o.kind}`);
    committedKinds('apps', kinds);
    committedKinds('bootstrap', kinds);
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const none = doc.split('\n').find((l) => l.startsWith('| none |')) ?? '';
    const unexplained = [...kinds].filter((vk) => {
      const [apiVersion, kind] = vk.split(' ') as [string, string];
      return !hasHealthCheck({ apiVersion, kind }) && !new RegExp(`\\b${kind}\\b`).test(none);
    });
    expect(unexplained).toEqual([]);
    // The rule sets the repository relies on most are really there.
    for (const vk of [
      'apps/v1 StatefulSet',
      'policy/v1 PodDisruptionBudget',
      'v1 PersistentVolumeClaim',
      'argoproj.io/v1alpha1 Application',
    ])
      expect(kinds.has(vk), vk).toBe(true);
  });
});

describe("a cluster's own layer (Postgres backups)", () => {
  it('renders, with real kustomize, the Cluster with its backup target and the daily ScheduledBackup, and its Application syncs it', async () => {
    for (const name of ['staging', 'prod']) {
      const cluster = await loadCluster(ROOT, name);
      expect(cluster.backup, name).toBeDefined();
      const path = clusterLayerPath(name, 'postgres');
      const objects = parseRendered(await kustomizeBuild(join(ROOT, path)), path);
      const pg = objects.find((o) => o.kind === 'Cluster')!;
      expect((pg.spec as any).backup.barmanObjectStore.destinationPath).toBe(cluster.backup!.destinationPath);
      expect(objects.map((o) => o.kind).sort()).toEqual(['Cluster', 'ScheduledBackup', 'Service']);
      for (const o of objects) expect(o.metadata.labels?.[LABELS.environment]).toBe(cluster.environment);
      const app = readFileSync(join(ROOT, 'apps', name, 'postgres.yaml'), 'utf8');
      expect(app).toContain(`path: ${path}`);
    }
  });
});
