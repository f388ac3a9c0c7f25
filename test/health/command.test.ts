import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo as sharedCaptureIo } from '../support/io.ts';
import { tempDir } from '../support/temp.ts';

const captureIo = (cwd: string) => sharedCaptureIo({ root: cwd });

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: postgres, namespace: soma-infra, generation: 2}
  spec: {replicas: 1}
  status: {observedGeneration: 1}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata: {name: data-postgres-0, namespace: soma-infra}
  status: {phase: Bound}
`;
const CM = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"opa-policy","namespace":"soma-infra"}}`;

describe('npm run health', () => {
  it('prints each object’s health from YAML Lists and JSON files; exit 1 when one is not Healthy', async () => {
    const dir = tempDir('health-');
    writeFileSync(join(dir, 'live.yaml'), LIST);
    writeFileSync(join(dir, 'cm.json'), CM);
    const io = captureIo(dir);
    expect(await main(['health', 'live.yaml', 'cm.json'], io)).toBe(1);
    expect(io.out).toMatch(
      /^StatefulSet\/soma-infra\/postgres\s+Progressing\s+Waiting for statefulset spec update to be observed\.\.\.$/m,
    );
    expect(io.out).toMatch(/^PersistentVolumeClaim\/soma-infra\/data-postgres-0\s+Healthy\s+Bound$/m);
    expect(io.out).toMatch(/^ConfigMap\/soma-infra\/opa-policy\s+Unknown\s+no health check for ConfigMap \(v1\)$/m);
    expect(io.out).toContain('3 objects, 1 not Healthy, 1 without a health check');
  });

  it('--json, exit 0 when no object with a check is unhealthy (a kind without one is Unknown, not Healthy)', async () => {
    const dir = tempDir('health-');
    writeFileSync(join(dir, 'cm.json'), CM);
    const io = captureIo(dir);
    expect(await main(['health', '--json', 'cm.json'], io)).toBe(0);
    expect(JSON.parse(io.out).objects).toEqual([
      {
        file: 'cm.json',
        object: 'ConfigMap/soma-infra/opa-policy',
        apiVersion: 'v1',
        builtin: false,
        status: 'Unknown',
        message: 'no health check for ConfigMap (v1)',
      },
    ]);
  });

  it('exit 2 naming the file and document for unreadable input', async () => {
    const dir = tempDir('health-');
    writeFileSync(join(dir, 'bad.yaml'), 'kind: ConfigMap\n---\na: [\n');
    const io = captureIo(dir);
    expect(await main(['health', 'bad.yaml', 'missing.yaml'], io)).toBe(2);
    expect(io.err).toMatch(/skipped: bad\.yaml document 1 \(line 1\): no apiVersion or kind/);
    expect(io.err).toMatch(/bad\.yaml document 2 \(line 3\)/);
    expect(io.err).toMatch(/missing\.yaml: no such file/);
  });

  it('an alias bomb is bad input naming the file and document, not a bug', async () => {
    const dir = tempDir('health-');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${'b'.repeat(i)}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    writeFileSync(
      join(dir, 'bomb.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\n${levels.join('\n')}\n`,
    );
    const io = captureIo(dir);
    expect(await main(['health', 'bomb.yaml'], io)).toBe(2);
    expect(io.err).toMatch(/bomb\.yaml.*document 2 \(line 5\).*alias bomb/s);
    expect(io.err).not.toMatch(/bug|at .*\.ts:\d+/);
  });

  it('judges what Argo CD would judge: duplicate keys warn (last value wins), nameless objects are skipped with why', async () => {
    const dir = tempDir('health-');
    const pod = (name: string, phase: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec: {}\nstatus:\n  phase: ${phase}\n`;
    writeFileSync(
      join(dir, 'live.yaml'),
      [
        `${pod('a', 'Running')}status:\n  phase: Succeeded\n`,
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: x\n',
        `apiVersion: v1\nkind: List\nitems:\n- ${pod('b', 'Failed').replaceAll('\n', '\n  ').trimEnd()}\n- {apiVersion: v1, kind: Pod}\n`,
      ].join('---\n'),
    );
    const io = captureIo(dir);
    expect(await main(['health', 'live.yaml', '--json'], io)).toBe(1);
    const out = JSON.parse(io.out);
    expect(out.objects.map((r: { object: string; status: string }) => `${r.object} ${r.status}`)).toEqual([
      'Pod/a Healthy',
      'Pod/b Degraded',
    ]);
    expect(out.warnings).toEqual([
      { file: 'live.yaml', where: 'document 1 (line 1)', message: expect.stringMatching(/^duplicate key at line 8/) },
    ]);
    expect(out.skipped.map((s: { where: string; message: string }) => `${s.where}: ${s.message}`)).toEqual([
      'document 2 (line 11): ConfigMap without metadata.name',
      'document 3 (line 16) item 2: Pod without metadata.name',
    ]);
    expect(io.err).toContain('warning: live.yaml document 1 (line 1): duplicate key at line 8');
  });
});
