import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACTS, type ServiceComponent, serviceDns } from '../../src/core/contracts.ts';
import { ROOT } from '../support/render-all.ts';

describe('docs/contracts.md', () => {
  it('lists every service contract with its exact address and secrets', async () => {
    const text = await readFile(join(ROOT, 'docs', 'contracts.md'), 'utf8');
    for (const [c, k] of Object.entries(CONTRACTS)) {
      expect(text, c).toContain(`| ${c} | \`${serviceDns(c as ServiceComponent)}:${k.port}\` |`);
      for (const s of k.secrets) expect(text, s.name).toContain(s.name);
    }
  });
});

describe('README', () => {
  it('opens with the two set-up commands', async () => {
    const text = await readFile(join(ROOT, 'README.md'), 'utf8');
    const setup = text.slice(0, text.indexOf('## What you get'));
    expect(setup).toContain('npm install && npm run bootstrap');
    expect(setup).toContain('npm install && npm test');
  });
});

describe('references a reader can follow', () => {
  it('cites only what is in this repository: no design seeds, no DESIGN.md, no section signs', async () => {
    const { spawnSync } = await import('node:child_process');
    const pattern = 'seed [0-9]{3}|DESIGN\\.md|§';
    const r = spawnSync(
      'git',
      ['grep', '-n', '-i', '-E', pattern, '--', 'src', 'docs', 'README.md', 'tools', '.github'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    // git grep exits 1 when nothing matches, 0 with the matching lines.
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });
});

describe('shell recipes work as written', () => {
  it('every `npm run` whose output is redirected or piped is silent (npm would prepend its banner)', async () => {
    const { execFileSync } = await import('node:child_process');
    const files = execFileSync('git', ['ls-files', 'README.md', 'docs', 'src'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(md|ts)$/.test(f));
    const bad: string[] = [];
    for (const file of files) {
      const text = await readFile(join(ROOT, file), 'utf8');
      // Commands appear in fenced blocks (one per line) and code spans (docs), and in template strings (--help).
      const commands = file.endsWith('.md')
        ? [...text.matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`]+)`/g)].flatMap((m) => (m[1] ? m[1].split('\n') : [m[2]!]))
        : [...text.matchAll(/`([^`]*)`/g)].flatMap((m) => m[1]!.split('\n'));
      for (const command of commands.flatMap((c) => c.split(/&&|;/))) {
        const line = command.replace(/\s+/g, ' ');
        const npm = /npm run (?!-s\b|--silent\b)\S+/.exec(line);
        // A redirect (`> file`, `1> file`) or a pipe (`| jq`) after it; `<file>` placeholders are not redirects.
        if (npm && /\s1?>\s*[^\s&]|\s\|\s/.test(line.slice(npm.index))) bad.push(`${file}: ${line.trim()}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('docs/clusters.md', () => {
  it('documents every cluster.yaml field of the schema', async () => {
    const { CLUSTER_SCHEMA } = await import('../../src/core/cluster-config.ts');
    const text = await readFile(join(ROOT, 'docs', 'clusters.md'), 'utf8');
    const fields = (props: Record<string, any>, prefix = ''): string[] =>
      Object.entries(props).flatMap(([k, v]) =>
        v.properties ? fields(v.properties, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    for (const f of fields(CLUSTER_SCHEMA.properties)) expect(text, f).toContain(`| \`${f}\` |`);
  });
});
