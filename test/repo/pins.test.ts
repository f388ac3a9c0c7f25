// Every pin is visible to Renovate, and the copies of a pin agree. The pins are found
// here independently of renovate.json (image references, `*_VERSION` constants and
// workflow variables, digests), then each must fall inside a match of one of
// renovate.json's custom managers, applied the way Renovate applies them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUBECTL_VERSION, TOOL_PINS } from '../../src/adapters/tools.ts';
import { KIND_NODE_IMAGE, KIND_VERSION, KUBERNETES_VERSION } from '../../src/core/versions.ts';
import { checksumUrl, pinnedChecksums, updateWorkflow } from '../../tools/pins/checksums.ts';
import { ROOT } from '../support/render-all.ts';

interface Manager {
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate?: string;
}

const renovate = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as {
  customManagers: Manager[];
  postUpgradeTasks: { commands: string[] };
};
const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

// Renovate writes file patterns as /regex/; the match strings are plain ECMAScript regexes.
const fileRegex = (p: string) => new RegExp(p.replace(/^\/(.*)\/$/, '$1'));

interface Found {
  file: string;
  index: number;
  value: string;
  groups: Record<string, string | undefined>;
}

/** Every match of every custom manager, with the position of the version it captured. */
function managerMatches(): Found[] {
  const out: Found[] = [];
  for (const m of renovate.customManagers) {
    for (const file of files.filter((f) => m.managerFilePatterns.some((p) => fileRegex(p).test(f)))) {
      const text = read(file);
      for (const s of m.matchStrings) {
        for (const hit of text.matchAll(new RegExp(s, 'gd'))) {
          const [start] = hit.indices!.groups!.currentValue!;
          out.push({
            file,
            index: start,
            value: hit.groups!.currentValue!,
            groups: { datasource: m.datasourceTemplate, ...hit.groups },
          });
        }
      }
    }
  }
  return out;
}

// Pins as a reader would spot them, independent of renovate.json.
const PIN_PATTERNS: { files: RegExp; pattern: RegExp }[] = [
  // an image reference with a registry host, in a string
  {
    files: /^src\/.+\.ts$/,
    pattern: /'[a-z0-9-]+(?:\.[a-z0-9-]+)+\/[a-z0-9._/-]+:(?<v>[A-Za-z0-9._-]+)(?:@sha256:[a-f0-9]{64})?'/g,
  },
  // a Docker Hub image without a registry host, pinned by digest
  { files: /^src\/.+\.ts$/, pattern: /'[a-z0-9-]+\/[a-z0-9._-]+:(?<v>[A-Za-z0-9._-]+)@sha256:[a-f0-9]{64}'/g },
  // a version constant
  { files: /^src\/.+\.ts$/, pattern: /export const [A-Z0-9_]*VERSION =\s+'(?<v>v?\d+\.\d+\.\d+[^']*)'/g },
  // a version variable in a workflow
  { files: /^\.github\/workflows\/.+\.ya?ml$/, pattern: /^\s*[A-Z0-9_]+_VERSION: (?<v>v?\d+\.\d+\.\d+\S*)$/gm },
];

// Versions that are not pins: what the health rules mirror follows the Argo CD pin by
// hand after review (validate reports when they differ), a minimum is not a pin, and the
// Kafka version is one the pinned Strimzi release supports (it moves with STRIMZI_VERSION).
const NOT_PINS = [/HEALTH_RULES_ARGOCD_VERSION/, /MIN_KUBECTL_VERSION/, /STRIMZI_KAFKA_VERSION/];

function pinsInSource(): { file: string; index: number; value: string; line: string }[] {
  const out: { file: string; index: number; value: string; line: string }[] = [];
  for (const { files: which, pattern } of PIN_PATTERNS) {
    for (const file of files.filter((f) => which.test(f))) {
      const text = read(file);
      for (const hit of text.matchAll(new RegExp(pattern.source, `${pattern.flags}d`))) {
        const [start] = hit.indices!.groups!.v!;
        const line = text.slice(text.lastIndexOf('\n', start) + 1, text.indexOf('\n', start));
        if (!NOT_PINS.some((r) => r.test(line)))
          out.push({ file, index: start, value: hit.groups!.v!, line: line.trim() });
      }
    }
  }
  return out;
}

describe('Renovate sees every pin', () => {
  const matches = managerMatches();

  it('finds the pins a reader would find, and each is matched by a custom manager', () => {
    const pins = pinsInSource();
    expect(pins.length).toBeGreaterThan(15);
    const unmatched = pins.filter(
      (p) => !matches.some((m) => m.file === p.file && m.index === p.index && m.value === p.value),
    );
    expect(unmatched.map((p) => `${p.file}: ${p.line}`)).toEqual([]);
  });

  it('gives every match a datasource and a package name', () => {
    for (const m of matches) {
      expect(m.groups.datasource, `${m.file}: ${m.value}`).toMatch(/^(docker|github-releases|github-tags)$/);
      expect(m.groups.depName, `${m.file}: ${m.value}`).toMatch(/^[a-z0-9][\w./-]+$/);
    }
  });

  it('reads the Kind node image as an image with a tag and a digest', () => {
    const node = matches.find((m) => m.groups.depName === 'kindest/node')!;
    expect(node.value).toBe(KUBERNETES_VERSION);
    expect(KIND_NODE_IMAGE).toContain(`:${node.value}@${node.groups.currentDigest}`);
  });

  it('regenerates the tree and refreshes checksums after an upgrade', () => {
    expect(renovate.postUpgradeTasks.commands).toEqual(
      expect.arrayContaining(['npm run -s generate', 'npm run -s pins:checksums']),
    );
  });

  it('keeps GitHub Actions on majors that run on Node 24', () => {
    const uses = files
      .filter((f) => f.startsWith('.github/workflows/'))
      .flatMap((f) =>
        [...read(f).matchAll(/uses: ([\w-]+\/[\w-]+)@v(\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const),
      );
    const minimum: Record<string, number> = {
      'actions/checkout': 6,
      'actions/setup-node': 6,
      'actions/upload-artifact': 6,
      'actions/cache': 5,
      'mikepenz/action-junit-report': 6,
    };
    expect(uses.length).toBeGreaterThan(4);
    for (const [action, major] of uses) expect(major, action).toBeGreaterThanOrEqual(minimum[action] ?? 0);
  });
});

describe('copies of a pin agree', () => {
  const workflow = read('.github/workflows/e2e.yml');
  const env = (key: string) => new RegExp(`^\\s*${key}: (\\S+)$`, 'm').exec(workflow)?.[1];

  it('the e2e workflow installs the kind and kubectl the tools module pins, with the same checksums', () => {
    expect(env('KIND_VERSION')).toBe(KIND_VERSION);
    expect(env('KUBECTL_VERSION')).toBe(KUBECTL_VERSION);
    expect(env('KIND_SHA256')).toBe(TOOL_PINS.kind.sha256['linux/amd64']);
    expect(env('KUBECTL_SHA256')).toBe(TOOL_PINS.kubectl.sha256['linux/amd64']);
  });

  it('every pinned tool has a checksum for every platform it installs on', () => {
    for (const pin of Object.values(TOOL_PINS))
      expect(Object.keys(pin.sha256).sort()).toEqual(['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64']);
  });
});

describe('pins:checksums', () => {
  const sha = (c: string) => c.repeat(64);
  const known = {
    kind: {
      'v0.1.0': {
        'linux/amd64': sha('a'),
        'linux/arm64': sha('a'),
        'darwin/amd64': sha('a'),
        'darwin/arm64': sha('a'),
      },
    },
    kubectl: {},
  };

  it('keeps known checksums, fetches a new version’s from where it is published, and drops old versions', async () => {
    const asked: string[] = [];
    const sums = await pinnedChecksums(known, { kind: 'v0.1.0', kubectl: 'v1.35.0' }, async (url) => {
      asked.push(url);
      return `${sha('b')}  kubectl\n`;
    });
    expect(asked).toEqual(
      ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64'].map((p) =>
        checksumUrl('kubectl', 'v1.35.0', p as 'linux/amd64'),
      ),
    );
    expect(sums.kind).toEqual(known.kind);
    expect(sums.kubectl).toEqual({
      'v1.35.0': {
        'linux/amd64': sha('b'),
        'linux/arm64': sha('b'),
        'darwin/amd64': sha('b'),
        'darwin/arm64': sha('b'),
      },
    });
    const moved = await pinnedChecksums(sums, { kind: 'v0.2.0', kubectl: 'v1.35.0' }, async () => sha('c'));
    expect(Object.keys(moved.kind)).toEqual(['v0.2.0']);
  });

  it('refuses an answer that is not a checksum (an HTML error page)', async () => {
    await expect(
      pinnedChecksums(known, { kind: 'v0.1.0', kubectl: 'v1.35.0' }, async () => '<html>Not Found</html>'),
    ).rejects.toThrow(/did not answer with a SHA-256/);
  });

  it('rewrites only the four pinned lines of the workflow', () => {
    const text =
      'env:\n  KIND_VERSION: v0.0.1\n  KIND_SHA256: x\n  KUBECTL_VERSION: v1.0.0\n  KUBECTL_SHA256: y\nsteps: []\n';
    const sums = {
      kind: { 'v0.1.0': { 'linux/amd64': sha('a') } },
      kubectl: { 'v1.35.0': { 'linux/amd64': sha('b') } },
    };
    expect(updateWorkflow(text, { kind: 'v0.1.0', kubectl: 'v1.35.0' }, sums)).toBe(
      `env:\n  KIND_VERSION: v0.1.0\n  KIND_SHA256: ${sha('a')}\n  KUBECTL_VERSION: v1.35.0\n  KUBECTL_SHA256: ${sha('b')}\nsteps: []\n`,
    );
  });
});
