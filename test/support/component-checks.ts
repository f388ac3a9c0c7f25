// Assertions every component module's objects must pass, shared by the component tests
// (each test file adds what is particular to its component).
import { expect } from 'vitest';
import { isKubeObject, podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { LABELS, NAMESPACE, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { parseYamlStream, toYamlStream } from '../../src/core/yaml.ts';
import type { ComponentSpec } from '../../src/core/components/spec.ts';
import { CTX } from './context.ts';

/**
 * The component's objects are valid KubeObjects in soma-infra (a Namespace is cluster
 * scoped), labelled with the component and not yet with the environment (overlays add
 * it), built the same on every call and unchanged by a round trip through YAML.
 */
export function expectWellFormed(component: ComponentSpec, env: Environment): void {
  const objects = component.build(env, CTX);
  expect(objects.length).toBeGreaterThan(0);
  for (const o of objects) {
    expect(isKubeObject(o)).toBe(true);
    const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind);
    expect(o.metadata.namespace).toBe(clusterScoped ? undefined : NAMESPACE);
    expect(o.metadata.labels?.[LABELS.component]).toBe(component.name);
    expect(o.metadata.labels?.[LABELS.environment]).toBeUndefined();
  }
  expect(component.build(env, CTX)).toEqual(objects);
  expect(toYamlStream(component.build(env, CTX))).toBe(toYamlStream(objects));
  expect(parseYamlStream(toYamlStream(objects)).map((d) => d.value)).toEqual(JSON.parse(JSON.stringify(objects)));
}

/** The restricted container security context that container() and initContainer() apply. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** Every pod template among the objects, with the kind that owns it. */
export function podsOf(objects: readonly KubeObject[]): { owner: KubeObject; pod: V1PodSpec }[] {
  return objects.flatMap((o) => {
    const found = podSpecOf(o);
    return found ? [{ owner: o, pod: found.spec as unknown as V1PodSpec }] : [];
  });
}

/**
 * Every pod among the objects runs as the image's non-root user (`uid`, group `gid`,
 * which also owns the volumes), and every container has the restricted security
 * context and cpu/memory requests within its limits. Long-running containers have
 * liveness and readiness probes; containers that run to completion (init containers,
 * a CronJob's) have none. Fails if the objects contain no pod at all.
 */
export function expectRestrictedPods(objects: readonly KubeObject[], user: { uid: number; gid?: number }): void {
  const pods = podsOf(objects);
  expect(pods.length).toBeGreaterThan(0);
  const gid = user.gid ?? user.uid;
  for (const { owner, pod } of pods) {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: user.uid,
      runAsGroup: gid,
      fsGroup: gid,
    });
    const init = pod.initContainers ?? [];
    for (const c of [...init, ...pod.containers]) {
      expect(c.securityContext, c.name).toEqual(RESTRICTED_CONTAINER);
      expectRequestsWithinLimits(c);
      const runsToCompletion = owner.kind === 'CronJob' || owner.kind === 'Job' || init.includes(c);
      const probes = [c.startupProbe, c.livenessProbe, c.readinessProbe].filter(Boolean);
      if (runsToCompletion) expect(probes, `${c.name} runs to completion: no probes`).toEqual([]);
      else expect(Boolean(c.livenessProbe && c.readinessProbe), `${c.name} liveness and readiness probes`).toBe(true);
    }
  }
}

function expectRequestsWithinLimits(c: V1Container): void {
  for (const r of ['cpu', 'memory'] as const) {
    const request = c.resources?.requests?.[r];
    const limit = c.resources?.limits?.[r];
    expect(request, `${c.name} ${r} request`).toBeTruthy();
    expect(limit, `${c.name} ${r} limit`).toBeTruthy();
    expect(parseQuantity(request!)).toBeLessThanOrEqual(parseQuantity(limit!));
  }
}

// Whole units (millicores, bytes), so that summing never drifts past a budget by rounding.
const UNIT = { cpu: 1000, memory: 1 } as const;
const requestOf = (c: V1Container, r: 'cpu' | 'memory') =>
  Math.round(parseQuantity(c.resources?.requests?.[r] ?? 0) * UNIT[r]);

/** What the scheduler reserves for a pod: its containers' sum, or its largest init container if that is more. */
function podRequest(pod: V1PodSpec, r: 'cpu' | 'memory'): number {
  const sum = pod.containers.reduce((a, c) => a + requestOf(c, r), 0);
  return Math.max(sum, ...(pod.initContainers ?? []).map((c) => requestOf(c, r)));
}

/** Everything the component runs in dev (every replica of every pod) requests at most its share of the laptop budget. */
export function expectDevRequestsWithin(component: ComponentSpec, budget: { cpu: string; memory: string }): void {
  const pods = podsOf(component.build('dev', CTX));
  expect(pods.length).toBeGreaterThan(0);
  for (const r of ['cpu', 'memory'] as const) {
    const total = pods.reduce(
      (a, { owner, pod }) => a + ((owner.spec as { replicas?: number }).replicas ?? 1) * podRequest(pod, r),
      0,
    );
    expect(total, `dev ${r} requests`).toBeLessThanOrEqual(Math.round(parseQuantity(budget[r]) * UNIT[r]));
  }
}
