// Real kustomize for rendering: a standalone `kustomize` when one is on PATH, else the
// one built into kubectl. Which one is found once per process.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ErrorKind, ProcessError, SomastackError, UserError } from '../core/errors.ts';
import { runProcess, type Runner } from './process.ts';

export interface KustomizeTool {
  command: string;
  /** Arguments before the directory: ['build'] or ['kustomize']. */
  prefix: string[];
}

let cached: Promise<KustomizeTool> | undefined;

export async function findKustomize(runner: Runner = runProcess): Promise<KustomizeTool> {
  const probe = async (command: string, args: string[]) =>
    runner(command, args, { allowFailure: true }).then((r) => r.code === 0, () => false);
  if (await probe('kustomize', ['version'])) return { command: 'kustomize', prefix: ['build'] };
  if (await probe('kubectl', ['version', '--client'])) return { command: 'kubectl', prefix: ['kustomize'] };
  throw new UserError(
    'neither kustomize nor kubectl was found on PATH; rendering needs real kustomize',
    'install kubectl 1.32+ (it embeds kustomize v5): https://kubernetes.io/docs/tasks/tools/ — or kustomize v5: https://kubectl.docs.kubernetes.io/installation/kustomize/',
  );
}

/** A build that fetches over the network (Argo CD's install.yaml) gets this long unless told otherwise. */
export const REMOTE_BUILD_TIMEOUT_MS = 120_000;

export interface KustomizeBuildOptions {
  /** Stop the build after this long; default REMOTE_BUILD_TIMEOUT_MS when the kustomization lists remote resources, else none. */
  timeoutMs?: number;
}

/** The remote resources (URLs) a kustomization directory lists, read from its kustomization.yaml. */
export async function remoteResources(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, 'kustomization.yaml'), 'utf8').catch(() => '');
  return [...text.matchAll(/^\s*-\s*((?:https?:\/\/|git@|github\.com\/)\S+)/gm)].map((m) => m[1]!);
}

/** Builds one kustomization directory (absolute path) to a YAML stream. */
export async function kustomizeBuild(dir: string, runner: Runner = runProcess, tool?: KustomizeTool, opts: KustomizeBuildOptions = {}): Promise<string> {
  const t = tool ?? (runner === runProcess ? await (cached ??= findKustomize(runner)) : await findKustomize(runner));
  const remote = await remoteResources(dir);
  const timeoutMs = opts.timeoutMs ?? (remote.length ? REMOTE_BUILD_TIMEOUT_MS : undefined);
  try {
    const r = await runner(t.command, [...t.prefix, dir], timeoutMs === undefined ? {} : { timeoutMs });
    return r.stdout;
  } catch (e) {
    if (e instanceof ProcessError && e.timedOutAfterMs !== undefined) throw new KustomizeTimeoutError(dir, e.timedOutAfterMs, remote);
    if (e instanceof ProcessError) throw new KustomizeError(dir, e.stderr.trim() || e.message);
    throw e;
  }
}

/** kustomize failed on a directory: the overlay path and what kustomize said. */
export class KustomizeError extends SomastackError {
  override name = 'KustomizeError';
  readonly kind: ErrorKind = 'input';
  readonly dir: string;
  readonly detail: string;
  constructor(dir: string, detail: string, opts: { cause?: unknown } = {}) {
    super(`kustomize build ${dir} failed: ${detail}`, {
      fix: `correct the kustomization in ${dir} (run \`kubectl kustomize ${dir}\` to see the same error)`,
      cause: opts.cause,
    });
    this.dir = dir;
    this.detail = detail;
  }
}

/** kustomize did not finish in time: almost always a remote resource that cannot be fetched. */
export class KustomizeTimeoutError extends KustomizeError {
  override name = 'KustomizeTimeoutError';
  override readonly kind: ErrorKind = 'external';
  readonly timeoutMs: number;
  readonly remote: readonly string[];
  constructor(dir: string, timeoutMs: number, remote: readonly string[]) {
    const hosts = [...new Set(remote.map(hostOf))];
    super(
      dir,
      `did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}${remote.length ? `; it fetches ${remote.join(', ')}: check network access to ${hosts.join(', ')} (and HTTPS_PROXY)` : ''}`,
    );
    this.timeoutMs = timeoutMs;
    this.remote = remote;
  }
}

function hostOf(url: string): string {
  if (url.startsWith('git@')) return url.slice(4).split(':')[0]!;
  if (!/^https?:\/\//.test(url)) return url.split('/')[0]!;
  return new URL(url).hostname;
}
