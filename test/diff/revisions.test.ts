// Rendering two revisions for real: temporary git repositories with two commits,
// git worktrees and kustomize.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { RevisionError, runRenderedDiff } from '../../src/commands/diff/revisions.ts';
import { runProcess, type Runner } from '../../src/adapters/process.ts';
import { SomastackError, UserError } from '../../src/core/errors.ts';
import { bumpImage, clusterYaml, commit, edit, git, makeRepo, setClusters, write } from './repo.ts';

let repo: string;
/** Temporary folders there before the tests: the ones a test leaves are its own. */
const before = new Set(readdirSync(tmpdir()));
let first: string;
let second: string;

beforeAll(async () => {
  repo = await makeRepo({ lab: clusterYaml('lab', 'dev', ['platform', 'redis', 'opa']) });
  first = git(repo, 'rev-parse', 'HEAD').trim();
  edit(repo, 'base/redis/statefulset-redis.yaml', bumpImage);
  second = commit(repo, 'bump redis');
});
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const apps = (r: Awaited<ReturnType<typeof runRenderedDiff>>) => r.report.clusters.flatMap((c) => c.apps);

describe('runRenderedDiff between two commits', () => {
  it('finds the one changed object, its impact and the file it came from', async () => {
    const run = await runRenderedDiff(repo, { base: first, head: second }, { runner: runProcess });
    const changed = apps(run).filter((a) => a.status !== 'unchanged');
    expect(changed.map((a) => a.app)).toEqual(['lab-redis']);
    const [o] = changed[0]!.objects;
    expect(o!.ref).toBe('StatefulSet/soma-infra/redis');
    expect(o!.impacts.map((i) => i.kind)).toEqual(['rollout']);
    expect(o!.changedSources).toEqual(['base/redis/statefulset-redis.yaml']);
    expect(o!.patch).toMatch(/^\+\s+image: .*-bumped$/m);
    expect(run.report.base.sha).toBe(first);
    expect(run.report.head.sha).toBe(second);
  });

  it('renders only what differs: an Application with the same inputs at both revisions is neither built nor read', async () => {
    const run = await runRenderedDiff(repo, { base: first, head: second }, { runner: runProcess });
    // lab is standalone: its lab-argocd Application's install is remote, requested but not rendered.
    expect(apps(run).map((a) => a.app)).toContain('lab-argocd');
    const perSide = apps(run).length - 1;
    expect(run.stats.requested).toBe(2 * (perSide + 1));
    expect(run.stats.rendered).toBe(2); // redis, at base and at head
    expect(run.stats.unchanged).toBe(2 * (perSide - 1));
    expect(run.stats.shared).toBe(0);
  });

  it('leaves no worktree behind', async () => {
    await runRenderedDiff(repo, { base: first, head: second }, { runner: runProcess });
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('reports no change between a commit and itself', async () => {
    const run = await runRenderedDiff(repo, { base: second, head: second }, { runner: runProcess });
    expect(run.report.changed).toBe(false);
  });

  it('says so when a revision does not exist', async () => {
    const e = await runRenderedDiff(repo, { base: 'no-such-branch' }, { runner: runProcess }).catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toContain("'no-such-branch'");
    expect(e.hint).toContain('git fetch');
  });
});

describe('runRenderedDiff against the working tree', () => {
  it('sees uncommitted changes, including a component removed from a cluster', async () => {
    await setClusters(repo, { lab: clusterYaml('lab', 'dev', ['platform', 'redis']) });
    try {
      const run = await runRenderedDiff(repo, { base: 'HEAD' }, { runner: runProcess });
      expect(run.report.head.ref).toBe('working tree');
      const opa = apps(run).find((a) => a.app === 'lab-opa')!;
      expect(opa.status).toBe('removed');
      expect(opa.objects.every((o) => o.impacts.some((i) => i.kind === 'prune'))).toBe(true);
      const root = apps(run).find((a) => a.app === 'lab-root')!;
      expect(root.objects.map((o) => `${o.ref} ${o.status}`)).toContain('Application/argocd/lab-opa removed');
    } finally {
      git(repo, 'checkout', '-q', '--', '.');
      git(repo, 'clean', '-qfd');
    }
  });
});

describe('run from a folder of the repository', () => {
  it('sees an untracked file anywhere in it', async () => {
    write(
      repo,
      'apps/lab/extra.yaml',
      readFileSync(join(repo, 'apps/lab/redis.yaml'), 'utf8').replace('name: lab-redis', 'name: lab-extra'),
    );
    try {
      const run = await runRenderedDiff(join(repo, 'clusters'), { base: 'HEAD' }, { runner: runProcess });
      expect(apps(run).find((a) => a.app === 'lab-extra')?.status).toBe('added');
    } finally {
      rmSync(join(repo, 'apps/lab/extra.yaml'));
    }
  });
});

describe('what a diff checks out', () => {
  const recording = () => {
    const calls: { line: string; input?: string }[] = [];
    const runner: Runner = (command, args, options) => {
      calls.push({ line: `${command} ${args.join(' ')}`, input: options?.input });
      return runProcess(command, args, options);
    };
    return { calls, runner };
  };

  it('nothing, when only files rendering does not read differ; never a git worktree', async () => {
    const { calls, runner } = recording();
    write(repo, 'docs/notes.md', 'a change to the docs only\n');
    commit(repo, 'docs');
    try {
      const run = await runRenderedDiff(repo, { base: second }, { runner });
      expect(run.report.changed).toBe(false);
      expect(run.report.base.sha).toBe(second);
      expect(run.stats.rendered).toBe(0);
      expect(calls.filter((c) => / (worktree|read-tree|checkout-index)/.test(c.line))).toEqual([]);
    } finally {
      git(repo, 'reset', '-q', '--hard', second);
    }
  });

  it('only the files the builds of the changed Applications read, at each committed revision', async () => {
    const { calls, runner } = recording();
    const run = await runRenderedDiff(repo, { base: first, head: second }, { runner });
    expect(
      apps(run)
        .filter((a) => a.status !== 'unchanged')
        .map((a) => a.app),
    ).toEqual(['lab-redis']);
    expect(calls.filter((c) => c.line.includes(' worktree '))).toEqual([]);
    const written = calls
      .filter((c) => c.line.includes(' checkout-index '))
      .map((c) => c.input!.split('\0').sort())
      // the head's cluster.yaml files, read from the same temporary folder
      .filter((files) => !files.every((f) => f.startsWith('clusters/')));
    expect(written).toHaveLength(2); // base and head
    for (const files of written) {
      expect(files).toContain('base/redis/statefulset-redis.yaml');
      expect(files.every((f) => /^(base|overlays)\//.test(f))).toBe(true);
      expect(files.some((f) => f.startsWith('base/opa/') || f.startsWith('overlays/dev/opa/'))).toBe(false);
    }
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('somastack-rev-') && !before.has(d))).toEqual([]);
  });
});

describe('the render cache across runs', () => {
  it('renders nothing again when nothing changed since the last run', async () => {
    const cacheDir = join(repo, '.cache', 'render');
    const cold = await runRenderedDiff(repo, { base: first, head: second, cacheDir }, { runner: runProcess });
    expect(cold.stats.rendered).toBeGreaterThan(0);
    expect(existsSync(cacheDir)).toBe(true);
    const warm = await runRenderedDiff(repo, { base: first, head: second, cacheDir }, { runner: runProcess });
    expect(warm.stats.rendered).toBe(0);
    expect(warm.stats.fromDisk).toBe(cold.stats.rendered);
    expect(JSON.stringify(warm.report)).toBe(JSON.stringify(cold.report));
  });
});

describe('the processes of a diff', () => {
  it('with nothing changed and the caches warm: three git processes against HEAD, no kustomize', async () => {
    const calls: string[] = [];
    const runner: Runner = (command, args, options) => {
      calls.push(`${command} ${args[0]}`);
      return runProcess(command, args, options);
    };
    const dirs = { cacheDir: join(repo, '.cache', 'render'), inputsDir: join(repo, '.cache', 'diff-inputs') };
    await runRenderedDiff(repo, { base: first, head: second, ...dirs }, { runner });
    calls.length = 0;
    const run = await runRenderedDiff(repo, { base: 'HEAD', ...dirs }, { runner });
    expect(run.report.changed).toBe(false);
    expect(calls.sort()).toEqual(['git ls-tree', 'git rev-parse', 'git status']);
    calls.length = 0;
    await runRenderedDiff(repo, { base: second, ...dirs }, { runner });
    expect(calls.sort()).toEqual(['git diff', 'git ls-files', 'git ls-tree', 'git rev-parse']);
  });

  it('against HEAD, a file staged and then changed back is no change', async () => {
    // An input of the Argo CD install, which is not rendered offline: any change to it is reported.
    const before = await runRenderedDiff(repo, { base: 'HEAD' }, { runner: runProcess });
    const file = `${apps(before).find((a) => a.app === 'lab-argocd')!.path}/kustomization.yaml`;
    const committed = readFileSync(join(repo, file), 'utf8');
    write(repo, file, `${committed}# staged\n`);
    git(repo, 'add', file);
    write(repo, file, committed);
    try {
      expect(git(repo, 'status', '--porcelain')).toContain(file);
      const run = await runRenderedDiff(repo, { base: 'HEAD' }, { runner: runProcess });
      expect(run.report.changed).toBe(false);
      write(repo, file, `${committed}# changed\n`);
      const changed = await runRenderedDiff(repo, { base: 'HEAD' }, { runner: runProcess });
      expect(apps(changed).find((a) => a.app === 'lab-argocd')?.status).toBe('not-rendered');
    } finally {
      git(repo, 'reset', '-q', '--hard', 'HEAD');
    }
  });

  it('outside a repository: the error says so', async () => {
    const e = await runRenderedDiff(tmpdir(), { base: 'HEAD' }, { runner: runProcess }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toContain('is not inside a git repository');
  });
});

describe('an error met at a checked-out revision', () => {
  it('names the revision, keeps the kind and fix of what failed, and chains it as cause (never rewritten)', async () => {
    const broken = await makeRepo({ lab: clusterYaml('lab', 'dev', ['platform']) });
    try {
      write(broken, 'clusters/lab/cluster.yaml', 'name: lab\nenvironment: nowhere\n');
      const bad = commit(broken, 'break the cluster file');
      git(broken, 'revert', '--no-edit', 'HEAD');
      const e = await runRenderedDiff(broken, { base: bad }, { runner: runProcess }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RevisionError);
      const err = e as RevisionError;
      expect(err.message).toMatch(new RegExp(`^at revision ${bad}: `));
      expect(err.message).not.toContain(tmpdir());
      expect(err.cause).toBeInstanceOf(SomastackError);
      expect(err.kind).toBe((err.cause as SomastackError).kind);
      // The wrapped error still says where it was, in the temporary worktree: untouched.
      expect((err.cause as Error).message).not.toMatch(/^at revision/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
