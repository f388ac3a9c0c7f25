// Clusters that are each valid but collide with one another are an error, against the later one.
import { describe, expect, it } from 'vitest';
import { type ClusterConfig, parseClusterConfig } from '../../src/core/cluster-config.ts';
import { clusterSetProblems } from '../../src/core/cluster-set.ts';

function cluster(name: string, extra: string, server = 'https://kubernetes.default.svc'): ClusterConfig {
  const env = extra.includes('kind:') ? 'dev' : 'prod';
  // A cluster deployed to from elsewhere is managed by the hub 'c' unless the test says otherwise.
  const hub = server.includes('default.svc') || extra.includes('managedBy') ? '' : 'argocd: { managedBy: c }\n';
  const text = `name: ${name}\nenvironment: ${env}\ndestination: { server: ${server} }\nrepository: { url: https://github.com/x/y.git, revision: main }\ncomponents: [platform]\n${hub}${extra}`;
  const r = parseClusterConfig(`clusters/${name}/cluster.yaml`, name, text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const rows = (clusters: ClusterConfig[]) => clusterSetProblems(clusters).map((p) => [p.file, p.path, p.message]);

describe('checks across clusters', () => {
  it('accepts distinct API servers, several in-cluster destinations and distinct Kind clusters', () => {
    expect(
      rows([
        cluster('a', '', 'https://a.example:6443'),
        cluster('b', '', 'https://b.example:6443'),
        cluster('c', ''),
        cluster('d', ''),
        cluster('k1', 'kind: { name: one, hostPorts: { argocd: 18080, grafana: 13000 } }\n'),
        cluster('k2', 'kind: { name: two, hostPorts: { argocd: 28080, grafana: 23000 } }\n'),
      ]),
    ).toEqual([]);
  });

  it('two clusters deploying to the same API server (and so the same namespace)', () => {
    const hub = cluster('c', '');
    expect(
      rows([cluster('a', '', 'https://api.example:6443'), cluster('b', '', 'https://API.example:6443/'), hub]),
    ).toEqual([
      [
        'clusters/b/cluster.yaml',
        '/destination/server',
        'is https://API.example:6443, the API server clusters/a/cluster.yaml deploys to: both would own namespace soma-infra there and overwrite each other',
      ],
    ]);
  });

  it('two Kind clusters sharing a name or a host port', () => {
    expect(
      rows([
        cluster('k1', 'kind: { name: soma, hostPorts: { argocd: 18080, grafana: 13000 } }\n'),
        cluster('k2', 'kind: { name: soma, hostPorts: { argocd: 28080, grafana: 18080 } }\n'),
      ]),
    ).toEqual([
      [
        'clusters/k2/cluster.yaml',
        '/kind/name',
        "'soma' is also the Kind cluster of clusters/k1/cluster.yaml: bootstrapping one would take over the other",
      ],
      [
        'clusters/k2/cluster.yaml',
        '/kind/hostPorts/grafana',
        'host port 18080 is also published by clusters/k1/cluster.yaml: the second cluster cannot start while the first runs',
      ],
    ]);
  });

  it('a managed cluster names a standalone hub of this repository', () => {
    const spoke = (name: string, hub: string) =>
      cluster(name, `argocd: { managedBy: ${hub} }\n`, `https://${name}.example:6443`);
    expect(rows([cluster('c', ''), spoke('a', 'nowhere'), spoke('b', 'a')])).toEqual([
      ['clusters/a/cluster.yaml', '/argocd/managedBy', "names 'nowhere', which is not a cluster of this repository"],
      [
        'clusters/b/cluster.yaml',
        '/argocd/managedBy',
        "names 'a', which is itself managed by 'nowhere': a hub runs its own Argo CD",
      ],
    ]);
    expect(clusterSetProblems([cluster('c', ''), spoke('a', 'nowhere')])[0]!.hint).toBe('one of: c');
  });
});
