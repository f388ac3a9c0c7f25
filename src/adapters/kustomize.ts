// Real kustomize for rendering: a standalone `kustomize` when one is on PATH, else the
// one built into kubectl. Which one is found once per process.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ErrorKind, ProcessError, SomastackError, UserError } from '../core/errors.ts';
import { MIN_KUBECTL_MINOR } from '../core/versions.ts';
import { runProcess, type Runner } from './process.ts';

export interface KustomizeTool {
  command: string;
  /** Arguments before the directory: ['build'] or ['kustomize']. */
  prefix: string[];
}

let cached: Promise<KustomizeTool> | undefined;

export async function findKustomize(runner: Runner = runProcess): Promise<KustomizeTool> {
  const probe = async (command: string, args: string[]) =>
    runner(command, args, { allowFailure: true }).then(
      (r) => r.code === 0,
      () => false,
    );
  if (await probe('kustomize', ['version'])) return { command: 'kustomize', prefix: ['build'] };
  if (await probe('kubectl', ['version', '--client'])) return { command: 'kubectl', prefix: ['kustomize'] };
  throw new UserError(
    'neither kustomize nor kubectl was found on PATH; rendering needs real kustomize',
    `install kubectl ${MIN_KUBECTL_MINOR}+ (it embeds kustomize v5): https://kubernetes.io/docs/tasks/tools/ — or kustomize v5: https://kubectl.docs.kubernetes.io/installation/kustomize/`,
  );
}

/** A build that fetches over the network (Argo CD's install.yaml) gets this long unless told otherwise. */
export const REMOTE_BUILD_TIMEOUT_MS = 120_000;
/**
 * A purely local build takes well under a second per overlay; one still running after this
 * long is stuck (a plugin or exec function that waits, a file that never finishes reading),
 * and would otherwise hang every command with no output.
 */
export const LOCAL_BUILD_TIMEOUT_MS = 60_000;
/** Raises (or lowers) every build's timeout, for a slow machine or network: seconds. */
export const TIMEOUT_ENV = 'SOMASTACK_KUSTOMIZE_TIMEOUT_SECONDS';

export interface KustomizeBuildOptions {
  /** Stop the build after this long; default from TIMEOUT_ENV, else REMOTE_BUILD_TIMEOUT_MS when the kustomization lists remote resources, else LOCAL_BUILD_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Where TIMEOUT_ENV is read; process.env unless given. */
  env?: Record<string, string | undefined>;
}

function defaultTimeoutMs(remote: readonly string[], env: Record<string, string | undefined>): number {
  const raw = env[TIMEOUT_ENV];
  if (raw !== undefined && raw !== '') {
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new UserError(
        `${TIMEOUT_ENV} must be a positive number of seconds, not '${raw}'`,
        `unset it, or set it to e.g. ${TIMEOUT_ENV}=300`,
      );
    return seconds * 1000;
  }
  return remote.length ? REMOTE_BUILD_TIMEOUT_MS : LOCAL_BUILD_TIMEOUT_MS;
}

/** The remote resources (URLs) a kustomization directory lists, read from its kustomization.yaml. */
export async function remoteResources(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, 'kustomization.yaml'), 'utf8').catch(() => '');
  return [...text.matchAll(/^\s*-\s*((?:https?:\/\/|git@|github\.com\/)\S+)/gm)].map((m) => m[1]!);
}

/** Builds one kustomization directory (absolute path) to a YAML stream. */
export async function kustomizeBuild(
  dir: string,
  runner: Runner = runProcess,
  tool?: KustomizeTool,
  opts: KustomizeBuildOptions = {},
): Promise<string> {
  const t = tool ?? (runner === runProcess ? await (cached ??= findKustomize(runner)) : await findKustomize(runner));
  const remote = await remoteResources(dir);
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs(remote, opts.env ?? process.env);
  try {
    const r = await runner(t.command, [...t.prefix, dir], { timeoutMs });
    return r.stdout;
  } catch (e) {
    if (e instanceof ProcessError && e.timedOutAfterMs !== undefined)
      throw new KustomizeTimeoutError(dir, e.timedOutAfterMs, remote);
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
  constructor(dir: string, detail: string, opts: { cause?: unknown; fix?: string } = {}) {
    super(`kustomize build ${dir} failed: ${detail}`, {
      fix: opts.fix ?? `correct the kustomization in ${dir} (run \`kubectl kustomize ${dir}\` to see the same error)`,
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
    const why = remote.length
      ? `; it fetches ${remote.join(', ')}: check network access to ${hosts.join(', ')} (and HTTPS_PROXY)`
      : '; a local build should take seconds, so something in it is stuck (a generator plugin or exec function that waits, a resource on a hung network mount)';
    super(
      dir,
      `did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}${why}`,
      {
        fix: `run \`kubectl kustomize ${dir}\` to watch it; if it is only slow, allow longer with ${TIMEOUT_ENV}=<seconds>`,
      },
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
