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

describe('docs/clusters.md', () => {
  it('documents every cluster.yaml field of the schema', async () => {
    const { CLUSTER_SCHEMA } = await import('../../src/core/cluster-config.ts');
    const text = await readFile(join(ROOT, 'docs', 'clusters.md'), 'utf8');
    const fields = (props: Record<string, any>, prefix = ''): string[] =>
      Object.entries(props).flatMap(([k, v]) => (v.properties ? fields(v.properties, `${prefix}${k}.`) : [`${prefix}${k}`]));
    for (const f of fields(CLUSTER_SCHEMA.properties)) expect(text, f).toContain(`| \`${f}\` |`);
  });
});
