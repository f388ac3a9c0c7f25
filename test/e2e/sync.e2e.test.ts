// Local mode on a real Kind cluster (docs/bootstrap.md, "Local mode"): a throwaway clone of
// this repository gets a cluster with `repository.serve: local`, is bootstrapped with no
// push anywhere, then edits a value, commits, runs `npm run sync` and sees the change live.
// Needs a Docker daemon; where `docker info` fails the suite is reported as skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeApplications } from '../../src/core/health.ts';
import { connectKind } from '../../src/adapters/kube.ts';
import { jsonOf, runCli, tail } from '../support/cli-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dockerOk = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
const KIND_NAME = 'soma-local';

// Its own Kind name and host ports, so it never meets the kind-soma suite's cluster.
const CLUSTER_YAML = (components: string) => `# e2e: local mode (test/e2e/sync.e2e.test.ts)
name: kind-local
environment: dev
destination: { server: https://kubernetes.default.svc }
repository: { url: https://github.com/somatechlat/somastack.git, revision: main, serve: local }
components: [${components}]
kind: { name: ${KIND_NAME}, hostPorts: { argocd: 18080, grafana: 13000, git: 13330 } }
`;

describe.skipIf(!dockerOk)('local mode: bootstrap from a clone, then edit, commit, sync', () => {
  let clone = '';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
  const cli = (...args: string[]) => runCli(clone, args);
  const commitAll = (message: string) => {
    git('add', '-A');
    git('-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', message);
  };

  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'soma-local-'));
    execFileSync('git', ['clone', '-q', '--local', ROOT, clone]);
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    // .gitignore's `node_modules/` does not match a symlink: keep it out of the commits below.
    appendFileSync(join(clone, '.git/info/exclude'), '\nnode_modules\n');
    git('checkout', '-q', '-B', 'main');
    mkdirSync(join(clone, 'clusters/kind-local'));
    writeFileSync(join(clone, 'clusters/kind-local/cluster.yaml'), CLUSTER_YAML('platform, cnpg, postgres'));
    const gen = await cli('generate');
    expect(gen.code, tail(gen.stderr)).toBe(0);
    commitAll('e2e: a local-mode cluster');
  });

  afterAll(async () => {
    if (!clone) return;
    if (!process.env.SOMA_E2E_KEEP) await cli('teardown', '--cluster', 'kind-local', '--yes');
    rmSync(clone, { recursive: true, force: true });
  });

  it('bootstraps from the clone with no push to any remote', async () => {
    const r = await cli('bootstrap', '--cluster', 'kind-local', '--install-tools', '--timeout', '20m', '--json');
    const result = jsonOf(r, 'npm run bootstrap (local mode)');
    expect(result.error).toBeUndefined();
    expect(r.code).toBe(0);
    // The root Application runs the commit checked out in the clone, which exists nowhere else.
    const client = connectKind(process.env, KIND_NAME);
    const apps = summarizeApplications(
      await client.list('argoproj.io/v1alpha1', 'Application', { namespace: 'argocd' }),
    );
    const head = git('rev-parse', 'HEAD');
    expect(apps.find((a) => a.name === 'kind-local-root')?.revision).toBe(head.slice(0, 7));
  });

  it('edits a value, commits, syncs, and sees the change live', async () => {
    const file = join(clone, 'clusters/kind-local/cluster.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('[platform, cnpg, postgres]', '[platform, cnpg, postgres, redis]'),
    );
    // Uncommitted generated changes are refused before anything is pushed.
    expect((await cli('generate')).code).toBe(0);
    const dirty = await cli('sync', '--cluster', 'kind-local');
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain('uncommitted changes');
    commitAll('e2e: enable redis');
    const head = git('rev-parse', 'HEAD');
    const r = await cli('sync', '--cluster', 'kind-local', '--timeout', '15m', '--json');
    const result = jsonOf(r, 'npm run sync');
    expect(result.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(result.commit).toBe(head);
    const client = connectKind(process.env, KIND_NAME);
    const apps = summarizeApplications(
      await client.list('argoproj.io/v1alpha1', 'Application', { namespace: 'argocd' }),
    );
    const redis = apps.find((a) => a.name === 'kind-local-redis');
    expect(`${redis?.sync}/${redis?.health}@${redis?.revision}`).toBe(`Synced/Healthy@${head.slice(0, 7)}`);
    const pods = await client.list('v1', 'Pod', { namespace: 'soma-infra' });
    expect(pods.some((p) => p.metadata.name.includes('redis'))).toBe(true);
  });

  it('changes nothing when sync runs again', async () => {
    const r = await cli('sync', '--cluster', 'kind-local', '--timeout', '5m');
    expect(r.code, tail(r.stderr)).toBe(0);
  });
});
