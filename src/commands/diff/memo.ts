// Small results a diff keeps between runs in a folder of .cache/, one JSON file per key:
// the key hashes everything the result depends on, so an entry is never stale, only
// unused; the newest are kept.
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const KEEP = 50;

/** The value kept under `key`, or undefined when there is none (or it does not look as expected). */
export async function readMemo<T>(dir: string, key: string, valid: (v: unknown) => v is T): Promise<T | undefined> {
  const file = join(dir, `${key}.json`);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!valid(value)) return undefined;
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined); // pruning keeps what is used
  return value;
}

/** Keeps `value` under `key` (written whole, then renamed: a concurrent run never reads half of it). */
export async function keepMemo(dir: string, key: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${key}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, join(dir, `${key}.json`));
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP) return;
  const aged = await Promise.all(
    names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  aged.sort((a, b) => b.t - a.t);
  await Promise.all(aged.slice(KEEP).map((a) => unlink(join(dir, a.n)).catch(() => undefined)));
}
