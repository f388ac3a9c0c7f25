// Grafana: one replica with a SQLite database on a volume, provisioned from ConfigMaps
// with the Prometheus datasource and the baseline dashboards. It reaches nothing on
// the internet: analytics, update checks, the news feed and the plugin preinstaller
// are off. The admin login comes from the contract Secret.
import { obj, type KubeObject, type V1Volume, type V1VolumeMount } from '../kube.ts';
import { KIND_PORTS, type Environment } from '../names.ts';
import { toYaml } from '../yaml.ts';
import { DATASOURCE_UID, dashboardFiles } from './dashboards/index.ts';
import { PROMETHEUS_SERVICE, SCRAPE_INTERVAL } from './prometheus.ts';
import { contractService, headlessService } from './services.ts';
import { deriveDashboards } from './tables.ts';
import { serviceDns, type BuildContext, type ComponentSpec, type ConfigMapFiles, type ServiceSpec } from './spec.ts';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  container,
  deployment,
  emptyDir,
  env,
  httpProbe,
  meta,
  selectorLabels,
  type Sizing,
} from './workload.ts';
import { grafanaSmoke } from '../smoke/checks/grafana.ts';

const IMAGE = 'docker.io/grafana/grafana:12.4.12';
/** The consumer contract and internal ports (docs/contracts.md). */
export const GRAFANA_SERVICE: ServiceSpec = {
  port: 3000,
  secrets: [{ name: 'soma-infra-grafana-admin', keys: ['admin-user', 'admin-password'] }],
  metrics: { port: 3000, path: '/metrics' },
};
/** The image's `grafana` user; its files are group-readable, so the pod uses a matching group. */
const UID = 472;
const PORT_NAME = 'http';
const DATA_CLAIM = 'grafana-data';
/** The dev-only NodePort Service the Kind port mapping reaches (the contract Service stays ClusterIP). */
export const UI_SERVICE = 'grafana-ui';

const PATHS = {
  data: '/var/lib/grafana',
  logs: '/var/log/grafana',
  plugins: '/var/lib/grafana-plugins',
  provisioning: '/etc/grafana/provisioning',
  dashboards: '/etc/grafana/dashboards',
  secrets: '/etc/grafana/secrets',
  tmp: '/tmp',
} as const;

const CONFIG_MAPS = {
  datasources: 'grafana-datasources',
  providers: 'grafana-dashboard-providers',
  dashboards: 'grafana-dashboards',
} as const;

const ADMIN_SECRET = GRAFANA_SERVICE.secrets[0]!;
const [ADMIN_USER_KEY, ADMIN_PASSWORD_KEY] = ADMIN_SECRET.keys as readonly [string, string];

interface GrafanaProfile {
  sizing: Sizing;
  /** Size of the volume holding grafana.db (users, preferences, UI-made dashboards). */
  storage: string;
  /** Expose the UI on the Kind node port (local clusters only). */
  nodePort: boolean;
}

const PROFILES: Record<Environment, GrafanaProfile> = {
  dev: {
    sizing: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    storage: '1Gi',
    nodePort: true,
  },
  staging: {
    sizing: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    storage: '2Gi',
    nodePort: false,
  },
  prod: {
    sizing: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    storage: '5Gi',
    nodePort: false,
  },
};

function datasourcesFile(): string {
  return toYaml({
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        url: `http://${serviceDns('prometheus')}:${PROMETHEUS_SERVICE.port}`,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: SCRAPE_INTERVAL, httpMethod: 'POST' },
      },
    ],
  });
}

function providersFile(): string {
  return toYaml({
    apiVersion: 1,
    providers: [
      {
        name: 'soma-shared-infra',
        orgId: 1,
        folder: 'Soma shared infra',
        folderUid: 'soma-shared-infra',
        type: 'file',
        // The dashboards live in git: the UI may not change or delete them.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: PATHS.dashboards, foldersFromFilesStructure: false },
      },
    ],
  });
}

function configFiles(ctx: BuildContext): ConfigMapFiles[] {
  return [
    { name: CONFIG_MAPS.datasources, files: { 'prometheus.yaml': datasourcesFile() } },
    { name: CONFIG_MAPS.providers, files: { 'soma.yaml': providersFile() } },
    { name: CONFIG_MAPS.dashboards, files: dashboardFiles(deriveDashboards(ctx.components)) },
  ];
}

function settings(): ReturnType<typeof env> {
  return env({
    GF_PATHS_DATA: PATHS.data,
    GF_PATHS_LOGS: PATHS.logs,
    GF_PATHS_PLUGINS: PATHS.plugins,
    GF_PATHS_PROVISIONING: PATHS.provisioning,
    GF_SERVER_HTTP_PORT: String(GRAFANA_SERVICE.port),
    // The image's run.sh reads these files into GF_SECURITY_ADMIN_USER/PASSWORD; only used when grafana.db is created.
    GF_SECURITY_ADMIN_USER__FILE: `${PATHS.secrets}/${ADMIN_USER_KEY}`,
    GF_SECURITY_ADMIN_PASSWORD__FILE: `${PATHS.secrets}/${ADMIN_PASSWORD_KEY}`,
    GF_SECURITY_DISABLE_GRAVATAR: 'true',
    GF_AUTH_ANONYMOUS_ENABLED: 'false',
    GF_USERS_ALLOW_SIGN_UP: 'false',
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    GF_ANALYTICS_FEEDBACK_LINKS_ENABLED: 'false',
    GF_NEWS_NEWS_FEED_ENABLED: 'false',
    GF_PLUGINS_PREINSTALL_DISABLED: 'true',
    GF_LOG_MODE: 'console',
  });
}

function volumes(): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const cm = (name: string): V1Volume => ({ name, configMap: { name } });
  return {
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: DATA_CLAIM } },
      emptyDir('logs', '128Mi'),
      emptyDir('plugins', '128Mi'),
      emptyDir('tmp', '128Mi'),
      cm(CONFIG_MAPS.datasources),
      cm(CONFIG_MAPS.providers),
      cm(CONFIG_MAPS.dashboards),
      // 0440: readable by the pod's fsGroup only.
      {
        name: 'admin',
        secret: {
          secretName: ADMIN_SECRET.name,
          defaultMode: 0o440,
          items: ADMIN_SECRET.keys.map((k) => ({ key: k, path: k })),
        },
      },
    ],
    mounts: [
      { name: 'data', mountPath: PATHS.data },
      { name: 'logs', mountPath: PATHS.logs },
      { name: 'plugins', mountPath: PATHS.plugins },
      { name: 'tmp', mountPath: PATHS.tmp },
      { name: CONFIG_MAPS.datasources, mountPath: `${PATHS.provisioning}/datasources`, readOnly: true },
      { name: CONFIG_MAPS.providers, mountPath: `${PATHS.provisioning}/dashboards`, readOnly: true },
      { name: CONFIG_MAPS.dashboards, mountPath: PATHS.dashboards, readOnly: true },
      { name: 'admin', mountPath: PATHS.secrets, readOnly: true },
    ],
  };
}

function dataClaim(size: string): KubeObject {
  return obj({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta('grafana', DATA_CLAIM),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
  });
}

function uiService(): KubeObject {
  return obj({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('grafana', UI_SERVICE),
    spec: {
      type: 'NodePort',
      selector: selectorLabels('grafana'),
      ports: [
        {
          name: PORT_NAME,
          port: GRAFANA_SERVICE.port,
          targetPort: PORT_NAME,
          nodePort: KIND_PORTS.grafana.nodePort,
          protocol: 'TCP',
        },
      ],
    },
  });
}

function build(environment: Environment, ctx: BuildContext): KubeObject[] {
  const p = PROFILES[environment];
  const { volumes: vols, mounts } = volumes();
  const files = Object.fromEntries(
    configFiles(ctx).flatMap((c) => Object.entries(c.files).map(([k, v]) => [`${c.name}/${k}`, v])),
  );
  const server = container({
    name: 'grafana',
    image: IMAGE,
    env: settings(),
    ports: [{ name: PORT_NAME, containerPort: GRAFANA_SERVICE.port }],
    sizing: p.sizing,
    // The first start runs the database migrations, which can take a minute.
    startup: httpProbe('/api/health', PORT_NAME, { periodSeconds: 5, failureThreshold: 36 }),
    liveness: httpProbe('/api/health', PORT_NAME),
    readiness: httpProbe('/api/health', PORT_NAME, { periodSeconds: 5 }),
    mounts,
  });
  const objects = [
    contractService('grafana', GRAFANA_SERVICE, PORT_NAME),
    // For Prometheus' DNS discovery, like every component.
    headlessService('grafana', GRAFANA_SERVICE, { portName: PORT_NAME }),
    dataClaim(p.storage),
    deployment({
      component: 'grafana',
      replicas: 1,
      // One writer on a ReadWriteOnce volume: the old pod must stop before the new one starts.
      strategy: 'Recreate',
      podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash(files) },
      pod: { uid: UID, containers: [server], volumes: vols },
    }),
  ];
  return p.nodePort ? [...objects, uiService()] : objects;
}

export const grafana: ComponentSpec = {
  name: 'grafana',
  description:
    'Grafana: Prometheus datasource and baseline dashboards for Postgres, Kafka, Redis, OPA, Vault, etcd, Qdrant and Prometheus',
  tier: 'observability',
  uid: UID,
  service: GRAFANA_SERVICE,
  dependsOn: [{ component: 'prometheus', why: 'Grafana queries its Prometheus datasource' }],
  dashboard: null,
  smoke: [grafanaSmoke],
  sourceFiles: [],
  images: [{ role: 'grafana server', image: IMAGE }],
  build,
  configFiles,
};
