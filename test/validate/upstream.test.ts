// --fetch-upstream: the pinned upstream installs are rendered too (kustomize fetches them over
// HTTP, here from a local server standing in for GitHub), and their CRDs check our custom
// resources; offline the same resources are named as unchecked, never counted as valid.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRepo } from '../../src/cli/deps.ts';
import { checkRepository, type RepositoryDeps } from '../../src/commands/validate/repository.ts';
import { runProcess } from '../../src/adapters/process.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { toYaml, toYamlStream } from '../../src/core/yaml.ts';
import { writeMiniRepo } from '../support/mini-repo.ts';
import { byRule } from './helpers.ts';

/** An operator's release in miniature: one CRD whose schema wants spec.instances as an integer. */
const CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'clusters.postgresql.cnpg.io' },
  spec: {
    group: 'postgresql.cnpg.io',
    names: { kind: 'Cluster', plural: 'clusters', singular: 'cluster', listKind: 'ClusterList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: { type: 'object', properties: { instances: { type: 'integer' } } },
            },
          },
        },
      },
    ],
  },
};

const cluster = (instances: unknown): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'postgres', namespace: 'soma-infra' },
  spec: { instances },
});

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((_req, res) => res.end(toYamlStream([CRD])));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/release.yaml`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A repository whose operator Application pulls the release from the local server. */
function repo(instances: unknown): string {
  const root = writeMiniRepo({ redis: [cluster(instances)], opa: [] });
  mkdirSync(join(root, 'overlays/dev/opa'), { recursive: true });
  writeFileSync(join(root, 'overlays/dev/opa/kustomization.yaml'), toYaml({ resources: [url] }));
  return root;
}

/** The same, shaped like base/strimzi: the release one layer down, placed in a namespace by a transformer. */
function nestedRepo(instances: unknown): string {
  const root = writeMiniRepo({ redis: [cluster(instances)], opa: [] });
  mkdirSync(join(root, 'overlays/dev/opa/release'), { recursive: true });
  writeFileSync(join(root, 'overlays/dev/opa/kustomization.yaml'), toYaml({ resources: ['release'] }));
  const transformer = {
    apiVersion: 'builtin',
    kind: 'NamespaceTransformer',
    metadata: { name: 'release-namespace', namespace: 'operator' },
    setRoleBindingSubjects: 'allServiceAccounts',
    fieldSpecs: [{ path: 'metadata/namespace', create: true }],
  };
  writeFileSync(
    join(root, 'overlays/dev/opa/release/kustomization.yaml'),
    toYaml({ resources: [url], transformers: [toYaml(transformer)] }),
  );
  return root;
}

const deps: RepositoryDeps = {
  runner: runProcess,
  repo: {
    ...defaultRepo(),
    buildTree: () => new Map(),
    compareTree: async () => ({ stale: [], missing: [], extra: [] }),
  },
};
const opts = { strict: false, policy: false, concurrency: 2 };

describe('validate --fetch-upstream', () => {
  it("checks a custom resource against the upstream install's CRD", async () => {
    const report = await checkRepository(repo('three'), { ...opts, fetchUpstream: true }, deps);
    const wrong = byRule(report.findings, 'SCHEMA-TYPE').concat(byRule(report.findings, 'SCHEMA-INVALID'));
    expect(wrong.map((f) => [f.object?.kind, f.pointer])).toContainEqual(['Cluster', '/spec/instances']);
    expect(byRule(report.findings, 'SCHEMA-UNKNOWN-KIND')).toEqual([]);
    expect(report.skipped).toEqual([]);
  });

  it('accepts a valid one, and does not check the upstream objects themselves', async () => {
    const report = await checkRepository(repo(3), { ...opts, fetchUpstream: true }, deps);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.checked.some((c) => c.object.kind === 'CustomResourceDefinition')).toBe(false);
  });

  it("finds the release one layer down (Strimzi's base), online and offline", async () => {
    const online = await checkRepository(nestedRepo('three'), { ...opts, fetchUpstream: true }, deps);
    const wrong = byRule(online.findings, 'SCHEMA-TYPE').concat(byRule(online.findings, 'SCHEMA-INVALID'));
    expect(wrong.map((f) => [f.object?.kind, f.pointer])).toContainEqual(['Cluster', '/spec/instances']);
    const offline = await checkRepository(nestedRepo(3), opts, deps);
    expect(offline.skipped.map((s) => s.what)).toEqual(['test/test-opa (overlays/dev/opa)']);
  });

  it('offline, names the kind as unchecked and the install as skipped', async () => {
    const report = await checkRepository(repo('three'), opts, deps);
    expect(byRule(report.findings, 'SCHEMA-UNKNOWN-KIND').map((f) => f.object?.kind)).toEqual(['Cluster']);
    expect(report.skipped.map((s) => s.what)).toEqual(['test/test-opa (overlays/dev/opa)']);
  });
});
