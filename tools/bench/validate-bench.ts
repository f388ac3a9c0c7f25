// `npm run bench -- --only validate`: measured, not asserted in tests.
//   schema+policy  objects/second over a synthetic corpus (default 10,000 objects), every
//                  rule on, on one core (the checks run on the main thread); target ≥ 2,000/s
//   full validate  wall time of `npm run validate` (a fresh process: inputs, freshness,
//                  parallel render, checks, budget) against rendering the same overlays one
//                  after another with bare kustomize; target: not slower
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { findKustomize } from '../../src/adapters/kustomize.ts';
import { runProcess } from '../../src/adapters/process.ts';
import { listApplications } from '../../src/adapters/render.ts';
import { PackageSchemas } from '../../src/adapters/schemas.ts';
import type { Io } from '../../src/cli/types.ts';
import type { ClusterConfig } from '../../src/core/cluster-config.ts';
import type { ObjectItem } from '../../src/core/validate/documents.ts';
import { checkItems } from '../../src/core/validate/engine.ts';
import { buildCorpus } from './validate-corpus.ts';

const TARGET_OBJECTS_PER_SECOND = 2000;
const RUNS = 5;

interface Figures {
  objects: number;
  kinds: number;
  schemaLoadSeconds: number;
  checkSeconds: number;
  objectsPerSecond: number;
  findings: number;
  overlays: number;
  validateSeconds: number;
  sequentialKustomizeSeconds: number;
  validateExitCode: number;
  cpus: number;
  node: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

const BENCH_CLUSTER: ClusterConfig = {
  name: 'bench',
  environment: 'dev',
  destination: { server: 'https://kubernetes.default.svc' },
  repository: { url: 'https://github.com/example/somastack.git', revision: 'main' },
  components: ['platform', 'redis'],
  argocd: {},
  secrets: { provider: 'bootstrap' },
  source: 'clusters/bench/cluster.yaml',
};

async function measureChecks(count: number) {
  const objects = buildCorpus(count);
  const items: ObjectItem[] = objects.map((object) => ({ object, file: 'corpus.yaml' }));
  const schemas = new PackageSchemas();
  const load = await timed(() => schemas.preload(objects));
  const opts = { policy: true, ctx: { mode: 'repository' as const, cluster: BENCH_CLUSTER } };
  checkItems(items.slice(0, 500), schemas.lookup, opts); // warm up the JIT
  const runs: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await timed(() => checkItems(items, schemas.lookup, opts));
    runs.push(r.seconds);
    findings = r.value.findings.length;
  }
  return {
    objects: count,
    kinds: new Set(objects.map((o) => o.kind)).size,
    schemaLoadSeconds: load.seconds,
    checkSeconds: median(runs),
    findings,
  };
}

/** The distinct local overlays every cluster's Applications render (what validate renders). */
async function overlayPaths(root: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const c of await loadClusters(root))
    for (const a of await listApplications(root, c)) if (!a.remote) paths.add(a.path);
  return [...paths].sort();
}

async function measureRenders(io: Io) {
  const paths = await overlayPaths(io.root);
  const tool = await findKustomize();
  const sequential: number[] = [];
  const full: number[] = [];
  let exit = 0;
  for (let i = 0; i < RUNS; i++) {
    sequential.push(
      (
        await timed(async () => {
          for (const p of paths) await runProcess(tool.command, [...tool.prefix, join(io.root, p)]);
        })
      ).seconds,
    );
    const v = await timed(() =>
      runProcess(process.execPath, [join(io.root, 'src', 'cli', 'main.ts'), 'validate', '--json'], {
        cwd: io.root,
        allowFailure: true,
      }),
    );
    exit = v.value.code;
    full.push(v.seconds);
  }
  return {
    overlays: paths.length,
    sequentialKustomizeSeconds: median(sequential),
    validateSeconds: median(full),
    validateExitCode: exit,
  };
}

function render(f: Figures): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const ok = (met: boolean) => (met ? 'met' : 'MISSED');
  return [
    `validate benchmark — ${f.cpus} CPUs, Node ${f.node}, median of ${RUNS} runs`,
    `  schema+policy  ${n(f.objects)} objects (${f.kinds} kinds, all rules) in ${f.checkSeconds.toFixed(2)} s = ${n(f.objectsPerSecond)} objects/s on one core   target ≥ ${n(TARGET_OBJECTS_PER_SECOND)}: ${ok(f.objectsPerSecond >= TARGET_OBJECTS_PER_SECOND)}`,
    `  schema load    ${f.schemaLoadSeconds.toFixed(2)} s (first use of each kind's validator, once per process)`,
    `  full validate  ${f.validateSeconds.toFixed(2)} s (exit ${f.validateExitCode})  vs  ${f.overlays} overlays rendered one after another with bare kustomize: ${f.sequentialKustomizeSeconds.toFixed(2)} s   target not slower: ${ok(f.validateSeconds <= f.sequentialKustomizeSeconds)}`,
    '',
  ].join('\n');
}

export async function runValidateBench(io: Io, opts: { objects?: number; json?: boolean }): Promise<number> {
  io.stderr('bench validate: checking the synthetic corpus…\n');
  const checks = await measureChecks(opts.objects ?? 10_000);
  io.stderr('bench validate: full validate vs sequential kustomize…\n');
  const renders = await measureRenders(io);
  const f: Figures = {
    ...checks,
    ...renders,
    objectsPerSecond: checks.objects / checks.checkSeconds,
    cpus: availableParallelism(),
    node: process.versions.node,
  };
  if (f.validateExitCode === 2) throw new Error('`npm run validate` could not run; run it alone to see why');
  io.stdout(opts.json ? `${JSON.stringify({ suite: 'validate', ...f }, null, 2)}\n` : render(f));
  const met = f.objectsPerSecond >= TARGET_OBJECTS_PER_SECOND && f.validateSeconds <= f.sequentialKustomizeSeconds;
  return met ? 0 : 1;
}
