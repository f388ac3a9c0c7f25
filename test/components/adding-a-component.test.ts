// docs/adding-a-component.md, followed literally: in a copy of the repository, write the
// module the page shows, make the registry edit it shows, enable the component in a
// cluster and run `generate`; the component must then be in every derived table and in
// every place of the generated tree — without touching any other file.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../support/cli-process.ts';
import { REPO_ROOT } from '../support/context.ts';

type Any = Record<string, any>;

const DOC = readFileSync(join(REPO_ROOT, 'docs', 'adding-a-component.md'), 'utf8');
const REGISTRY = 'src/core/components/registry.ts';

/** The body of the fenced block whose info string is exactly `info`. */
function block(info: string): string {
  const m = new RegExp(`^\`\`\`${info.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(DOC);
  if (!m) throw new Error(`docs/adding-a-component.md has no \`\`\`${info} block`);
  return m[1]!;
}

/** Step 2 of the page: the import after the last import, the entry at the end of COMPONENT_SPECS. */
function register(text: string): string {
  const lines = text.split('\n');
  const lastImport = lines.findLastIndex((l) => l.startsWith('import '));
  lines.splice(lastImport + 1, 0, block('ts registry').trimEnd());
  const end = lines.findIndex((l) => l.startsWith('} satisfies'));
  lines.splice(end, 0, block('ts registry-entry').trimEnd());
  return lines.join('\n');
}

describe('docs/adding-a-component.md, followed literally', () => {
  const root = mkdtempSync(join(tmpdir(), 'somastack-add-component-'));
  let generated: { code: number; stdout: string; stderr: string };
  const read = (path: string) => readFileSync(join(root, path), 'utf8');

  beforeAll(async () => {
    for (const d of ['src', 'clusters', 'package.json', 'tsconfig.json'])
      cpSync(join(REPO_ROOT, d), join(root, d), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
    // 1. Write the spec.
    writeFileSync(join(root, 'src/core/components/nats.ts'), block('ts file=src/core/components/nats.ts'));
    // 2. Register it.
    writeFileSync(join(root, REGISTRY), register(read(REGISTRY)));
    // 3. Enable it.
    const cluster = 'clusters/kind-soma/cluster.yaml';
    writeFileSync(join(root, cluster), read(cluster).replace(/^components: \[(.*)\]$/m, 'components: [$1, nats]'));
    // 4. Generate.
    generated = await runCli(root, ['generate'], { echo: false, timeoutMs: 120_000 });
  }, 150_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('generates without complaint', () => {
    expect(generated.stderr).not.toMatch(/error/i);
    expect(generated.code).toBe(0);
  });

  it('type-checks: the example on the page is a complete spec', async () => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    writeFileSync(
      join(root, 'tsconfig.src.json'),
      JSON.stringify({ extends: './tsconfig.json', include: ['src/**/*.ts'] }),
    );
    await expect(
      promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(root, 'tsconfig.src.json')]),
    ).resolves.toBeDefined();
  }, 120_000);

  it('derives the name, the contract and the internal ports from the one spec', async () => {
    const contracts = await import(join(root, 'src/core/contracts.ts'));
    expect(contracts.COMPONENT_NAMES).toContain('nats');
    expect(contracts.CONTRACTS.nats).toEqual({ service: 'nats', namespace: 'soma-infra', port: 4222, secrets: [] });
    expect(contracts.INTERNAL_PORTS.nats).toEqual({ metrics: { port: 8222, path: '/varz' } });
  });

  it('writes its base, an overlay per environment and its Application', () => {
    for (const path of [
      'base/nats/kustomization.yaml',
      'base/nats/deployment-nats.yaml',
      'base/nats/service-nats.yaml',
      'base/nats/service-nats-headless.yaml',
    ]) {
      expect(existsSync(join(root, path)), path).toBe(true);
    }
    for (const env of ['dev', 'staging', 'prod'])
      expect(existsSync(join(root, `overlays/${env}/nats/kustomization.yaml`)), env).toBe(true);
    const app = parse(read('apps/kind-soma/nats.yaml')) as Any;
    expect(app.spec.source.path).toBe('overlays/dev/nats');
    expect(parse(read('apps/kind-soma/kustomization.yaml')).resources).toContain('nats.yaml');
  });

  it('opens its NetworkPolicy to consumers and Prometheus, and Prometheus scrapes it', () => {
    const policy = parse(read('base/platform/networkpolicy-allow-ingress-nats.yaml')) as Any;
    const ports = (policy.spec.ingress as Any[]).flatMap((r) => (r.ports as Any[]).map((p) => p.port));
    expect(ports).toEqual(expect.arrayContaining([4222, 8222]));
    const config = parse(read('base/prometheus/prometheus-config/prometheus.yml')) as Any;
    const job = (config.scrape_configs as Any[]).find((j) => j.job_name === 'nats');
    expect(job).toMatchObject({
      metrics_path: '/varz',
      dns_sd_configs: [{ names: ['nats-headless.soma-infra.svc.cluster.local'], port: 8222 }],
    });
  });

  it('lists it in the generated components doc and the tree manifest', () => {
    expect(read('docs/components.md')).toContain('## nats');
    expect(read('.generated-files')).toContain('base/nats/kustomization.yaml');
  });

  it('touched nothing but the spec, the registry and the cluster.yaml among the inputs', () => {
    for (const d of [
      'src/core/contracts.ts',
      'src/core/components/platform.ts',
      'src/core/components/prometheus.ts',
      'src/core/cluster-config.ts',
    ]) {
      expect(read(d), d).toBe(readFileSync(join(REPO_ROOT, d), 'utf8'));
    }
    expect(parseAllDocuments(read('apps/kind-soma/nats.yaml'))).toHaveLength(1);
  });
});
