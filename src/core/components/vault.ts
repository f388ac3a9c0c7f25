// Vault: the shared secrets service (vault.soma-infra.svc:8200).
//
// Two shapes. staging and prod (the base, baseEnvironment 'staging') run a real server
// from a ConfigMap: integrated raft storage on a PVC, joined over the headless Service,
// one node in staging and three in prod. A real server starts sealed and uninitialised;
// an operator initialises it once and unseals every node after each restart (the steps
// are in docs/operations.md). dev — and only dev — runs `vault server -dev`: in memory,
// unsealed, with the root token taken from the bootstrap's Secret, as a Deployment with
// nothing to persist. The dev overlay therefore replaces the StatefulSet, ConfigMap and
// budget with a Deployment.
//
// Every environment listens with TLS on the contract port (vault-tls.ts: the certificate
// from cert-manager's in-cluster CA, and the sidecar that makes Vault reload it), so
// consumers, Prometheus, smoke and raft's joins verify the same certificate everywhere.
//
// The image's entrypoint is bypassed (the command is the vault binary): as a non-root
// user it would try to chown /vault/config and setcap the binary and fail. IPC_LOCK is
// dropped with every other capability, so the config disables mlock.
import type { KubeObject, V1Container, V1EnvVar, V1Probe } from '../kube.ts';
import { NAMESPACE, type Environment } from '../names.ts';
import { contractService, headlessService } from './services.ts';
import { vaultDashboard } from './dashboards/vault.ts';
import { headlessServiceName, namedPort, type ComponentSpec, type ServiceSpec } from './spec.ts';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  configMap,
  container,
  deployment,
  emptyDir,
  env,
  httpProbe,
  podDisruptionBudget,
  secretEnv,
  statefulSet,
  type Sizing,
} from './workload.ts';
import { vaultSmoke } from '../smoke/checks/vault.ts';
import {
  DATA_DIR,
  DEV_LISTEN_ADDRESS,
  devConfig,
  raftJoinAddresses,
  serverConfig,
  VAULT_CLUSTER_PORT,
  VAULT_PORT,
  vaultPodHost,
} from './vault-config.ts';

export { devConfig, raftJoinAddresses, serverConfig, vaultPodHost };
import {
  buildCa,
  tlsReloader,
  VAULT_TLS_FILES,
  VAULT_TLS_SECRET,
  vaultCertificate,
  vaultTlsMount,
  vaultTlsVolume,
} from './vault-tls.ts';

export const VAULT_IMAGE = 'docker.io/hashicorp/vault:1.21.4';

interface DevProfile {
  /** The in-memory dev server: one pod, unsealed, nothing persisted. */
  mode: 'dev';
  sizing: Sizing;
}

interface RaftProfile {
  /** The real server on integrated raft storage. */
  mode: 'raft';
  replicas: number;
  sizing: Sizing;
  storage: string;
  /** PodDisruptionBudget and anti-affinity: a drain never takes the quorum. */
  highAvailability: boolean;
}

type VaultProfile = DevProfile | RaftProfile;

const PROFILES: Record<Environment, VaultProfile> = {
  dev: {
    mode: 'dev',
    // With the reload sidecar (5m, 8Mi): 100m / 128Mi, the pod's share of the laptop budget.
    sizing: { requests: { cpu: '95m', memory: '120Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  },
  staging: {
    mode: 'raft',
    replicas: 1,
    sizing: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    storage: '5Gi',
    highAvailability: false,
  },
  prod: {
    mode: 'raft',
    replicas: 3,
    sizing: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    storage: '10Gi',
    highAvailability: true,
  },
};

const NAME = 'vault';
/** The consumer contract and internal ports (docs/contracts.md). */
export const VAULT_SERVICE: ServiceSpec = {
  port: VAULT_PORT,
  secrets: [{ name: 'soma-infra-vault-dev-root', keys: ['token'], environments: ['dev'] }],
  // Vault answers JSON unless asked for the Prometheus format. Over TLS: clients (Prometheus
  // included) verify with the CA's certificate, ca.crt of Vault's Secret, and the contract name.
  metrics: {
    port: VAULT_PORT,
    path: '/v1/sys/metrics',
    params: { format: ['prometheus'] },
    scheme: 'https',
  },
  tls: { caSecret: VAULT_TLS_SECRET, caKey: 'ca.crt', serverName: `vault.${NAMESPACE}.svc.cluster.local` },
  peer: [{ name: 'cluster', port: VAULT_CLUSTER_PORT }],
};
/** The image's `vault` user (Alpine `adduser -S`: uid 100) and group (`addgroup`: gid 1000). */
const UID = 100;
const GID = 1000;
const PORT = VAULT_SERVICE.port;
const CLUSTER_PORT = namedPort(VAULT_SERVICE.peer, 'cluster').port;
const HEADLESS = headlessServiceName(NAME);
const DEV_ROOT = VAULT_SERVICE.secrets.find((s) => s.environments?.includes('dev'))!;
const CONFIG_MAP = 'vault-config';
const CONFIG_FILE = 'vault.hcl';
const CONFIG_DIR = '/vault/config';

// sys/health answers 200 active, 429 standby, 501 uninitialised, 503 sealed.
/** Ready only when the node can serve: active or an unsealed standby (which forwards to the active node). */
export const READINESS_PATH = '/v1/sys/health?standbyok=true&perfstandbyok=true';
/** Alive whenever the process answers: a restart never unseals or initialises a node, it only re-seals it. */
export const LIVENESS_PATH = '/v1/sys/health?standbyok=true&perfstandbyok=true&sealedcode=204&uninitcode=204';

/** The kubelet does not verify the certificate; it only needs to speak TLS to the listener. */
const httpsProbe = (path: string, t: Parameters<typeof httpProbe>[2]): V1Probe => {
  const p = httpProbe(path, 'https', t);
  return { ...p, httpGet: { ...p.httpGet!, scheme: 'HTTPS' } };
};

function probes(): { liveness: V1Probe; readiness: V1Probe } {
  return {
    liveness: httpsProbe(LIVENESS_PATH, { initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 6 }),
    readiness: httpsProbe(READINESS_PATH, { periodSeconds: 5, failureThreshold: 2 }),
  };
}

// The CLI inside the pod talks to its own listener by a name the certificate carries.
const common = env({ VAULT_ADDR: `https://127.0.0.1:${PORT}`, VAULT_CACERT: VAULT_TLS_FILES.ca });
const writable = [
  { name: 'tmp', mountPath: '/tmp' },
  // The CLI's token helper writes ~/.vault-token when an operator logs in inside the pod.
  { name: 'home', mountPath: '/home/vault' },
];

function devContainer(p: DevProfile): V1Container {
  return container({
    name: NAME,
    image: VAULT_IMAGE,
    command: ['vault'],
    // -dev-no-store-token: the dev server would otherwise write the root token to a read-only home.
    // -config adds the contract-port listener of devConfig() beside dev mode's loopback one.
    args: [
      'server',
      '-dev',
      '-dev-no-store-token',
      `-dev-listen-address=${DEV_LISTEN_ADDRESS}`,
      `-config=${CONFIG_DIR}/${CONFIG_FILE}`,
    ],
    env: [secretEnv('VAULT_DEV_ROOT_TOKEN_ID', DEV_ROOT.name, 'token'), ...common],
    ports: [{ name: 'https', containerPort: PORT }],
    sizing: p.sizing,
    ...probes(),
    mounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }, vaultTlsMount, ...writable],
  });
}

function serverEnv(): V1EnvVar[] {
  const self = `$(POD_NAME).${HEADLESS}.${NAMESPACE}.svc.cluster.local`;
  return [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ...env({
      VAULT_RAFT_NODE_ID: '$(POD_NAME)',
      VAULT_API_ADDR: `https://${self}:${PORT}`,
      // Cluster (request forwarding, raft) traffic is always TLS, with certificates Vault makes itself.
      VAULT_CLUSTER_ADDR: `https://${self}:${CLUSTER_PORT}`,
    }),
    ...common,
  ];
}

function serverContainer(p: RaftProfile): V1Container {
  return container({
    name: NAME,
    image: VAULT_IMAGE,
    command: ['vault'],
    args: ['server', `-config=${CONFIG_DIR}/${CONFIG_FILE}`],
    env: serverEnv(),
    ports: [
      { name: 'https', containerPort: PORT },
      { name: 'cluster', containerPort: CLUSTER_PORT },
    ],
    sizing: p.sizing,
    ...probes(),
    mounts: [
      { name: 'data', mountPath: DATA_DIR },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      vaultTlsMount,
      ...writable,
    ],
  });
}

// `kubectl exec vault-0 -- vault …` runs in the server container, not in the reload sidecar.
const podAnnotations = (config: string) => ({
  [CONFIG_HASH_ANNOTATION]: configHash({ [CONFIG_FILE]: config }),
  'kubectl.kubernetes.io/default-container': NAME,
});

const volumes = () => [
  { name: 'config', configMap: { name: CONFIG_MAP } },
  vaultTlsVolume(),
  emptyDir('tmp', '64Mi'),
  emptyDir('home', '1Mi'),
];

function devServer(p: DevProfile, config: string): KubeObject {
  return deployment({
    component: NAME,
    replicas: 1,
    // In memory: two dev servers side by side would be two different vaults.
    strategy: 'Recreate',
    podAnnotations: podAnnotations(config),
    pod: {
      uid: UID,
      gid: GID,
      containers: [devContainer(p), tlsReloader(VAULT_IMAGE)],
      volumes: volumes(),
      // The reload sidecar signals the vault process of the other container.
      shareProcessNamespace: true,
    },
  });
}

function raftServers(p: RaftProfile, config: string): KubeObject {
  return statefulSet({
    component: NAME,
    replicas: p.replicas,
    serviceName: HEADLESS,
    // Every node starts sealed and never becomes ready on its own; ordered start-up would stall.
    podManagementPolicy: 'Parallel',
    podAnnotations: podAnnotations(config),
    pod: {
      uid: UID,
      gid: GID,
      containers: [serverContainer(p), tlsReloader(VAULT_IMAGE)],
      volumes: volumes(),
      shareProcessNamespace: true,
      antiAffinityFor: p.highAvailability ? NAME : undefined,
    },
    volumeClaims: [{ name: 'data', size: p.storage }],
  });
}

function build(environment: Environment): KubeObject[] {
  const p = PROFILES[environment];
  const contract = contractService(NAME, VAULT_SERVICE, 'https');
  // Prometheus resolves the headless Service in every environment; raft nodes also find each
  // other through it. The same in dev, where the cluster port simply has no endpoint.
  const headless = headlessService(NAME, VAULT_SERVICE, { portName: 'https', publishNotReadyAddresses: true });
  const tls = [...buildCa(), vaultCertificate()];
  if (p.mode === 'dev')
    return [
      configMap(NAME, CONFIG_MAP, { [CONFIG_FILE]: devConfig() }),
      contract,
      headless,
      ...tls,
      devServer(p, devConfig()),
    ];
  const config = serverConfig(p.replicas);
  const objects = [
    configMap(NAME, CONFIG_MAP, { [CONFIG_FILE]: config }),
    contract,
    headless,
    ...tls,
    raftServers(p, config),
  ];
  if (p.highAvailability) objects.push(podDisruptionBudget(NAME, NAME, 1));
  return objects;
}

export const vault: ComponentSpec = {
  name: NAME,
  description:
    'HashiCorp Vault over TLS (certificate from the in-cluster CA): dev-mode server in dev; raft storage (1 node staging, 3 prod) elsewhere, initialised and unsealed by an operator',
  tier: 'operator-gated',
  uid: UID,
  service: VAULT_SERVICE,
  dependsOn: [{ component: 'cert-manager', why: "cert-manager issues Vault's certificate from the in-cluster CA" }],
  dashboard: vaultDashboard,
  smoke: [vaultSmoke],
  sourceFiles: [],
  images: [{ role: 'vault server', image: VAULT_IMAGE }],
  baseEnvironment: 'staging',
  build,
};
