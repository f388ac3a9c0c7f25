// CloudNativePG: the operator that runs the shared Postgres (a `postgresql.cnpg.io/v1`
// Cluster, see postgres.ts). It is a component of its own: its own Argo CD Application in
// the operators' wave, so its CRDs and webhooks exist before the stores' wave syncs a
// Cluster. The install is the pinned upstream release manifest, referenced by URL from
// base/cnpg/ (never copied), plus a local patch that sizes the controller: the upstream
// sizing is small, and the dev budget counts what the patch sets (as for Argo CD).
//
// The release's CRDs are too large for client-side apply's last-applied annotation; every
// Application of this repository syncs with ServerSideApply=true, which this one needs.
import {
  operatorComponent,
  RELEASE_CLUSTER_KINDS,
  WEBHOOK_KINDS,
  type ComponentSpec,
  type UpstreamInstall,
} from './spec.ts';

/** CloudNativePG release (its manifest lists 11 CRDs and the controller Deployment in cnpg-system). */
// renovate: datasource=github-releases depName=cloudnative-pg/cloudnative-pg extractVersion=^v(?<version>.+)$
export const CNPG_VERSION = '1.30.0';
export const CNPG_INSTALL_URL = `https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/v${CNPG_VERSION}/releases/cnpg-${CNPG_VERSION}.yaml`;
export const CNPG_NAMESPACE = 'cnpg-system';
/** The API of the operator's custom resources (Cluster, ScheduledBackup, Backup). */
export const CNPG_CLUSTER_API = 'postgresql.cnpg.io/v1';
/** The controller Deployment of the release; the operator talks to each instance's status port from here. */
export const CNPG_CONTROLLER = {
  name: 'cnpg-controller-manager',
  podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
};

export const CNPG_INSTALL: UpstreamInstall = {
  url: CNPG_INSTALL_URL,
  version: CNPG_VERSION,
  namespace: CNPG_NAMESPACE,
  controllerPodLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
  workloads: [
    {
      kind: 'Deployment',
      name: 'cnpg-controller-manager',
      container: 'manager',
      // One controller reconciles every Cluster of the cluster; memory grows with the objects it watches.
      sizing: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
  ],
  kinds: {
    cluster: [...RELEASE_CLUSTER_KINDS, ...WEBHOOK_KINDS],
    namespaced: [
      { group: '', kind: 'ConfigMap' },
      { group: '', kind: 'Service' },
      { group: '', kind: 'ServiceAccount' },
      { group: 'apps', kind: 'Deployment' },
    ],
  },
};

export const cnpg: ComponentSpec = operatorComponent({
  name: 'cnpg',
  description: `CloudNativePG ${CNPG_VERSION} operator (pinned upstream release by URL, sized by a local patch) in ${CNPG_NAMESPACE}`,
  images: [
    {
      role: 'operator controller (set by the upstream release)',
      image: `ghcr.io/cloudnative-pg/cloudnative-pg:${CNPG_VERSION}`,
    },
  ],
  upstream: CNPG_INSTALL,
});
