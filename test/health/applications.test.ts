import { describe, expect, it } from 'vitest';
import { allApplicationsOk, summarizeApplications } from '../../src/core/health.ts';
import type { KubeObject } from '../../src/core/kube.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function app(name: string, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'kind-soma-shared-infra' },
    status,
  };
}
const good = (extra: Record<string, unknown> = {}) => ({
  sync: { status: 'Synced', revision: SHA },
  health: { status: 'Healthy' },
  operationState: {
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    finishedAt: '2025-01-01T00:00:00Z',
  },
  ...extra,
});
const childRef = (name: string, sync = 'Synced', health = 'Healthy') => ({
  group: 'argoproj.io',
  version: 'v1alpha1',
  kind: 'Application',
  namespace: 'argocd',
  name,
  status: sync,
  health: { status: health },
});

describe('summarizeApplications', () => {
  it('reports a synced, healthy app as OK with a short revision and its last operation', () => {
    const [s] = summarizeApplications([app('kind-soma-redis', good())]);
    expect(s).toMatchObject({
      name: 'kind-soma-redis',
      sync: 'Synced',
      health: 'Healthy',
      revision: '0123456',
      ok: true,
      problems: [],
      project: 'kind-soma-shared-infra',
    });
    expect(s!.operation).toEqual({
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      finishedAt: '2025-01-01T00:00:00Z',
    });
  });

  it('lists the resources that are not Synced or not Healthy with Argo CD messages', () => {
    const status = good({
      health: { status: 'Degraded' },
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'StatefulSet',
          namespace: 'soma-infra',
          name: 'postgres',
          status: 'Synced',
          health: { status: 'Degraded', message: 'Waiting for 1 pods to be ready' },
        },
        {
          group: '',
          version: 'v1',
          kind: 'Service',
          namespace: 'soma-infra',
          name: 'postgres',
          status: 'Synced',
          health: { status: 'Healthy' },
        },
        {
          group: '',
          version: 'v1',
          kind: 'ConfigMap',
          namespace: 'soma-infra',
          name: 'postgres-old',
          status: 'OutOfSync',
          requiresPruning: true,
        },
      ],
    });
    const [s] = summarizeApplications([app('kind-soma-postgres', status)]);
    expect(s!.ok).toBe(false);
    expect(s!.problems).toEqual([
      {
        group: 'apps',
        kind: 'StatefulSet',
        namespace: 'soma-infra',
        name: 'postgres',
        sync: 'Synced',
        health: 'Degraded',
        message: 'Waiting for 1 pods to be ready',
      },
      {
        group: '',
        kind: 'ConfigMap',
        namespace: 'soma-infra',
        name: 'postgres-old',
        sync: 'OutOfSync',
        health: undefined,
        message: 'not in git any more: will be pruned',
      },
    ]);
  });

  it('does not call an app OK when its last sync failed or it has an error condition', () => {
    const failed = app(
      'a',
      good({ operationState: { phase: 'Failed', message: 'one or more objects failed to apply' } }),
    );
    const cond = app(
      'b',
      good({ conditions: [{ type: 'ComparisonError', message: 'rpc error: repository not accessible' }] }),
    );
    const warn = app('c', good({ conditions: [{ type: 'OrphanedResourceWarning', message: '1 orphaned resource' }] }));
    const running = app('d', good({ operationState: { phase: 'Running', message: 'waiting for healthy state' } }));
    const [a, b, c, d] = summarizeApplications([failed, cond, warn, running]);
    expect(a).toMatchObject({ ok: false, message: 'last sync Failed: one or more objects failed to apply' });
    expect(b).toMatchObject({ ok: false, message: 'ComparisonError: rpc error: repository not accessible' });
    expect(c!.ok).toBe(true);
    expect(d!.ok).toBe(false);
  });

  it('reports the root with its children’s worst state', () => {
    const root = app(
      'kind-soma-root',
      good({ resources: [childRef('kind-soma-postgres'), childRef('kind-soma-redis')] }),
    );
    const pg = app(
      'kind-soma-postgres',
      good({ health: { status: 'Progressing', message: 'Waiting for 1 pods to be ready' } }),
    );
    const redis = app('kind-soma-redis', good({ sync: { status: 'OutOfSync', revision: SHA } }));
    const byName = Object.fromEntries(summarizeApplications([redis, root, pg]).map((s) => [s.name, s]));
    expect(byName['kind-soma-root']).toMatchObject({
      children: ['kind-soma-postgres', 'kind-soma-redis'],
      sync: 'OutOfSync',
      health: 'Progressing',
      ok: false,
    });
    expect(byName['kind-soma-root']!.message).toMatch(
      /child kind-soma-postgres is Synced\/Progressing: Waiting for 1 pods/,
    );
    expect(byName['kind-soma-redis']).toMatchObject({ sync: 'OutOfSync', health: 'Healthy', ok: false, children: [] });
  });

  it('reports a root OK only when every child is', () => {
    const root = app('r', good({ resources: [childRef('x')] }));
    expect(summarizeApplications([root, app('x', good())]).every((s) => s.ok)).toBe(true);
  });

  it('folds nested roots and survives a cycle', () => {
    const a = app('a', good({ resources: [childRef('b')] }));
    const b = app('b', good({ resources: [childRef('c'), childRef('a')] }));
    const c = app('c', good({ health: { status: 'Degraded' } }));
    const [sa, sb] = summarizeApplications([a, b, c]);
    expect(sa).toMatchObject({ health: 'Degraded', ok: false });
    expect(sb).toMatchObject({ health: 'Degraded', ok: false });
  });

  it('treats an app Argo CD has not reconciled yet as Unknown/Progressing', () => {
    const [s] = summarizeApplications([app('new', {})]);
    expect(s).toMatchObject({ sync: 'Unknown', health: 'Progressing', revision: '', operation: undefined, ok: false });
  });
});

describe('allApplicationsOk', () => {
  it('is false for no applications (nothing to wait for is not success)', () => {
    expect(allApplicationsOk([])).toBe(false);
  });
  it('is true only when every summary is OK', () => {
    expect(allApplicationsOk(summarizeApplications([app('a', good()), app('b', good())]))).toBe(true);
    expect(allApplicationsOk(summarizeApplications([app('a', good()), app('b', {})]))).toBe(false);
  });
});
