// `npm run diff`, top to bottom: find the repository, resolve where to post (if asked),
// render and compare both revisions, print (and save) the report, then post the comment.
// Exit 0 no changes, 1 changes, 2 error (or the comment could not be posted).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';
import type { PostTarget } from '../../adapters/github.ts';
import type { Deps } from '../../cli/deps.ts';
import type { Io } from '../../cli/types.ts';
import type { DiffReport } from '../../core/diff/types.ts';
import { describeError, isExpectedError } from '../../core/errors.ts';
import { staleWarning } from './freshness.ts';
import { CACHE_DIR, FRESHNESS_DIR, INPUTS_DIR, type DiffOptions, type Format } from './options.ts';
import { openRevisions } from './open.ts';
import type { DiffRun } from './revisions.ts';

// Below GitHub's 65,536 so that the count is safe whichever way GitHub measures characters.
const COMMENT_MARGIN = 1_536;

/** GitHub's client library is loaded only when the report is Markdown (it names the comment) or posted. */
const github = () => import('../../adapters/github.ts');

export async function runDiff(opts: DiffOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  // Where to post is found out first; a problem with it is reported after the diff is shown and saved.
  const { target, postProblem } = opts.post ? await postTarget(opts, io) : {};
  const started = deps.now();
  const opening = openRevisions(io.root, opts.base, opts.head, deps.runner);
  // Rendering and comparing load most of the program: that happens while git answers.
  const loading = import('./revisions.ts');
  loading.catch(() => undefined);
  const pair = await opening;
  const { repoRoot } = pair;
  const { diffRevisions } = await loading;
  let run: DiffRun;
  let stale: Promise<string | undefined> | undefined;
  try {
    // The freshness check, when it has to plan the tree, does so on this thread while
    // kustomize works in its own processes: side by side, it costs the diff only its CPU.
    stale =
      opts.head === undefined
        ? staleWarning(repoRoot, pair.head, opts.cache ? join(io.root, FRESHNESS_DIR) : undefined)
        : undefined;
    run = await diffRevisions(
      pair,
      {
        base: opts.base,
        head: opts.head,
        context: opts.context,
        cacheDir: opts.cache ? join(io.root, CACHE_DIR) : undefined,
        inputsDir: opts.cache ? join(io.root, INPUTS_DIR) : undefined,
        onProgress: progress(io),
      },
      deps,
    );
  } finally {
    await pair.close();
  }
  const s = run.stats;
  io.stderr(
    `compared ${s.requested} Application renders: ${s.rendered} built with kustomize, ${s.fromDisk} from the cache, ${s.shared} shared, ${s.unchanged} unchanged (${((deps.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  const text = await formatReport(run.report, opts.format, io.interactive && !io.env.NO_COLOR);
  io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  if (opts.out) {
    await mkdir(dirname(opts.out), { recursive: true });
    await writeFile(opts.out, await formatReport(run.report, outFormat(opts.out), false));
    io.stderr(`wrote the full diff to ${relative(io.cwd, opts.out)}\n`);
  }
  const warning = await stale;
  if (warning) io.stderr(warning);
  const changes = run.report.changed ? 1 : 0;
  if (postProblem) {
    io.stderr(postProblem);
    return 2;
  }
  if (target) return (await post(run, target, opts, io)) || changes;
  return changes;
}

async function postTarget(opts: DiffOptions, io: Io): Promise<{ target?: PostTarget; postProblem?: string }> {
  try {
    return { target: await (await github()).resolvePostTarget({ repo: opts.repo, pr: opts.pr }, io.env) };
  } catch (e) {
    if (!isExpectedError(e)) throw e;
    return { postProblem: describeError(e, 'cannot post the diff comment') };
  }
}

/** The report in a format; each formatter is loaded when asked for. */
async function formatReport(report: DiffReport, format: Format, color: boolean): Promise<string> {
  if (format === 'json') return (await import('../../core/diff/json.ts')).renderJson(report);
  if (format === 'text') return (await import('../../core/diff/text-format.ts')).renderText(report, { color });
  const { renderMarkdown } = await import('../../core/diff/markdown.ts');
  return renderMarkdown(report, { marker: (await github()).DIFF_COMMENT_MARKER });
}

/** The format of the --out file, from its extension: .json, .txt, else Markdown. */
export function outFormat(file: string): Format {
  const ext = extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.txt' ? 'text' : 'markdown';
}

/** Where a reader of a truncated comment finds the whole diff. */
function fullDiffPointer(opts: DiffOptions, io: Io): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = io.env;
  const file = opts.out ? `\`${relative(io.cwd, opts.out)}\`` : undefined;
  if (server && repo && run)
    return `${file ? `${file} in ` : ''}the artifacts of [workflow run ${run}](${server}/${repo}/actions/runs/${run})`;
  return file;
}

function progress(io: Io): (done: number, total: number) => void {
  return (done, total) => {
    if (io.interactive) io.stderr(`\rrendering ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

async function post(run: DiffRun, target: PostTarget, opts: DiffOptions, io: Io): Promise<number> {
  const { DIFF_COMMENT_MARKER, upsertComment } = await github();
  const { GITHUB_COMMENT_LIMIT, renderMarkdown } = await import('../../core/diff/markdown.ts');
  const body = renderMarkdown(run.report, {
    marker: DIFF_COMMENT_MARKER,
    limit: GITHUB_COMMENT_LIMIT - COMMENT_MARGIN,
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
