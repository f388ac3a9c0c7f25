// Prometheus: scrapes every shared component every 15 s. Targets come from DNS
// service discovery (type A) on each component's headless Service, which resolves to
// one address per pod: every replica of a multi-pod store (Kafka brokers, etcd
// members, Vault raft nodes) is its own target, and no Kubernetes API access is needed.
// The one exception is the volume usage of the components' claims, which only the
// kubelets report: a `kubelet` job finds the nodes through the API and reads their
// /metrics with a ServiceAccount allowed nothing but listing nodes and reading node
// metrics, keeping only the kubelet_volume_stats_* series of namespace soma-infra.
import type { KubeObject } from '../kube.ts';
import { NAMESPACE, type Environment } from '../names.ts';
import { toYaml } from '../yaml.ts';
import { contractService, headlessService } from './services.ts';
import type { ComponentName } from '../contracts.ts';
import {
  headlessServiceName,
  isServing,
  type BuildContext,
  type ComponentSpec,
  type ConfigMapFiles,
  type ServiceSpec,
  type ServingSpec,
} from './spec.ts';
import { CONFIG_HASH_ANNOTATION, configHash, container, httpProbe, statefulSet, type Sizing } from './workload.ts';
import { prometheusSmoke } from '../smoke/checks/prometheus.ts';
import { renderAlertRules } from './alerts/rules.ts';
import { prometheusDashboard } from './dashboards/prometheus.ts';
import { caFile, caVolumes, operatorScrapeConfigs } from './prometheus-tls.ts';
import { kubeletReader, kubeletScrapeConfig, SERVICE_ACCOUNT } from './prometheus-kubelet.ts';

export { KUBELET_READER, kubeletScrapeConfig } from './prometheus-kubelet.ts';

const IMAGE = 'docker.io/prom/prometheus:v3.13.4';
/** The consumer contract and internal ports (docs/contracts.md). */
export const PROMETHEUS_SERVICE: ServiceSpec = {
  port: 9090,
  secrets: [],
  metrics: { port: 9090, path: '/metrics' },
  // The kubelet job: node discovery through the API server, then each kubelet's port.
  egress: [
    { name: 'https', port: 443, why: 'the Kubernetes API (node discovery for the kubelet job)' },
    { name: 'apiserver', port: 6443, why: 'the Kubernetes API server where it listens on 6443 (kubeadm, Kind)' },
    { name: 'kubelet', port: 10250, why: "each node's kubelet, for the volume usage of the claims" },
  ],
};
/** The image runs as `nobody`. */
const UID = 65534;
const CONFIG_MAP = 'prometheus-config';
const CONFIG_FILE = 'prometheus.yml';
/** Beside the configuration in the same ConfigMap; Prometheus resolves rule_files relative to the config file. */
export const RULES_FILE = 'alerts.yml';
const CONFIG_DIR = '/etc/prometheus';
const DATA_DIR = '/prometheus';
const PORT_NAME = 'http';

export const SCRAPE_INTERVAL = '15s';
/** How often the DNS names are re-resolved, so new or rescheduled pods are picked up. */
const DNS_REFRESH = '30s';

interface PrometheusProfile {
  sizing: Sizing;
  /** PersistentVolumeClaim size of the TSDB. */
  storage: string;
  retentionTime: string;
  /** Kept below the volume size so compaction never fills the disk (Prometheus units are powers of two). */
  retentionSize: string;
}

const PROFILES: Record<Environment, PrometheusProfile> = {
  dev: {
    sizing: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } },
    storage: '2Gi',
    retentionTime: '2d',
    retentionSize: '1536MB',
  },
  staging: {
    sizing: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } },
    storage: '20Gi',
    retentionTime: '7d',
    retentionSize: '16GB',
  },
  prod: {
    sizing: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
    storage: '50Gi',
    retentionTime: '15d',
    retentionSize: '40GB',
  },
};

/** Every component Prometheus scrapes: all that serve a contract, in registration order. */
export function scrapedComponents(components: readonly ComponentSpec[]): ServingSpec[] {
  return components.filter(isServing);
}

/** The job label of a component's metrics (dashboards select on it). */
export function scrapeJob(component: ComponentName): string {
  return component;
}

/** The DNS name Prometheus resolves to find a component's pods. */
export function discoveryName(component: ComponentName): string {
  return `${headlessServiceName(component)}.${NAMESPACE}.svc.cluster.local`;
}

function scrapeConfig(c: ServingSpec): Record<string, unknown> {
  const { port, path, scheme, params } = c.service.metrics;
  const tls = scheme === 'https' ? c.service.tls : undefined;
  const job: Record<string, unknown> = { job_name: scrapeJob(c.name), metrics_path: path, scheme: scheme ?? 'http' };
  if (params) job.params = params;
  if (tls) job.tls_config = { ca_file: caFile(c.name, tls.caKey), server_name: tls.serverName };
  if (c.name === 'prometheus') {
    // Itself, over loopback: no DNS or network policy between it and its own metrics.
    job.static_configs = [{ targets: [`localhost:${port}`] }];
  } else {
    job.dns_sd_configs = [{ names: [discoveryName(c.name)], type: 'A', port, refresh_interval: DNS_REFRESH }];
  }
  return job;
}

/** The Prometheus configuration (the same in every environment: only names and ports from the component specs). */
export function buildPrometheusConfig(components: readonly ComponentSpec[]): Record<string, unknown> {
  return {
    global: { scrape_interval: SCRAPE_INTERVAL, scrape_timeout: '10s', evaluation_interval: SCRAPE_INTERVAL },
    rule_files: [RULES_FILE],
    scrape_configs: [
      ...scrapedComponents(components).map(scrapeConfig),
      ...components.flatMap((c) => operatorScrapeConfigs(c, DNS_REFRESH)),
      kubeletScrapeConfig(),
    ],
  };
}

/** The scrape jobs that find targets on a cluster running `enabled`: each must have one (smoke checks it). */
export function expectedScrapeJobs(enabled: readonly ComponentSpec[]): string[] {
  const configs = buildPrometheusConfig(enabled).scrape_configs as { job_name: string }[];
  return configs.map((c) => c.job_name);
}

export function renderPrometheusConfig(components: readonly ComponentSpec[]): string {
  return toYaml(buildPrometheusConfig(components));
}

function configFiles(ctx: BuildContext): ConfigMapFiles[] {
  return [
    {
      name: CONFIG_MAP,
      files: { [CONFIG_FILE]: renderPrometheusConfig(ctx.components), [RULES_FILE]: renderAlertRules() },
    },
  ];
}

function args(p: PrometheusProfile): string[] {
  return [
    `--config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
    `--storage.tsdb.path=${DATA_DIR}`,
    `--storage.tsdb.retention.time=${p.retentionTime}`,
    `--storage.tsdb.retention.size=${p.retentionSize}`,
    `--web.listen-address=:${PROMETHEUS_SERVICE.port}`,
    // POST /-/reload applies a new ConfigMap without a restart (the config hash still rolls the pod on generate).
    '--web.enable-lifecycle',
  ];
}

function build(env: Environment, ctx: BuildContext): KubeObject[] {
  const p = PROFILES[env];
  const ca = caVolumes(ctx.components);
  const server = container({
    name: 'prometheus',
    image: IMAGE,
    args: args(p),
    ports: [{ name: PORT_NAME, containerPort: PROMETHEUS_SERVICE.port }],
    sizing: p.sizing,
    // /-/healthy answers as soon as the web server runs; /-/ready only after the WAL replay.
    liveness: httpProbe('/-/healthy', PORT_NAME, { initialDelaySeconds: 10 }),
    readiness: httpProbe('/-/ready', PORT_NAME, { periodSeconds: 5 }),
    mounts: [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'data', mountPath: DATA_DIR },
      ...ca.mounts,
    ],
  });
  const files = Object.fromEntries(configFiles(ctx).flatMap((c) => Object.entries(c.files)));
  return [
    ...kubeletReader(),
    contractService('prometheus', PROMETHEUS_SERVICE, PORT_NAME),
    headlessService('prometheus', PROMETHEUS_SERVICE, { portName: PORT_NAME }),
    statefulSet({
      component: 'prometheus',
      replicas: 1,
      serviceName: headlessServiceName('prometheus'),
      podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash(files) },
      pod: {
        uid: UID,
        containers: [server],
        volumes: [{ name: 'config', configMap: { name: CONFIG_MAP } }, ...ca.volumes],
        serviceAccountName: SERVICE_ACCOUNT,
        // Time to write the head block out cleanly on shutdown.
        terminationGracePeriodSeconds: 120,
      },
      volumeClaims: [{ name: 'data', size: p.storage }],
    }),
  ];
}

export const prometheus: ComponentSpec = {
  name: 'prometheus',
  description: 'Prometheus: scrapes every shared component (15 s), retention per environment',
  tier: 'observability',
  uid: UID,
  service: PROMETHEUS_SERVICE,
  dependsOn: [],
  dashboard: prometheusDashboard,
  smoke: [prometheusSmoke],
  sourceFiles: [],
  images: [{ role: 'prometheus server', image: IMAGE }],
  build,
  configFiles,
};

/**
 * What the scrape configuration expects of the other components' objects: a headless
 * Service `<c>-headless` selecting the component's pods, and a container port equal to
 * the component's metrics port. Returns one message per unmet expectation (empty when
 * all hold), for tests and `validate` to report.
 */
export function checkScrapeTargets(
  objects: Partial<Record<ComponentName, readonly KubeObject[]>>,
  components: readonly ComponentSpec[],
): string[] {
  const problems: string[] = [];
  for (const { name: component, service } of scrapedComponents(components)) {
    const own = objects[component];
    if (!own || component === 'prometheus') continue;
    const name = headlessServiceName(component);
    const svc = own.find((o) => o.kind === 'Service' && o.metadata.name === name);
    const spec = svc?.spec as { clusterIP?: string } | undefined;
    if (!svc)
      problems.push(
        `${component}: no Service '${name}' — Prometheus finds the pods by resolving ${discoveryName(component)}`,
      );
    else if (spec?.clusterIP !== 'None')
      problems.push(
        `${component}: Service '${name}' must be headless (clusterIP: None) so DNS returns one address per pod`,
      );
    const port = service.metrics.port;
    if (!containerPorts(own).includes(port) && !operatorServes(port, own)) {
      problems.push(
        `${component}: no container declares port ${port}, where Prometheus scrapes ${service.metrics.path}`,
      );
    }
  }
  return problems;
}

/** A CloudNativePG Cluster's instances serve their exporter on 9187; the operator writes their pods. */
const CNPG_METRICS_PORT = 9187;
const isCnpgCluster = (o: KubeObject) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/');
/** A Strimzi Kafka with metricsConfig: its nodes serve the exporter on 9404; the operator writes their pods. */
const STRIMZI_METRICS_PORT = 9404;
const isStrimziKafkaWithMetrics = (o: KubeObject) =>
  o.kind === 'Kafka' && o.apiVersion.startsWith('kafka.strimzi.io/') && !!(o.spec as any)?.kafka?.metricsConfig;

/** Pods an operator makes from a custom resource serve the metrics port its spec turns on. */
function operatorServes(port: number, own: readonly KubeObject[]): boolean {
  return (
    (port === CNPG_METRICS_PORT && own.some(isCnpgCluster)) ||
    (port === STRIMZI_METRICS_PORT && own.some(isStrimziKafkaWithMetrics))
  );
}

function containerPorts(objects: readonly KubeObject[]): number[] {
  const ports: number[] = [];
  for (const o of objects) {
    const template = (
      o.spec as { template?: { spec?: { containers?: { ports?: { containerPort: number }[] }[] } } } | undefined
    )?.template;
    for (const c of template?.spec?.containers ?? []) for (const p of c.ports ?? []) ports.push(p.containerPort);
  }
  return ports;
}
