// cluster.yaml `repository.serve` (docs/bootstrap.md, "Local mode"): the checks and the
// parsed shape of local mode, kept beside the cluster schema (src/core/cluster-config.ts),
// which calls them. Pure.
import type { ClusterConfig } from './cluster-config.ts';
import type { Problem } from './errors.ts';
import { GIT_SERVER, LOCAL_REPO_URL } from './git-server.ts';

/** True when the cluster syncs from its own in-cluster git server. */
export const servesLocally = (c: Pick<ClusterConfig, 'repository'>) => c.repository.serve === 'local';

/** Problems of `repository.serve` and `kind.hostPorts.git` in a schema-valid cluster.yaml. */
export function localServeProblems(file: string, c: Record<string, any>): Problem[] {
  const problems: Problem[] = [];
  const serve = c.repository.serve ?? 'remote';
  if (serve === 'local' && !c.kind)
    problems.push({
      file,
      path: '/repository/serve',
      message: "'local' needs a Kind cluster: the git server runs inside the cluster bootstrap creates",
      hint: 'remove serve (or set serve: remote) and push to repository.url, or add a kind: section',
    });
  const ports = c.kind?.hostPorts ?? {};
  const git = ports.git ?? GIT_SERVER.hostPort;
  if (serve === 'local' && (git === (ports.argocd ?? 8080) || git === (ports.grafana ?? 3000)))
    problems.push({
      file,
      path: '/kind/hostPorts/git',
      message: `host port ${git} is already used by argocd or grafana`,
      hint: 'pick another port',
    });
  if (serve !== 'local' && ports.git !== undefined)
    problems.push({
      file,
      path: '/kind/hostPorts/git',
      message: "is set but repository.serve is not 'local'",
      hint: 'remove it, or set repository.serve: local',
    });
  return problems;
}

/** In local mode Argo CD syncs from the in-cluster server; `url` in the file stays the upstream. */
export function repositoryOf(raw: Record<string, any>): ClusterConfig['repository'] {
  const { url, revision, serve } = raw.repository;
  return serve === 'local' ? { url: LOCAL_REPO_URL, revision, serve } : { url, revision };
}

/** The git host port of a local-mode Kind cluster (defaulted), or nothing in remote mode. */
export function localGitHostPort(raw: Record<string, any>): { git?: number } {
  return raw.repository.serve === 'local' ? { git: raw.kind?.hostPorts?.git ?? GIT_SERVER.hostPort } : {};
}
