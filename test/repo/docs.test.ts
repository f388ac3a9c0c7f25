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
