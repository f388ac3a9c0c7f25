// The render cache: what a key covers, and that kustomize runs once per distinct render.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type Runner } from '../../src/adapters/process.ts';
import {
  keyRevisions,
  kustomizeIdentity,
  kustomizeInputs,
  renderKey,
  renderRevisions,
} from '../../src/adapters/render-cache.ts';
import { keepKustomizationRefs, readKustomizationRefs, RenderKeys } from '../../src/adapters/render-key.ts';
import type { AppSource } from '../../src/adapters/render.ts';
import { folderTree } from '../../src/adapters/tree-revision.ts';

let root: string;
const put = (dir: string, path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${value}"\n`;
const app = (name: string, path: string): AppSource => ({
  cluster: 'c',
  app: name,
  component: name,
  path,
  file: `apps/c/${name}.yaml`,
  remote: false,
});

/** Delegates to the real runner and counts kustomize builds. */
function countingRunner(): Runner & { builds: number; calls: string[] } {
  const r = (async (command, args, options) => {
    if (args.includes('kustomize') || args[0] === 'build') r.builds++;
    r.calls.push(`${command} ${args.join(' ')}`);
    return runProcess(command, args, options);
  }) as Runner & { builds: number; calls: string[] };
  r.builds = 0;
  r.calls = [];
  return r;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'render-cache-'));
  put(root, 'base/x/kustomization.yaml', 'resources:\n  - cm.yaml\n');
  put(root, 'base/x/cm.yaml', cm('x', '1'));
  put(root, 'unrelated/file.yaml', cm('u', '1'));
  for (const o of ['a', 'b']) {
    put(root, `overlays/${o}/extra.conf`, 'a=1\n');
    put(
      root,
      `overlays/${o}/kustomization.yaml`,
      `resources:\n  - ../../base/x\nconfigMapGenerator:\n  - name: gen\n    files:\n      - extra.conf\nnamePrefix: ${o}-\n`,
    );
  }
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('kustomizeInputs', () => {
  it('follows resource folders and generator files outside the kustomization, skips URLs, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-cache-inputs-'));
    put(dir, 'base/x/kustomization.yaml', 'resources:\n  - cm.yaml\n');
    put(dir, 'base/x/cm.yaml', cm('x', '1'));
    put(dir, 'shared/extra.conf', 'a=1\n');
    put(dir, 'shared/other.conf', 'b=1\n');
    put(
      dir,
      'o/kustomization.yaml',
      [
        'resources:',
        '  - ../base/x',
        '  - https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.0/manifests/install.yaml',
        '  - github.com/org/repo//path?ref=v1',
        'configMapGenerator:',
        '  - name: gen',
        '    files:',
        '      - extra.conf=../shared/extra.conf',
        '',
      ].join('\n'),
    );
    try {
      expect(await kustomizeInputs(dir, 'o')).toEqual([
        'base/x/cm.yaml',
        'base/x/kustomization.yaml',
        'o/kustomization.yaml',
        'shared/extra.conf',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderKey', () => {
  it('changes with any input file, and not with unrelated files', async () => {
    const before = await renderKey(root, app('a', 'overlays/a'), 'tool');
    put(root, 'unrelated/file.yaml', cm('u', '2'));
    expect(await renderKey(root, app('a', 'overlays/a'), 'tool')).toBe(before);
    put(root, 'overlays/a/extra.conf', 'a=2\n');
    const after = await renderKey(root, app('a', 'overlays/a'), 'tool');
    expect(after).not.toBe(before);
    expect(await renderKey(root, app('a', 'overlays/a'), 'other kustomize')).not.toBe(after);
    put(root, 'overlays/a/extra.conf', 'a=1\n');
  });
});

describe('RenderKeys', () => {
  it('keys each path once per checkout: shared by every Application of that path, stable within the run', async () => {
    const { RenderKeys } = await import('../../src/adapters/render-key.ts');
    const keys = new RenderKeys(await folderTree(root), 'tool');
    const first = await Promise.all([keys.key('overlays/a'), keys.key('overlays/a'), keys.key('overlays/b')]);
    expect(first[0]).toBe(first[1]);
    expect(first[0]).not.toBe(first[2]);
    expect(first[0]).toBe(await new RenderKeys(await folderTree(root), 'tool').key('overlays/a'));
    put(root, 'overlays/a/extra.conf', 'a=9\n');
    try {
      // memoized for the revision: a RenderKeys is made per run and revision
      expect(await keys.key('overlays/a')).toBe(first[0]);
      expect(await new RenderKeys(await folderTree(root), 'tool').key('overlays/a')).not.toBe(first[0]);
    } finally {
      put(root, 'overlays/a/extra.conf', 'a=1\n');
    }
  });
});

describe('renderRevisions', () => {
  it('asks kustomize for its version once, and builds with the tool that answered', async () => {
    const calls: string[] = [];
    const runner: Runner = async (command, args, options) => {
      calls.push(`${command} ${args.join(' ')}`);
      return runProcess(command, args, options);
    };
    await renderRevisions([{ tree: await folderTree(root), apps: [app('a', 'overlays/a'), app('b', 'overlays/b')] }], {
      runner,
    });
    expect(calls.filter((c) => / version/.test(c)).length).toBeLessThanOrEqual(2);
    expect(calls.filter((c) => c.startsWith('kubectl version')).length).toBeLessThanOrEqual(1);
    expect(calls.filter((c) => / (build|kustomize) /.test(c))).toHaveLength(2);
  });

  it('with skipEqual, two revisions nothing differs between are all unchanged: no file read, no process run', async () => {
    const untouchable = {
      ...(await folderTree(root)),
      read: async () => expect.unreachable('no file is read'),
      materialize: async () => expect.unreachable('no folder is made'),
    };
    const runner: Runner = async () => expect.unreachable('no process runs');
    const apps = [app('a', 'overlays/a'), { ...app('r', 'https://example.com/x'), remote: true }];
    const head = { tree: untouchable, apps };
    const base = { tree: untouchable, apps, like: { rev: head, changed: [] } };
    const { renders, stats } = await renderRevisions([base, head], { runner, skipEqual: true });
    expect(stats).toEqual({ requested: 4, rendered: 0, fromDisk: 0, shared: 0, unchanged: 2 });
    expect(renders[0]![0]!.renderKey).toBe(renders[1]![0]!.renderKey);
    expect(renders[0]![0]!.objects).toEqual([]);
    expect(renders[0]![1]!.renderKey).toBeUndefined();
    // One changed path, and the shortcut is off: the keys are computed (and the tree read).
    const changed = { ...base, like: { rev: head, changed: ['overlays/a/kustomization.yaml'] } };
    await expect(renderRevisions([changed, head], { runner, skipEqual: true })).rejects.toThrow();
  });

  it('builds each distinct render once across revisions, then not at all from the cache folder', async () => {
    const other = mkdtempSync(join(tmpdir(), 'render-cache-rev-'));
    cpSync(root, other, { recursive: true });
    put(other, 'overlays/b/kustomization.yaml', 'resources:\n  - ../../base/x\nnamePrefix: changed-\n');
    const cache = mkdtempSync(join(tmpdir(), 'render-cache-dir-'));
    const apps = [app('a', 'overlays/a'), app('b', 'overlays/b')];
    const revisions = [
      { tree: await folderTree(root), apps },
      { tree: await folderTree(other), apps },
    ];
    try {
      const runner = countingRunner();
      const cold = await renderRevisions(revisions, { runner, dir: cache });
      expect(runner.builds).toBe(3);
      expect(cold.stats).toEqual({ requested: 4, rendered: 3, fromDisk: 0, shared: 1, unchanged: 0 });
      expect(cold.renders[1]!.find((r) => r.app === 'b')!.objects.map((o) => o.metadata.name)).toEqual(['changed-x']);
      expect(
        cold.renders[0]!.find((r) => r.app === 'b')!.objects.map((o) =>
          o.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>'),
        ),
      ).toEqual(['b-gen-<hash>', 'b-x']);
      const warmRunner = countingRunner();
      const warm = await renderRevisions(revisions, { runner: warmRunner, dir: cache });
      expect(warmRunner.builds).toBe(0);
      expect(warm.stats.fromDisk).toBe(3);
      expect(JSON.stringify(warm.renders)).toBe(JSON.stringify(cold.renders));
    } finally {
      rmSync(other, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('what a run keeps beside the renders', () => {
  it('the kustomize version, asked again only of another binary', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'render-cache-bin-'));
    const cache = mkdtempSync(join(tmpdir(), 'render-cache-id-'));
    const fake = (version: string) => {
      writeFileSync(join(bin, 'kustomize'), `#!/bin/sh\necho "${version}"\n`);
      chmodSync(join(bin, 'kustomize'), 0o755);
    };
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path}`;
    try {
      const runner = countingRunner();
      const versions = () => runner.calls.filter((c) => c.endsWith(' version')).length;
      fake('v5.0.0-one');
      expect((await kustomizeIdentity(runner, cache)).identity).toBe('kustomize v5.0.0-one');
      expect((await kustomizeIdentity(runner, cache)).identity).toBe('kustomize v5.0.0-one');
      expect(versions()).toBe(1);
      fake('v5.0.1-another');
      expect((await kustomizeIdentity(runner, cache)).identity).toBe('kustomize v5.0.1-another');
      expect(versions()).toBe(2);
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('what each kustomization refers to, by blob id: one that changed is read again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-cache-refs-'));
    const cache = mkdtempSync(join(tmpdir(), 'render-cache-refs-kept-'));
    for (const x of ['a', 'b']) {
      put(dir, `${x}/kustomization.yaml`, 'resources:\n  - cm.yaml\n');
      put(dir, `${x}/cm.yaml`, cm(x, '1'));
    }
    put(dir, 'o/kustomization.yaml', 'resources:\n  - ../a\n');
    const inputs = async () => {
      const refs = await readKustomizationRefs(cache);
      const files = await new RenderKeys(await folderTree(dir), 'tool', refs).inputs('o');
      if (refs.parsed) await keepKustomizationRefs(cache, refs);
      return { files, parsed: refs.parsed };
    };
    try {
      expect(await inputs()).toEqual({
        files: ['a/cm.yaml', 'a/kustomization.yaml', 'o/kustomization.yaml'],
        parsed: 2,
      });
      expect((await inputs()).parsed).toBe(0);
      put(dir, 'o/kustomization.yaml', 'resources:\n  - ../b\n');
      expect(await inputs()).toEqual({
        files: ['b/cm.yaml', 'b/kustomization.yaml', 'o/kustomization.yaml'],
        parsed: 1,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('a revision keyed like another', () => {
  /** Two folders: the head, and a base that differs from it in `change`; the base is keyed like the head. */
  async function keysOf(change: (base: string) => void, changed: string[]) {
    const head = mkdtempSync(join(tmpdir(), 'render-cache-like-head-'));
    const base = mkdtempSync(join(tmpdir(), 'render-cache-like-base-'));
    put(head, 'base/x/kustomization.yaml', 'resources:\n  - cm.yaml\n');
    put(head, 'base/x/cm.yaml', cm('x', '1'));
    put(head, 'shared/extra.conf', 'a=1\n');
    put(head, 'unrelated/file.yaml', cm('u', '1'));
    put(
      head,
      'o/kustomization.yaml',
      'resources:\n  - ../base/x\n  - ../gone\nconfigMapGenerator:\n  - name: g\n    files:\n      - e.conf=../shared/extra.conf\n',
    );
    cpSync(head, base, { recursive: true });
    change(base);
    try {
      const apps = [app('o', 'o')];
      const headRev = { tree: await folderTree(head), apps };
      const baseRev = { tree: await folderTree(base), apps, like: { rev: headRev, changed } };
      const [b, h] = (await keyRevisions([baseRev, headRev], 'tool')).map((side) => side[0]!.key);
      // the truth: the base keyed on its own
      const own = (await keyRevisions([{ tree: await folderTree(base), apps }], 'tool'))[0]![0]!.key;
      return { same: b === h, right: b === own };
    } finally {
      rmSync(head, { recursive: true, force: true });
      rmSync(base, { recursive: true, force: true });
    }
  }

  it('takes its key where nothing it reads differs', async () => {
    expect(await keysOf((b) => put(b, 'unrelated/file.yaml', cm('u', '2')), ['unrelated/file.yaml'])).toEqual({
      same: true,
      right: true,
    });
  });

  it('keys anew a path whose shared base, generator file or named folder differs', async () => {
    const cases: [(b: string) => void, string[]][] = [
      [(b) => put(b, 'base/x/cm.yaml', cm('x', '2')), ['base/x/cm.yaml']],
      [(b) => put(b, 'shared/extra.conf', 'a=2\n'), ['shared/extra.conf']],
      // a folder the head no longer has, which the base still holds
      [(b) => put(b, 'gone/kustomization.yaml', 'resources: []\n'), ['gone/kustomization.yaml']],
      // a file added beside the base's kustomization
      [(b) => put(b, 'base/x/more.yaml', cm('m', '1')), ['base/x/more.yaml']],
    ];
    for (const [change, changed] of cases) expect(await keysOf(change, changed)).toEqual({ same: false, right: true });
  });
});
