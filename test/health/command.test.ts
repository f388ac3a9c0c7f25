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
    expect(io.out).toMatch(/^StatefulSet\/soma-infra\/postgres\s+Progressing\s+Waiting for statefulset spec update to be observed\.\.\.$/m);
    expect(io.out).toMatch(/^PersistentVolumeClaim\/soma-infra\/data-postgres-0\s+Healthy\s+Bound$/m);
    expect(io.out).toMatch(/^ConfigMap\/soma-infra\/opa-policy\s+Unknown\s+no health check for ConfigMap \(v1\)$/m);
    expect(io.out).toContain('3 objects, 1 not Healthy, 1 without a health check');
  });

  it('--json, exit 0 when no object with a check is unhealthy (a kind without one is Unknown, not Healthy)', async () => {
    const dir = tempDir('health-');
    writeFileSync(join(dir, 'cm.json'), CM);
    const io = captureIo(dir);
    expect(await main(['health', '--json', 'cm.json'], io)).toBe(0);
    expect(JSON.parse(io.out).objects).toEqual([{ file: 'cm.json', object: 'ConfigMap/soma-infra/opa-policy', apiVersion: 'v1', builtin: false, status: 'Unknown', message: 'no health check for ConfigMap (v1)' }]);
  });

  it('exit 2 naming the file and document for unreadable input', async () => {
    const dir = tempDir('health-');
    writeFileSync(join(dir, 'bad.yaml'), 'kind: ConfigMap\n---\na: [\n');
    const io = captureIo(dir);
    expect(await main(['health', 'bad.yaml', 'missing.yaml'], io)).toBe(2);
    expect(io.err).toMatch(/bad\.yaml document 1 \(line 1\): not a Kubernetes object/);
    expect(io.err).toMatch(/bad\.yaml document 2 \(line 3\)/);
    expect(io.err).toMatch(/missing\.yaml: no such file/);
  });
});
