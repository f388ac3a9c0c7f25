// Two fake API servers, a hub (mgmt, standalone, no Kind) and a spoke (staging, managed from
// mgmt), in one kubeconfig; a repository holding both cluster.yaml files and their generated
// root apps; controllers that act like the spoke's token controller and the hub's Argo CD.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBootstrapProject, buildRootApplication } from '../../src/core/argocd.ts';
import { parseClusterConfig, type ClusterConfig } from '../../src/core/cluster-config.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { toYamlStream } from '../../src/core/yaml.ts';
import { main } from '../../src/cli/main.ts';
import type { Deps } from '../../src/cli/deps.ts';
import { expectedApplications } from '../../src/commands/bootstrap/wait.ts';
import { startFakeKube, type FakeKube } from '../support/fake-kube.ts';
import { tempDir } from '../support/temp.ts';
import { captureIo, fakeMachine, HEAD, makeDeps, REPO_URL, simulateCluster } from './harness.ts';
import { fakes } from './world.ts';

export const HUB_UID = '11111111-1111-4111-8111-111111111111';
export const SPOKE_UID = '22222222-2222-4222-8222-222222222222';
/** What the spoke's token controller writes: never to appear in any output. */
export const TOKEN = 'spoke-sa-token-0123456789abcdef';
export const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n').toString('base64');
export const SPOKE_SERVER = 'https://staging.example.com:6443';

const HUB_YAML = `name: mgmt
environment: prod
context: soma-mgmt
destination: { server: https://kubernetes.default.svc }
repository: { url: ${REPO_URL}, revision: main }
components: []
`;

export const spokeYaml = (extra = `identity: { uid: ${SPOKE_UID} }\n`) => `name: staging
environment: staging
context: soma-staging
argocd: { managedBy: mgmt }
destination: { server: ${SPOKE_SERVER} }
repository: { url: ${REPO_URL}, revision: main }
components: [platform, cnpg, postgres]
backup: { destinationPath: s3://backups/staging, credentialsSecret: staging-backup-keys }
${extra}`;

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** (Re)writes a cluster.yaml and its generated root app. */
export function writeCluster(root: string, name: string, yaml: string): ClusterConfig {
  const r = parseClusterConfig(`clusters/${name}/cluster.yaml`, name, yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  write(root, `clusters/${name}/cluster.yaml`, yaml);
  write(root, `bootstrap/clusters/${name}/root-app.yaml`, toYamlStream([buildBootstrapProject(r.config), buildRootApplication(r.config)]));
  return r.config;
}

const kubeSystem = (uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', uid } });

/** The spoke's token controller: a service-account-token Secret gets a token and the CA. */
function tokenController(spoke: FakeKube): void {
  spoke.onWrite((o, _verb, f) => {
    if (o.kind !== 'Secret' || (o as { type?: string }).type !== 'kubernetes.io/service-account-token') return;
    const data = (o.data ?? {}) as Record<string, string>;
    if (data.token) return;
    f.put({ ...o, data: { ...data, token: Buffer.from(TOKEN).toString('base64'), 'ca.crt': CA } });
  });
}

/** The hub's Argo CD in miniature: every root Application gets its children, all Synced and Healthy; once a root is deleted, so are they. */
function hubArgo(hub: FakeKube, clusters: () => ClusterConfig[]): void {
  hub.onRead((f) => {
    for (const c of clusters()) {
      let root;
      try {
        root = f.get('argoproj.io/v1alpha1', 'Application', `${c.name}-root`, 'argocd');
      } catch {
        return; // CRDs not installed yet
      }
      if (!root) {
        for (const app of f.all('Application')) if (app.metadata.labels?.['soma.sh/cluster'] === c.name) f.remove(app.apiVersion, 'Application', app.metadata.name, 'argocd');
        continue;
      }
      const status = { sync: { status: 'Synced', revision: HEAD }, health: { status: 'Healthy' }, operationState: { phase: 'Succeeded' } };
      for (const app of expectedApplications(c)) {
        const live = f.get('argoproj.io/v1alpha1', 'Application', app.name, 'argocd');
        if (!live) f.put({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: app.name, namespace: 'argocd', labels: { 'soma.sh/cluster': c.name } }, spec: {}, status });
        else if (!live.status) f.setStatus(live.apiVersion, 'Application', app.name, 'argocd', status);
      }
    }
  });
}

export async function hubWorld(o: { spoke?: string } = {}) {
  const hub = await startFakeKube();
  const spoke = await startFakeKube();
  fakes.push(hub, spoke);
  hub.put(kubeSystem(HUB_UID));
  spoke.put(kubeSystem(SPOKE_UID));
  // The backup target's keys: always provided by the platform team, never by bootstrap.
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  spoke.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'staging-backup-keys', namespace: 'soma-infra' },
    data: { ACCESS_KEY_ID: b64('id'), ACCESS_SECRET_KEY: b64('key') },
  });
  simulateCluster(hub);
  tokenController(spoke);
  const root = tempDir('hub-repo-');
  const configs = { mgmt: writeCluster(root, 'mgmt', HUB_YAML), staging: writeCluster(root, 'staging', o.spoke ?? spokeYaml()) };
  hubArgo(hub, () => Object.values(configs));
  const kubeconfig = hub.writeKubeconfig(tempDir('kc-'), { context: 'soma-mgmt', extra: [{ context: 'soma-staging', server: spoke.url }] });
  // An unreachable server fails after one second of retries, not the default ninety.
  const env = { KUBECONFIG: kubeconfig, HOME: root, SOMASTACK_KUBE_RETRY_SECONDS: '1' };
  const machine = fakeMachine();
  const io = captureIo(root, env);
  return { hub, spoke, root, env, machine, io, configs, deps: makeDeps(io, machine) };
}

export type HubWorld = Awaited<ReturnType<typeof hubWorld>>;

export async function run(w: HubWorld, command: string, flags: Record<string, string | boolean>, deps: Partial<Deps> = {}) {
  w.io.out.length = 0;
  w.io.err.length = 0;
  const argv = Object.entries(flags).flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [] : [`--${k}`, v]));
  const code = await main([command, ...argv], w.io, { deps: { ...w.deps, ...deps } });
  return { code, stdout: w.io.out.join(''), stderr: w.io.err.join('') };
}

export const bootstrapIn = (w: HubWorld, cluster: string, flags: Record<string, string | boolean> = {}, deps: Partial<Deps> = {}) =>
  run(w, 'bootstrap', { cluster, timeout: '5m', ...flags }, deps);
