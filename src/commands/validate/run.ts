// `npm run validate`, top to bottom: check the flags, run the repository pipeline (or the
// files pipeline), write the JUnit file if asked, print the report. Exit 1 on findings.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Deps } from '../../cli/deps.ts';
import { UserError } from '../../core/errors.ts';
import { renderHuman } from '../../core/validate/format/human.ts';
import { renderJson } from '../../core/validate/format/json.ts';
import { renderJunit } from '../../core/validate/format/junit.ts';
import { exitCode, type Report } from '../../core/validate/report.ts';
import { checkFiles } from './files.ts';
import { stderrProgress } from './progress.ts';
import { checkRepository } from './repository.ts';

export interface ValidateOptions {
  cluster?: string;
  json: boolean;
  /** Absolute path of the JUnit report, already checked writable. */
  junit?: string;
  strict: boolean;
  policy: boolean;
  /** --files mode: the paths to check; undefined checks the repository. */
  files?: string[];
  /** A free argument given without --files (an input error). */
  unexpected?: string;
  /** --files: no object to check is not an error. */
  allowEmpty: boolean;
  concurrency?: number;
  /** Render the pinned upstream installs too (network): their CRDs check our custom resources. */
  fetchUpstream: boolean;
}

export async function runValidate(options: ValidateOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  const { strict, policy } = options;
  if (options.unexpected !== undefined)
    throw new UserError(
      `unexpected argument '${options.unexpected}'`,
      'to check manifest files, pass --files before them',
    );
  if (options.files && options.cluster) throw new UserError('--cluster does not apply to --files', 'drop one of them');
  if (!options.files && options.allowEmpty)
    throw new UserError('--allow-empty applies to --files only', 'drop it, or check files with --files <path…>');
  const report = options.files
    ? await checkFiles(io.cwd, options.files, { strict, policy, allowEmpty: options.allowEmpty })
    : await checkRepository(
        io.root,
        {
          cluster: options.cluster,
          strict,
          policy,
          concurrency: options.concurrency,
          progress: stderrProgress(io),
          fetchUpstream: options.fetchUpstream,
        },
        deps,
      );
  if (options.junit) await writeJunit(options.junit, report);
  io.stdout(options.json ? renderJson(report) : renderHuman(report));
  return exitCode(report);
}

/** The path was checked before any work; what can still fail here is the disk itself. */
async function writeJunit(target: string, report: Report): Promise<void> {
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, renderJunit(report));
  } catch (e) {
    throw new UserError(
      `cannot write the JUnit report to ${target}: ${(e as Error).message}`,
      'pass a writable path to --junit',
      { cause: e },
    );
  }
}
