// Kafka as a Strimzi Kafka with KRaft node pools: the contract Service on the brokers'
// plain listener, the node pools and replication settings per environment, the metrics
// exporter in-process (a ConfigMap of rules, no sidecar), the dev budget.
import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, LABELS, type Environment } from '../../src/core/names.ts';
import { parse as parseYaml } from 'yaml';
import {
  KAFKA_METRICS_RULES,
  METRICS_CONFIG,
  brokerSettings,
  replicationSettings,
} from '../../src/core/components/kafka-config.ts';
import {
  BROKER_ROLE_LABEL,
  KAFKA_NODE_LABELS,
  brokerCount,
  checkNodePools,
  kafka,
} from '../../src/core/components/kafka.ts';
import { STRIMZI_API, STRIMZI_KAFKA_IMAGE, STRIMZI_KAFKA_VERSION } from '../../src/core/components/strimzi.ts';
import { workloadRequests } from '../../src/core/validate/budget.ts';
import { kafkaDashboard } from '../../src/core/components/dashboards/kafka.ts';
import { ALERT_GROUPS } from '../../src/core/components/alerts/rules.ts';
import { expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name?: string) =>
  objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const kafkaOf = (env: Environment) => find(kafka.build(env, CTX), 'Kafka', 'kafka')!;
const poolsOf = (env: Environment) => kafka.build(env, CTX).filter((o) => o.kind === 'KafkaNodePool');
const config = (env: Environment) => (kafkaOf(env).spec as any).kafka.config as Record<string, number>;
const num = (env: Environment, key: string): number => config(env)[key]!;

describe.each(ENVIRONMENTS.map((env) => [env]))('kafka build(%s)', (env: Environment) => {
  const objects = kafka.build(env, CTX);
  const spec = (kafkaOf(env).spec as any).kafka;

  it('returns valid, namespaced objects, the same on every call', () => expectWellFormed(kafka, env));

  it('is one Strimzi Kafka named kafka with its node pools, on the pinned Kafka version, KRaft only', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['Kafka', 'KafkaNodePool', 'Service', 'Service']);
    expect(kafkaOf(env).apiVersion).toBe(STRIMZI_API);
    expect(spec.version).toBe(STRIMZI_KAFKA_VERSION);
    expect(STRIMZI_KAFKA_IMAGE).toContain(`-kafka-${STRIMZI_KAFKA_VERSION}`);
    // The operator keeps the cluster id; nothing of ours fixes it.
    expect(JSON.stringify(objects)).not.toMatch(/cluster\.id|CLUSTER_ID|zookeeper/i);
    for (const pool of poolsOf(env)) {
      expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe('kafka');
      expect((pool.spec as any).roles).toContain('controller');
    }
  });

  it('keeps the contract: Service kafka on 9092 selects the brokers, which serve a plain internal listener there', () => {
    const svc = find(objects, 'Service', CONTRACTS.kafka.service)!;
    expect((svc.spec as any).ports).toEqual([expect.objectContaining({ port: 9092, targetPort: 9092 })]);
    expect((svc.spec as any).selector).toEqual({ ...KAFKA_NODE_LABELS, [BROKER_ROLE_LABEL]: 'true' });
    expect(spec.listeners).toEqual([
      expect.objectContaining({ name: 'plain', port: CONTRACTS.kafka.port, type: 'internal', tls: false }),
    ]);
    // Brokers advertise their fully qualified pod names, which resolve from any namespace.
    expect(spec.listeners[0].configuration.useServiceDnsDomain).toBe(true);
  });

  it('exports metrics in-process from a ConfigMap of rules, found through a headless Service of every node', () => {
    expect(spec.metricsConfig).toEqual({
      type: 'jmxPrometheusExporter',
      valueFrom: { configMapKeyRef: { name: METRICS_CONFIG.name, key: METRICS_CONFIG.key } },
    });
    const [cm] = kafka.configFiles!(CTX);
    expect(cm).toEqual({ name: METRICS_CONFIG.name, files: { [METRICS_CONFIG.key]: KAFKA_METRICS_RULES } });
    const headless = find(objects, 'Service', headlessServiceName('kafka'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    // The nodes and the exporter: what carries our component label among the Kafka's pods.
    expect((headless.spec as any).selector).toEqual({ 'strimzi.io/cluster': 'kafka', [LABELS.component]: 'kafka' });
    expect((headless.spec as any).ports).toEqual([
      expect.objectContaining({ port: INTERNAL_PORTS.kafka.metrics.port, targetPort: 9404 }),
    ]);
  });

  it("runs Strimzi's Kafka Exporter (its own pod, labelled like the nodes), no entity operator, no Cruise Control", () => {
    const top = kafkaOf(env).spec as Record<string, any>;
    expect(Object.keys(top)).toEqual(['kafka', 'kafkaExporter']);
    expect(top.kafkaExporter.template.pod.metadata.labels).toEqual({ [LABELS.component]: 'kafka' });
    expect(top.kafkaExporter.resources.requests).toBeDefined();
    expect(top.kafkaExporter.resources.limits).toBeDefined();
    // Counted in the budget as the one pod it is.
    expect(workloadRequests(kafkaOf(env))?.pods).toBe(1);
  });

  it('labels the nodes with the component (NetworkPolicies), keeps their volumes, and sizes heap below the limit', () => {
    for (const pool of poolsOf(env)) {
      const p = pool.spec as any;
      expect(p.template.pod.metadata.labels).toEqual({ [LABELS.component]: 'kafka' });
      expect(p.storage).toEqual(expect.objectContaining({ type: 'persistent-claim', deleteClaim: false }));
      expect(p.resources.requests).toBeDefined();
      expect(p.resources.limits).toBeDefined();
      expect(p.jvmOptions['-Xms']).toBe(p.jvmOptions['-Xmx']);
      const heap = String(p.jvmOptions['-Xmx']).replace(/g$/, 'Gi').replace(/m$/, 'Mi');
      const limit = String(p.resources.limits.memory);
      expect(toBytes(heap)).toBeLessThanOrEqual(toBytes(limit) / 2);
    }
  });
});

function toBytes(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q)!;
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 ** 3 : 1024 ** 2);
}

describe('kafka replication, derived from the broker count', () => {
  it('is 1 / 1 on one broker, 3 / 2 from three brokers on', () => {
    expect(replicationSettings(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(replicationSettings(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationSettings(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(() => replicationSettings(0)).toThrow(/positive integer/);
  });

  it('applies to the topics Kafka creates itself too (offsets, transactions)', () => {
    const s = brokerSettings({
      brokers: 3,
      retentionHours: 1,
      retentionBytes: -1,
      segmentBytes: 1,
      partitions: 3,
      groupInitialRebalanceDelayMs: 0,
    });
    expect(s['offsets.topic.replication.factor']).toBe(3);
    expect(s['transaction.state.log.replication.factor']).toBe(3);
    expect(s['transaction.state.log.min.isr']).toBe(2);
    expect(s['min.insync.replicas']).toBe(2);
  });
});

describe('kafka per-environment differences', () => {
  it('runs one dual-role node in dev and staging and three in prod', () => {
    expect(ENVIRONMENTS.map((env) => brokerCount(env))).toEqual([1, 1, 3]);
    for (const env of ENVIRONMENTS)
      expect(poolsOf(env).map((p) => (p.spec as any).roles)).toEqual([['controller', 'broker']]);
    expect(num('dev', 'default.replication.factor')).toBe(1);
    expect(num('dev', 'offsets.topic.replication.factor')).toBe(1);
    expect(num('prod', 'default.replication.factor')).toBe(3);
    expect(num('prod', 'min.insync.replicas')).toBe(2);
  });

  it('refuses pools without a broker or with an even number of controllers (a profile bug)', () => {
    const both = ['controller', 'broker'] as const;
    expect(() => checkNodePools([{ name: 'a', roles: [...both], replicas: 3 }])).not.toThrow();
    expect(() => checkNodePools([{ name: 'a', roles: [...both], replicas: 2 }])).toThrow(
      /odd number of controllers, got 2/,
    );
    expect(() => checkNodePools([{ name: 'c', roles: ['controller'], replicas: 3 }])).toThrow(/at least one broker/);
    expect(() =>
      checkNodePools([
        { name: 'c', roles: ['controller'], replicas: 3 },
        { name: 'b', roles: ['broker'], replicas: 4 },
      ]),
    ).not.toThrow();
  });

  it('keeps dev retention short (at most a day, small segments) and prod retention longer', () => {
    expect(num('dev', 'log.retention.hours')).toBeLessThanOrEqual(24);
    expect(num('dev', 'log.segment.bytes')).toBeLessThanOrEqual(128 * 1024 * 1024);
    expect(num('dev', 'log.retention.bytes')).toBeGreaterThan(0);
    expect(num('prod', 'log.retention.hours')).toBeGreaterThan(num('staging', 'log.retention.hours'));
    expect(num('staging', 'log.retention.hours')).toBeGreaterThan(num('dev', 'log.retention.hours'));
  });

  it('spreads the prod nodes over Kubernetes nodes, and gives every node time for a controlled shutdown', () => {
    const pod = (env: Environment) => (poolsOf(env)[0]!.spec as any).template.pod;
    expect(pod('dev').affinity).toBeUndefined();
    expect(pod('prod').affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]).toEqual({
      weight: 100,
      podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: KAFKA_NODE_LABELS } },
    });
    for (const env of ENVIRONMENTS) expect(pod(env).terminationGracePeriodSeconds).toBe(120);
    // No KAFKA_* service-link variables from the contract Service named `kafka`.
    for (const env of ENVIRONMENTS) expect(pod(env).enableServiceLinks).toBe(false);
  });

  it('gives each node pool the storage of its profile', () => {
    expect(ENVIRONMENTS.map((env) => (poolsOf(env)[0]!.spec as any).storage.size)).toEqual(['10Gi', '20Gi', '100Gi']);
  });

  it('keeps dev requests within its share of the laptop budget (400m CPU, 1Gi per node, 50m / 64Mi exporter)', () => {
    expect(workloadRequests(kafkaOf('dev'))).toEqual({ cpu: 0.05, memory: 64 * 1024 ** 2, pods: 1 });
    const [pool] = poolsOf('dev');
    expect(workloadRequests(pool!)).toEqual({ cpu: 0.4, memory: 1024 ** 3, pods: 1 });
    const prod = workloadRequests(poolsOf('prod')[0]!)!;
    expect(prod.pods).toBe(3);
  });
});

// The exporter matches each MBean as `domain<key=value, …><>attribute` (keys in the order
// Kafka registers them) against the rules in order, first match wins; names are then
// lower-cased. Emulated here on the beans Kafka 4 registers, so a rule that stops matching,
// or a dashboard or alert reading a series no rule makes, fails.
describe('kafka metrics rules', () => {
  const config = parseYaml(KAFKA_METRICS_RULES) as {
    lowercaseOutputName: boolean;
    rules: { pattern: string; name: string; type: string; labels?: Record<string, string> }[];
  };
  const exported = (bean: string): { name: string; labels: Record<string, string> } | undefined => {
    for (const r of config.rules) {
      const m = new RegExp(`^${r.pattern}$`).exec(bean);
      if (!m) continue;
      const fill = (t: string) => t.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '');
      const name = fill(r.name);
      const labels = Object.fromEntries(Object.entries(r.labels ?? {}).map(([k, v]) => [k, fill(v)]));
      return { name: config.lowercaseOutputName ? name.toLowerCase() : name, labels };
    }
    return undefined;
  };
  const BEANS = [
    'kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value',
    'kafka.server<type=ReplicaManager, name=PartitionCount><>Value',
    'kafka.server<type=ReplicaManager, name=LeaderCount><>Value',
    'kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value',
    'kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value',
    'kafka.controller<type=KafkaController, name=ActiveBrokerCount><>Value',
    'kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=orders><>Count',
  ];

  it('turn the beans Kafka registers into the series the dashboard and the alerts read', () => {
    const names = BEANS.map((b) => exported(b)?.name);
    expect(names).toEqual([
      'kafka_server_replicamanager_underreplicatedpartitions',
      'kafka_server_replicamanager_partitioncount',
      'kafka_server_replicamanager_leadercount',
      'kafka_controller_kafkacontroller_activecontrollercount',
      'kafka_controller_kafkacontroller_offlinepartitionscount',
      'kafka_controller_kafkacontroller_activebrokercount',
      'kafka_server_brokertopicmetrics_messagesin_total',
    ]);
    expect(exported(BEANS.at(-1)!)?.labels).toEqual({ topic: 'orders' });
    const read = [
      ...kafkaDashboard.panels.flatMap((p) => p.queries.map((q) => q.expr)),
      ...ALERT_GROUPS.find((g) => g.name === 'soma-kafka')!.rules.map((r) => r.expr),
    ]
      .flatMap((e) => e.match(/kafka_[a-z_]+/g) ?? [])
      // The consumer groups' series come from the Kafka Exporter, not from these rules.
      .filter((metric) => !metric.startsWith('kafka_consumergroup_'));
    for (const metric of new Set(read)) expect(names, metric).toContain(metric);
  });

  it('export nothing else (the all-topics meters and other beans stay out of the scrape)', () => {
    expect(exported('kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count')).toBeUndefined();
    expect(exported('kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>Count')).toBeUndefined();
    expect(exported('kafka.network<type=RequestMetrics, name=RequestsPerSec, request=Produce><>Count')).toBeUndefined();
  });
});
