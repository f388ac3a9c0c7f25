// Preflight's judgement, pure: facts about the machine in, every problem (blocking,
// each with its fix) and warning out, all at once.
import { servesLocally, type ClusterConfig } from '../../core/cluster-config.ts';
import { KIND_VERSION, KUBERNETES_VERSION, MIN_KUBECTL_MINOR, MIN_KUBECTL_VERSION } from '../../core/versions.ts';
import type { GitRemote } from '../../adapters/git.ts';

export const MIN_NODE = '22.18.0';
/** What the cluster needs from Docker. */
export const DOCKER_BUDGET = { cpus: 4, memoryBytes: 8 * 1024 ** 3 };
// Docker reports the memory of its VM a little below what was configured (8 GiB → ~7.7 GiB).
const MEMORY_SLACK = 0.92;

export interface ToolFact {
  /** What is run: a path in .tools/bin or a name looked up on PATH. */
  command: string;
  local: boolean;
  version?: string;
  missing: boolean;
  error?: string;
}

export type DockerFact = { ok: true; cpus: number; memoryBytes: number; serverVersion: string } | { ok: false; missing: boolean; error: string };

export interface GitFacts {
  isRepo: boolean;
  head?: string;
  remotes: GitRemote[];
  /** The remote whose URL is the cluster's repository URL. */
  matchedRemote?: string;
  remoteCommit?: { commit: string; source: 'remote' | 'tracking-ref' };
  /** HEAD compared with the remote commit; undefined when that commit is not in the local repository. */
  compare?: { ahead: number; behind: number };
  uncommitted: string[];
}

export interface PreflightFacts {
  node: string;
  /** docker, kind and the Kind config: gathered for a Kind cluster only. */
  docker?: DockerFact;
  kind?: ToolFact;
  kubectl: ToolFact;
  kindConfig?: { file: string; ports: { host: string; port: number }[]; error?: string };
  /** undefined when kind could not be asked. */
  clusterExists: boolean | undefined;
  /** Host ports of the Kind config that are taken (only checked when the cluster does not exist yet). */
  portsInUse: { host: string; port: number }[];
  git: GitFacts;
}

export interface Finding {
  message: string;
  fix?: string;
  /** Set when installing the pinned tool would fix it. */
  tool?: 'kind' | 'kubectl';
}

export interface PreflightVerdict {
  problems: Finding[];
  warnings: Finding[];
  /** What preflight learned that the user should see even when all is well. */
  notes: string[];
}

export function parseVersion(text: string | undefined): [number, number, number] | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const short = (sha: string | undefined) => (sha ?? '').slice(0, 7);

export function evaluatePreflight(facts: PreflightFacts, cluster: ClusterConfig): PreflightVerdict {
  const v: PreflightVerdict = { problems: [], warnings: [], notes: [] };
  checkNode(facts, v);
  checkDocker(facts, v);
  checkTools(facts, v);
  checkKindConfig(facts, v);
  checkGit(facts, cluster, v);
  return v;
}

function checkNode(facts: PreflightFacts, v: PreflightVerdict): void {
  const have = parseVersion(facts.node);
  if (!have || compareVersions(have, parseVersion(MIN_NODE)!) < 0) {
    v.problems.push({ message: `Node.js ${facts.node} is too old (need ${MIN_NODE} or newer)`, fix: 'run through npm (`npm run bootstrap`), which uses the Node 24 that `npm install` put in node_modules' });
  }
}

function checkDocker(facts: PreflightFacts, v: PreflightVerdict): void {
  const d = facts.docker;
  if (!d) return;
  if (!d.ok) {
    v.problems.push(
      d.missing
        ? { message: 'docker is not installed (Kind runs the cluster in a Docker container)', fix: 'install Docker Desktop or Docker Engine: https://docs.docker.com/get-docker/' }
        : { message: `the Docker daemon is not reachable: ${d.error}`, fix: 'start Docker Desktop (or `sudo systemctl start docker`), then check with `docker info`' },
    );
    return;
  }
  v.notes.push(`Docker ${d.serverVersion}: ${d.cpus} CPUs, ${gib(d.memoryBytes)}`);
  if (d.cpus < DOCKER_BUDGET.cpus || d.memoryBytes < DOCKER_BUDGET.memoryBytes * MEMORY_SLACK) {
    v.warnings.push({
      message: `Docker has ${d.cpus} CPUs and ${gib(d.memoryBytes)}, below the ${DOCKER_BUDGET.cpus} CPUs / 8 GiB the dev stack is sized for (docs/bootstrap.md): pods may stay Pending or be evicted`,
      fix: 'give Docker more resources (Docker Desktop → Settings → Resources)',
    });
  }
}

function checkTools(facts: PreflightFacts, v: PreflightVerdict): void {
  const install = 'run `npm run bootstrap -- --install-tools` to install the pinned version into .tools/bin';
  const kind = facts.kind;
  const kindMin = parseVersion(KIND_VERSION)!;
  const kindHave = parseVersion(kind?.version);
  if (!kind) {
    // not a Kind cluster: kind is not needed
  } else if (kind.missing) v.problems.push({ tool: 'kind', message: 'kind is not installed', fix: `${install} (kind ${KIND_VERSION}), or install it: https://kind.sigs.k8s.io/docs/user/quick-start/#installation` });
  else if (!kindHave) v.problems.push({ tool: 'kind', message: `cannot tell the version of ${kind.command}: ${kind.error ?? 'unrecognised output'}`, fix: install });
  else if (compareVersions(kindHave, kindMin) < 0) {
    v.problems.push({ tool: 'kind', message: `kind ${kind.version} is older than ${KIND_VERSION}, whose node image the Kind config pins`, fix: install });
  }
  const kubectl = facts.kubectl;
  const server = parseVersion(KUBERNETES_VERSION)!;
  const have = parseVersion(kubectl.version);
  if (kubectl.missing) v.problems.push({ tool: 'kubectl', message: 'kubectl is not installed', fix: `${install}, or install it: https://kubernetes.io/docs/tasks/tools/` });
  else if (!have) v.problems.push({ tool: 'kubectl', message: `cannot tell the version of ${kubectl.command}: ${kubectl.error ?? 'unrecognised output'}`, fix: install });
  else checkKubectlSkew(kubectl, have, facts.kind ? server : undefined, install, v);
}

// kubectl is used here only for `kubectl kustomize` (all API calls go through the client
// library), so version skew against the cluster matters little; kustomize v5 does, and
// kubectl embeds it from MIN_KUBECTL_VERSION (1.27) on.
const KUBECTL_KUSTOMIZE_V5 = parseVersion(MIN_KUBECTL_VERSION)!;

/** `server` is the Kind node's Kubernetes; another cluster's version is its own business. */
function checkKubectlSkew(kubectl: ToolFact, have: [number, number, number], server: [number, number, number] | undefined, install: string, v: PreflightVerdict): void {
  if (compareVersions(have, KUBECTL_KUSTOMIZE_V5) < 0) {
    v.problems.push({ tool: 'kubectl', message: `kubectl ${kubectl.version} is older than ${MIN_KUBECTL_MINOR} and so lacks kustomize v5, which renders the Argo CD install`, fix: install });
    return;
  }
  if (!server) return;
  if (have[0] === server[0] && Math.abs(have[1] - server[1]) <= 1) return;
  const side = compareVersions(have, server) > 0 ? 'newer' : 'older';
  v.warnings.push({
    tool: 'kubectl',
    message: `kubectl ${kubectl.version} is ${side} than the cluster's Kubernetes ${KUBERNETES_VERSION} by more than one minor version: fine for bootstrap (it only runs \`kubectl kustomize\`), but your own kubectl commands against the cluster may misbehave`,
    fix: install,
  });
}

function checkKindConfig(facts: PreflightFacts, v: PreflightVerdict): void {
  if (!facts.kindConfig) return;
  if (facts.kindConfig.error) {
    v.problems.push({ message: `${facts.kindConfig.file}: ${facts.kindConfig.error}`, fix: 'run `npm run generate` to write the Kind config' });
    return;
  }
  for (const p of facts.portsInUse) {
    v.problems.push({
      message: `host port ${p.host}:${p.port} (published by the Kind config) is already in use`,
      fix: `stop what listens there (\`lsof -iTCP:${p.port} -sTCP:LISTEN\`), or choose another port under kind.hostPorts in cluster.yaml and run \`npm run generate\``,
    });
  }
}

function checkGit(facts: PreflightFacts, cluster: ClusterConfig, v: PreflightVerdict): void {
  const g = facts.git;
  const { url, revision } = cluster.repository;
  if (servesLocally(cluster)) return checkLocalGit(g, cluster, v);
  v.notes.push(`repository mode: remote — Argo CD clones ${url} (repository.serve: local serves this checkout instead; docs/bootstrap.md)`);
  if (!g.isRepo || !g.head) {
    v.warnings.push({ message: `this is not a git checkout: cannot tell what Argo CD will sync from ${url} at '${revision}'` });
    return;
  }
  if (!g.matchedRemote) {
    const list = g.remotes.map((r) => `${r.name} → ${r.url}`).join(', ') || 'none';
    v.warnings.push({ message: `Argo CD syncs from ${url}, which is not a remote of this checkout (remotes: ${list}): it will deploy what is there, not what you have`, fix: `set repository.url in ${cluster.source} to your fork's URL, then run \`npm run generate\`` });
  }
  if (!g.remoteCommit) {
    v.warnings.push({ message: `cannot resolve '${revision}' on ${url} (offline, private without credentials, or not pushed): the wait cannot check the synced revision`, fix: `push it (\`git push ${g.matchedRemote ?? 'origin'} ${revision}\`) and check access with \`git ls-remote ${url} ${revision}\`` });
    return;
  }
  const at = `'${revision}' at ${short(g.remoteCommit.commit)}${g.remoteCommit.source === 'tracking-ref' ? ' (as of your last fetch)' : ''}`;
  if (!g.compare) {
    v.warnings.push({ message: `Argo CD will sync ${at}, a commit your checkout does not have (HEAD is ${short(g.head)})`, fix: `git fetch ${g.matchedRemote ?? url}` });
  } else if (g.compare.ahead > 0) {
    v.warnings.push({
      message: `${g.compare.ahead} commit(s) on HEAD (${short(g.head)}) are not pushed: Argo CD will sync ${at}, not what is checked out`,
      fix: `git push ${g.matchedRemote ?? 'origin'} HEAD:${revision}`,
    });
  } else if (g.compare.behind > 0) {
    v.warnings.push({ message: `${url} has ${g.compare.behind} commit(s) newer than your checkout: Argo CD will sync ${at}, not HEAD (${short(g.head)})`, fix: 'git pull' });
  } else {
    v.notes.push(`Argo CD will sync ${url} ${at}, which is what is checked out`);
  }
  if (g.uncommitted.length) {
    const shown = g.uncommitted.slice(0, 5).join(', ') + (g.uncommitted.length > 5 ? `, … (${g.uncommitted.length} in all)` : '');
    v.warnings.push({ message: `uncommitted changes are not deployed: ${shown}`, fix: 'commit and push them; Argo CD deploys only what is in git' });
  }
}

/** Local mode (repository.serve: local): what preflight says instead of comparing with a remote. */
function checkLocalGit(g: PreflightFacts['git'], cluster: ClusterConfig, v: PreflightVerdict): void {
  if (!g.isRepo || !g.head) {
    v.problems.push({ message: `repository.serve is local in ${cluster.source}, but this is not a git checkout with a commit: there is nothing to push`, fix: 'run bootstrap from a clone of the repository (`git clone`), or set repository.serve: remote' });
    return;
  }
  v.notes.push(`repository mode: local — bootstrap pushes HEAD (${short(g.head)}) to the in-cluster git server as '${cluster.repository.revision}'; later commits go there with \`npm run sync\``);
  if (g.uncommitted.length) {
    const shown = g.uncommitted.slice(0, 5).join(', ') + (g.uncommitted.length > 5 ? `, … (${g.uncommitted.length} in all)` : '');
    v.warnings.push({ message: `uncommitted changes are not deployed: ${shown}`, fix: 'commit them, then run `npm run sync`' });
  }
}
