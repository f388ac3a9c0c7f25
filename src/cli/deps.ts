// Everything a command reaches outside its own memory, built in one place: programs,
// clusters, the repository's files, the clock and randomness. Every command takes a
// `Deps`; tests replace the parts they control (a recorded runner, a fake API server's
// kubeconfig, a fixed clock, a fixed run id). The CLI loads this module only to run a
// command, never for --help.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { LiveCluster } from '../adapters/kube-live.ts';
import type { KubeClient } from '../adapters/kube.ts';
import { runProcess, type Runner } from '../adapters/process.ts';
import type { AppSource, RenderedApp, RenderOptions } from '../adapters/render.ts';
import type { ToolName } from '../adapters/tools.ts';
import type { TreeComparison } from '../adapters/tree.ts';
import type { ClusterConfig } from '../core/cluster-config.ts';
import { hostRepoUrl, hostServerUrl } from '../core/git-server.ts';
import type { GitCredential, GitServerTarget } from '../adapters/git-server.ts';
import type { Io } from './types.ts';

/** The repository's inputs and generated tree, as commands read them. */
export interface RepoDeps {
  loadClusters(root: string): Promise<ClusterConfig[]>;
  /**
   * The whole planned generated tree, from the clusters and the component sources under
   * `root`; every object the components build is schema-checked first, so a typo ('1GB')
   * is a ConfigError against the component's source, not a crash while planning.
   */
  buildTree(clusters: ClusterConfig[], root: string): Map<string, string> | Promise<Map<string, string>>;
  compareTree(
    root: string,
    files: ReadonlyMap<string, string>,
  ): Promise<Pick<TreeComparison, 'stale' | 'missing' | 'extra'> & { foreign?: string[] }>;
  listApplications(root: string, cluster: ClusterConfig): Promise<AppSource[]>;
  renderApps(root: string, apps: AppSource[], opts: RenderOptions): Promise<RenderedApp[]>;
  /** A file under `root`, or undefined when it cannot be read. */
  readText(root: string, path: string): Promise<string | undefined>;
}

export interface Deps {
  io: Io;
  /** Runs every external program (kind, docker, kubectl, kustomize, git). */
  runner: Runner;
  /** A read-side client for a kubeconfig context (default: the current one). */
  connectLive(context?: string): Promise<LiveCluster>;
  /** A client for a Kind cluster's own context, after the context guard. */
  connectKind(kindName: string): Promise<KubeClient>;
  repo: RepoDeps;
  /** Installs a pinned tool into the project and returns its path. */
  installTool(name: ToolName): Promise<string>;
  /** Whether a TCP port can be bound on the given address right now. */
  portFree(port: number, host: string): Promise<boolean>;
  nodeVersion: string;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Interval between polls of the API while waiting for something to happen. */
  pollMs: number;
  randomBytes(size: number): Buffer;
  /** A short id naming one run's objects (smoke namespaces): a valid DNS label suffix. */
  runId(): string;
  /** Local mode's git server as the host reaches it (tests point it at a bare repository). */
  gitServer: GitServerDeps;
  /** Called after each bootstrap step completes (a test simulates an interruption with it). */
  afterStep?(step: string): void | Promise<void>;
}

export interface GitServerDeps {
  /** The server's API and push URLs for the Kind host port it is published on. */
  target(hostPort: number): GitServerTarget;
  /** Creates the repository on the server unless it exists; true when it created it. */
  ensureRepo(target: GitServerTarget, cred: GitCredential, branch: string): Promise<boolean>;
}

/** True when nothing listens on host:port (we could bind it ourselves). */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'EADDRINUSE' && e.code !== 'EACCES'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// Adapters are imported on first use: a command loads only what it calls (the cluster
// schema alone takes a tenth of a second to compile, every component module longer).
export function defaultRepo(): RepoDeps {
  return {
    loadClusters: async (root) => (await import('../adapters/inputs.ts')).loadClusters(root),
    buildTree: async (clusters, root) =>
      (await import('../adapters/plan-check.ts')).planRepositoryTree(root, clusters, { check: true }),
    compareTree: async (root, files) => (await import('../adapters/tree.ts')).compareTree(root, files),
    listApplications: async (root, cluster) => (await import('../adapters/render.ts')).listApplications(root, cluster),
    renderApps: async (root, apps, opts) => (await import('../adapters/render.ts')).renderApps(root, apps, opts),
    readText: (root, path) => readFile(join(root, path), 'utf8').catch(() => undefined),
  };
}

export function defaultDeps(io: Io): Deps {
  return {
    io,
    runner: runProcess,
    // The Kubernetes client library takes a second to load: only the commands that talk to a cluster pay for it.
    connectLive: async (context) => (await import('../adapters/kube-live.ts')).connectLive(io.env, context),
    connectKind: async (kindName) => (await import('../adapters/kube.ts')).connectKind(io.env, kindName),
    repo: defaultRepo(),
    installTool: async (name) => (await import('../adapters/tools.ts')).installTool(name, { root: io.root }),
    portFree,
    nodeVersion: process.versions.node,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    pollMs: 2_000,
    randomBytes: (size) => randomBytes(size),
    gitServer: {
      target: (hostPort) => ({ baseUrl: hostServerUrl(hostPort), pushUrl: hostRepoUrl(hostPort) }),
      ensureRepo: async (target, cred, branch) =>
        (await import('../adapters/git-server.ts')).ensureServerRepo(target, cred, branch),
    },
    runId: () => `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`,
  };
}
