// The host side of local mode (docs/bootstrap.md, "Local mode"): create the repository on
// the in-cluster git server through its HTTP API, and push HEAD to it. The credential goes
// to git only through its environment, read back by an inline credential helper: it is
// never on a command line, in a URL, in a file, or in any message.
import { ExternalError } from '../core/errors.ts';
import { GIT_SERVER } from '../core/git-server.ts';
import { runProcess, type Runner } from './process.ts';

export interface GitCredential {
  username: string;
  password: string;
}

/** Where local mode reaches the server from the host: injectable so tests push to a bare repository. */
export interface GitServerTarget {
  /** The server's HTTP base URL (for its API). */
  baseUrl: string;
  /** The URL git pushes to. */
  pushUrl: string;
}

const unreachableFix = (baseUrl: string) =>
  `the server is published on ${baseUrl} by the Kind port mapping, which exists only if the cluster was created with repository.serve: local; ` +
  'check `kubectl -n soma-git get pods`, or recreate the cluster (`npm run teardown`, then `npm run bootstrap`)';

/** Creates the repository (private) unless it exists. Returns whether it was created. */
export async function ensureServerRepo(target: GitServerTarget, cred: GitCredential, branch: string): Promise<boolean> {
  const auth = `Basic ${Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    try {
      return await fetch(`${target.baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (cause) {
      throw new ExternalError(`cannot reach the in-cluster git server at ${target.baseUrl}`, {
        fix: unreachableFix(target.baseUrl),
        cause,
      });
    }
  };
  const found = await call('GET', `/repos/${GIT_SERVER.owner}/${GIT_SERVER.repo}`);
  if (found.status === 200) return false;
  if (found.status === 401 || found.status === 403)
    throw new ExternalError(`the git server at ${target.baseUrl} refused the admin credential (HTTP ${found.status})`, {
      fix: `delete the pod to have it reset the password from Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret}: \`kubectl -n ${GIT_SERVER.namespace} delete pod -l app.kubernetes.io/name=${GIT_SERVER.name}\``,
    });
  if (found.status !== 404)
    throw new ExternalError(`the git server at ${target.baseUrl} answered HTTP ${found.status} for the repository`, {
      fix: unreachableFix(target.baseUrl),
    });
  const made = await call('POST', '/user/repos', {
    name: GIT_SERVER.repo,
    private: true,
    default_branch: branch,
    auto_init: false,
  });
  // 409: created by a concurrent run between our GET and POST.
  if (made.status === 201 || made.status === 409) return made.status === 201;
  throw new ExternalError(
    `the git server at ${target.baseUrl} could not create ${GIT_SERVER.owner}/${GIT_SERVER.repo} (HTTP ${made.status})`,
    { fix: unreachableFix(target.baseUrl) },
  );
}

// Git runs this helper with `get` when it needs a credential; it prints the two values from
// the environment git was started with. The text names variables, never values.
export const CREDENTIAL_HELPER =
  '!f() { test "$1" = get && printf "username=%s\\npassword=%s\\n" "$SOMA_GIT_USERNAME" "$SOMA_GIT_PASSWORD"; }; f';

/**
 * Pushes HEAD to `refs/heads/<branch>` of the server, forced: the server mirrors this checkout,
 * so a rewritten local history must replace what it had. Returns the commit pushed and whether
 * the server's branch moved (`--porcelain` flags an unchanged ref with '=').
 */
export async function pushHead(
  root: string,
  target: GitServerTarget,
  cred: GitCredential,
  branch: string,
  runner: Runner = runProcess,
): Promise<{ head: string; updated: boolean }> {
  const head = (await runner('git', ['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: root })).stdout.trim();
  // The empty helper first drops any helper the user configured, so theirs never sees (or stores) this one.
  const args = [
    '-c',
    'credential.helper=',
    '-c',
    `credential.helper=${CREDENTIAL_HELPER}`,
    'push',
    '--force',
    '--porcelain',
    target.pushUrl,
    `HEAD:refs/heads/${branch}`,
  ];
  const env = { SOMA_GIT_USERNAME: cred.username, SOMA_GIT_PASSWORD: cred.password, GIT_TERMINAL_PROMPT: '0' };
  const r = await runner('git', args, { cwd: root, env, allowFailure: true, timeoutMs: 120_000 });
  if (r.code !== 0) {
    const reason = r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' ');
    throw new ExternalError(
      `git push of ${head.slice(0, 7)} to the in-cluster git server failed: ${reason || `exit code ${r.code}`}`,
      {
        fix: unreachableFix(target.baseUrl),
      },
    );
  }
  const line = r.stdout.split('\n').find((l) => l.includes(`:refs/heads/${branch}\t`));
  return { head, updated: !line?.startsWith('=') };
}
