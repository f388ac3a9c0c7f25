// Redis: the shared cache (redis.soma-infra.svc:6379), AOF with fsync every second and
// allkeys-lru eviction (docs/components.md).
//
// A StatefulSet in every environment, so the append-only file survives restarts. Access is
// limited by the NetworkPolicies to namespaces labelled soma.sh/allow-shared-infra=true; in
// staging and prod clients also authenticate with the password in the Secret
// soma-infra-redis-auth (docs/contracts.md), while dev stays password-free.
import type { KubeObject, V1Container } from '../kube.ts';
import type { Environment } from '../names.ts';
import { redisDashboard } from './dashboards/redis.ts';
import { headlessServiceName, type ComponentSpec, type ServiceSpec } from './spec.ts';
import { contractService, headlessService } from './services.ts';
import { container, execProbe, httpProbe, secretEnv, statefulSet, type Sizing } from './workload.ts';
import { redisSmoke } from '../smoke/checks/redis.ts';

export const REDIS_IMAGES = {
  redis: 'docker.io/library/redis:8.10.2-trixie',
  exporter: 'docker.io/oliver006/redis_exporter:v1.93.0',
} as const;

interface RedisProfile {
  redis: Sizing;
  exporter: Sizing;
  /**
   * Redis `maxmemory` for the dataset. Kept well below the container limit: copy-on-write
   * during AOF rewrites, client buffers and the bundled modules need the rest.
   */
  maxmemory: string;
  storage: string;
  /** Clients must AUTH with the password from AUTH_SECRET. */
  password: boolean;
}

const PROFILES: Record<Environment, RedisProfile> = {
  dev: {
    redis: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '300m', memory: '512Mi' } },
    exporter: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    maxmemory: '300mb',
    storage: '1Gi',
    password: false,
  },
  staging: {
    redis: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    exporter: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    maxmemory: '640mb',
    storage: '5Gi',
    password: true,
  },
  prod: {
    redis: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    exporter: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    maxmemory: '1280mb',
    storage: '10Gi',
    password: true,
  },
};

const NAME = 'redis';
/** The consumer contract and internal ports (docs/contracts.md). */
export const REDIS_SERVICE: ServiceSpec = {
  port: 6379,
  secrets: [{ name: 'soma-infra-redis-auth', keys: ['password'], environments: ['staging', 'prod'] }],
  metrics: { port: 9121, path: '/metrics' },
};
const AUTH_SECRET = REDIS_SERVICE.secrets[0]!.name;
/** Where the server's password file is written at start: memory only, never on the data volume. */
const AUTH_DIR = '/run/redis-auth';
/** The redis user and group of the Debian-based official image. */
const UID = 999;
const PORT = REDIS_SERVICE.port;
const METRICS = REDIS_SERVICE.metrics;

/** The server's settings, as arguments (the image ships no config file and the root filesystem is read-only). */
export function redisArgs(p: RedisProfile): string[] {
  const settings: [string, string][] = [
    ['port', String(PORT)],
    ['dir', '/data'],
    ['appendonly', 'yes'],
    ['appendfsync', 'everysec'],
    ['maxmemory', p.maxmemory],
    ['maxmemory-policy', 'allkeys-lru'],
  ];
  return ['redis-server', ...settings.flatMap(([k, v]) => [`--${k}`, v])];
}

// Liveness wants any answer from the server (LOADING while the AOF replays is still alive);
// readiness wants PONG, so clients are not sent to a server that is still loading. Both
// read the reply itself, which does not depend on how redis-cli reports error replies.
const ping = `redis-cli -h 127.0.0.1 -p ${PORT} ping 2>&1`;
const answers = ['sh', '-c', `case "$(${ping})" in PONG|*LOADING*) exit 0 ;; *) exit 1 ;; esac`];
const pong = ['sh', '-c', `[ "$(${ping})" = PONG ]`];

/**
 * With a password, the server starts from a one-line config file holding `requirepass`,
 * written from the Secret into memory: on the command line the password would show in
 * every process listing. redis-cli (the probes) reads REDISCLI_AUTH.
 */
function withPassword(args: string[]): Pick<V1Container, 'command' | 'args' | 'env'> {
  const script = `umask 077 && printf 'requirepass "%s"\\n' "$REDIS_PASSWORD" > ${AUTH_DIR}/auth.conf && exec redis-server ${AUTH_DIR}/auth.conf "$@"`;
  return {
    command: ['sh', '-c', script],
    args, // $0 is 'redis-server', "$@" the settings
    env: [secretEnv('REDIS_PASSWORD', AUTH_SECRET, 'password'), secretEnv('REDISCLI_AUTH', AUTH_SECRET, 'password')],
  };
}

function redisContainer(p: RedisProfile): V1Container {
  const start = p.password ? withPassword(redisArgs(p)) : { args: redisArgs(p) };
  return container({
    name: NAME,
    image: REDIS_IMAGES.redis,
    ...start,
    ports: [{ name: 'redis', containerPort: PORT }],
    sizing: p.redis,
    // replaying a large append-only file on start can take a while
    startup: execProbe(pong, { periodSeconds: 5, failureThreshold: 60 }),
    liveness: execProbe(answers, { periodSeconds: 10, failureThreshold: 6 }),
    readiness: execProbe(pong, { periodSeconds: 5, failureThreshold: 3 }),
    mounts: [{ name: 'data', mountPath: '/data' }, ...(p.password ? [{ name: 'auth', mountPath: AUTH_DIR }] : [])],
  });
}

function exporterContainer(p: RedisProfile): V1Container {
  return container({
    name: 'exporter',
    image: REDIS_IMAGES.exporter,
    args: [
      `-redis.addr=redis://127.0.0.1:${PORT}`,
      `-web.listen-address=:${METRICS.port}`,
      `-web.telemetry-path=${METRICS.path}`,
    ],
    // redis_exporter reads REDIS_PASSWORD from its environment.
    env: p.password ? [secretEnv('REDIS_PASSWORD', AUTH_SECRET, 'password')] : undefined,
    ports: [{ name: 'metrics', containerPort: METRICS.port }],
    sizing: p.exporter,
    liveness: httpProbe('/health', 'metrics'),
    readiness: httpProbe('/health', 'metrics'),
  });
}

function build(environment: Environment): KubeObject[] {
  const p = PROFILES[environment];
  return [
    contractService(NAME, REDIS_SERVICE, 'redis'),
    // Prometheus finds the exporter through the headless Service; the contract Service carries only the contract port.
    headlessService(NAME, REDIS_SERVICE, { portName: 'redis' }),
    statefulSet({
      component: NAME,
      replicas: 1,
      serviceName: headlessServiceName(NAME),
      pod: {
        uid: UID,
        containers: [redisContainer(p), exporterContainer(p)],
        volumes: p.password ? [{ name: 'auth', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] : undefined,
        terminationGracePeriodSeconds: 30,
      },
      volumeClaims: [{ name: 'data', size: p.storage }],
    }),
  ];
}

export const redis: ComponentSpec = {
  name: NAME,
  description: 'Redis 8 cache: AOF (fsync every second), allkeys-lru, on a PVC, with a Prometheus exporter',
  tier: 'store',
  uid: UID,
  service: REDIS_SERVICE,
  dependsOn: [],
  dashboard: redisDashboard,
  smoke: [redisSmoke],
  sourceFiles: [],
  images: [
    { role: 'cache server', image: REDIS_IMAGES.redis },
    { role: 'Prometheus exporter sidecar', image: REDIS_IMAGES.exporter },
  ],
  build,
};
