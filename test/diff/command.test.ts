// `npm run diff` end to end through the CLI: exit codes, formats, --out and --post
// (against the fake GitHub API), on a temporary repository with two commits.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseOptionValues } from '../../src/cli/options.ts';
import { DIFF_FLAGS, diffOptions } from '../../src/commands/diff/options.ts';
import type { Io } from '../../src/cli/types.ts';
import type { DiffReport } from '../../src/core/diff/types.ts';
import { DIFF_COMMENT_MARKER } from '../../src/adapters/github.ts';
import { startFakeGithub } from './fake-github.ts';
import { bumpImage, clusterYaml, commit, edit, git, makeRepo } from './repo.ts';
import { tempDir } from '../support/temp.ts';

let repo: string;

beforeAll(async () => {
  repo = await makeRepo({ lab: clusterYaml('lab', 'dev', ['platform', 'redis']) });
  edit(repo, 'base/redis/statefulset-redis.yaml', bumpImage);
  commit(repo, 'bump redis');
});
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

async function diff(args: string[], env: Record<string, string> = {}, interactive = false) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    root: repo,
    cwd: repo,
    env,
    interactive,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  };
  const code = await main(['diff', ...args], io);
  return { code, stdout, stderr };
}

describe('exit codes', () => {
  it('1 when the rendered manifests changed, 0 when they did not', async () => {
    expect((await diff(['--base', 'HEAD~1', '--head', 'HEAD'])).code).toBe(1);
    expect((await diff(['--base', 'HEAD'])).code).toBe(0);
  });

  it('2 with a clear message for an unknown revision or a bad flag', async () => {
    const unknown = await diff(['--base', 'origin/nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("git does not know the revision 'origin/nope'");
    expect((await diff(['--base', 'HEAD', '--format', 'html'])).stderr).toContain(
      "unknown --format 'html'\n  fix: one of: markdown, text, json",
    );
    expect((await diff([])).stderr).toContain('--base is required');
  });
});

/** `npm run diff` run in `root`: its exit code and what it said on stderr. */
function diffIn(root: string, args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: Io = { root, cwd: root, env: {}, interactive: false, stdout: () => {}, stderr: (t) => void (stderr += t) };
  return main(['diff', ...args], io).then((code) => ({ code, stderr }));
}

describe('a generated tree that lags behind its source', () => {
  it('is pointed out, since the diff shows the files as they are', async () => {
    const fresh = await makeRepo({ lab: clusterYaml('lab', 'dev', ['platform']) });
    const inFresh = (args: string[]) => diffIn(fresh, args);
    try {
      expect((await inFresh(['--base', 'HEAD'])).stderr).not.toContain('out of date');
      writeFileSync(join(fresh, 'clusters', 'lab', 'cluster.yaml'), clusterYaml('lab', 'dev', ['platform', 'redis']));
      const r = await inFresh(['--base', 'HEAD']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/warning: \d+ generated file\(s\) are out of date .*npm run generate/);
      // Verdicts are kept by the hash of their inputs: back to the committed inputs, the
      // first verdict is reused; a hand edit of a generated file is a new input.
      expect(readdirSync(join(fresh, '.cache', 'freshness')).filter((n) => n.endsWith('.json'))).toHaveLength(2);
      writeFileSync(join(fresh, 'clusters', 'lab', 'cluster.yaml'), clusterYaml('lab', 'dev', ['platform']));
      expect((await inFresh(['--base', 'HEAD'])).stderr).not.toContain('out of date');
      expect(readdirSync(join(fresh, '.cache', 'freshness')).filter((n) => n.endsWith('.json'))).toHaveLength(2);
      edit(fresh, 'apps/lab/platform.yaml', (t) => `${t}# edited by hand\n`);
      expect((await inFresh(['--base', 'HEAD'])).stderr).toMatch(/warning: 1 generated file\(s\) are out of date/);
      expect((await inFresh(['--base', 'HEAD', '--no-cache'])).stderr).toMatch(/out of date/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('the freshness check, from blob ids and a kept plan', () => {
  it('catches a change in a generator source only, a renamed generated file and a file generate no longer writes', async () => {
    const fresh = await makeRepo({ lab: clusterYaml('lab', 'dev', ['platform', 'opa']) });
    const inFresh = (args: string[]) => diffIn(fresh, args);
    try {
      expect((await inFresh(['--base', 'HEAD'])).stderr).not.toContain('out of date');
      // A component's source file (OPA's policy), nothing generated touched: planned anew, stale.
      edit(fresh, 'src/core/components/opa/soma.rego', (t) => `${t}\n# a new rule\n`);
      expect((await inFresh(['--base', 'HEAD'])).stderr).toMatch(/warning: \d+ generated file\(s\) are out of date/);
      git(fresh, 'checkout', '-q', '--', '.');
      expect((await inFresh(['--base', 'HEAD'])).stderr).not.toContain('out of date');
      // A generated file renamed (committed, so the working tree is clean): the planned one is missing
      // (the new name, not in generate's manifest, is not its to remove).
      git(fresh, 'mv', 'apps/lab/opa.yaml', 'apps/lab/opa-renamed.yaml');
      commit(fresh, 'rename');
      expect((await inFresh(['--base', 'HEAD'])).stderr).toMatch(
        /warning: 1 generated file\(s\) are out of date .*\(e\.g\. apps\/lab\/opa\.yaml\)/,
      );
      git(fresh, 'reset', '-q', '--hard', 'HEAD~1');
      // Without a manifest, an untracked file carrying the generated header is generate's to
      // remove: seen although git does not track it (the manifest itself is missing too).
      rmSync(join(fresh, '.generated-files'));
      expect((await inFresh(['--base', 'HEAD'])).stderr).toMatch(/warning: 1 generated file\(s\)/);
      writeFileSync(join(fresh, 'apps/lab/old.yaml'), readFileSync(join(fresh, 'apps/lab/opa.yaml'), 'utf8'));
      expect((await inFresh(['--base', 'HEAD'])).stderr).toMatch(/warning: 2 generated file\(s\)/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('the Application lists kept between runs', () => {
  it('are used for the same files only: an uncommitted edit of an Application file is seen', async () => {
    const other = await makeRepo({ lab: clusterYaml('lab', 'dev', ['platform', 'redis']) });
    const run = async () => {
      let stdout = '';
      const io: Io = {
        root: other,
        cwd: other,
        env: {},
        interactive: false,
        stdout: (t) => void (stdout += t),
        stderr: () => {},
      };
      const code = await main(['diff', '--base', 'HEAD', '--json'], io);
      const apps = (JSON.parse(stdout) as DiffReport).clusters.flatMap((c) => c.apps);
      return { code, apps: apps.map((a) => `${a.app} ${a.status}`) };
    };
    const kept = () => readdirSync(join(other, '.cache', 'diff-inputs')).filter((n) => n.endsWith('.json'));
    try {
      expect((await run()).code).toBe(0);
      expect(kept()).toHaveLength(1);
      expect((await run()).code).toBe(0);
      expect(kept()).toHaveLength(1); // the same files: the kept list
      edit(other, 'apps/lab/redis.yaml', (t) => t.replace('name: lab-redis', 'name: lab-cache'));
      const edited = await run();
      expect(edited.code).toBe(1);
      expect(edited.apps).toContain('lab-redis removed');
      expect(edited.apps).toContain('lab-cache added');
      expect(kept()).toHaveLength(2);
      // A kustomization that starts pulling a remote resource: the source is no longer rendered offline.
      edit(other, 'overlays/dev/platform/kustomization.yaml', (t) =>
        t.replace('resources:\n', 'resources:\n  - https://example.com/remote.yaml\n'),
      );
      expect((await run()).apps).toContain('lab-platform not-rendered');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('formats and the full diff file', () => {
  it('prints JSON with --json, and writes the full Markdown to --out', async () => {
    const out = join(tempDir('diff-out-'), 'reports', 'diff.md');
    const r = await diff(['--base', 'HEAD~1', '--head', 'HEAD', '--json', '--out', out]);
    const report = JSON.parse(r.stdout);
    expect(report.changed).toBe(true);
    expect(report.totals.objectsChanged).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('<details><summary><b>lab-redis</b>');
  });

  it('defaults to text on a terminal and Markdown otherwise', () => {
    const flags = parseOptionValues(DIFF_FLAGS, { base: 'x' }, { cwd: repo });
    expect(diffOptions(flags, { interactive: true }).format).toBe('text');
    expect(diffOptions(flags, { interactive: false }).format).toBe('markdown');
  });
});

describe('--post', () => {
  const TOKEN = 'ghs_fake';
  const event = () => {
    const file = join(tempDir('event-'), 'event.json');
    writeFileSync(file, JSON.stringify({ pull_request: { number: 5 } }));
    return file;
  };

  it('creates the comment, then updates the same one; other comments are untouched', async () => {
    const gh = await startFakeGithub({ token: TOKEN, owner: 'soma', repo: 'somastack', pr: 5 });
    try {
      gh.comments.push({ id: 1, body: '<!-- sticky:coverage -->\n92%', user: { login: 'other-bot' }, html_url: '' });
      const env = {
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: 'soma/somastack',
        GITHUB_EVENT_PATH: event(),
        GITHUB_API_URL: gh.url,
      };
      const first = await diff(['--base', 'HEAD~1', '--head', 'HEAD', '--post'], env);
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('created the diff comment on soma/somastack#5');
      const second = await diff(['--base', 'HEAD~1', '--post'], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/(updated|unchanged) the diff comment/);
      expect(gh.comments).toHaveLength(2);
      expect(gh.comments[0]!.body).toBe('<!-- sticky:coverage -->\n92%');
      expect(gh.comments[1]!.body.startsWith(DIFF_COMMENT_MARKER)).toBe(true);
      expect(gh.comments[1]!.body).toContain('`working tree`');
    } finally {
      await gh.close();
    }
  });

  it('without a token: the diff is still printed and saved, and the failure is clear (exit 2)', async () => {
    const out = join(tempDir('diff-out-'), 'diff.md');
    const r = await diff([
      '--base',
      'HEAD~1',
      '--head',
      'HEAD',
      '--post',
      '--repo',
      'soma/somastack',
      '--pr',
      '5',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('### Rendered manifest diff');
    expect(existsSync(out)).toBe(true);
    expect(r.stderr).toContain('cannot post the diff comment: --post needs a GitHub token in GITHUB_TOKEN');
  });

  it('a 403 from GitHub is reported with the permission it needs (exit 2)', async () => {
    const gh = await startFakeGithub({ token: TOKEN, owner: 'soma', repo: 'somastack', pr: 5 });
    try {
      gh.failures.push({ status: 403, message: 'Resource not accessible by integration' });
      const r = await diff(['--base', 'HEAD~1', '--head', 'HEAD', '--post', '--repo', 'soma/somastack', '--pr', '5'], {
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: gh.url,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no permission to comment on soma/somastack#5 (403)');
      expect(r.stderr).toContain('pull-requests: write');
      expect(gh.comments).toHaveLength(0);
    } finally {
      await gh.close();
    }
  });
});
