// cluster.yaml `repository.serve` and the git server's generated objects: table-driven
// checks of the pure parts of local mode.
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/core/cluster-config.ts';
import { buildGitServerObjects, GIT_SERVER, GIT_SERVER_IMAGE, LOCAL_REPO_URL } from '../../src/core/git-server.ts';
import { buildKindConfig } from '../../src/core/kind-config.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { checkObjects, summary } from '../validate/helpers.ts';

const FILE = 'clusters/dev/cluster.yaml';
const yaml = (repository: string, kind = 'kind: { name: dev }') => `name: dev
environment: dev
destination: { server: https://kubernetes.default.svc }
repository: { url: https://github.com/example/somastack.git, revision: main${repository} }
components: [platform]
${kind}
`;

const problems = (text: string) => {
  const r = parseClusterConfig(FILE, 'dev', text);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}${p.hint ? ` (fix: ${p.hint})` : ''}`);
};

describe('repository.serve', () => {
  it('defaults to the remote URL, unchanged', () => {
    const r = parseClusterConfig(FILE, 'dev', yaml(''));
    expect(r.ok && r.config.repository).toEqual({ url: 'https://github.com/example/somastack.git', revision: 'main' });
    expect(r.ok && r.config.kind?.hostPorts).toEqual({ argocd: 8080, grafana: 3000 });
  });

  it('local: Argo CD syncs from the in-cluster server, published on the git host port', () => {
    const r = parseClusterConfig(FILE, 'dev', yaml(', serve: local'));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.config.repository).toEqual({ url: LOCAL_REPO_URL, revision: 'main', serve: 'local' });
    expect(r.config.kind?.hostPorts.git).toBe(GIT_SERVER.hostPort);
    const mappings = (
      buildKindConfig(r.config) as {
        nodes: { extraPortMappings: { containerPort: number; hostPort: number; listenAddress: string }[] }[];
      }
    ).nodes[0]!.extraPortMappings;
    expect(mappings).toContainEqual({
      containerPort: GIT_SERVER.nodePort,
      hostPort: GIT_SERVER.hostPort,
      listenAddress: '127.0.0.1',
      protocol: 'TCP',
    });
  });

  it.each([
    ['an unknown mode', yaml(', serve: gitea'), '/repository/serve: must be one of: remote, local'],
    ['local without Kind', yaml(', serve: local', ''), "/repository/serve: 'local' needs a Kind cluster"],
    [
      'a git port clashing with argocd',
      yaml(', serve: local', 'kind: { name: dev, hostPorts: { argocd: 9000, git: 9000 } }'),
      '/kind/hostPorts/git: host port 9000 is already used',
    ],
    [
      'a git port in remote mode',
      yaml('', 'kind: { name: dev, hostPorts: { git: 9000 } }'),
      "/kind/hostPorts/git: is set but repository.serve is not 'local'",
    ],
  ])('rejects %s, naming the field', (_name, text, expected) => {
    expect(problems(text).join('\n')).toContain(expected);
  });
});

describe('git server objects', () => {
  const objects = buildGitServerObjects();
  const byKind = (kind: string) => objects.find((o) => o.kind === kind)!;
  const podSpec = (byKind('Deployment').spec as { template: { spec: Record<string, any> } }).template.spec;
  const containers: Record<string, any>[] = [...podSpec.initContainers, ...podSpec.containers];

  it('live in a namespace of their own that enforces the restricted Pod Security profile', () => {
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'PersistentVolumeClaim', 'Deployment', 'Service']);
    expect(byKind('Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe(GIT_SERVER.namespace);
  });

  it('run the pinned rootless image as non-root with everything the restricted profile requires', () => {
    expect(podSpec.securityContext).toMatchObject({ runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of containers) {
      expect(c.image).toBe(GIT_SERVER_IMAGE);
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
    expect(GIT_SERVER_IMAGE).toMatch(/^docker\.io\/gitea\/gitea:\d+\.\d+\.\d+-rootless$/);
  });

  it('fit the dev budget: small requests, limits on every container', () => {
    const cpu = containers.reduce((n, c) => n + parseQuantity(c.resources.requests.cpu), 0);
    const memory = containers.reduce((n, c) => n + parseQuantity(c.resources.requests.memory), 0);
    expect(cpu).toBeLessThanOrEqual(0.1);
    expect(memory).toBeLessThanOrEqual(256 * 1024 ** 2);
    for (const c of containers) expect(c.resources.limits).toBeDefined();
  });

  it('read the admin credential from the Secret, never from a literal', () => {
    const env = (podSpec.initContainers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).filter((e) =>
      e.name.startsWith('ADMIN_'),
    );
    expect(env).toEqual([
      { name: 'ADMIN_USERNAME', valueFrom: { secretKeyRef: { name: GIT_SERVER.adminSecret, key: 'username' } } },
      { name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: GIT_SERVER.adminSecret, key: 'password' } } },
    ]);
    expect(JSON.stringify(podSpec.containers)).not.toContain('ADMIN_PASSWORD');
  });

  it('pass the schema and policy checks validate runs on a local-mode cluster', async () => {
    const parsed = parseClusterConfig(FILE, 'dev', yaml(', serve: local'));
    if (!parsed.ok) throw new Error('invalid');
    const result = await checkObjects(buildGitServerObjects(), { mode: 'repository', cluster: parsed.config });
    expect(summary(result.findings.filter((f) => f.severity === 'error'))).toEqual([]);
  });

  it('publish HTTP on the node port the Kind mapping targets', () => {
    const svc = byKind('Service') as KubeObject & {
      spec: { type: string; ports: { nodePort: number; port: number }[] };
    };
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0]).toMatchObject({ port: GIT_SERVER.httpPort, nodePort: GIT_SERVER.nodePort });
    expect(LOCAL_REPO_URL).toBe(`http://git-server.soma-git.svc.cluster.local:3000/soma/somastack.git`);
  });
});
