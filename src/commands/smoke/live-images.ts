// Where smoke takes its client images and expectations from: the live workloads of
// soma-infra, or the custom resources of the operators that make them (a CloudNativePG
// Cluster names its image; Strimzi's brokers are pods of its node pools), and the CA
// certificates clients of a TLS component verify it with.
import type { LiveCluster } from '../../adapters/kube-live.ts';
import { KubeApiError } from '../../adapters/kube-errors.ts';
import type { ComponentName } from '../../core/contracts.ts';
import type { ComponentSpec } from '../../core/components/spec.ts';
import type { KubeObject } from '../../core/kube.ts';
import { CNPG_CLUSTER_API } from '../../core/components/postgres.ts';
import { BROKER_ROLE_LABEL, KAFKA_NODE_LABELS, STRIMZI_API } from '../../core/components/kafka.ts';
import { NAMESPACE } from '../../core/names.ts';

export function imageOf(o: KubeObject | undefined, container: string): string | undefined {
  // A CloudNativePG Cluster names its instances' image itself.
  const imageName = (o?.spec as { imageName?: unknown } | undefined)?.imageName;
  if (typeof imageName === 'string') return imageName;
  const spec = (o?.spec as { template?: { spec?: { containers?: { name: string; image: string }[] } } } | undefined)
    ?.template?.spec;
  return spec?.containers?.find((c) => c.name === container)?.image ?? spec?.containers?.[0]?.image;
}

export async function workload(live: LiveCluster, name: string): Promise<KubeObject | undefined> {
  return (
    (await live.get('apps/v1', 'StatefulSet', name, NAMESPACE)) ??
    (await live.get('apps/v1', 'Deployment', name, NAMESPACE)) ??
    (name === 'postgres' ? await cnpgCluster(live, name) : undefined)
  );
}

/** Postgres runs as a CloudNativePG Cluster; a cluster without the operator's CRD has none. */
async function cnpgCluster(live: LiveCluster, name: string): Promise<KubeObject | undefined> {
  return absentIfNotServed(() => live.get(CNPG_CLUSTER_API, 'Cluster', name, NAMESPACE));
}

async function absentIfNotServed<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof KubeApiError && e.failure === 'not-found') return undefined;
    throw e;
  }
}

const selector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/**
 * Kafka runs as a Strimzi Kafka: the client image is a running broker's (its image carries
 * the Kafka command-line tools), the brokers expected are the replicas of its node pools
 * with the broker role. Nothing where the operator's CRDs are not served.
 */
export async function strimziKafka(live: LiveCluster): Promise<{ image?: string; brokers?: number }> {
  const cluster = `strimzi.io/cluster=${KAFKA_NODE_LABELS['strimzi.io/cluster']}`;
  const pools = await absentIfNotServed(() =>
    live.list(STRIMZI_API, 'KafkaNodePool', { namespace: NAMESPACE, labelSelector: cluster }),
  );
  const brokerPools = (pools ?? []).filter((p) => ((p.spec as { roles?: string[] }).roles ?? []).includes('broker'));
  const brokers = pools?.length
    ? brokerPools.reduce((n, p) => n + ((p.spec as { replicas?: number }).replicas ?? 0), 0)
    : undefined;
  const pods = await live.list('v1', 'Pod', {
    namespace: NAMESPACE,
    labelSelector: selector({ ...KAFKA_NODE_LABELS, [BROKER_ROLE_LABEL]: 'true' }),
  });
  const containers = pods.map((p) => (p.spec as { containers?: { name: string; image: string }[] }).containers ?? []);
  const image = containers.map((cs) => cs.find((c) => c.name === 'kafka')?.image).find((i) => i !== undefined);
  return { image, brokers };
}

/**
 * The CA certificate of each enabled component that speaks TLS, decoded from the one key
 * its spec names; the Secret's other keys (the server's own key) are never read out.
 */
export async function caCertificates(
  live: LiveCluster,
  enabled: readonly ComponentSpec[],
): Promise<Partial<Record<ComponentName, string>>> {
  const out: Partial<Record<ComponentName, string>> = {};
  for (const c of enabled) {
    const tls = c.service?.tls;
    if (!tls) continue;
    const secret = await live.get('v1', 'Secret', tls.caSecret, NAMESPACE);
    const encoded = (secret?.data as Record<string, string> | undefined)?.[tls.caKey];
    if (encoded) out[c.name] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return out;
}
