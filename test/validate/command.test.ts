// `npm run validate -- --files …` end to end through the CLI: output formats and exit codes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { FIXTURES, REPO } from './helpers.ts';
import { captureIo as sharedCaptureIo } from '../support/io.ts';
import { tempDir } from '../support/temp.ts';

const captureIo = (cwd = FIXTURES, root = REPO) => sharedCaptureIo({ root, cwd });

async function run(args: string[], io = captureIo()) {
  const code = await main(['validate', ...args], io);
  return { code, out: io.out, err: io.err };
}

const validateDir = () => tempDir('somastack-validate-');

describe('validate --files', () => {
  it('exits 0 with a one-line OK on compliant manifests', async () => {
    const r = await run(['--files', 'policy/compliant.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('validate: OK — 1 file, 6 objects, 10 policy rules\n');
  });

  it('exits 1 and reports every problem of every file in a directory, grouped by file', async () => {
    const r = await run(['--files', 'schema', '--no-policy']);
    expect(r.code).toBe(1);
    for (const file of [
      'crd.yaml',
      'duplicate-key.yaml',
      'list.yaml',
      'manifest.json',
      'missing-kind.yaml',
      'missing-required.yaml',
      'multi-doc.yaml',
      'unknown-fields.yaml',
      'wrong-type.yaml',
    ]) {
      expect(r.out).toContain(`schema/${file}\n  `);
    }
    expect(r.out).not.toContain('schema/api-server-shapes.yaml');
    expect(r.out.trim().split('\n').at(-1)).toBe('validate: 14 problems in 9 files — 12 files, 17 objects, policy off');
  });

  it('--no-policy turns the policy rules off', async () => {
    const dir = validateDir();
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n',
    );
    expect((await run(['--files', 'pod.yaml'], captureIo(dir))).code).toBe(1);
    const r = await run(['--files', 'pod.yaml', '--no-policy'], captureIo(dir));
    expect(r.code).toBe(0);
    expect(r.out).toBe('validate: OK — 1 file, 1 object, policy off\n');
  });

  it('--strict makes an unknown kind fail', async () => {
    const dir = validateDir();
    writeFileSync(join(dir, 'w.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect((await run(['--files', 'w.yaml', '--no-policy'], captureIo(dir))).code).toBe(0);
    const strict = await run(['--files', 'w.yaml', '--no-policy', '--strict'], captureIo(dir));
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('[SCHEMA-UNKNOWN-KIND] no schema for example.com/v1/Widget');
  });

  it('--json prints the report as JSON', async () => {
    const r = await run(['--files', 'schema/wrong-type.yaml', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: false, exitCode: 1, mode: 'files', counts: { files: 1, objects: 1 } });
    expect(doc.findings.map((f: { rule: string; pointer: string }) => `${f.rule} ${f.pointer}`)).toContain(
      'SCHEMA-TYPE /spec/ports/0/port',
    );
    expect(doc.schemas.map((s: { name: string }) => s.name)).toEqual([
      'kubernetes-models',
      '@kubernetes-models/argo-cd',
    ]);
  });

  it('--junit writes a JUnit report beside the normal output', async () => {
    const dir = validateDir();
    const r = await run(
      ['--files', join(FIXTURES, 'schema/multi-doc.yaml'), '--junit', 'reports/validate.xml', '--no-policy'],
      captureIo(dir),
    );
    expect(r.code).toBe(1);
    const xml = readFileSync(join(dir, 'reports/validate.xml'), 'utf8');
    expect(xml).toContain('tests="3" failures="1"');
    expect(xml).toContain('name="ConfigMap/bad-one">\n      <failure type="SCHEMA-TYPE"');
  });

  it('exits 2 when a path does not exist, or when arguments are given without --files', async () => {
    const missing = await run(['--files', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('error: not found: nope.yaml');
    const stray = await run(['deploy.yaml']);
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('pass --files before them');
  });

  it('exits 2 when there is nothing to check, naming what it found, unless --allow-empty', async () => {
    const dir = validateDir();
    writeFileSync(join(dir, 'notes.txt'), 'not yaml\n');
    const none = await run(['--files', '.'], captureIo(dir));
    expect(none.code).toBe(2);
    expect(none.err).toContain('error: no Kubernetes objects to check in .: no .yaml, .yml or .json file');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
    );
    const kustomization = await run(['--files', '.'], captureIo(dir));
    expect(kustomization.code).toBe(2);
    expect(kustomization.err).toContain('1 file(s), only build configuration (kustomization)');
    expect(kustomization.err).toContain('kubectl kustomize . > rendered.yaml');
    expect((await run(['--files', '.', '--allow-empty'], captureIo(dir))).code).toBe(0);
    expect((await run(['--allow-empty'], captureIo(dir))).err).toContain('--allow-empty applies to --files only');
  });

  it('exits 2 when there is no repository to validate', async () => {
    const r = await run([], captureIo(validateDir(), validateDir()));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: no clusters/ folder');
  });
});
