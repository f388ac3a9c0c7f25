// The flags of `npm run diff` and the typed options they make. Every check runs here,
// before git is asked anything or anything rendered (--out included).
import { choice, flag, integer, type OptionsOf, outputPath, text } from '../../cli/options.ts';
import type { Io } from '../../cli/types.ts';
import { UserError } from '../../core/errors.ts';

export const FORMATS = ['markdown', 'text', 'json'] as const;
export type Format = (typeof FORMATS)[number];
export const CACHE_DIR = '.cache/render';
/** The staleness verdicts of earlier runs, by the hash of their inputs (freshness.ts). */
export const FRESHNESS_DIR = '.cache/freshness';
/** The clusters and Application lists of earlier runs, by the hash of the files they were read from (inputs.ts). */
export const INPUTS_DIR = '.cache/diff-inputs';

export const DIFF_FLAGS = {
  base: text('<ref>', 'revision to compare against, e.g. origin/main', {
    required: { fix: 'e.g. npm run diff -- --base origin/main' },
  }),
  head: text('<ref>', 'revision to compare (default: the working tree)'),
  format: choice(FORMATS, 'report format (default: text on a terminal, else markdown)'),
  json: flag('same as --format json'),
  out: outputPath('<file>', 'also save the full diff here (.json → JSON, .txt → text, else Markdown)'),
  post: flag('create or update the pull-request comment'),
  repo: text('<owner/name>', 'repository for --post (default: GITHUB_REPOSITORY)'),
  pr: integer('<n>', 'pull request number for --post (default: from GITHUB_EVENT_PATH)'),
  // Not --context: that names a kubeconfig context in status, drift and smoke.
  // git's name: --context means a kubeconfig context in every other command.
  unified: integer('<n>', 'unchanged lines around each change', { min: 0, max: 100, default: '4', short: 'U' }),
  'no-cache': flag(
    `render and read everything again and check freshness anew, ignoring ${CACHE_DIR}/, ${INPUTS_DIR}/ and ${FRESHNESS_DIR}/`,
  ),
};

export interface DiffOptions {
  base: string;
  head?: string;
  format: Format;
  /** Absolute path, checked writable before any work. */
  out?: string;
  post: boolean;
  repo?: string;
  pr?: string;
  context: number;
  cache: boolean;
}

/** Resolves the format (a terminal gets text, CI Markdown) and checks the flags that go together. */
export function diffOptions(flags: OptionsOf<typeof DIFF_FLAGS>, io: Pick<Io, 'interactive'>): DiffOptions {
  const { base, head, json, out, post, repo, pr } = flags;
  const format = flags.format ?? (json ? 'json' : io.interactive ? 'text' : 'markdown');
  if (json && format !== 'json') throw new UserError('--json and --format disagree', 'pass one of them');
  if ((pr !== undefined || repo !== undefined) && !post)
    throw new UserError('--repo and --pr only make sense with --post', 'add --post, or drop --repo/--pr');
  return {
    base,
    head,
    format,
    out,
    post,
    repo,
    pr: pr === undefined ? undefined : String(pr),
    context: flags.unified,
    cache: !flags.noCache,
  };
}
