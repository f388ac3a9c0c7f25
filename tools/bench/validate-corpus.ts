// A synthetic, deterministic corpus for the validation benchmark: the kinds this
// repository renders (workloads with full pod specs, Services, NetworkPolicies,
// ConfigMaps, Argo CD objects…), each compliant, so the measured time is the checking
// of valid objects — the common case — rather than of error reporting.
import type { KubeObject } from '../../src/core/kube.ts';

const labels = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/component': name,
  'app.kubernetes.io/part-of': 'soma-shared-infra',
  'app.kubernetes.io/managed-by': 'somastack',
});
const meta = (name: string, namespace = 'soma-infra') => ({ name, namespace, labels: labels(name) });

function podSpec(name: string, i: number): Record<string, unknown> {
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name,
        image: `docker.io/library/app-${i % 7}:1.${i % 10}.0`,
        args: ['--port=8080', `--id=${i}`],
        env: [
          { name: 'MODE', value: 'bench' },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: `${name}-secret`, key: 'token' } } },
        ],
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'metrics', containerPort: 9090 },
        ],
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
        readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'config', mountPath: '/etc/app', readOnly: true },
        ],
      },
    ],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'config', configMap: { name: `${name}-config` } },
    ],
  };
}

const BUILDERS: ((name: string, i: number) => KubeObject)[] = [
  // First, so that every group of objects sharing a name has its NetworkPolicy.
  (n) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(n),
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': n } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'soma.sh/allow-shared-infra': 'true' } } }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
    },
  }),
  (n, i) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(n),
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': n } },
      template: { metadata: { labels: labels(n) }, spec: podSpec(n, i) },
    },
  }),
  (n, i) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(n),
    spec: {
      serviceName: n,
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': n } },
      template: { metadata: { labels: labels(n) }, spec: podSpec(n, i) },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  }),
  (n) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(n),
    spec: {
      selector: { 'app.kubernetes.io/name': n },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    },
  }),
  (n, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(`${n}-config`),
    data: { 'app.conf': `id = ${i}\nmode = bench\n`, level: 'info' },
  }),
  (n) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(n), automountServiceAccountToken: false }),
  (n) => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(n),
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': n } } },
  }),
  (n, i) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(n),
    spec: {
      schedule: '0 3 * * *',
      concurrencyPolicy: 'Forbid',
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          template: { metadata: { labels: labels(n) }, spec: { ...podSpec(n, i), restartPolicy: 'OnFailure' } },
        },
      },
    },
  }),
  (n) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(n),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
  }),
  (n) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta(n),
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
  }),
  (n) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { ...meta(n, 'argocd'), labels: { ...labels(n), 'app.kubernetes.io/component': 'redis' } },
    spec: {
      project: 'bench-shared-infra',
      source: {
        repoURL: 'https://github.com/example/somastack.git',
        targetRevision: 'main',
        path: `overlays/dev/${n}`,
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'soma-infra' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      },
    },
  }),
  (n) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: meta(n, 'argocd'),
    spec: {
      description: 'bench',
      sourceRepos: ['https://github.com/example/somastack.git'],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'soma-infra' }],
      namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }],
    },
  }),
];

/** What the repository-wide rules expect once per cluster: the namespace default-deny and a contracted Service. */
function clusterObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('redis'),
      spec: {
        selector: { 'app.kubernetes.io/name': 'redis' },
        ports: [{ name: 'redis', port: 6379, targetPort: 6379 }],
      },
    },
  ];
}

/** `count` compliant objects, cycling through the kinds above; the same every run. */
export function buildCorpus(count: number): KubeObject[] {
  const fixed = clusterObjects();
  return [
    ...fixed,
    ...Array.from({ length: Math.max(0, count - fixed.length) }, (_, i) =>
      BUILDERS[i % BUILDERS.length]!(`app-${Math.floor(i / BUILDERS.length)}`, i),
    ),
  ];
}
