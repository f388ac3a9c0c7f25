// Argo CD's workloads in the two upstream installs this project uses, with the requests and
// limits we give them (upstream sets none). `dev` is the non-HA install.yaml on a Kind laptop,
// inside the dev budget; `ha` is manifests/ha/install.yaml for every other cluster: two API
// servers and repo servers, Redis with Sentinel behind HAProxy (three of each, spread over
// nodes by upstream's required anti-affinity: it needs three schedulable nodes).
import type { Sizing } from './components/workload.ts';

export type ArgoCdProfile = 'dev' | 'ha';

export interface ArgoCdWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  /** Container name → sizing; init containers are sized like containers. */
  containers: Record<string, Sizing>;
  initContainers?: Record<string, Sizing>;
  /** Upstream's replica count, restated so budgets count what runs. */
  replicas: number;
}

function s(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Sizing {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/** Short-lived copy/config init steps. */
const INIT = s('10m', '32Mi', '100m', '64Mi');

const DEV: readonly ArgoCdWorkload[] = [
  {
    kind: 'StatefulSet',
    name: 'argocd-application-controller',
    containers: { 'argocd-application-controller': s('250m', '512Mi', '1', '1Gi') },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-repo-server',
    containers: { 'argocd-repo-server': s('100m', '256Mi', '1', '1Gi') },
    initContainers: { copyutil: INIT },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-server',
    containers: { 'argocd-server': s('50m', '128Mi', '500m', '256Mi') },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-redis',
    containers: { redis: s('50m', '64Mi', '200m', '128Mi') },
    initContainers: { 'secret-init': INIT },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-applicationset-controller',
    containers: { 'argocd-applicationset-controller': s('25m', '64Mi', '200m', '256Mi') },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-notifications-controller',
    containers: { 'argocd-notifications-controller': s('25m', '64Mi', '200m', '128Mi') },
    replicas: 1,
  },
];

const HA: readonly ArgoCdWorkload[] = [
  {
    kind: 'StatefulSet',
    name: 'argocd-application-controller',
    containers: { 'argocd-application-controller': s('500m', '1Gi', '2', '2Gi') },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-repo-server',
    containers: { 'argocd-repo-server': s('250m', '512Mi', '1', '1Gi') },
    initContainers: { copyutil: INIT },
    replicas: 2,
  },
  {
    kind: 'Deployment',
    name: 'argocd-server',
    containers: { 'argocd-server': s('100m', '256Mi', '1', '512Mi') },
    replicas: 2,
  },
  {
    kind: 'StatefulSet',
    name: 'argocd-redis-ha-server',
    containers: {
      redis: s('100m', '256Mi', '500m', '512Mi'),
      sentinel: s('25m', '32Mi', '100m', '64Mi'),
      'split-brain-fix': s('10m', '32Mi', '100m', '64Mi'),
    },
    initContainers: { 'config-init': INIT },
    replicas: 3,
  },
  {
    kind: 'Deployment',
    name: 'argocd-redis-ha-haproxy',
    containers: { haproxy: s('50m', '64Mi', '200m', '128Mi') },
    initContainers: { 'secret-init': INIT, 'config-init': INIT },
    replicas: 3,
  },
  {
    kind: 'Deployment',
    name: 'argocd-applicationset-controller',
    containers: { 'argocd-applicationset-controller': s('50m', '128Mi', '500m', '512Mi') },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-notifications-controller',
    containers: { 'argocd-notifications-controller': s('25m', '64Mi', '200m', '256Mi') },
    replicas: 1,
  },
  {
    kind: 'Deployment',
    name: 'argocd-dex-server',
    containers: { dex: s('25m', '64Mi', '200m', '256Mi') },
    initContainers: { copyutil: INIT },
    replicas: 1,
  },
];

export const ARGOCD_WORKLOADS: Record<ArgoCdProfile, readonly ArgoCdWorkload[]> = { dev: DEV, ha: HA };
