// Every root-app.yaml applies the one soma-bootstrap AppProject into its Argo CD. Clusters
// whose root apps share an Argo CD (a hub and the clusters it manages) must therefore agree
// on its repositories, or applying one cluster's file would lock the others' root apps out.
import { describe, expect, it } from 'vitest';
import { parseClusterConfig, type ClusterConfig } from '../../src/core/cluster-config.ts';
import { planTree } from '../../src/core/tree-plan.ts';
import { parseYamlStream } from '../../src/core/yaml.ts';

function cluster(name: string, url: string, extra: string): ClusterConfig {
  const text = `name: ${name}\nenvironment: prod\nrepository: { url: ${url}, revision: main }\ncomponents: []\n${extra}`;
  const r = parseClusterConfig(`clusters/${name}/cluster.yaml`, name, text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const inCluster = 'destination: { server: https://kubernetes.default.svc }\n';
const clusters = [
  cluster('hub', 'https://github.com/org/platform.git', `context: h\n${inCluster}`),
  cluster(
    'prod',
    'https://github.com/org/release.git',
    'context: p\nargocd: { managedBy: hub }\ndestination: { server: https://prod.example:6443 }\n',
  ),
  cluster('lab', 'https://github.com/org/lab.git', `context: l\n${inCluster}`),
];

const reposIn = (files: Map<string, string>, name: string) => {
  const docs = parseYamlStream(files.get(`bootstrap/clusters/${name}/root-app.yaml`)!).map((d) => d.value as any);
  return docs.find((d) => d.kind === 'AppProject').spec.sourceRepos;
};

describe('the soma-bootstrap project', () => {
  it('lists the repositories of every cluster whose root app lives in the same Argo CD, and only those', () => {
    const files = planTree(clusters, { components: [], files: {} });
    const shared = ['https://github.com/org/platform.git', 'https://github.com/org/release.git'];
    expect(reposIn(files, 'hub')).toEqual(shared);
    expect(reposIn(files, 'prod')).toEqual(shared);
    expect(reposIn(files, 'lab')).toEqual(['https://github.com/org/lab.git']);
  });
});
