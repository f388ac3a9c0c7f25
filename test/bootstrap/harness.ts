// The world a bootstrap test runs in: a temporary repository (cluster inputs and the
// generated files bootstrap reads), a recording runner that plays docker, kind, kubectl
// and git, the fake API server with controllers that act like Kubernetes and Argo CD,
// a virtual clock (sleep advances it at once), and captured output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBootstrapProject, buildRootApplication } from '../../src/core/argocd.ts';
import { parseClusterConfig } from '../../src/core/cluster-config.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { buildKindConfig } from '../../src/core/kind-config.ts';
import { toYaml, toYamlStream } from '../../src/core/yaml.ts';
import type { Io } from '../../src/cli/types.ts';
import { connectKind } from '../../src/adapters/kube.ts';
import { programNotFound, recordingRunner, type RecordedCall } from '../../src/adapters/process.ts';
import { defaultDeps, type Deps } from '../../src/cli/deps.ts';
import type { BootstrapOptions } from '../../src/commands/bootstrap/types.ts';
import { ARGO_RESOURCES, type FakeKube } from '../support/fake-kube.ts';
import { tempDir } from '../support/temp.ts';

export const HEAD = 'a'.repeat(40);
export const REPO_URL = 'https://github.com/example/somastack.git';
export const CHILDREN = ['kind-soma-argocd', 'kind-soma-platform', 'kind-soma-cnpg', 'kind-soma-cert-manager', 'kind-soma-postgres', 'kind-soma-vault', 'kind-soma-prometheus', 'kind-soma-grafana'];

const CLUSTER_YAML = `name: kind-soma
environment: dev
destination: { server: https://kubernetes.default.svc }
repository: { url: ${REPO_URL}, revision: main }
components: [platform, cnpg, cert-manager, postgres, vault, prometheus, grafana]
kind: { name: soma, hostPorts: { argocd: 18080, grafana: 13000 } }
`;

const PROD_YAML = `name: prod
environment: prod
destination: { server: https://prod.example.com:6443 }
argocd: { managedBy: hub }
repository: { url: ${REPO_URL}, revision: main }
components: [platform, cnpg, postgres]
backup: { destinationPath: s3://backups/prod, credentialsSecret: prod-backup-keys }
`;

const HUB_YAML = `name: hub
environment: prod
context: soma-hub
destination: { server: https://kubernetes.default.svc }
repository: { url: ${REPO_URL}, revision: main }
components: []
`;

/** A repository root with the inputs and generated files bootstrap reads. */
export function makeRepo(): string {
  const root = tempDir('bootstrap-repo-');
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('clusters/kind-soma/cluster.yaml', CLUSTER_YAML);
  write('clusters/prod/cluster.yaml', PROD_YAML);
  write('clusters/hub/cluster.yaml', HUB_YAML);
  const parsed = parseClusterConfig('clusters/kind-soma/cluster.yaml', 'kind-soma', CLUSTER_YAML);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  write('bootstrap/clusters/kind-soma/kind-config.yaml', toYaml(buildKindConfig(parsed.config)));
  // Application before AppProject on purpose: bootstrap must order them.
  write('bootstrap/clusters/kind-soma/root-app.yaml', toYamlStream([buildRootApplication(parsed.config), buildBootstrapProject(parsed.config)]));
  return root;
}

const crd = (plural: string, kind: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.argoproj.io` },
  spec: { group: 'argoproj.io', names: { kind, plural }, scope: 'Namespaced', versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
});

const workload = (kind: 'Deployment' | 'StatefulSet', name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace: 'argocd' },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `quay.io/argoproj/argocd:v3.5.4` }] } } },
});

/** What `kubectl kustomize bootstrap/argocd` prints, in miniature (namespaces left off namespaced objects on purpose). */
export function argoInstall(): KubeObject[] {
  const server = workload('Deployment', 'argocd-server');
  delete server.metadata.namespace;
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'argocd-server' }, rules: [] },
    crd('applications', 'Application'),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data: { 'timeout.reconciliation': '60s' } },
    crd('appprojects', 'AppProject'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } },
    server,
    workload('Deployment', 'argocd-repo-server'),
    workload('StatefulSet', 'argocd-application-controller'),
  ];
}

export interface MachineOptions {
  docker?: 'ok' | 'down' | 'missing';
  cpus?: number;
  memoryBytes?: number;
  kind?: 'ok' | 'missing' | 'old';
  kubectl?: 'ok' | 'missing';
  /** Kind clusters that exist. */
  clusters?: string[];
  head?: string;
  remoteHead?: string;
  /** Called when `kind create cluster` runs. */
  onCreate?: () => void;
  /** Fails the given command line (matched as a prefix) with this message. */
  failing?: { prefix: string; message: string };
}

const notFound = (command: string) => programNotFound(command);

/** A recording runner that answers like a laptop with Docker, kind, kubectl and a clone of the repository. */
export function fakeMachine(o: MachineOptions = {}) {
  const clusters = [...(o.clusters ?? [])];
  const handler = (call: RecordedCall) => {
    const cmd = call.command.split('/').pop()!;
    const line = [cmd, ...call.args].join(' ');
    if (o.failing && line.startsWith(o.failing.prefix)) return { code: 1, stderr: o.failing.message };
    if (cmd === 'docker') {
      if (o.docker === 'missing') throw notFound('docker');
      if (o.docker === 'down') return { code: 1, stdout: '{"ServerErrors":["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"]}' };
      return { stdout: JSON.stringify({ NCPU: o.cpus ?? 8, MemTotal: o.memoryBytes ?? 16 * 1024 ** 3, ServerVersion: '28.1.1' }) };
    }
    if (cmd === 'kind') return kindAnswer(call, o, clusters);
    if (cmd === 'kubectl') {
      if (o.kubectl === 'missing' && !call.command.includes('/')) throw notFound('kubectl');
      if (call.args[0] === 'version') return { stdout: JSON.stringify({ clientVersion: { gitVersion: 'v1.34.1' } }) };
      if (call.args[0] === 'kustomize') return { stdout: toYamlStream(argoInstall()) };
    }
    if (cmd === 'git') return gitAnswer(call, o);
    throw new Error(`fake machine: unexpected command ${line}`);
  };
  const runner = recordingRunner(handler);
  return Object.assign(runner, { clusters, lines: () => runner.calls.map((c) => [c.command.split('/').pop(), ...c.args].join(' ')) });
}

function kindAnswer(call: RecordedCall, o: MachineOptions, clusters: string[]) {
  if (o.kind === 'missing' && !call.command.includes('/')) throw notFound('kind');
  const [verb, what] = call.args;
  if (verb === 'version') return { stdout: `kind ${o.kind === 'old' && !call.command.includes('/') ? 'v0.20.0' : 'v0.33.0'} go1.24.5 linux/amd64\n` };
  if (verb === 'get' && what === 'clusters') return clusters.length ? { stdout: `${clusters.join('\n')}\n` } : { stderr: 'No kind clusters found.\n' };
  if (verb === 'create') {
    clusters.push(call.args[call.args.indexOf('--name') + 1]!);
    o.onCreate?.();
    return { stderr: 'Creating cluster "soma" ...\n' };
  }
  if (verb === 'export' || verb === 'delete') return {};
  throw new Error(`fake machine: unexpected kind ${call.args.join(' ')}`);
}

function gitAnswer(call: RecordedCall, o: MachineOptions) {
  const a = call.args;
  const head = o.head ?? HEAD;
  const remote = o.remoteHead ?? head;
  if (a[0] === 'remote') return { stdout: `origin\t${REPO_URL} (fetch)\norigin\t${REPO_URL} (push)\n` };
  if (a[0] === 'rev-parse') return { stdout: `${head}\n` };
  if (a[0] === 'ls-remote') return { stdout: `${remote}\trefs/heads/main\n` };
  if (a[0] === 'rev-list') return { stdout: head === remote ? '0\t0\n' : '2\t0\n' };
  if (a[0] === 'status') return { stdout: '' };
  throw new Error(`fake machine: unexpected git ${a.join(' ')}`);
}

export interface SimOptions {
  /** Reads of the API before Argo CD's workloads report ready. */
  workloadsReadyAfter?: number;
  /** Reads before the child Applications are Synced and Healthy. */
  appsHealthyAfter?: number;
  revision?: string;
  /** A child that stays Degraded, with the resource message Argo CD shows. */
  degraded?: { app: string; message: string };
}

/** Controllers for the fake: CRDs become Established, workloads roll out, Argo CD creates and syncs the children. */
export function simulateCluster(fake: FakeKube, o: SimOptions = {}): void {
  let reads = 0;
  const readyAt = new Map<string, number>();
  fake.onWrite((obj, _verb, f) => {
    if (obj.kind === 'CustomResourceDefinition') {
      const spec = obj.spec as { group: string; names: { kind: string; plural: string } };
      const res = ARGO_RESOURCES.find((r) => r.group === spec.group && r.kind === spec.names.kind);
      if (res) f.register(res);
      f.setStatus(obj.apiVersion, obj.kind, obj.metadata.name, undefined, { conditions: [{ type: 'Established', status: 'True' }] });
    }
    if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet') readyAt.set(`${obj.kind}/${obj.metadata.name}`, reads + (o.workloadsReadyAfter ?? 0));
  });
  fake.onRead((f) => {
    reads++;
    for (const [key, at] of readyAt) {
      if (reads < at) continue;
      const [kind, name] = key.split('/') as [string, string];
      const live = f.get('apps/v1', kind, name, 'argocd');
      if (live) markRolledOut(f, live);
      readyAt.delete(key);
    }
    argoController(f, reads, o);
  });
}

export function markRolledOut(f: FakeKube, live: KubeObject): void {
  const status = { observedGeneration: live.metadata.generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, currentReplicas: 1, currentRevision: 'r1', updateRevision: 'r1' };
  if (JSON.stringify(live.status) !== JSON.stringify(status)) f.setStatus(live.apiVersion, live.kind, live.metadata.name, live.metadata.namespace, status);
}

function appStatus(revision: string, healthy: boolean, problem?: { message: string }) {
  const health = problem ? { status: 'Degraded', message: problem.message } : healthy ? { status: 'Healthy' } : { status: 'Progressing', message: 'waiting for pods' };
  return {
    sync: { status: healthy || problem ? 'Synced' : 'OutOfSync', revision },
    health: { status: health.status },
    operationState: { phase: 'Succeeded', message: 'successfully synced' },
    resources: problem ? [{ group: 'apps', kind: 'StatefulSet', namespace: 'soma-infra', name: 'postgres', status: 'Synced', health }] : [],
  };
}

/** Argo CD in miniature: once the root exists it creates the children and reports their state. */
function argoController(f: FakeKube, reads: number, o: SimOptions): void {
  let root;
  try {
    root = f.get('argoproj.io/v1alpha1', 'Application', 'kind-soma-root', 'argocd');
  } catch {
    return; // Argo CD's CRDs are not installed yet
  }
  if (!root) return;
  const revision = o.revision ?? HEAD;
  const healthy = reads >= (o.appsHealthyAfter ?? 0);
  const children = CHILDREN.map((name) => {
    const existing = f.get('argoproj.io/v1alpha1', 'Application', name, 'argocd');
    const status = appStatus(revision, healthy, o.degraded?.app === name ? o.degraded : undefined);
    if (!existing) return f.put({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' }, spec: { project: 'kind-soma-shared-infra' }, status });
    if (JSON.stringify(existing.status) !== JSON.stringify(status)) f.setStatus(existing.apiVersion, 'Application', name, 'argocd', status);
    return { ...existing, status };
  });
  const rootStatus = {
    sync: { status: 'Synced', revision },
    health: { status: 'Healthy' },
    operationState: { phase: 'Succeeded' },
    resources: children.map((c) => ({ group: 'argoproj.io', kind: 'Application', namespace: 'argocd', name: c.metadata.name, status: 'Synced', health: (c.status as { health: unknown }).health })),
  };
  if (JSON.stringify(root.status) !== JSON.stringify(rootStatus)) f.setStatus(root.apiVersion, 'Application', root.metadata.name, 'argocd', rootStatus);
}

export interface Captured extends Io {
  out: string[];
  err: string[];
  text(): string;
}

export function captureIo(root: string, env: Record<string, string | undefined>, opts: { interactive?: boolean; answer?: boolean } = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    root,
    cwd: root,
    env,
    interactive: opts.interactive ?? false,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    confirm: async () => opts.answer ?? false,
    out,
    err,
    text: () => out.join('') + err.join(''),
  };
}

export const OPTIONS: BootstrapOptions = { cluster: 'kind-soma', dryRun: false, timeoutMs: 5 * 60_000, degradedGraceMs: 60_000, installTools: false, json: false };

/** Dependencies wired to the fake world, with a virtual clock. */
export function makeDeps(io: Captured, runner: ReturnType<typeof fakeMachine>, over: Partial<Deps> = {}): Deps & { clock: { t: number } } {
  const clock = { t: 1_000_000 };
  let counter = 0;
  return {
    ...defaultDeps(io),
    runner,
    connectKind: async (kindName) => connectKind(io.env, kindName, { retry: { initialDelayMs: 1, maxDelayMs: 5, budgetMs: 3_000 } }),
    installTool: async (name) => {
      throw new Error(`unexpected install of ${name}`);
    },
    portFree: async () => true,
    nodeVersion: '24.9.0',
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
    },
    pollMs: 2_000,
    randomBytes: (size) => Buffer.alloc(size, ++counter),
    clock,
    ...over,
  };
}
