// git through the process wrapper. Every function answers a question and throws a
// ProcessError when git itself fails; "not a repository" and "unknown ref" are answers
// (undefined), not failures.
import { createHash } from 'node:crypto';
import { runProcess, type Runner } from './process.ts';

export interface GitRemote {
  name: string;
  url: string;
}

/** The fetch URLs of the repository's remotes, in `git remote` order. */
export async function listRemotes(root: string, runner: Runner = runProcess): Promise<GitRemote[]> {
  const r = await runner('git', ['remote', '-v'], { cwd: root, allowFailure: true });
  if (r.code !== 0) return [];
  const remotes = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+\(fetch\)$/.exec(line.trim());
    if (m && !remotes.has(m[1]!)) remotes.set(m[1]!, m[2]!);
  }
  return [...remotes].map(([name, url]) => ({ name, url }));
}

/** The commit checked out, or undefined outside a git repository (or before the first commit). */
export async function headCommit(root: string, runner: Runner = runProcess): Promise<string | undefined> {
  const r = await runner('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    cwd: root,
    allowFailure: true,
  });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * The commit a remote's branch or tag points at: asked of the remote itself (what Argo CD
 * will see), falling back to the local remote-tracking ref when the remote cannot be reached.
 */
export async function remoteRevisionCommit(
  root: string,
  remote: string,
  revision: string,
  runner: Runner = runProcess,
): Promise<{ commit: string; source: 'remote' | 'tracking-ref' } | undefined> {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision, source: 'remote' };
  const refs = [`refs/heads/${revision}`, `refs/tags/${revision}^{}`, `refs/tags/${revision}`];
  // No credential prompt: a private repository without credentials is an answer (unknown), not a hang.
  const ls = await runner('git', ['ls-remote', remote, ...refs], {
    cwd: root,
    allowFailure: true,
    timeoutMs: 20_000,
    env: { GIT_TERMINAL_PROMPT: '0' },
  });
  if (ls.code === 0) {
    const lines = ls.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p.length === 2) as [string, string][];
    const pick = refs.map((ref) => lines.find(([, name]) => name === ref)).find(Boolean);
    return pick ? { commit: pick[0], source: 'remote' } : undefined;
  }
  const local = await runner(
    'git',
    ['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${revision}^{commit}`],
    { cwd: root, allowFailure: true },
  );
  return local.code === 0 ? { commit: local.stdout.trim(), source: 'tracking-ref' } : undefined;
}

/**
 * How HEAD relates to another commit: commits only in HEAD (not pushed) and only in the
 * other (not pulled). Undefined when the other commit is not in the local repository.
 */
export async function compareWithHead(
  root: string,
  other: string,
  runner: Runner = runProcess,
): Promise<{ ahead: number; behind: number } | undefined> {
  const r = await runner('git', ['rev-list', '--left-right', '--count', `HEAD...${other}`], {
    cwd: root,
    allowFailure: true,
  });
  if (r.code !== 0) return undefined;
  const [ahead, behind] = r.stdout.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

/** Paths with uncommitted changes (staged, unstaged or untracked), limited to the given paths. */
export async function uncommittedPaths(
  root: string,
  paths: readonly string[],
  runner: Runner = runProcess,
): Promise<string[]> {
  const r = await runner('git', ['status', '--porcelain', '--untracked-files=all', '--', ...paths], {
    cwd: root,
    allowFailure: true,
  });
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

/**
 * A remote URL in one comparable form: https://host/owner/repo for https, ssh and scp-style
 * URLs alike, without credentials, `.git` or a trailing slash.
 */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim();
  const scp = /^([\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/.exec(u);
  if (scp) u = `https://${scp[2]}/${scp[3]}`;
  try {
    const parsed = new URL(u.replace(/^ssh:\/\//, 'https://').replace(/^git:\/\//, 'https://'));
    const path = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
    return `https://${parsed.hostname.toLowerCase()}${path}`;
  } catch {
    return u.replace(/\/+$/, '').replace(/\.git$/, '');
  }
}

// ---- Revisions (for `npm run diff`: reading a revision other than the working tree) ----

/** The repository's top-level folder, or undefined outside a git repository. */
export async function repositoryRoot(cwd: string, runner: Runner = runProcess): Promise<string | undefined> {
  const r = await runner('git', ['rev-parse', '--show-toplevel'], { cwd, allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The commit a revision (branch, tag, remote ref, sha, `HEAD~1`) names, or undefined when git does not know it. */
export async function resolveCommit(
  root: string,
  revision: string,
  runner: Runner = runProcess,
): Promise<string | undefined> {
  if (revision.startsWith('-')) return undefined;
  const r = await runner('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], {
    cwd: root,
    allowFailure: true,
  });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The folder git keeps the repository's shared data in (`.git` of the main checkout), absolute. */
export async function gitCommonDir(root: string, runner: Runner = runProcess): Promise<string> {
  const r = await runner('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root });
  return r.stdout.trim();
}

/**
 * Repository-relative paths that differ between two commits, or between a commit and
 * the working tree (tracked changes plus untracked files) when `head` is undefined. Any
 * folder of the repository will do as `cwd`; the revisions may be names (`main^{commit}`).
 */
export async function changedPaths(
  cwd: string,
  base: string,
  head: string | undefined,
  runner: Runner = runProcess,
): Promise<string[]> {
  const range = head ? [base, head] : [base];
  const [diff, untracked] = await Promise.all([
    runner('git', ['diff', '--name-only', '--no-relative', '--no-renames', '-z', ...range, '--'], { cwd }),
    head
      ? undefined
      : runner('git', ['ls-files', '--others', '--exclude-standard', '--full-name', '-z', '--', ':/'], { cwd }),
  ]);
  const paths = new Set(diff.stdout.split('\0').filter(Boolean));
  for (const p of untracked?.stdout.split('\0') ?? []) if (p) paths.add(p);
  return [...paths].sort();
}

/**
 * Paths that differ between HEAD and the working tree — staged or not, and untracked
 * files — in one process (`git status`): what `changedPaths` answers with two when the
 * base is HEAD. A file staged and then changed back is listed although it is as in HEAD.
 */
export async function changedSinceHead(cwd: string, runner: Runner = runProcess): Promise<string[]> {
  // Porcelain paths are relative to the repository's root whatever the folder or configuration.
  const r = await runner('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd });
  const paths = new Set(
    r.stdout
      .split('\0')
      .filter((e) => e.length > 3)
      .map((e) => e.slice(3)),
  );
  return [...paths].sort();
}

/** The id git gives a file's content (`git hash-object`): files compare by it without reading both. */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * Every file of a commit with its blob id, in one process (`git ls-tree -r`): path →
 * id. Submodules are not files of the commit and are left out; a symlink is listed
 * with the id of its target's name, as git keeps it.
 */
export async function listTree(
  root: string,
  commit: string,
  runner: Runner = runProcess,
): Promise<Map<string, string>> {
  const r = await runner('git', ['ls-tree', '-r', '-z', '--full-tree', commit], { cwd: root });
  const ids = new Map<string, string>();
  for (const entry of r.stdout.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    if (type === 'blob' && id) ids.set(entry.slice(tab + 1), id);
  }
  return ids;
}

/**
 * The text of each blob, in one process (`git cat-file --batch`). The answer frames each
 * blob by its size in bytes; text that is not UTF-8 breaks that framing, and such blobs
 * are then read one process each.
 */
export async function readBlobs(
  root: string,
  ids: readonly string[],
  runner: Runner = runProcess,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!ids.length) return out;
  const r = await runner('git', ['cat-file', '--batch'], { cwd: root, input: `${ids.join('\n')}\n` });
  const bytes = Buffer.from(r.stdout, 'utf8');
  let at = 0;
  for (const id of ids) {
    const eol = bytes.indexOf(10, at);
    const m = eol < 0 ? null : /^([0-9a-f]+) blob (\d+)$/.exec(bytes.subarray(at, eol).toString('latin1'));
    if (!m || m[1] !== id) break;
    const end = eol + 1 + Number(m[2]);
    if (bytes[end] !== 10) break;
    out.set(id, bytes.subarray(eol + 1, end).toString('utf8'));
    at = end + 1;
  }
  for (const id of ids.filter((i) => !out.has(i))) {
    out.set(id, (await runner('git', ['cat-file', 'blob', id], { cwd: root })).stdout);
  }
  return out;
}

/**
 * The repository's top-level folder and the commit each revision names, in one process
 * when all is well; undefined when any is unknown (or `cwd` is not in a repository), for
 * the caller to ask one at a time and say which.
 */
export async function resolveAll(
  cwd: string,
  revisions: readonly string[],
  runner: Runner = runProcess,
): Promise<{ root: string; commits: string[] } | undefined> {
  if (revisions.some((r) => r.startsWith('-'))) return undefined;
  // `--` after the revisions: none is taken for a path.
  const r = await runner('git', ['rev-parse', '--show-toplevel', ...revisions.map((v) => `${v}^{commit}`), '--'], {
    cwd,
    allowFailure: true,
  });
  const lines = r.stdout.split('\n').filter((l) => l && l !== '--');
  if (r.code !== 0 || lines.length !== revisions.length + 1) return undefined;
  const [root, ...commits] = lines;
  return commits.every((c) => /^[0-9a-f]{40,64}$/.test(c)) ? { root: root!, commits } : undefined;
}
