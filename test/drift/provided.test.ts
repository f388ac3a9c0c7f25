// What bootstrap or the platform team creates outside git is provided, not an orphan: the
// component Secrets, the backup target's keys, the marker, a managed cluster's
// argocd-manager, and on a hub the Secrets of the clusters it manages.
import { describe, expect, it } from 'vitest';
import { parseClusterConfig, type ClusterConfig } from '../../src/core/cluster-config.ts';
import { bootstrapCreated } from '../../src/commands/drift/live.ts';

function cluster(name: string, yaml: string): ClusterConfig {
  const r = parseClusterConfig(
    `clusters/${name}/cluster.yaml`,
    name,
    `name: ${name}\nrepository: { url: https://github.com/x/y.git, revision: main }\n${yaml}`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const hub = cluster(
  'mgmt',
  'environment: prod\ncontext: m\ndestination: { server: https://kubernetes.default.svc }\ncomponents: []\n',
);
const spoke = cluster(
  'staging',
  'environment: staging\ncontext: s\nargocd: { managedBy: mgmt }\ndestination: { server: https://s.example:6443 }\ncomponents: [platform, cnpg, postgres]\nbackup: { destinationPath: s3://backups/staging, credentialsSecret: staging-backup-keys }\n',
);

describe('what drift counts as provided', () => {
  it('on a managed cluster: the component Secrets, the backup keys, the marker and argocd-manager; in the hub its registration', () => {
    const made = bootstrapCreated(spoke, [hub, spoke]);
    expect([...made.target]).toEqual(
      expect.arrayContaining([
        'Secret/soma-infra/soma-infra-postgres-credentials',
        'Secret/soma-infra/staging-backup-keys',
        'ConfigMap/kube-system/somastack-cluster',
        'ServiceAccount/kube-system/argocd-manager',
        'ClusterRole//argocd-manager-role',
      ]),
    );
    expect([...made.argocd].sort()).toEqual(['Secret/argocd/cluster-staging', 'Secret/argocd/staging-repository']);
  });

  it('on a hub: its own repository Secret and what bootstrap made there for the clusters it manages', () => {
    const made = bootstrapCreated(hub, [hub, spoke]);
    expect([...made.argocd].sort()).toEqual([
      'Secret/argocd/cluster-staging',
      'Secret/argocd/mgmt-repository',
      'Secret/argocd/staging-repository',
    ]);
  });
});
