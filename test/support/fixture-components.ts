// A small component used to test the generator itself (golden files, kustomize
// round-trips) without depending on the real component modules.
import type { ComponentName } from '../../src/core/contracts.ts';
import type { ComponentSpec } from '../../src/core/components/spec.ts';
import {
  configHash,
  CONFIG_HASH_ANNOTATION,
  container,
  deployment,
  env,
  httpProbe,
  podDisruptionBudget,
  service,
} from '../../src/core/components/workload.ts';
import type { Environment } from '../../src/core/names.ts';

const PROFILES: Record<Environment, { replicas: number; cpu: string; level: string; pdb: boolean; debug: boolean }> = {
  dev: { replicas: 1, cpu: '50m', level: 'debug', pdb: false, debug: true },
  staging: { replicas: 2, cpu: '100m', level: 'info', pdb: false, debug: false },
  prod: { replicas: 3, cpu: '200m', level: 'warn', pdb: true, debug: false },
};

const FILES = { 'echo.yaml': 'greeting: hello\n' };

export const echo: ComponentSpec = {
  name: 'redis' as ComponentName,
  description: 'fixture echo server',
  tier: 'store',
  images: [{ role: 'echo', image: 'docker.io/library/echo:1.0.0' }],
  uid: 1000,
  // Named 'redis', it states redis' contract ports (the components doc lists them).
  service: { port: 6379, secrets: [], metrics: { port: 9121, path: '/metrics' } },
  dependsOn: [],
  dashboard: null,
  smoke: [],
  sourceFiles: [],
  build(e) {
    const p = PROFILES[e];
    const vars: Record<string, string> = { LOG_LEVEL: p.level };
    if (p.debug) vars.DEBUG = 'true';
    const objects = [
      deployment({
        component: 'redis',
        name: 'echo',
        replicas: p.replicas,
        podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash(FILES) },
        pod: {
          uid: 1000,
          containers: [
            container({
              name: 'echo',
              image: 'docker.io/library/echo:1.0.0',
              env: env(vars),
              ports: [{ name: 'http', containerPort: 8080 }],
              sizing: { requests: { cpu: p.cpu, memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
              liveness: httpProbe('/healthz', 'http'),
              readiness: httpProbe('/ready', 'http'),
            }),
          ],
        },
      }),
      // dev also exposes a debug port: its removal elsewhere exercises port deletion in overlays.
      service({
        component: 'redis',
        name: 'echo',
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          ...(p.debug ? [{ name: 'debug', port: 9999, targetPort: 9999 }] : []),
        ],
      }),
    ];
    if (p.pdb) objects.push(podDisruptionBudget('redis', 'echo'));
    return objects;
  },
  configFiles: () => [{ name: 'echo-config', files: FILES, extraFiles: { 'echo_test.yaml': 'test: true\n' } }],
};
