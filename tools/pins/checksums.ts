// `npm run pins:checksums`: after a version bump (Renovate's post-upgrade task, or by
// hand), fetch the published SHA-256 of each pinned kind and kubectl release that
// src/adapters/tool-checksums.json does not know yet, keep only the pinned versions,
// and copy the linux/amd64 ones into the e2e workflow. The pull request shows the new
// checksums for review; nothing is fetched at install time.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KUBECTL_VERSION, type Platform, type ToolName } from '../../src/adapters/tools.ts';
import { KIND_VERSION } from '../../src/core/versions.ts';

export const CHECKSUMS_FILE = 'src/adapters/tool-checksums.json';
export const E2E_WORKFLOW = '.github/workflows/e2e.yml';
const PLATFORMS: Platform[] = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64'];

type Checksums = Record<ToolName, Record<string, Partial<Record<Platform, string>>>>;
export type FetchText = (url: string) => Promise<string>;

/** Where each release publishes the checksum of one platform's binary. */
export function checksumUrl(tool: ToolName, version: string, p: Platform): string {
  return tool === 'kind'
    ? `https://github.com/kubernetes-sigs/kind/releases/download/${version}/kind-${p.replace('/', '-')}.sha256sum`
    : `https://dl.k8s.io/release/${version}/bin/${p}/kubectl.sha256`;
}

function parseSha(text: string, url: string): string {
  const sha = /^([a-f0-9]{64})\b/.exec(text.trim())?.[1];
  if (!sha) throw new Error(`${url} did not answer with a SHA-256 (got: ${JSON.stringify(text.slice(0, 80))})`);
  return sha;
}

/** The checksums for exactly the pinned versions: known ones kept, new ones fetched. */
export async function pinnedChecksums(
  known: Checksums,
  pins: Record<ToolName, string>,
  fetchText: FetchText,
): Promise<Checksums> {
  const out = { kind: {}, kubectl: {} } as Checksums;
  for (const tool of ['kind', 'kubectl'] as const) {
    const version = pins[tool];
    const have = known[tool][version];
    if (have && PLATFORMS.every((p) => have[p])) {
      out[tool][version] = have;
      continue;
    }
    const fetched: Partial<Record<Platform, string>> = {};
    for (const p of PLATFORMS)
      fetched[p] = parseSha(await fetchText(checksumUrl(tool, version, p)), checksumUrl(tool, version, p));
    out[tool][version] = fetched;
  }
  return out;
}

/** The workflow with its pinned versions and linux/amd64 checksums set to `sums`. */
export function updateWorkflow(text: string, pins: Record<ToolName, string>, sums: Checksums): string {
  const set = (t: string, key: string, value: string) => {
    const re = new RegExp(`^(\\s*${key}: )\\S+$`, 'm');
    if (!re.test(t)) throw new Error(`${E2E_WORKFLOW} has no ${key}: line to update`);
    return t.replace(re, `$1${value}`);
  };
  let t = set(text, 'KIND_VERSION', pins.kind);
  t = set(t, 'KIND_SHA256', sums.kind[pins.kind]!['linux/amd64']!);
  t = set(t, 'KUBECTL_VERSION', pins.kubectl);
  return set(t, 'KUBECTL_SHA256', sums.kubectl[pins.kubectl]!['linux/amd64']!);
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

export async function main(root: string, fetcher: FetchText = fetchText): Promise<void> {
  const pins = { kind: KIND_VERSION, kubectl: KUBECTL_VERSION };
  const known = JSON.parse(await readFile(join(root, CHECKSUMS_FILE), 'utf8')) as Checksums;
  const sums = await pinnedChecksums(known, pins, fetcher);
  const workflow = updateWorkflow(await readFile(join(root, E2E_WORKFLOW), 'utf8'), pins, sums);
  await writeFile(join(root, CHECKSUMS_FILE), `${JSON.stringify(sums, null, 2)}\n`);
  await writeFile(join(root, E2E_WORKFLOW), workflow);
  process.stdout.write(`checksums: kind ${pins.kind}, kubectl ${pins.kubectl} (${CHECKSUMS_FILE}, ${E2E_WORKFLOW})\n`);
}

if (import.meta.main) {
  main(process.cwd()).catch((e: unknown) => {
    process.stderr.write(
      `pins:checksums: ${e instanceof Error ? e.message : String(e)}\nfix: check the network and that the pinned versions exist upstream\n`,
    );
    process.exit(2);
  });
}
