// Small, realistic renders for the diff engine's tests: a few Applications of a dev
// cluster, built as plain objects so each scenario changes exactly one thing.
import type { KubeObject } from '../../src/core/kube.ts';
import type { AppRender, SideRender } from '../../src/core/diff/types.ts';

const NS = 'soma-infra';
const labels = (component: string) => ({
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/part-of': 'soma-shared-infra',
  'soma.sh/environment': 'dev',
});
const meta = (name: string, component: string) => ({ name, namespace: NS, labels: labels(component) });

export function service(name: string, port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, name),
    spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'main', port, targetPort: port }] },
  };
}

export function deployment(name: string, image: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, name),
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          containers: [
            {
              name,
              image,
              args: ['--port', '6379'],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
            },
          ],
        },
      },
    },
  };
}

export function statefulSet(name: string, image: string, storage = '1Gi'): KubeObject {
  const o = deployment(name, image);
  o.kind = 'StatefulSet';
  const spec = o.spec as Record<string, unknown>;
  spec.serviceName = name;
  spec.volumeClaimTemplates = [
    { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } },
  ];
  return o;
}

export function secret(name: string, component: string, data: Record<string, string>): KubeObject {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: meta(name, component), type: 'Opaque', data: encoded };
}

export function configMap(name: string, component: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, component), data };
}

export function app(component: string, objects: KubeObject[], cluster = 'kind-soma'): AppRender {
  return {
    cluster,
    app: `${cluster}-${component}`,
    component,
    path: `overlays/dev/${component}`,
    file: `apps/${cluster}/${component}.yaml`,
    remote: false,
    objects,
  };
}

/** The dev cluster as it is before each scenario's change. */
export function baseApps(): AppRender[] {
  return [
    app('postgres', [
      service('postgres', 5432),
      statefulSet('postgres', 'docker.io/library/postgres:17.6'),
      secret('soma-infra-postgres-credentials', 'postgres', {
        username: 'soma',
        password: 'correct-horse',
        database: 'soma',
      }),
    ]),
    app('redis', [
      service('redis', 6379),
      deployment('redis', 'docker.io/library/redis:8.2.1'),
      configMap('redis-config', 'redis', {
        'redis.conf': 'appendonly yes\nappendfsync everysec\nmaxmemory-policy allkeys-lru\n',
      }),
    ]),
    app('opa', [service('opa', 8181), deployment('opa', 'docker.io/openpolicyagent/opa:1.7.1')]),
  ];
}

export function side(apps: AppRender[], ref: string, sha?: string): SideRender {
  const files = apps.flatMap((a) =>
    a.objects.map((o) => `base/${a.component}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`),
  );
  return { ref, ...(sha ? { sha } : {}), clusters: [{ name: 'kind-soma', environment: 'dev', apps }], files };
}

/** Stand-in for the generator's provenance: the base file named after the object, when it exists. */
export function fixtureSources(files: Iterable<string>, appPath: string, o: KubeObject): string[] {
  const component = appPath.split('/').pop()!;
  const file = `base/${component}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
  return [...files].includes(file) ? [file] : [];
}

export function find(apps: AppRender[], component: string, kind: string): KubeObject {
  const o = apps.find((a) => a.component === component)?.objects.find((x) => x.kind === kind);
  if (!o) throw new Error(`fixture has no ${kind} in ${component}`);
  return o;
}
