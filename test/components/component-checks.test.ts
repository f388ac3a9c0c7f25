// The shared component checks must reject what they are there to catch, or every
// component test that relies on them would pass vacuously.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/kube.ts';
import { LABELS } from '../../src/core/names.ts';
import type { ComponentSpec } from '../../src/core/components/spec.ts';
import { container, deployment, httpProbe, initContainer, service } from '../../src/core/components/workload.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';

const sizing = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } };
const server = () =>
  container({
    name: 'server',
    image: 'docker.io/library/x:1.0.0',
    sizing,
    liveness: httpProbe('/', 8080),
    readiness: httpProbe('/', 8080),
  });
const workload = (): KubeObject =>
  deployment({
    component: 'opa',
    replicas: 1,
    pod: {
      uid: 1000,
      containers: [server()],
      initContainers: [initContainer({ name: 'setup', image: 'docker.io/library/x:1.0.0', sizing })],
    },
  });
const podOf = (o: KubeObject) => (o.spec as any).template.spec;
const componentOf = (build: () => KubeObject[]): ComponentSpec => ({
  name: 'opa',
  description: 'test',
  tier: 'policy',
  images: [],
  uid: 1000,
  service: null,
  dependsOn: [],
  dashboard: null,
  smoke: [],
  sourceFiles: [],
  build,
});

describe('expectRestrictedPods', () => {
  it('accepts pods built with the workload builders', () => {
    expect(() => expectRestrictedPods([workload()], { uid: 1000 })).not.toThrow();
  });

  it('rejects a different user, a weaker security context, missing limits, requests over limits and missing probes', () => {
    expect(() => expectRestrictedPods([workload()], { uid: 1001 })).toThrow();
    const mutations: ((o: KubeObject) => void)[] = [
      (o) => (podOf(o).containers[0].securityContext.readOnlyRootFilesystem = false),
      (o) => delete podOf(o).containers[0].resources.limits.memory,
      (o) => (podOf(o).containers[0].resources.requests.cpu = '1'),
      (o) => delete podOf(o).containers[0].readinessProbe,
      (o) => (podOf(o).initContainers[0].livenessProbe = httpProbe('/', 8080)),
      (o) => (podOf(o).initContainers[0].securityContext.capabilities.drop = []),
    ];
    for (const mutate of mutations) {
      const o = workload();
      mutate(o);
      expect(() => expectRestrictedPods([o], { uid: 1000 })).toThrow();
    }
  });

  it('rejects objects without any pod', () => {
    expect(() =>
      expectRestrictedPods([service({ component: 'opa', ports: [{ name: 'http', port: 80 }] })], { uid: 1000 }),
    ).toThrow();
  });
});

describe('expectWellFormed', () => {
  it('accepts a component built with the workload builders', () => {
    expect(() =>
      expectWellFormed(
        componentOf(() => [workload()]),
        'dev',
      ),
    ).not.toThrow();
  });

  it('rejects another namespace, a missing component label, an environment label, and a build that changes between calls', () => {
    const broken: ((o: KubeObject) => void)[] = [
      (o) => (o.metadata.namespace = 'default'),
      (o) => delete o.metadata.labels![LABELS.component],
      (o) => (o.metadata.labels![LABELS.environment] = 'dev'),
    ];
    for (const mutate of broken) {
      const build = () => {
        const o = workload();
        mutate(o);
        return [o];
      };
      expect(() => expectWellFormed(componentOf(build), 'dev')).toThrow();
    }
    let calls = 0;
    expect(() =>
      expectWellFormed(
        componentOf(() => [
          deployment({ component: 'opa', replicas: ++calls, pod: { uid: 1000, containers: [server()] } }),
        ]),
        'dev',
      ),
    ).toThrow();
  });
});

describe('expectDevRequestsWithin', () => {
  const scaled = (replicas: number) =>
    componentOf(() => [
      deployment({
        component: 'opa',
        replicas,
        pod: {
          uid: 1000,
          containers: [server()],
          initContainers: [
            initContainer({
              name: 'setup',
              image: 'docker.io/library/x:1.0.0',
              sizing: { ...sizing, requests: { cpu: '80m', memory: '32Mi' } },
            }),
          ],
        },
      }),
    ]);

  it('counts every replica, and an init container only where it asks for more than the containers', () => {
    expect(() => expectDevRequestsWithin(scaled(1), { cpu: '80m', memory: '64Mi' })).not.toThrow();
    expect(() => expectDevRequestsWithin(scaled(1), { cpu: '79m', memory: '64Mi' })).toThrow();
    expect(() => expectDevRequestsWithin(scaled(2), { cpu: '160m', memory: '127Mi' })).toThrow();
    expect(() => expectDevRequestsWithin(scaled(2), { cpu: '160m', memory: '128Mi' })).not.toThrow();
  });
});
