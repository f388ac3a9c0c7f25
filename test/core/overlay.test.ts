import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/kube.ts';
import { planOverlay, strategicMergePatch } from '../../src/core/overlay.ts';

const sts = (replicas: number, env: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'kafka', namespace: 'soma-infra' },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          {
            name: 'kafka',
            image: 'apache/kafka:4.1.0',
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
            ...extra,
          },
          { name: 'exporter', image: 'exporter:1' },
        ],
      },
    },
  },
});

describe('strategicMergePatch', () => {
  it('returns undefined when nothing differs', () => {
    expect(strategicMergePatch(sts(1, { A: '1' }), sts(1, { A: '1' }))).toBeUndefined();
  });

  it('patches only what changed, merging containers and env by name', () => {
    const patch = strategicMergePatch(sts(1, { A: '1', B: '2' }), sts(3, { A: '1', B: '3' }));
    expect(patch).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'kafka', namespace: 'soma-infra' },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [{ name: 'kafka', env: [{ name: 'A' }, { name: 'B', value: '3' }] }, { name: 'exporter' }],
          },
        },
      },
    });
  });

  it('deletes list items with $patch: delete and removed fields with null', () => {
    const patch = strategicMergePatch(sts(1, { A: '1', B: '2' }, { args: ['x'] }), sts(1, { A: '1' }));
    expect(patch?.spec).toEqual({
      template: {
        spec: {
          containers: [
            { name: 'kafka', env: [{ name: 'A' }, { name: 'B', $patch: 'delete' }], args: null },
            { name: 'exporter' },
          ],
        },
      },
    });
  });

  it('replaces lists without a merge key as a whole', () => {
    const patch = strategicMergePatch(sts(1, {}, { args: ['a', 'b'] }), sts(1, {}, { args: ['a', 'c'] }));
    expect(patch?.spec).toEqual({
      template: { spec: { containers: [{ name: 'kafka', args: ['a', 'c'] }, { name: 'exporter' }] } },
    });
  });

  it('names every item in target order when a keyed list is reordered', () => {
    const patch = strategicMergePatch(sts(1, { A: '1', B: '2' }), sts(1, { B: '2', A: '1' }));
    expect(patch?.spec).toEqual({
      template: {
        spec: { containers: [{ name: 'kafka', env: [{ name: 'B' }, { name: 'A' }] }, { name: 'exporter' }] },
      },
    });
  });
});

describe('planOverlay', () => {
  const svc = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'soma-infra' },
    spec: { ports: [{ port: 1 }] },
  });

  it('sorts objects into patched, added and deleted', () => {
    const plan = planOverlay([sts(1, {}), svc('old')], [sts(3, {}), svc('new')]);
    expect(plan.patches.map((p) => (p.metadata as { name: string }).name)).toEqual(['kafka']);
    expect(plan.added.map((o) => o.metadata.name)).toEqual(['new']);
    expect(plan.deleted).toEqual([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'old', namespace: 'soma-infra' }, $patch: 'delete' },
    ]);
  });

  it('is empty for identical environments', () => {
    expect(planOverlay([sts(1, {})], [sts(1, {})])).toEqual({ patches: [], added: [], deleted: [] });
  });
});

describe('Service ports', () => {
  const svc = (ports: { name: string; port: number }[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'vault-headless', namespace: 'soma-infra' },
    spec: { ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) },
  });

  it('identifies a deleted port by number and protocol, as kustomize requires', () => {
    const patch = strategicMergePatch(
      svc([
        { name: 'http', port: 8200 },
        { name: 'cluster', port: 8201 },
      ]),
      svc([{ name: 'http', port: 8200 }]),
    );
    expect(patch?.spec).toEqual({
      ports: [
        { port: 8200, protocol: 'TCP' },
        { port: 8201, protocol: 'TCP', $patch: 'delete' },
      ],
    });
  });
});
