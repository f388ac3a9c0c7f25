// The schema package keeps APIs that Kubernetes has since removed (so that old
// manifests still type-check); a cluster of the pinned version no longer serves them.
// Source: https://kubernetes.io/docs/reference/using-api/deprecation-guide/
import { KUBERNETES_VERSION } from '../versions.ts';

interface Removal {
  apiVersion: string;
  /** Only these kinds were removed from the group/version (others are still served). */
  kinds?: readonly string[];
  removedIn: number;
  use: string;
}

const REMOVED: readonly Removal[] = [
  {
    apiVersion: 'extensions/v1beta1',
    removedIn: 22,
    use: 'apps/v1 (workloads) or networking.k8s.io/v1 (Ingress, NetworkPolicy)',
  },
  { apiVersion: 'apps/v1beta1', removedIn: 16, use: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', removedIn: 16, use: 'apps/v1' },
  {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    removedIn: 22,
    use: 'admissionregistration.k8s.io/v1',
  },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', removedIn: 22, use: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', removedIn: 22, use: 'apiregistration.k8s.io/v1' },
  {
    apiVersion: 'certificates.k8s.io/v1beta1',
    kinds: ['CertificateSigningRequest'],
    removedIn: 22,
    use: 'certificates.k8s.io/v1',
  },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: 22, use: 'coordination.k8s.io/v1' },
  {
    apiVersion: 'networking.k8s.io/v1beta1',
    kinds: ['Ingress', 'IngressClass'],
    removedIn: 22,
    use: 'networking.k8s.io/v1',
  },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', removedIn: 22, use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', removedIn: 22, use: 'scheduling.k8s.io/v1' },
  {
    apiVersion: 'storage.k8s.io/v1beta1',
    kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    removedIn: 22,
    use: 'storage.k8s.io/v1',
  },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: 27, use: 'storage.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: 25, use: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: 25, use: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: 25, use: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', removedIn: 25, use: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', removedIn: 26, use: 'autoscaling/v2' },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodDisruptionBudget', 'PodSecurityPolicy'],
    removedIn: 25,
    use: 'policy/v1 (PodSecurityPolicy: Pod Security admission)',
  },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: 25, use: 'node.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', removedIn: 26, use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', removedIn: 29, use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', removedIn: 32, use: 'flowcontrol.apiserver.k8s.io/v1' },
];

/** The minor version of the Kubernetes the clusters run (the Kind node image pins it). */
export const TARGET_MINOR = Number(/^v?1\.(\d+)/.exec(KUBERNETES_VERSION)?.[1] ?? 0);

/** When an apiVersion/kind is no longer served by Kubernetes 1.<minor>: which version removed it and what to use. */
export function removedApi(
  apiVersion: string,
  kind: string,
  minor = TARGET_MINOR,
): { removedIn: string; use: string } | undefined {
  const r = REMOVED.find(
    (x) => x.apiVersion === apiVersion && (!x.kinds || x.kinds.includes(kind)) && x.removedIn <= minor,
  );
  return r ? { removedIn: `1.${r.removedIn}`, use: r.use } : undefined;
}
