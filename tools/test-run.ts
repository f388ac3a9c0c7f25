// `npm test` / `npm run test:e2e`: type-check, run vitest, and end with one plain line
// `tests: N passed, M failed` read from vitest's JSON report, so that a run which
// executed nothing is visible as `tests: 0 passed, 0 failed`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const e2e = process.argv.includes('--e2e');
const extra = process.argv.slice(2).filter((a) => a !== '--e2e');
const bin = (name: string) => join('node_modules', '.bin', name);

if (!e2e) {
  const tsc = spawnSync(bin('tsc'), ['--noEmit', '-p', '.'], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('typecheck failed');
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'somastack-vitest-'));
const report = join(dir, 'report.json');
const config = e2e ? ['--config', 'vitest.e2e.config.ts'] : [];
const run = spawnSync(
  bin('vitest'),
  ['run', ...config, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  {
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = r.numPendingTests + r.numTodoTests;
} catch {
  failed = Math.max(1, failed);
  console.error('vitest wrote no JSON report: the run did not complete');
}
rmSync(dir, { recursive: true, force: true });
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a suite that failed to load counts as a failure
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
