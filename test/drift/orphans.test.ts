import { describe, expect, it } from 'vitest';
import { findOrphans, ownedNamespaces, type DesiredApp } from '../../src/core/drift/index.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { desiredStatefulSet } from './fixtures.ts';

const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'soma-infra' } };
const app = (name: string, component: string, objects: KubeObject[]): DesiredApp => ({ app: name, component, objects });
const cm = (name: string, namespace: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...extra },
});
const application = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', labels },
});

describe('findOrphans', () => {
  const apps = [
    app('kind-soma-platform', 'platform', [ns]),
    app('kind-soma-postgres', 'postgres', [desiredStatefulSet(), cm('postgres-config', 'soma-infra')]),
    app('kind-soma-root', 'root', [application('kind-soma-postgres', { 'app.kubernetes.io/managed-by': 'somastack' })]),
  ];
  const opts = {
    ownedNamespaces: ownedNamespaces(apps),
    provided: new Set(['Secret/soma-infra/soma-infra-postgres-credentials']),
    managedBy: 'somastack',
  };

  it('derives the owned namespaces from git’s Namespace objects', () => {
    expect([...opts.ownedNamespaces]).toEqual(['soma-infra']);
  });

  it('reports unknown objects in owned namespaces and our leftovers elsewhere, with their application', () => {
    const live: KubeObject[] = [
      cm('postgres-config', 'soma-infra'),
      cm('hand-made', 'soma-infra', { labels: { 'app.kubernetes.io/component': 'postgres' } }),
      cm('tracked', 'soma-infra', {
        annotations: { 'argocd.argoproj.io/tracking-id': 'kind-soma-redis:/ConfigMap:soma-infra/tracked' },
      }),
      application('kind-soma-postgres', { 'app.kubernetes.io/managed-by': 'somastack' }),
      application('kind-soma-oldthing', { 'app.kubernetes.io/managed-by': 'somastack' }),
      application('someone-elses-app'),
      cm('argocd-cm', 'argocd'),
    ];
    const orphans = findOrphans(apps, live, opts);
    expect(orphans.map((o) => [o.app, o.kind, o.namespace, o.name])).toEqual([
      ['kind-soma-postgres', 'ConfigMap', 'soma-infra', 'hand-made'],
      ['kind-soma-redis', 'ConfigMap', 'soma-infra', 'tracked'],
      ['', 'Application', 'argocd', 'kind-soma-oldthing'],
    ]);
    expect(orphans.every((o) => o.state === 'orphan')).toBe(true);
  });

  it('never reports controller-made, system or deliberately provided objects', () => {
    const live: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'soma-infra-postgres-credentials', namespace: 'soma-infra' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'default-token-abc', namespace: 'soma-infra' },
        type: 'kubernetes.io/service-account-token',
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'soma-infra' } },
      cm('kube-root-ca.crt', 'soma-infra'),
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data-postgres-0', namespace: 'soma-infra' },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'backup-1', namespace: 'soma-infra', ownerReferences: [{ kind: 'CronJob', name: 'backup' }] },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'postgres-0', namespace: 'soma-infra' } },
      // CloudNativePG copies its monitoring queries into the Cluster's namespace, without an owner.
      cm('cnpg-default-monitoring', 'soma-infra', { labels: { 'app.kubernetes.io/managed-by': 'cloudnative-pg' } }),
    ];
    expect(findOrphans(apps, live, opts)).toEqual([]);
  });

  it("counts what Strimzi makes for a Kafka as controller-made: owned objects, labelled ones, the node pools' volumes", () => {
    const pool: KubeObject = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaNodePool',
      metadata: { name: 'dual-role', namespace: 'soma-infra', labels: { 'strimzi.io/cluster': 'kafka' } },
    };
    const withKafka = [...apps, app('kind-soma-kafka', 'kafka', [pool])];
    const owned = { ownerReferences: [{ kind: 'Kafka', name: 'kafka' }] };
    const claim = (name: string, labels: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'soma-infra', labels },
    });
    const live: KubeObject[] = [
      {
        apiVersion: 'core.strimzi.io/v1',
        kind: 'StrimziPodSet',
        metadata: { name: 'kafka-dual-role', namespace: 'soma-infra', ...owned },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kafka-cluster-ca-cert', namespace: 'soma-infra', ...owned },
      },
      cm('kafka-dual-role-0', 'soma-infra', { labels: { 'app.kubernetes.io/managed-by': 'strimzi-cluster-operator' } }),
      claim('data-kafka-dual-role-0'),
      claim('data-0-kafka-dual-role-1'),
    ];
    expect(findOrphans(withKafka, live, { ...opts, ownedNamespaces: ownedNamespaces(withKafka) })).toEqual([]);
    // A volume of a pool git no longer has, without Strimzi's label, is reported.
    expect(findOrphans(withKafka, [claim('data-kafka-old-0')], opts).map((o) => o.name)).toEqual(['data-kafka-old-0']);
  });

  it("counts the Secret a git Certificate names and cert-manager's requests as controller-made, not a Secret of another name", () => {
    const certificate: KubeObject = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'vault-tls', namespace: 'soma-infra' },
      spec: { secretName: 'vault-tls' },
    };
    const withCert = [...apps, app('kind-soma-vault', 'vault', [certificate])];
    const secret = (name: string, namespace = 'soma-infra'): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, annotations: { 'cert-manager.io/certificate-name': 'vault-tls' } },
    });
    const live: KubeObject[] = [
      certificate,
      secret('vault-tls'),
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'CertificateRequest',
        metadata: { name: 'vault-tls-1', namespace: 'soma-infra' },
      },
      secret('copied-tls'),
    ];
    expect(findOrphans(withCert, live, opts).map((o) => `${o.kind}/${o.name}`)).toEqual(['Secret/copied-tls']);
  });

  it('does report a PVC that no StatefulSet template explains', () => {
    const live: KubeObject[] = [
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'scratch', namespace: 'soma-infra' } },
    ];
    expect(findOrphans(apps, live, opts).map((o) => o.name)).toEqual(['scratch']);
  });

  it('leaves what Argo CD tracks for an Application that was not rendered to that Application', () => {
    const ours = { 'app.kubernetes.io/managed-by': 'somastack' };
    const tracked = (app: string, o: KubeObject): KubeObject => ({
      ...o,
      metadata: {
        ...o.metadata,
        annotations: {
          'argocd.argoproj.io/tracking-id': `${app}:${o.kind === 'Namespace' ? '' : '/'}${o.kind}:${o.metadata.namespace ?? ''}/${o.metadata.name}`,
        },
      },
    });
    const live: KubeObject[] = [
      tracked('kind-soma-argocd', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd', labels: ours } }),
      tracked('argocd_kind-soma-argocd', cm('argocd-cm', 'argocd', { labels: ours })),
      tracked('kind-soma-other', cm('other-cm', 'argocd', { labels: ours })),
    ];
    const skippedApps = new Set(['kind-soma-argocd']);
    expect(findOrphans(apps, live, { ...opts, skippedApps }).map((o) => [o.app, o.name])).toEqual([
      ['kind-soma-other', 'other-cm'],
    ]);
    // Without knowing the app was skipped, the same objects are orphans: the rule is what keeps them out.
    expect(findOrphans(apps, live, opts).map((o) => o.name)).toEqual(['argocd', 'argocd-cm', 'other-cm']);
  });
});
