// Real kustomize for rendering: a standalone `kustomize` when one is on PATH, else the
// one built into kubectl. Which one is found once per process.
import { ProcessError, UserError } from '../core/errors.ts';
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

/** Builds one kustomization directory (absolute path) to a YAML stream. */
export async function kustomizeBuild(dir: string, runner: Runner = runProcess, tool?: KustomizeTool): Promise<string> {
  const t = tool ?? (runner === runProcess ? await (cached ??= findKustomize(runner)) : await findKustomize(runner));
  try {
    const r = await runner(t.command, [...t.prefix, dir]);
    return r.stdout;
  } catch (e) {
    if (e instanceof ProcessError) throw new KustomizeError(dir, e.stderr.trim() || e.message);
    throw e;
  }
}

/** kustomize failed on a directory: the overlay path and what kustomize said. */
export class KustomizeError extends Error {
  override name = 'KustomizeError';
  readonly dir: string;
  readonly detail: string;
  constructor(dir: string, detail: string) {
    super(`kustomize build ${dir} failed: ${detail}`);
    this.dir = dir;
    this.detail = detail;
  }
}
