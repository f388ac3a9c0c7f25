// Prometheus: scrapes every shared component every 15 s. Targets come from DNS
// service discovery (type A) on each component's headless Service, which resolves to
// one address per pod: every replica of a multi-pod store (Kafka brokers, etcd
// members, Vault raft nodes) is its own target, and Prometheus needs no Kubernetes
// API access, so it runs without RBAC and without a service account token.
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName, type ServiceComponent } from '../contracts.ts';
import type { KubeObject } from '../kube.ts';
import { NAMESPACE, type Environment } from '../names.ts';
import { toYaml } from '../yaml.ts';
import { contractService, headlessService } from './services.ts';
import type { Component, ConfigMapFiles } from './types.ts';
import { CONFIG_HASH_ANNOTATION, configHash, container, httpProbe, statefulSet, type Sizing } from './workload.ts';

const IMAGE = 'docker.io/prom/prometheus:v3.13.4';
/** The image runs as `nobody`. */
const UID = 65534;
const CONFIG_MAP = 'prometheus-config';
const CONFIG_FILE = 'prometheus.yml';
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

/** Query parameters some metrics endpoints need (Vault answers JSON unless asked for the Prometheus format). */
const METRICS_PARAMS: Partial<Record<ServiceComponent, Record<string, string[]>>> = {
  vault: { format: ['prometheus'] },
};

/** Every component Prometheus scrapes: all service components, in contract order. */
export const SCRAPED_COMPONENTS = Object.keys(CONTRACTS) as ServiceComponent[];

/** The job label of a component's metrics (dashboards select on it). */
export function scrapeJob(component: ServiceComponent): string {
  return component;
}

/** The DNS name Prometheus resolves to find a component's pods. */
export function discoveryName(component: ServiceComponent): string {
  return `${headlessServiceName(component)}.${NAMESPACE}.svc.cluster.local`;
}

function scrapeConfig(component: ServiceComponent): Record<string, unknown> {
  const { port, path, scheme } = INTERNAL_PORTS[component].metrics;
  const job: Record<string, unknown> = { job_name: scrapeJob(component), metrics_path: path, scheme: scheme ?? 'http' };
  const params = METRICS_PARAMS[component];
  if (params) job.params = params;
  if (component === 'prometheus') {
    // Itself, over loopback: no DNS or network policy between it and its own metrics.
    job.static_configs = [{ targets: [`localhost:${port}`] }];
  } else {
    job.dns_sd_configs = [{ names: [discoveryName(component)], type: 'A', port, refresh_interval: DNS_REFRESH }];
  }
  return job;
}

/** The Prometheus configuration (the same in every environment: only names and ports from the contract tables). */
export function buildPrometheusConfig(): Record<string, unknown> {
  return {
    global: { scrape_interval: SCRAPE_INTERVAL, scrape_timeout: '10s', evaluation_interval: SCRAPE_INTERVAL },
    scrape_configs: SCRAPED_COMPONENTS.map(scrapeConfig),
  };
}

export function renderPrometheusConfig(): string {
  return toYaml(buildPrometheusConfig());
}

function configFiles(): ConfigMapFiles[] {
  return [{ name: CONFIG_MAP, files: { [CONFIG_FILE]: renderPrometheusConfig() } }];
}

function args(p: PrometheusProfile): string[] {
  return [
    `--config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
    `--storage.tsdb.path=${DATA_DIR}`,
    `--storage.tsdb.retention.time=${p.retentionTime}`,
    `--storage.tsdb.retention.size=${p.retentionSize}`,
    `--web.listen-address=:${CONTRACTS.prometheus.port}`,
    // POST /-/reload applies a new ConfigMap without a restart (the config hash still rolls the pod on generate).
    '--web.enable-lifecycle',
  ];
}

function build(env: Environment): KubeObject[] {
  const p = PROFILES[env];
  const server = container({
    name: 'prometheus',
    image: IMAGE,
    args: args(p),
    ports: [{ name: PORT_NAME, containerPort: CONTRACTS.prometheus.port }],
    sizing: p.sizing,
    // /-/healthy answers as soon as the web server runs; /-/ready only after the WAL replay.
    liveness: httpProbe('/-/healthy', PORT_NAME, { initialDelaySeconds: 10 }),
    readiness: httpProbe('/-/ready', PORT_NAME, { periodSeconds: 5 }),
    mounts: [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'data', mountPath: DATA_DIR },
    ],
  });
  const files = Object.fromEntries(configFiles().flatMap((c) => Object.entries(c.files)));
  return [
    contractService('prometheus', PORT_NAME),
    headlessService('prometheus', { portName: PORT_NAME }),
    statefulSet({
      component: 'prometheus',
      replicas: 1,
      serviceName: headlessServiceName('prometheus'),
      podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash(files) },
      pod: {
        uid: UID,
        containers: [server],
        volumes: [{ name: 'config', configMap: { name: CONFIG_MAP } }],
        // Time to write the head block out cleanly on shutdown.
        terminationGracePeriodSeconds: 120,
      },
      volumeClaims: [{ name: 'data', size: p.storage }],
    }),
  ];
}

export const prometheus: Component = {
  name: 'prometheus',
  description: 'Prometheus: scrapes every shared component (15 s), retention per environment',
  tier: 'observability',
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
export function checkScrapeTargets(objects: Partial<Record<ServiceComponent, readonly KubeObject[]>>): string[] {
  const problems: string[] = [];
  for (const component of SCRAPED_COMPONENTS) {
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
    const port = INTERNAL_PORTS[component].metrics.port;
    if (!containerPorts(own).includes(port)) {
      problems.push(
        `${component}: no container declares port ${port}, where Prometheus scrapes ${INTERNAL_PORTS[component].metrics.path}`,
      );
    }
  }
  return problems;
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
