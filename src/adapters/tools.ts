// Pinned kind and kubectl, installed into the project's .tools/bin when the machine lacks
// them (bootstrap --install-tools). Each download is checked against a SHA-256 recorded
// here, in git, before it is made executable: a checksum fetched next to the binary would
// only prove the two arrived together.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import { KIND_VERSION } from '../core/versions.ts';

export type ToolName = 'kind' | 'kubectl';
export type Platform = 'linux/amd64' | 'linux/arm64' | 'darwin/amd64' | 'darwin/arm64';

/** kubectl for the 1.34 node image (kubectl supports one minor version of skew either way). */
export const KUBECTL_VERSION = 'v1.34.1';

export interface ToolPin {
  version: string;
  url(platform: Platform): string;
  /** Published SHA-256 per platform; a platform without one is refused, never installed unverified. */
  sha256: Partial<Record<Platform, string>>;
}

// Checksums as published with each release (kind: the .sha256sum assets of the GitHub
// release; kubectl: dl.k8s.io/release/<v>/bin/<os>/<arch>/kubectl.sha256), each confirmed
// against at least two independent pinned copies.
const KIND_SHA256: Record<string, Partial<Record<Platform, string>>> = {
  'v0.33.0': {
    'linux/amd64': 'aee6151561422756b764a4ae28e7f44cda5af5a9eead3cc9985112b1de8d8e0d',
    'linux/arm64': '20022bee6cfcd5086cb7234d218e3454e6090022f2a8f55d1fa7fcf42c3867a2',
    'darwin/amd64': '5a99f26f57246dc9319dd294803313197a0f34d33c525b3ea8b655db5916ece0',
    'darwin/arm64': '0c8c7dbe5e23594a198b786c4bc13dacc101fa6196b0cb0b23a1ca44e61f4b4f',
  },
};

const KUBECTL_SHA256: Record<string, Partial<Record<Platform, string>>> = {
  'v1.34.1': {
    'linux/amd64': '7721f265e18709862655affba5343e85e1980639395d5754473dafaadcaa69e3',
    'linux/arm64': '420e6110e3ba7ee5a3927b5af868d18df17aae36b720529ffa4e9e945aa95450',
    'darwin/amd64': 'bb211f2b31f2b3bc60562b44cc1e3b712a16a98e9072968ba255beb04cefcfdf',
    'darwin/arm64': 'd80e5fa36f2b14005e5bb35d3a72818acb1aea9a081af05340a000e5fbdb2f76',
  },
};

export const TOOL_PINS: Record<ToolName, ToolPin> = {
  kind: {
    version: KIND_VERSION,
    url: (p) => `https://github.com/kubernetes-sigs/kind/releases/download/${KIND_VERSION}/kind-${p.replace('/', '-')}`,
    sha256: KIND_SHA256[KIND_VERSION] ?? {},
  },
  kubectl: {
    version: KUBECTL_VERSION,
    url: (p) => `https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/${p}/kubectl`,
    sha256: KUBECTL_SHA256[KUBECTL_VERSION] ?? {},
  },
};

export const TOOLS_BIN = join('.tools', 'bin');

/** This machine's platform in the release assets' naming, or undefined when no release exists for it. */
export function currentPlatform(platform: string = process.platform, arch: string = process.arch): Platform | undefined {
  const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? (`${os}/${cpu}` as Platform) : undefined;
}

/** The project-local copy of a tool, when one was installed. */
export async function localTool(root: string, name: ToolName): Promise<string | undefined> {
  const file = join(root, TOOLS_BIN, name);
  return access(file, constants.X_OK).then(() => file, () => undefined);
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
    throw new UserError(`no ${name} release is pinned for ${process.platform}/${process.arch}`, `install ${name} ${pin.version} yourself and put it on PATH`);
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
    throw new UserError(`could not download ${name} from ${url}: ${cause}`, 'check the network connection (and HTTPS_PROXY), then retry');
  }
  if (!res.ok) throw new UserError(`could not download ${name} from ${url}: HTTP ${res.status}`, 'retry later, or install the tool yourself');
  return Buffer.from(await res.arrayBuffer());
}
