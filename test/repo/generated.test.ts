import { describe, expect, it } from 'vitest';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { compareTree } from '../../src/adapters/tree.ts';
import { buildTree } from '../../src/core/tree.ts';
import { SOURCE_FILES } from '../support/context.ts';
import { ROOT } from '../support/render-all.ts';

describe('the committed generated tree', () => {
  it('equals a fresh generation (what `npm run generate -- --check` checks)', async () => {
    const files = buildTree(await loadClusters(ROOT), SOURCE_FILES);
    expect(await compareTree(ROOT, files)).toEqual({ stale: [], missing: [], extra: [], foreign: [] });
  });

  it('ships the local cluster, the hub and the two clusters it manages, with the Kind config only for the local one', async () => {
    const clusters = await loadClusters(ROOT);
    expect(clusters.map((c) => [c.name, c.environment, c.argocd.managedBy ?? 'standalone'])).toEqual([
      ['kind-soma', 'dev', 'standalone'],
      ['mgmt', 'prod', 'standalone'],
      ['prod', 'prod', 'mgmt'],
      ['staging', 'staging', 'mgmt'],
    ]);
    const files = buildTree(clusters, SOURCE_FILES);
    expect(files.has('bootstrap/clusters/kind-soma/kind-config.yaml')).toBe(true);
    expect(files.has('bootstrap/clusters/prod/kind-config.yaml')).toBe(false);
    expect(files.get('bootstrap/clusters/kind-soma/kind-config.yaml')).toMatch(
      /image: kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}/,
    );
  });
});
