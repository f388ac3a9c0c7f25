// The one Prometheus job that is not DNS discovery: the volume usage of the components'
// claims, which only the kubelets report. It finds the nodes through the API and reads
// each kubelet's /metrics as ServiceAccount soma-infra/prometheus, allowed nothing but
// listing nodes and reading node metrics.
import type { KubeObject } from '../kube.ts';
import { NAMESPACE } from '../names.ts';
import { componentLabels, serviceAccount } from './workload.ts';

/** The ServiceAccount, and the cluster-wide rights it gets, for the kubelet job. */
export const SERVICE_ACCOUNT = 'prometheus';
export const KUBELET_READER = 'soma-prometheus-kubelet-reader';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Claim usage from every kubelet (the PVC alert reads it). Kubelets serve their own
 * self-signed certificates, so the server is not verified; the request still carries the
 * ServiceAccount token, which the kubelet checks against nodes/metrics.
 */
export function kubeletScrapeConfig(): Record<string, unknown> {
  return {
    job_name: 'kubelet',
    scheme: 'https',
    kubernetes_sd_configs: [{ role: 'node' }],
    authorization: { credentials_file: `${SA_DIR}/token` },
    tls_config: { insecure_skip_verify: true },
    metric_relabel_configs: [
      { source_labels: ['__name__'], regex: 'kubelet_volume_stats_.+', action: 'keep' },
      { source_labels: ['namespace'], regex: NAMESPACE, action: 'keep' },
    ],
  };
}

export function kubeletReader(): KubeObject[] {
  // Cluster-scoped: the component's labels without a namespace.
  const labels = componentLabels('prometheus', KUBELET_READER);
  return [
    serviceAccount('prometheus', SERVICE_ACCOUNT, true),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: KUBELET_READER, labels },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: KUBELET_READER, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KUBELET_READER },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: NAMESPACE }],
    },
  ];
}
