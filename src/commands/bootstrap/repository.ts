// Step 5: register the git repository with Argo CD as a declarative repository Secret
// (label argocd.argoproj.io/secret-type=repository). For a private repository the token
// comes from the environment (GIT_TOKEN or GITHUB_TOKEN) straight into the Secret: it is
// never printed, logged or written to a file.
import { servesLocally, type ClusterConfig } from '../../core/cluster-config.ts';
import type { KubeObject } from '../../core/kube.ts';
import { repoSecretName } from '../../core/topology.ts';
import { ARGOCD_NAMESPACE, LABELS, MANAGED_BY, PART_OF } from '../../core/names.ts';
import { runLocalRepository } from './local-repository.ts';
import type { BootstrapContext, Step } from './types.ts';

export const REPO_SECRET_LABEL = 'argocd.argoproj.io/secret-type';
export const TOKEN_VARIABLES = ['GIT_TOKEN', 'GITHUB_TOKEN'] as const;
/** GitHub accepts any username with a token; x-access-token also works for GitHub App tokens. */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

export interface RepoCredentials {
  username: string;
  password: string;
  /** Which variable the token came from (shown; the token never is). */
  from: string;
}

/** The token from the environment, if any. Pure. */
export function credentialsFromEnv(env: Record<string, string | undefined>): RepoCredentials | undefined {
  for (const name of TOKEN_VARIABLES) {
    const token = env[name]?.trim();
    if (token) return { username: env.GIT_USERNAME?.trim() || DEFAULT_GIT_USERNAME, password: token, from: name };
  }
  return undefined;
}

export { repoSecretName } from '../../core/topology.ts';

export function buildRepoSecret(cluster: Pick<ClusterConfig, 'name' | 'repository'>, creds: RepoCredentials | undefined): KubeObject {
  const data: Record<string, string> = { type: 'git', url: cluster.repository.url };
  if (creds) Object.assign(data, { username: creds.username, password: creds.password });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: repoSecretName(cluster),
      namespace: ARGOCD_NAMESPACE,
      // The cluster label tells a hub's drift whose Secret this is.
      labels: { [REPO_SECRET_LABEL]: 'repository', [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF, [LABELS.cluster]: cluster.name },
    },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

const isSsh = (url: string) => url.startsWith('ssh://') || /^[\w.-]+@[\w.-]+:/.test(url);

export const repositoryStep: Step = {
  name: 'repository',
  title: 'Repository',
  async run(ctx: BootstrapContext) {
    // Local mode: the in-cluster git server, with its own credential (GIT_TOKEN is not sent there).
    if (servesLocally(ctx.cluster)) return runLocalRepository(ctx);
    const client = ctx.argocdClient!;
    const { url } = ctx.cluster.repository;
    const creds = credentialsFromEnv(ctx.deps.io.env);
    const desired = buildRepoSecret(ctx.cluster, creds);
    const existing = await client.get('v1', 'Secret', desired.metadata.name, ARGOCD_NAMESPACE);
    const hadCredentials = Boolean((existing?.data as Record<string, string> | undefined)?.password);
    if (isSsh(url)) {
      ctx.warnings.push(`${url} is an SSH URL: Argo CD needs a private key for it, which bootstrap does not manage (use an https URL with GIT_TOKEN, or add the key with \`argocd repo add\`)`);
    }
    // Without a token now, keep credentials a previous run stored: applying without them would remove them.
    if (!creds && hadCredentials) {
      const sameUrl = Buffer.from(String((existing!.data as Record<string, string>).url ?? ''), 'base64').toString('utf8') === url;
      if (sameUrl) return { changed: false, summary: `${url} already registered with credentials (kept; set GIT_TOKEN to replace them)` };
    }
    const { outcome } = await client.apply(desired);
    const auth = creds ? `with a token from ${creds.from}` : 'without credentials (public repository)';
    return {
      changed: outcome !== 'unchanged',
      summary: `${outcome === 'unchanged' ? 'already registered' : outcome === 'created' ? 'registered' : 'updated'} ${url} ${auth}`,
    };
  },
};
