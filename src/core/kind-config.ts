// The Kind cluster config for a local cluster: pinned node image, the host ports that
// publish the Argo CD UI and Grafana, and kubelet eviction thresholds relaxed so the
// stack is not evicted on a laptop-sized node (docs/bootstrap.md).
import type { ClusterConfig } from './cluster-config.ts';
import { GIT_SERVER } from './git-server.ts';
import { KIND_PORTS } from './names.ts';
import { KIND_NODE_IMAGE } from './versions.ts';

const KUBELET_PATCH = [
  'kind: KubeletConfiguration',
  'evictionHard:',
  '  memory.available: "100Mi"',
  '  nodefs.available: "2%"',
  '  nodefs.inodesFree: "2%"',
  '  imagefs.available: "2%"',
  'evictionMinimumReclaim:',
  '  memory.available: "0Mi"',
  '  nodefs.available: "0Mi"',
  '  imagefs.available: "0Mi"',
  '',
].join('\n');

export function buildKindConfig(cluster: ClusterConfig): Record<string, unknown> | undefined {
  if (!cluster.kind) return undefined;
  const mapping = (containerPort: number, hostPort: number) => ({
    containerPort,
    hostPort,
    listenAddress: '127.0.0.1',
    protocol: 'TCP',
  });
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cluster.kind.name,
    nodes: [
      {
        role: 'control-plane',
        image: KIND_NODE_IMAGE,
        kubeadmConfigPatches: [KUBELET_PATCH],
        extraPortMappings: [
          mapping(KIND_PORTS.argocd.nodePort, cluster.kind.hostPorts.argocd),
          mapping(KIND_PORTS.grafana.nodePort, cluster.kind.hostPorts.grafana),
          // Local mode (repository.serve): the in-cluster git server, for `npm run sync` to push to.
          ...(cluster.kind.hostPorts.git ? [mapping(GIT_SERVER.nodePort, cluster.kind.hostPorts.git)] : []),
        ],
      },
    ],
  };
}
