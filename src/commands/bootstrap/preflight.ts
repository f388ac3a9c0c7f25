// Step 1: look at the machine (Node, Docker, kind, kubectl, host ports, git) without
// changing anything, offer to install missing tools, and stop with every problem at once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolNotFoundError, UserError } from '../../core/errors.ts';
import { servesLocally } from '../../core/cluster-config.ts';
import { DIRS, kindConfigPath } from '../../core/names.ts';
import { parseYamlStream } from '../../core/yaml.ts';
import { compareWithHead, headCommit, listRemotes, normalizeRepoUrl, remoteRevisionCommit, uncommittedPaths } from '../../adapters/git.ts';
import { kindClusters, TOOL_PINS, type ToolName } from '../../adapters/tools.ts';
import type { Runner } from '../../adapters/process.ts';
import { evaluatePreflight, type DockerFact, type Finding, type GitFacts, type PreflightFacts, type PreflightVerdict, type ToolFact } from './preflight-checks.ts';
import { providedSecretFindings } from './secrets.ts';
import { connectTargets } from './target.ts';
import { type BootstrapContext, type Step, kindOf } from './types.ts';

/** Preflight found problems: all of them, each with its fix. */
export class PreflightError extends UserError {
  override name = 'PreflightError';
  readonly problems: Finding[];
  constructor(problems: Finding[]) {
    super(`preflight found ${problems.length} problem(s):\n${formatFindings(problems)}`, 'fix the problems above and run `npm run bootstrap` again');
    this.problems = problems;
  }
}

export function formatFindings(findings: readonly Finding[], bullet = '-'): string {
  return findings.map((f) => `  ${bullet} ${f.message}${f.fix ? `\n      fix: ${f.fix}` : ''}`).join('\n');
}


async function toolFact(runner: Runner, command: string, args: string[], parse: (stdout: string) => string | undefined): Promise<ToolFact> {
  const local = command.includes('/');
  try {
    const r = await runner(command, args, { allowFailure: true, timeoutMs: 20_000 });
    if (r.code !== 0) return { command, local, missing: false, error: (r.stderr || r.stdout).trim().split('\n')[0] };
    const version = parse(r.stdout);
    return version ? { command, local, missing: false, version } : { command, local, missing: false, error: `unexpected output: ${r.stdout.trim().slice(0, 80)}` };
  } catch (e) {
    if (e instanceof ToolNotFoundError) return { command, local, missing: true };
    return { command, local, missing: false, error: (e as Error).message };
  }
}

export const kindFact = (runner: Runner, command: string) => toolFact(runner, command, ['version'], (out) => /\b(v\d+\.\d+\.\d+)\b/.exec(out)?.[1]);

export const kubectlFact = (runner: Runner, command: string) =>
  toolFact(runner, command, ['version', '--client', '-o', 'json'], (out) => {
    try {
      return (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
    } catch {
      return undefined;
    }
  });

async function dockerFact(runner: Runner): Promise<DockerFact> {
  let r;
  try {
    r = await runner('docker', ['info', '--format', '{{json .}}'], { allowFailure: true, timeoutMs: 30_000 });
  } catch (e) {
    return { ok: false, missing: e instanceof UserError, error: (e as Error).message };
  }
  let info: { NCPU?: number; MemTotal?: number; ServerVersion?: string; ServerErrors?: string[] } = {};
  try {
    info = JSON.parse(r.stdout.trim() || '{}');
  } catch {
    // not JSON: the error is on stderr
  }
  const error = info.ServerErrors?.[0] ?? r.stderr.trim().split('\n').find(Boolean);
  if (r.code !== 0 || info.ServerErrors?.length || !info.NCPU) return { ok: false, missing: false, error: error ?? `docker info exited with ${r.code}` };
  return { ok: true, cpus: info.NCPU, memoryBytes: info.MemTotal ?? 0, serverVersion: info.ServerVersion ?? 'unknown' };
}

/** `kind get clusters` lists names one per line (and says "No kind clusters found." on stderr). */

async function kindConfigPorts(root: string, clusterName: string): Promise<NonNullable<PreflightFacts['kindConfig']>> {
  const file = kindConfigPath(clusterName);
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    return { file, ports: [], error: 'not found' };
  }
  const doc = parseYamlStream(text).find((d) => d.value || d.errors.length);
  if (!doc || doc.errors.length) return { file, ports: [], error: `not valid YAML: ${doc?.errors[0] ?? 'empty'}` };
  const nodes = ((doc.value as { nodes?: { extraPortMappings?: { hostPort?: number; listenAddress?: string }[] }[] }).nodes ?? []);
  const ports = nodes.flatMap((n) => n.extraPortMappings ?? []).filter((m) => m.hostPort).map((m) => ({ host: m.listenAddress ?? '0.0.0.0', port: m.hostPort! }));
  return { file, ports };
}

async function gitFacts(ctx: BootstrapContext): Promise<GitFacts> {
  const { root } = ctx.deps.io;
  const runner = ctx.deps.runner;
  const { url, revision } = ctx.cluster.repository;
  const head = await headCommit(root, runner);
  if (!head) return { isRepo: false, remotes: [], uncommitted: [] };
  const env = ctx.cluster.environment;
  const paths = [`${DIRS.clusters}/${ctx.cluster.name}`, `${DIRS.apps}/${ctx.cluster.name}`, DIRS.base, `${DIRS.overlays}/${env}`, DIRS.bootstrap];
  // Local mode: the server gets HEAD pushed by bootstrap, so there is no remote to compare with.
  if (servesLocally(ctx.cluster)) return { isRepo: true, head, remotes: [], uncommitted: await uncommittedPaths(root, paths, runner) };
  const remotes = await listRemotes(root, runner);
  const matchedRemote = remotes.find((r) => normalizeRepoUrl(r.url) === normalizeRepoUrl(url))?.name;
  const remoteCommit = await remoteRevisionCommit(root, matchedRemote ?? url, revision, runner);
  const compare = remoteCommit ? await compareWithHead(root, remoteCommit.commit, runner) : undefined;
  const uncommitted = await uncommittedPaths(root, paths, runner);
  return { isRepo: true, head, remotes, matchedRemote, remoteCommit, compare, uncommitted };
}

export async function gatherFacts(ctx: BootstrapContext): Promise<PreflightFacts> {
  const { runner } = ctx.deps;
  if (!ctx.cluster.kind) {
    const [kubectl, git] = await Promise.all([kubectlFact(runner, ctx.tools.kubectl), gitFacts(ctx)]);
    return { node: ctx.deps.nodeVersion, kubectl, clusterExists: undefined, portsInUse: [], git };
  }
  return gatherKindFacts(ctx);
}

async function gatherKindFacts(ctx: BootstrapContext): Promise<PreflightFacts> {
  const { runner, io } = ctx.deps;
  const [docker, kind, kubectl, kindConfig, git] = await Promise.all([
    dockerFact(runner),
    kindFact(runner, ctx.tools.kind),
    kubectlFact(runner, ctx.tools.kubectl),
    kindConfigPorts(io.root, ctx.cluster.name),
    gitFacts(ctx),
  ]);
  const clusters = !kind.missing && docker.ok ? await kindClusters(runner, ctx.tools.kind) : undefined;
  const clusterExists = clusters?.includes(kindOf(ctx.cluster).name);
  const portsInUse = [];
  if (clusterExists !== true) {
    for (const p of kindConfig.ports) if (!(await ctx.deps.portFree(p.port, p.host))) portsInUse.push(p);
  }
  return { node: ctx.deps.nodeVersion, docker, kind, kubectl, kindConfig, clusterExists, portsInUse, git };
}

/** Upstream's HA install spreads Redis and HAProxy over three nodes with required anti-affinity. */
async function haNodeWarnings(ctx: BootstrapContext): Promise<Finding[]> {
  if (ctx.cluster.argocd.managedBy) return [];
  const nodes = await ctx.client!.list('v1', 'Node');
  // Cordoned nodes and nodes tainted against scheduling (a control plane, say) do not count.
  const usable = (n: (typeof nodes)[number]) => {
    const spec = n.spec as { unschedulable?: boolean; taints?: { effect?: string }[] } | undefined;
    return !spec?.unschedulable && !(spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  };
  const schedulable = nodes.filter(usable).length;
  if (schedulable >= 3) return [];
  return [
    {
      message: `'${ctx.cluster.name}' has ${schedulable} schedulable node(s); the HA Argo CD install (bootstrap/argocd-ha) places its three Redis and three HAProxy pods on different nodes, so some will stay Pending`,
      fix: 'add nodes until there are three, or manage this cluster from a hub (argocd.managedBy) instead of running Argo CD in it',
    },
  ];
}

/** The tools whose problems installing the pinned version would fix. */
function toolsToInstall(verdict: PreflightVerdict): ToolName[] {
  return [...new Set(verdict.problems.flatMap((p) => (p.tool ? [p.tool] : [])))].sort();
}

/** Gathers facts, installs pinned tools when allowed, and judges. Changes nothing else. */
export async function runPreflight(ctx: BootstrapContext, allowInstall: boolean): Promise<{ facts: PreflightFacts; verdict: PreflightVerdict; installed: string[] }> {
  let facts = await gatherFacts(ctx);
  let verdict = evaluatePreflight(facts, ctx.cluster);
  const installed: string[] = [];
  const wanted = toolsToInstall(verdict);
  if (allowInstall && wanted.length && (await mayInstall(ctx, wanted))) {
    for (const t of wanted) {
      ctx.progress.update(`installing ${t} ${TOOL_PINS[t].version} into .tools/bin`);
      ctx.tools[t] = await ctx.deps.installTool(t);
      installed.push(`${t} ${TOOL_PINS[t].version}`);
    }
    facts = await gatherFacts(ctx);
    verdict = evaluatePreflight(facts, ctx.cluster);
  }
  ctx.clusterExists = facts.clusterExists;
  ctx.expectedRevision = facts.git.remoteCommit?.commit;
  // Any other cluster: who is at the other end (throws on a mismatch), then what it must already hold.
  if (!ctx.cluster.kind && !verdict.problems.length) {
    await connectTargets(ctx);
    const provided = await providedSecretFindings(ctx);
    verdict.problems.push(...provided.problems);
    verdict.warnings.push(...provided.warnings);
    verdict.warnings.push(...(await haNodeWarnings(ctx)));
  }
  return { facts, verdict, installed };
}

async function mayInstall(ctx: BootstrapContext, tools: ToolName[]): Promise<boolean> {
  if (ctx.options.installTools) return true;
  const { io } = ctx.deps;
  if (!io.interactive || !io.confirm) return false;
  const list = tools.map((t) => `${t} ${TOOL_PINS[t].version}`).join(' and ');
  ctx.progress.line('');
  return io.confirm(`Install ${list} (checksum-verified) into .tools/bin?`);
}

export const preflightStep: Step = {
  name: 'preflight',
  title: 'Preflight',
  async run(ctx) {
    const { facts, verdict, installed } = await runPreflight(ctx, true);
    for (const n of verdict.notes) ctx.progress.detail(n);
    for (const w of verdict.warnings) {
      ctx.progress.warn(`${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
      ctx.warnings.push(w.message);
    }
    if (verdict.problems.length) throw new PreflightError(verdict.problems);
    const tools = `${facts.kind ? `kind ${facts.kind.version}, ` : ''}kubectl ${facts.kubectl.version}`;
    return {
      changed: installed.length > 0,
      summary: `ready: ${tools}${facts.clusterExists ? `, Kind cluster '${kindOf(ctx.cluster).name}' exists` : ''}`,
      details: installed.map((t) => `installed ${t} into .tools/bin`),
    };
  },
};
