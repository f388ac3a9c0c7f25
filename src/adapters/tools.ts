// Pinned kind and kubectl, installed into the project's .tools/bin when the machine lacks
// them (bootstrap --install-tools). Each download is checked against a SHA-256 recorded
// here, in git, before it is made executable: a checksum fetched next to the binary would
// only prove the two arrived together.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolNotFoundError, UserError } from '../core/errors.ts';
import { KIND_VERSION } from '../core/versions.ts';
import type { Runner } from './process.ts';
import checksums from './tool-checksums.json' with { type: 'json' };

export type ToolName = 'kind' | 'kubectl';
export type Platform = 'linux/amd64' | 'linux/arm64' | 'darwin/amd64' | 'darwin/arm64';

/** kubectl within one minor of the 1.35 node image (kubectl supports one minor version of skew either way). */
// renovate: datasource=github-releases depName=kubernetes/kubernetes extractVersion=^(?<version>v1\.34\.\d+)$
export const KUBECTL_VERSION = 'v1.34.1';

export interface ToolPin {
  version: string;
  url(platform: Platform): string;
  /** Published SHA-256 per platform; a platform without one is refused, never installed unverified. */
  sha256: Partial<Record<Platform, string>>;
}

// Checksums as published with each release (kind: the .sha256sum assets of the GitHub
// release; kubectl: dl.k8s.io/release/<v>/bin/<os>/<arch>/kubectl.sha256), kept in
// tool-checksums.json. The first were confirmed against two independent pinned copies;
// when Renovate moves a version, `npm run pins:checksums` fetches the new version's
// published checksums into that file and the e2e workflow, and the pull request shows them.
const CHECKSUMS: Record<ToolName, Record<string, Partial<Record<Platform, string>>>> = checksums;

export const TOOL_PINS: Record<ToolName, ToolPin> = {
  kind: {
    version: KIND_VERSION,
    url: (p) => `https://github.com/kubernetes-sigs/kind/releases/download/${KIND_VERSION}/kind-${p.replace('/', '-')}`,
    sha256: CHECKSUMS.kind[KIND_VERSION] ?? {},
  },
  kubectl: {
    version: KUBECTL_VERSION,
    url: (p) => `https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/${p}/kubectl`,
    sha256: CHECKSUMS.kubectl[KUBECTL_VERSION] ?? {},
  },
};

export const TOOLS_BIN = join('.tools', 'bin');

/** The kind and kubectl a command runs: the project's own pinned copies when installed, else PATH's. */
export interface ToolPaths {
  kind: string;
  kubectl: string;
}

export async function resolveTools(root: string): Promise<ToolPaths> {
  return { kind: (await localTool(root, 'kind')) ?? 'kind', kubectl: (await localTool(root, 'kubectl')) ?? 'kubectl' };
}

/** The Kind clusters on this machine, or undefined when kind cannot list them (Docker down); a missing kind throws its install hint. */
export async function kindClusters(runner: Runner, kind: string): Promise<string[] | undefined> {
  try {
    const r = await runner(kind, ['get', 'clusters'], { allowFailure: true, timeoutMs: 30_000 });
    return r.code === 0
      ? r.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : undefined;
  } catch (e) {
    if (e instanceof ToolNotFoundError) throw e; // not installed: say so, not "check Docker"
    return undefined;
  }
}

/** This machine's platform in the release assets' naming, or undefined when no release exists for it. */
export function currentPlatform(
  platform: string = process.platform,
  arch: string = process.arch,
): Platform | undefined {
  const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? (`${os}/${cpu}` as Platform) : undefined;
}

/** The project-local copy of a tool, when one was installed. */
export async function localTool(root: string, name: ToolName): Promise<string | undefined> {
  const file = join(root, TOOLS_BIN, name);
  return access(file, constants.X_OK).then(
    () => file,
    () => undefined,
  );
}

export interface InstallOptions {
  root: string;
  platform?: Platform | undefined;
  /** Replaces the download URL (tests serve a fake binary from a local server). */
  url?: string;
  /** Replaces the pinned checksum (tests only). */
  sha256?: string;
  fetchImpl?: typeof fetch;
}

/**
 * Downloads the pinned tool, verifies its SHA-256, and only then makes it executable in
 * .tools/bin (atomically: a failed or mismatched download leaves nothing behind).
 * Returns the installed path.
 */
export async function installTool(name: ToolName, opts: InstallOptions): Promise<string> {
  const pin = TOOL_PINS[name];
  const platform = opts.platform ?? currentPlatform();
  if (!platform) {
    throw new UserError(
      `no ${name} release is pinned for ${process.platform}/${process.arch}`,
      `install ${name} ${pin.version} yourself and put it on PATH`,
    );
  }
  const expected = opts.sha256 ?? pin.sha256[platform];
  if (!expected) {
    throw new UserError(
      `no verified SHA-256 is recorded for ${name} ${pin.version} on ${platform}, so it will not be installed`,
      `install ${name} ${pin.version} yourself (${pin.url(platform)}), or add its published checksum to src/adapters/tools.ts`,
    );
  }
  const url = opts.url ?? pin.url(platform);
  const bytes = await download(url, name, opts.fetchImpl ?? fetch);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    throw new UserError(
      `checksum mismatch for ${name} ${pin.version} (${platform}) from ${url}: expected ${expected}, got ${actual}; nothing was installed`,
      'retry later (a proxy or mirror may have served something else); if it persists, do not use this download',
    );
  }
  const dir = join(opts.root, TOOLS_BIN);
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const temp = `${target}.download-${process.pid}`;
  try {
    await writeFile(temp, bytes, { mode: 0o600 });
    await chmod(temp, 0o755);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}

async function download(url: string, name: string, fetchImpl: typeof fetch): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetchImpl(url, { redirect: 'follow', signal: AbortSignal.timeout(300_000) });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
    throw new UserError(
      `could not download ${name} from ${url}: ${cause}`,
      'check the network connection (and HTTPS_PROXY), then retry',
    );
  }
  if (!res.ok)
    throw new UserError(
      `could not download ${name} from ${url}: HTTP ${res.status}`,
      'retry later, or install the tool yourself',
    );
  return Buffer.from(await res.arrayBuffer());
}
