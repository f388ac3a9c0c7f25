// `dependsOn` is read where a cluster enables components: a required dependency that
// the cluster leaves out is a configuration error naming the file, the field and the fix.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { missingDependencies, parseClusterConfig } from '../../src/core/cluster-config.ts';
import { COMPONENT_LIST } from '../../src/core/contracts.ts';
import { ConfigError, describeError } from '../../src/core/errors.ts';
import { DEMO_FILE, demoClusterYaml } from '../support/cluster-yaml.ts';

const FILE = DEMO_FILE;
const cluster = demoClusterYaml;
const problems = (components: string) => {
  const r = parseClusterConfig(FILE, 'demo', cluster(components));
  return r.ok ? [] : r.problems;
};

describe('component dependencies in cluster.yaml', () => {
  it.each([
    ['grafana', 'prometheus', 'platform, grafana', '/components/1'],
    ['openfga', 'postgres', 'platform, redis, openfga', '/components/2'],
    ['postgres', 'cnpg', 'platform, postgres', '/components/1'],
  ])('rejects %s without %s, at the dependent, with the fix', (dependent, needed, components, path) => {
    expect(problems(components)).toEqual([
      {
        file: FILE,
        path,
        message: expect.stringMatching(
          new RegExp(`^enables '${dependent}' without '${needed}', which it needs \\(.+\\)$`),
        ),
        hint: `add '${needed}' to components, or remove '${dependent}'`,
      },
    ]);
  });

  it('accepts the dependencies once enabled, and an optional one left out (opa without vault)', () => {
    expect(problems('platform, prometheus, grafana')).toEqual([]);
    expect(problems('platform, cnpg, postgres, openfga')).toEqual([]);
    expect(problems('platform, opa')).toEqual([]);
  });

  it('reports every missing dependency at once', () => {
    expect(problems('platform, grafana, openfga').map((p) => p.path)).toEqual(['/components/1', '/components/2']);
  });

  it('reads the rule from the specs, so a new dependency needs no new check', () => {
    const specs = [
      { ...COMPONENT_LIST.find((c) => c.name === 'redis')!, dependsOn: [{ component: 'etcd' as const, why: 'test' }] },
    ];
    expect(missingDependencies(FILE, ['platform', 'redis'], specs)).toEqual([
      {
        file: FILE,
        path: '/components/1',
        message: "enables 'redis' without 'etcd', which it needs (test)",
        hint: "add 'etcd' to components, or remove 'redis'",
      },
    ]);
  });

  describe('through the input adapter', () => {
    const root = mkdtempSync(join(tmpdir(), 'somastack-deps-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('fails with a configuration error that names the file, the field and the fix', async () => {
      mkdirSync(join(root, 'clusters', 'demo'), { recursive: true });
      writeFileSync(join(root, FILE), cluster('platform, grafana'));
      const error = await loadClusters(root).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      const text = describeError(error);
      expect(text).toContain(`${FILE} /components/1: enables 'grafana' without 'prometheus'`);
      expect(text).toContain("fix: add 'prometheus' to components, or remove 'grafana'");
      expect(text).not.toMatch(/bug/);
    });
  });
});
