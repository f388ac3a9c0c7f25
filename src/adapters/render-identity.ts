// Which kustomize renders, and its version: part of every render key, so that an upgrade
// never serves old renders. Asking costs a process (`kubectl version --client` takes a
// tenth of a second), so the answer is kept beside the renders and asked again only when
// the binaries PATH finds are not the ones it was asked of (path, size and time).
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { InternalError } from '../core/errors.ts';
import { findKustomize, type KustomizeTool } from './kustomize.ts';
import { runProcess, type Runner } from './process.ts';

/** The kustomize found by the last probe, beside the renders (not a render: never pruned). */
const IDENTITY_FILE = 'kustomize-identity.txt';

export interface KustomizeIdentity {
  tool: KustomizeTool;
  /** Command and version, so that an upgrade never serves old renders. */
  identity: string;
}

let probed: Promise<KustomizeIdentity> | undefined;

/**
 * Which kustomize renders, found and versioned by one probe — `kustomize version`, else
 * `kubectl version --client`, whose answer is the version — once per process, and with
 * `cacheDir` once per binary: the answer is kept there.
 */
export function kustomizeIdentity(runner: Runner = runProcess, cacheDir?: string): Promise<KustomizeIdentity> {
  if (runner !== runProcess) return cacheDir ? keptIdentity(cacheDir, runner) : probeKustomize(runner);
  return (probed ??= (cacheDir ? keptIdentity(cacheDir, runner) : probeKustomize(runner)).catch((e: unknown) => {
    probed = undefined;
    throw e;
  }));
}

/** Which kustomize and kubectl PATH finds, with size and time: a changed binary is probed anew. */
async function toolStamp(): Promise<string> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const found = await Promise.all(
    ['kustomize', 'kubectl'].map(async (name) => {
      const all = await Promise.all(dirs.map((d) => stat(join(d, name)).catch(() => undefined)));
      // The first on PATH, as a shell finds it.
      const i = all.findIndex((s) => s?.isFile() && s.mode & 0o111);
      return i < 0 ? '' : `${join(dirs[i]!, name)} ${all[i]!.size} ${all[i]!.mtimeMs}`;
    }),
  );
  return found.join('\n');
}

/** The last probe's answer while the binaries it found are the same, else a new probe (kept for the next run). */
async function keptIdentity(dir: string, runner: Runner): Promise<KustomizeIdentity> {
  const stamp = await toolStamp();
  const file = join(dir, IDENTITY_FILE);
  const kept = await readFile(file, 'utf8').catch(() => '');
  try {
    const v = JSON.parse(kept) as { stamp?: string; id?: KustomizeIdentity };
    if (kept && v.stamp === stamp && v.id?.tool.command && Array.isArray(v.id.tool.prefix)) return v.id;
  } catch {
    // unreadable: probe again
  }
  const id = await probeKustomize(runner);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${IDENTITY_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify({ stamp, id }));
  await rename(tmp, file);
  return id;
}

async function probeKustomize(runner: Runner): Promise<KustomizeIdentity> {
  const candidates: [KustomizeTool, string[]][] = [
    [{ command: 'kustomize', prefix: ['build'] }, ['version']],
    [{ command: 'kubectl', prefix: ['kustomize'] }, ['version', '--client']],
  ];
  for (const [tool, args] of candidates) {
    const r = await runner(tool.command, args, { allowFailure: true }).catch(() => undefined);
    if (r?.code === 0) return { tool, identity: `${tool.command} ${r.stdout.trim().split('\n')[0] ?? ''}` };
  }
  await findKustomize(runner); // neither answered: its error says what to install
  throw new InternalError('findKustomize found a kustomize that did not answer its version probe');
}
