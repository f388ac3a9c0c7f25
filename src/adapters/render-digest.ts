// The key that Secret values are digested with before a render is kept (in memory or in
// .cache/render/). The digest is an HMAC so that a cache file, which CI uploads with
// actions/cache, cannot be used to guess short values offline: the key lives in the git
// folder (never in the work tree, never in the cache), readable only by its owner.
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExternalError } from '../core/errors.ts';
import { gitCommonDir } from './git.ts';
import { runProcess, type Runner } from './process.ts';

export const DIGEST_KEY_FILE = 'somastack/render-digest.key';
const KEY_BYTES = 32;

export interface SecretDigester {
  /** Names the key (not the key itself): renders digested with another key are not reused. */
  id: string;
  digest(bytes: Buffer): string;
}

export function secretDigester(key: Buffer): SecretDigester {
  return {
    id: createHmac('sha256', key).update('somastack render-digest key id').digest('hex').slice(0, 16),
    digest: (bytes) => createHmac('sha256', key).update(bytes).digest('hex'),
  };
}

/** A key for this process only: digests stay comparable within one run and are useless after it. */
export function ephemeralDigester(): SecretDigester {
  return secretDigester(randomBytes(KEY_BYTES));
}

/**
 * The repository's digest key, created (mode 0600) on first use in
 * `<git common dir>/somastack/render-digest.key`, shared by all worktrees of the clone.
 */
export async function readDigestKey(repoRoot: string, runner: Runner = runProcess): Promise<Buffer> {
  const dir = join(await gitCommonDir(repoRoot, runner), 'somastack');
  const file = join(dir, 'render-digest.key');
  try {
    const existing = await readFile(file).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? undefined : Promise.reject(e),
    );
    if (existing && existing.length >= KEY_BYTES) {
      await chmod(file, 0o600);
      return existing;
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    // 'wx': when two runs start at once, the second keeps the first one's key.
    await writeFile(file, key, { mode: 0o600, flag: existing ? 'w' : 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return await readFile(file);
  } catch (e) {
    throw new ExternalError(`cannot read or create the render digest key ${file}`, {
      fix: 'check the permissions of the .git folder, or run with --no-cache',
      cause: e,
    });
  }
}
