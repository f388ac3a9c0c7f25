// Stage 6, budget: what a cluster asks the scheduler for, per component, against the
// budget in its cluster.yaml. A pod asks for its effective requests — the larger of its
// init phase and its running phase, as the scheduler computes them — times its replicas.
// Jobs and CronJobs are counted once (their parallelism): they come and go, but the
// node must have room for them when they run. DaemonSets are counted once (one node).
import type { ClusterConfig } from '../cluster-config.ts';
import { DIRS, FILES } from '../names.ts';
import type { KubeObject } from '../kube.ts';
import { formatCpu, formatMemory, parseQuantity } from '../quantity.ts';
import { podOf } from './policy/types.ts';
import type { BudgetRow, BudgetTable, Finding } from './report.ts';

export interface Requests {
  cpu: number;
  memory: number;
}

function requestsOf(container: Record<string, any>): Requests {
  const r = container?.resources?.requests ?? {};
  const q = (v: unknown) => {
    if (typeof v !== 'string' && typeof v !== 'number') return 0;
    try {
      return parseQuantity(v);
    } catch {
      return 0; // reported by the schema stage
    }
  };
  return { cpu: q(r.cpu), memory: q(r.memory) };
}

// CPU in cores as decimals: round to a micro-core so that 0.1 + 0.2 adds up to 0.3.
const cores = (n: number) => Math.round(n * 1e6) / 1e6;
const add = (a: Requests, b: Requests): Requests => ({ cpu: cores(a.cpu + b.cpu), memory: a.memory + b.memory });
const max = (a: Requests, b: Requests): Requests => ({
  cpu: Math.max(a.cpu, b.cpu),
  memory: Math.max(a.memory, b.memory),
});
const ZERO: Requests = { cpu: 0, memory: 0 };

/** Effective requests of one pod: init containers run one at a time (beside the sidecars started before them), then the app containers beside every sidecar. */
export function podRequests(spec: Record<string, any>): Requests {
  let sidecars = ZERO;
  let initPhase = ZERO;
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) {
    if (c?.restartPolicy === 'Always') sidecars = add(sidecars, requestsOf(c));
    else initPhase = max(initPhase, add(requestsOf(c), sidecars));
  }
  let running = sidecars;
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) running = add(running, requestsOf(c));
  return add(max(initPhase, running), requestsOf({ resources: { requests: spec.overhead ?? {} } }));
}

/** How many pods of a workload the budget counts. */
export function podCount(o: KubeObject): number {
  const spec = (o.spec ?? {}) as Record<string, any>;
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return typeof spec.replicas === 'number' ? spec.replicas : 1;
    case 'Job':
      return typeof spec.parallelism === 'number' ? spec.parallelism : 1;
    case 'CronJob':
      return typeof spec.jobTemplate?.spec?.parallelism === 'number' ? spec.jobTemplate.spec.parallelism : 1;
    default:
      return 1;
  }
}

/** A CloudNativePG Cluster runs `instances` pods, each with the Cluster's resources (its operator makes the pods). */
function cnpgClusterRequests(o: KubeObject): (Requests & { pods: number }) | undefined {
  if (o.kind !== 'Cluster' || !o.apiVersion.startsWith('postgresql.cnpg.io/')) return undefined;
  const spec = (o.spec ?? {}) as Record<string, any>;
  const pods = typeof spec.instances === 'number' ? spec.instances : 1;
  const one = requestsOf({ resources: spec.resources });
  return { cpu: cores(one.cpu * pods), memory: one.memory * pods, pods };
}

/**
 * Strimzi makes the pods: a KafkaNodePool runs `replicas` Kafka nodes, each with the pool's
 * resources; a Kafka with a Kafka Exporter runs it as one more pod with its resources.
 */
function strimziRequests(o: KubeObject): (Requests & { pods: number }) | undefined {
  if (!o.apiVersion.startsWith('kafka.strimzi.io/')) return undefined;
  const spec = (o.spec ?? {}) as Record<string, any>;
  const sized = (pods: number, resources: unknown) => {
    const one = requestsOf({ resources });
    return { cpu: cores(one.cpu * pods), memory: one.memory * pods, pods };
  };
  if (o.kind === 'KafkaNodePool') return sized(typeof spec.replicas === 'number' ? spec.replicas : 0, spec.resources);
  if (o.kind === 'Kafka' && spec.kafkaExporter) return sized(1, spec.kafkaExporter.resources);
  return undefined;
}

export function workloadRequests(o: KubeObject): (Requests & { pods: number }) | undefined {
  const cluster = cnpgClusterRequests(o) ?? strimziRequests(o);
  if (cluster) return cluster;
  const pod = podOf(o);
  if (!pod) return undefined;
  const pods = podCount(o);
  const one = podRequests(pod.spec);
  return { cpu: cores(one.cpu * pods), memory: one.memory * pods, pods };
}

export interface BudgetGroup {
  component: string;
  note?: string;
  objects: readonly KubeObject[];
}

/** The budget table of a cluster, and a finding when its total exceeds the budget. */
export function buildBudget(
  cluster: ClusterConfig,
  groups: readonly BudgetGroup[],
): { table: BudgetTable; findings: Finding[] } {
  const rows = new Map<string, BudgetRow>();
  for (const g of groups) {
    for (const o of g.objects) {
      const w = workloadRequests(o);
      if (!w) continue;
      const row = rows.get(g.component) ?? { component: g.component, note: g.note, cpu: 0, memory: 0, pods: 0 };
      row.cpu = cores(row.cpu + w.cpu);
      row.memory += w.memory;
      row.pods += w.pods;
      rows.set(g.component, row);
    }
  }
  const list = [...rows.values()].sort((a, b) => a.component.localeCompare(b.component));
  const total = list.reduce(add, ZERO);
  const table: BudgetTable = { cluster: cluster.name, rows: list, total };
  const findings: Finding[] = [];
  if (cluster.budget) {
    const budget = {
      cpu: parseQuantity(cluster.budget.cpu),
      memory: parseQuantity(cluster.budget.memory),
      source: cluster.source,
    };
    table.budget = budget;
    const file = cluster.source || `${DIRS.clusters}/${cluster.name}/${FILES.clusterConfig}`;
    const over = (what: 'cpu' | 'memory', fmt: (n: number) => string) =>
      findings.push({
        stage: 'budget',
        severity: 'error',
        rule: 'SOMA-BUDGET',
        file,
        pointer: `/budget/${what}`,
        message: `${cluster.name} requests ${fmt(total[what])} ${what === 'cpu' ? 'CPU' : 'memory'} in total, over its budget of ${fmt(budget[what])}`,
        fix: 'lower the requests of the largest components (their sizing in src/core/components/), disable a component, or raise the budget if the nodes are larger',
        origins: [cluster.name],
      });
    if (total.cpu > budget.cpu + 1e-9) over('cpu', formatCpu);
    if (total.memory > budget.memory) over('memory', formatMemory);
  }
  return { table, findings };
}
