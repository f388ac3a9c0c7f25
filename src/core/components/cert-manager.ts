// cert-manager: issues the certificates of the shared services from an in-cluster CA (the
// Issuers and Certificates themselves are Vault's objects, see vault-tls.ts). It is a
// component of its own, like CloudNativePG: the pinned upstream release manifest,
// referenced by URL from base/cert-manager/ (never copied), its own Argo CD Application in
// the operators' wave (so its CRDs and admission webhook exist long before Vault's wave
// creates a Certificate), and local patches:
// - requests and limits on its three Deployments (the release sets none), counted in the budget;
// - leader election in its own namespace: the release gives the controller and the CA
//   injector their leader-election Role and RoleBinding in kube-system and points
//   `--leader-election-namespace` there; the patches move those objects into cert-manager
//   and append the flag with that namespace (the last occurrence of a flag wins), so the
//   AppProject never has to allow kube-system.
import {
  operatorComponent,
  RELEASE_CLUSTER_KINDS,
  WEBHOOK_KINDS,
  type ComponentSpec,
  type UpstreamInstall,
} from './spec.ts';

/** cert-manager release (its static manifest: 6 CRDs, the controller, webhook and CA injector in cert-manager). */
// renovate: datasource=github-releases depName=cert-manager/cert-manager extractVersion=^v(?<version>.+)$
export const CERT_MANAGER_VERSION = '1.21.2';
export const CERT_MANAGER_INSTALL_URL = `https://github.com/cert-manager/cert-manager/releases/download/v${CERT_MANAGER_VERSION}/cert-manager.yaml`;
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
export const CERT_MANAGER_API = 'cert-manager.io/v1';
/** Where the release puts the leader-election Roles (its chart's default). */
const RELEASE_LEADER_ELECTION_NAMESPACE = 'kube-system';
const OWN_LEADER_ELECTION = `--leader-election-namespace=${CERT_MANAGER_NAMESPACE}`;

/**
 * The controller's Prometheus endpoint: the release's Service `cert-manager` (one controller
 * replica, so resolving the Service reaches the one pod that reconciles, and exports, every
 * Certificate) on 9402 (`http-metrics`).
 */
export const CERT_MANAGER_METRICS = { service: 'cert-manager', port: 9402, path: '/metrics' } as const;

const rbac = 'rbac.authorization.k8s.io';

export const CERT_MANAGER_INSTALL: UpstreamInstall = {
  url: CERT_MANAGER_INSTALL_URL,
  version: CERT_MANAGER_VERSION,
  namespace: CERT_MANAGER_NAMESPACE,
  controllerPodLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
  workloads: [
    {
      kind: 'Deployment',
      name: 'cert-manager',
      container: 'cert-manager-controller',
      // Watches Certificates, CertificateRequests and their Secrets; a handful here.
      sizing: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      extraArgs: [OWN_LEADER_ELECTION],
    },
    {
      kind: 'Deployment',
      name: 'cert-manager-webhook',
      container: 'cert-manager-webhook',
      sizing: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    },
    {
      kind: 'Deployment',
      name: 'cert-manager-cainjector',
      container: 'cert-manager-cainjector',
      // Caches the webhook configurations, CRDs and the Secrets it injects from.
      sizing: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '100m', memory: '256Mi' } },
      extraArgs: [OWN_LEADER_ELECTION],
    },
  ],
  relocate: {
    from: RELEASE_LEADER_ELECTION_NAMESPACE,
    objects: ['cert-manager:leaderelection', 'cert-manager-cainjector:leaderelection'].flatMap((name) => [
      { group: rbac, kind: 'Role', name },
      { group: rbac, kind: 'RoleBinding', name },
    ]),
  },
  metrics: CERT_MANAGER_METRICS,
  kinds: {
    cluster: [...RELEASE_CLUSTER_KINDS, ...WEBHOOK_KINDS],
    namespaced: [
      { group: '', kind: 'Service' },
      { group: '', kind: 'ServiceAccount' },
      { group: 'apps', kind: 'Deployment' },
      { group: rbac, kind: 'Role' },
      { group: rbac, kind: 'RoleBinding' },
    ],
  },
};

const image = (name: string) => `quay.io/jetstack/cert-manager-${name}:v${CERT_MANAGER_VERSION}`;

export const certManager: ComponentSpec = operatorComponent({
  name: 'cert-manager',
  description: `cert-manager ${CERT_MANAGER_VERSION} (pinned upstream release by URL, sized by local patches, leader election in its own namespace) in ${CERT_MANAGER_NAMESPACE}`,
  images: [
    { role: 'controller (set by the upstream release)', image: image('controller') },
    { role: 'admission webhook (set by the upstream release)', image: image('webhook') },
    { role: 'CA injector (set by the upstream release)', image: image('cainjector') },
  ],
  upstream: CERT_MANAGER_INSTALL,
});
