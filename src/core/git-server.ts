// The git server a Kind cluster with `repository.serve: local` syncs from (docs/bootstrap.md,
// "Local mode"): the official Gitea rootless image in a namespace of its own under the
// restricted Pod Security profile. `npm run bootstrap` applies these objects and pushes the
// checkout to it; `npm run sync` pushes again. The admin credential lives only in the
// Secret bootstrap creates in the cluster (never in git), which the pod reads from its
// environment. Pure: no I/O.
import type { KubeObject } from './kube.ts';
import { clusterBootstrapDir, LABELS, MANAGED_BY, PART_OF } from './names.ts';

/**
 * Gitea's rootless image (go-gitea/gitea Dockerfile.rootless): uid 1000, HTTP on 3000, work
 * dir /var/lib/gitea, temp under /tmp; its entrypoint writes app.ini from GITEA__* variables,
 * then runs its arguments, or the server without any. 1.26.4 is the newest 1.26 patch
 * confirmed (Gitea's changelog, 2026-06-21: bug and security fixes); pinned by tag.
 */
// renovate: datasource=docker depName=docker.io/gitea/gitea
export const GIT_SERVER_IMAGE = 'docker.io/gitea/gitea:1.26.4-rootless';

/** cluster.yaml `repository.serve`: `remote` clones `repository.url`; `local` syncs from the server below. */
export const REPOSITORY_SERVE = ['remote', 'local'] as const;
export type RepositoryServe = (typeof REPOSITORY_SERVE)[number];

export const GIT_SERVER = {
  namespace: 'soma-git',
  name: 'git-server',
  /** Holds keys `username` and `password`; created by bootstrap, read by `sync`. */
  adminSecret: 'git-server-admin',
  httpPort: 3000,
  /** The Service's node port, published on the host through the Kind port mapping. */
  nodePort: 30330,
  /** Default host port (cluster.yaml `kind.hostPorts.git`). */
  hostPort: 3330,
  owner: 'soma',
  repo: 'somastack',
} as const;

/** The URL Argo CD clones from, inside the cluster. */
export const LOCAL_REPO_URL = `http://${GIT_SERVER.name}.${GIT_SERVER.namespace}.svc.cluster.local:${GIT_SERVER.httpPort}/${GIT_SERVER.owner}/${GIT_SERVER.repo}.git`;

/** The server's base URL from the host, through the Kind port mapping. */
export const hostServerUrl = (hostPort: number) => `http://127.0.0.1:${hostPort}`;
/** The repository's URL from the host. */
export const hostRepoUrl = (hostPort: number) =>
  `${hostServerUrl(hostPort)}/${GIT_SERVER.owner}/${GIT_SERVER.repo}.git`;

const labels = {
  [LABELS.name]: GIT_SERVER.name,
  [LABELS.component]: 'git-server',
  [LABELS.managedBy]: MANAGED_BY,
  [LABELS.partOf]: PART_OF,
};
const selector = { [LABELS.name]: GIT_SERVER.name };
const meta = (name: string) => ({ name, namespace: GIT_SERVER.namespace, labels });

// Gitea reads GITEA__section__KEY variables into app.ini at start. SQLite keeps it to one
// pod; registration and SSH are off: the only account is the admin bootstrap creates.
const SETTINGS: Record<string, string> = {
  // On the volume, so the secrets Gitea writes into it on first start survive a restart (the
  // image's default /etc/gitea would need a second volume; its custom/ folder is made read-only).
  GITEA_APP_INI: '/var/lib/gitea/config/app.ini',
  GITEA__security__INSTALL_LOCK: 'true',
  GITEA__database__DB_TYPE: 'sqlite3',
  GITEA__server__HTTP_PORT: String(GIT_SERVER.httpPort),
  GITEA__server__ROOT_URL: `http://${GIT_SERVER.name}.${GIT_SERVER.namespace}.svc.cluster.local:${GIT_SERVER.httpPort}/`,
  GITEA__server__DISABLE_SSH: 'true',
  GITEA__server__START_SSH_SERVER: 'false',
  GITEA__service__DISABLE_REGISTRATION: 'true',
  GITEA__repository__ENABLE_PUSH_CREATE_USER: 'false',
  GITEA__log__LEVEL: 'Warn',
};

function env(withAdmin: boolean) {
  const plain = Object.entries(SETTINGS).map(([name, value]) => ({ name, value }));
  if (!withAdmin) return plain;
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: GIT_SERVER.adminSecret, key } },
  });
  return [...plain, fromSecret('ADMIN_USERNAME', 'username'), fromSecret('ADMIN_PASSWORD', 'password')];
}

const restricted = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
const mounts = [
  { name: 'data', mountPath: '/var/lib/gitea' },
  { name: 'tmp', mountPath: '/tmp' },
];

// Creates the schema, then the admin account, or resets its password to the Secret's when it
// exists (a Secret recreated by hand must still work). The image's entrypoint prepares app.ini first.
const ADMIN_SCRIPT = [
  'set -e',
  'gitea migrate',
  'gitea admin user create --admin --username "$ADMIN_USERNAME" --password "$ADMIN_PASSWORD" --email "$ADMIN_USERNAME@soma.local" --must-change-password=false' +
    ' || gitea admin user change-password --username "$ADMIN_USERNAME" --password "$ADMIN_PASSWORD" --must-change-password=false',
].join('\n');

function deployment(): KubeObject {
  const probe = { httpGet: { path: '/api/healthz', port: 'http' }, periodSeconds: 10 };
  const container = (name: string) => ({
    name,
    image: GIT_SERVER_IMAGE,
    securityContext: restricted,
    volumeMounts: mounts,
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } },
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(GIT_SERVER.name),
    spec: {
      replicas: 1,
      // One pod owns the SQLite file and the volume: never two at once.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          initContainers: [{ ...container('admin'), args: ['sh', '-c', ADMIN_SCRIPT], env: env(true) }],
          containers: [
            {
              ...container('gitea'),
              env: env(false),
              ports: [{ name: 'http', containerPort: GIT_SERVER.httpPort, protocol: 'TCP' }],
              readinessProbe: probe,
              livenessProbe: { ...probe, failureThreshold: 6 },
            },
          ],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: GIT_SERVER.name } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
          ],
        },
      },
    },
  };
}

/** Every object of the git server, in apply order. */
export function buildGitServerObjects(): KubeObject[] {
  const psa = 'pod-security.kubernetes.io';
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: GIT_SERVER.namespace,
        labels: { ...labels, [`${psa}/enforce`]: 'restricted', [`${psa}/warn`]: 'restricted' },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta(GIT_SERVER.name),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    deployment(),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(GIT_SERVER.name),
      spec: {
        type: 'NodePort',
        selector,
        ports: [
          {
            name: 'http',
            port: GIT_SERVER.httpPort,
            targetPort: 'http',
            nodePort: GIT_SERVER.nodePort,
            protocol: 'TCP',
          },
        ],
      },
    },
  ];
}

/** The admin Secret bootstrap creates (values random, never printed, never in git). */
export function buildGitAdminSecret(password: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta(GIT_SERVER.adminSecret),
      annotations: { 'soma.sh/created-by': 'npm run bootstrap (random, never rotated by it)' },
    },
    type: 'Opaque',
    data: {
      username: Buffer.from(GIT_SERVER.owner, 'utf8').toString('base64'),
      password: Buffer.from(password, 'utf8').toString('base64'),
    },
  };
}

/** Where `generate` writes the objects above for a local-mode cluster (bootstrap applies that file). */
export const gitServerPath = (cluster: string) => `${clusterBootstrapDir(cluster)}/git-server.yaml`;
