// `npm run diff`: what a change does to every cluster, as rendered manifests compared
// object by object between two revisions. Check the flags → render and compare →
// print (and save) → post the PR comment. Exit 0 no changes, 1 changes, 2 error.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { DIFF_COMMENT_MARKER, resolvePostTarget, upsertComment, type PostTarget } from '../../adapters/github.ts';
import { requireRepository, runRenderedDiff, type DiffRun } from './revisions.ts';
import { renderJson } from '../../core/diff/json.ts';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../core/diff/markdown.ts';
import { renderText } from '../../core/diff/text-format.ts';
import type { DiffReport } from '../../core/diff/types.ts';
import { describeError, isExpectedError, UserError } from '../../core/errors.ts';
import { bool, type Command, type Io, num, type OptionValues, str } from '../../cli/types.ts';

const FORMATS = ['markdown', 'text', 'json'] as const;
type Format = (typeof FORMATS)[number];

// Below GitHub's 65,536 so that the count is safe whichever way GitHub measures characters.
const COMMENT_BUDGET = GITHUB_COMMENT_LIMIT - 1_536;
export const CACHE_DIR = '.cache/render';

export interface DiffOptions {
  base: string;
  head?: string;
  format: Format;
  out?: string;
  post: boolean;
  repo?: string;
  pr?: string;
  context: number;
  cache: boolean;
}

export function parseOptions(values: OptionValues, io: Io): DiffOptions {
  const base = str(values, 'base');
  if (!base) throw new UserError('--base is required', 'e.g. npm run diff -- --base origin/main');
  const json = bool(values, 'json');
  const format = (str(values, 'format') ?? (json ? 'json' : io.interactive ? 'text' : 'markdown')) as Format;
  if (json && format !== 'json') throw new UserError('--json and --format disagree', 'pass one of them');
  const context = num(values, 'unified')!;
  const pr = num(values, 'pr')?.toString();
  const repo = str(values, 'repo');
  if ((pr !== undefined || repo !== undefined) && !bool(values, 'post'))
    throw new UserError('--repo and --pr only make sense with --post');
  return {
    base,
    head: str(values, 'head'),
    format,
    out: str(values, 'out'),
    post: bool(values, 'post'),
    repo,
    pr,
    context,
    cache: !bool(values, 'no-cache'),
  };
}

function formatReport(report: DiffReport, format: Format, color: boolean): string {
  if (format === 'json') return renderJson(report);
  if (format === 'text') return renderText(report, { color });
  return renderMarkdown(report, { marker: DIFF_COMMENT_MARKER });
}

/** The format of the --out file, from its extension: .json, .txt, else Markdown. */
export function outFormat(file: string): Format {
  const ext = extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.txt' ? 'text' : 'markdown';
}

/** Where a reader of a truncated comment finds the whole diff. */
function fullDiffPointer(opts: DiffOptions, io: Io): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = io.env;
  const file = opts.out ? `\`${relative(io.cwd, resolve(io.cwd, opts.out))}\`` : undefined;
  if (server && repo && run)
    return `${file ? `${file} in ` : ''}the artifacts of [workflow run ${run}](${server}/${repo}/actions/runs/${run})`;
  return file;
}

function progress(io: Io): (done: number, total: number) => void {
  return (done, total) => {
    if (io.interactive) io.stderr(`\rrendering ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/**
 * The diff shows the generated files as they are; when they lag behind the TypeScript
 * source, say so (it is what `generate --check` fails on in CI) rather than let an empty
 * diff look like "no change". Never fails the diff.
 */
async function warnIfStale(repoRoot: string, io: Io): Promise<void> {
  try {
    const [{ loadClusters }, { buildTree }, { compareTree }, { readComponentFiles }] = await Promise.all([
      import('../../adapters/inputs.ts'),
      import('../../core/tree.ts'),
      import('../../adapters/tree.ts'),
      import('../../adapters/component-files.ts'),
    ]);
    const c = await compareTree(repoRoot, buildTree(await loadClusters(repoRoot), await readComponentFiles(repoRoot)));
    const n = c.stale.length + c.missing.length + c.extra.length;
    if (n)
      io.stderr(
        `warning: ${n} generated file(s) are out of date with the TypeScript source (e.g. ${[...c.stale, ...c.missing, ...c.extra][0]}); this diff shows the files as they are: run \`npm run generate\` to include the source change\n`,
      );
  } catch {
    // checking freshness is a courtesy; validate reports a broken source properly
  }
}

async function post(run: DiffRun, target: PostTarget, opts: DiffOptions, io: Io): Promise<number> {
  const body = renderMarkdown(run.report, {
    marker: DIFF_COMMENT_MARKER,
    limit: COMMENT_BUDGET,
    fullDiff: fullDiffPointer(opts, io),
    command: `npm run diff -- --base ${opts.base}${opts.head ? ` --head ${opts.head}` : ''}`,
  });
  try {
    const r = await upsertComment(target.pr, body, DIFF_COMMENT_MARKER, target);
    io.stderr(`${r.action} the diff comment on ${target.pr.owner}/${target.pr.repo}#${target.pr.number}: ${r.url}\n`);
    return 0;
  } catch (e) {
    io.stderr(describeError(e, 'could not post the diff comment'));
    return 2;
  }
}

export const command: Command = {
  name: 'diff',
  summary:
    'compare the rendered manifests of two git revisions, per cluster and Application; --post upserts the PR comment',
  usage:
    '--base <ref> [--head <ref>] [--format markdown|text|json] [--out <file>] [--post [--repo owner/name] [--pr <n>]]',
  description: `
Renders every Application of every cluster at the base revision (through a temporary git
worktree) and at the head (the working tree unless --head names a revision), with real
kustomize, and compares them object by object (matched by group/kind/namespace/name).
For each changed object it shows a diff with context, what applying it does (rollout,
scale, volume expansion, must be recreated, prune) and the generated files it came from.
Secret values are never shown: only which keys were added, removed or changed.

Renders are cached by the content of each Application's input files (in ${CACHE_DIR}/),
so Applications that did not change are not rendered twice.

--post creates or updates one pull-request comment (found again by a hidden marker),
using GITHUB_TOKEN and the repository and PR number from the GitHub Actions environment,
or --repo/--pr. The comment stays under GitHub's size limit by leaving out whole objects
from the end; the summary is always complete, and --out saves the full diff.

Exit codes: 0 no changes, 1 changes, 2 could not run (or could not post).

Examples:
  npm run diff -- --base origin/main
  npm run diff -- --base v1.4.0 --head HEAD --format json
  npm run diff -- --base origin/main --out reports/diff.md --post`,
  options: {
    base: { type: 'string', value: '<ref>', description: 'revision to compare against (required), e.g. origin/main' },
    head: { type: 'string', value: '<ref>', description: 'revision to compare (default: the working tree)' },
    format: {
      type: 'choice',
      choices: FORMATS,
      value: '<format>',
      description: 'markdown, text or json (default: text on a terminal, else markdown)',
    },
    json: { type: 'boolean', description: 'same as --format json' },
    out: {
      type: 'file',
      value: '<file>',
      description: 'also save the full diff here (.json → JSON, .txt → text, else Markdown)',
    },
    post: { type: 'boolean', description: 'create or update the pull-request comment' },
    repo: { type: 'string', value: '<owner/name>', description: 'repository for --post (default: GITHUB_REPOSITORY)' },
    pr: {
      type: 'count',
      value: '<n>',
      description: 'pull request number for --post (default: from GITHUB_EVENT_PATH)',
    },
    // git's name: --context means a kubeconfig context in every other command.
    unified: {
      type: 'count',
      short: 'U',
      min: 0,
      max: 100,
      value: '<lines>',
      description: 'unchanged lines around each change',
      default: '4',
    },
    'no-cache': { type: 'boolean', description: `render everything again, ignoring ${CACHE_DIR}/` },
  },
  async run({ values, io }) {
    const opts = parseOptions(values, io);
    const repoRoot = await requireRepository(io.root);
    let target: PostTarget | undefined;
    let postProblem: string | undefined;
    if (opts.post) {
      try {
        target = await resolvePostTarget({ repo: opts.repo, pr: opts.pr }, io.env);
      } catch (e) {
        if (!isExpectedError(e)) throw e;
        postProblem = describeError(e, 'cannot post the diff comment');
      }
    }
    const started = Date.now();
    const run = await runRenderedDiff(repoRoot, {
      base: opts.base,
      head: opts.head,
      context: opts.context,
      cacheDir: opts.cache ? join(io.root, CACHE_DIR) : undefined,
      onProgress: progress(io),
    });
    const s = run.stats;
    io.stderr(
      `compared ${s.requested} Application renders: ${s.rendered} built with kustomize, ${s.fromDisk} from the cache, ${s.shared} shared (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    const text = formatReport(run.report, opts.format, io.interactive && !io.env.NO_COLOR);
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    if (opts.out) {
      const file = resolve(io.cwd, opts.out);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, formatReport(run.report, outFormat(file), false));
      io.stderr(`wrote the full diff to ${opts.out}\n`);
    }
    if (opts.head === undefined) await warnIfStale(repoRoot, io);
    const changes = run.report.changed ? 1 : 0;
    if (postProblem) {
      io.stderr(postProblem);
      return 2;
    }
    if (target) return (await post(run, target, opts, io)) || changes;
    return changes;
  },
};
