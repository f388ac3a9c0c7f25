// Step 8: how to reach the UIs. The passwords are not printed: the commands that
// reveal them are (they read the Secrets from the cluster).
import { quoteForDisplay } from '../../core/errors.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { CONTRACTS } from '../../core/contracts.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import { kindContext } from '../../adapters/kube.ts';
import type { BootstrapContext, Step } from './types.ts';

export interface UiAccess {
  url: string;
  username: string;
  /** A shell command that prints the password. */
  passwordCommand: string;
}

export interface AccessInfo {
  argocd: UiAccess;
  grafana?: UiAccess;
}

function revealCommand(context: string, namespace: string, secret: string, key: string): string {
  const args = ['kubectl', '--context', context, '-n', namespace, 'get', 'secret', secret, '-o', `jsonpath={.data.${key}}`];
  return `${args.map(quoteForDisplay).join(' ')} | base64 -d`;
}

/** Pure: where the UIs are and how to log in. */
export function buildAccess(cluster: ClusterConfig & { kind: NonNullable<ClusterConfig['kind']> }): AccessInfo {
  const context = kindContext(cluster.kind.name);
  const access: AccessInfo = {
    argocd: {
      url: `http://localhost:${cluster.kind.hostPorts.argocd}`,
      username: 'admin',
      passwordCommand: revealCommand(context, ARGOCD_NAMESPACE, 'argocd-initial-admin-secret', 'password'),
    },
  };
  if (cluster.components.includes('grafana')) {
    const secret = CONTRACTS.grafana.secrets[0]!;
    access.grafana = {
      url: `http://localhost:${cluster.kind.hostPorts.grafana}`,
      username: 'admin',
      passwordCommand: revealCommand(context, CONTRACTS.grafana.namespace, secret.name, 'admin-password'),
    };
  }
  return access;
}

export function renderAccess(access: AccessInfo): string[] {
  const block = (title: string, a: UiAccess) => [`${title.padEnd(9)} ${a.url}   (user: ${a.username})`, `          password: ${a.passwordCommand}`];
  return [...block('Argo CD', access.argocd), ...(access.grafana ? block('Grafana', access.grafana) : [])];
}

export const accessStep: Step = {
  name: 'access',
  title: 'Access',
  async run(ctx: BootstrapContext) {
    ctx.access = buildAccess(ctx.cluster);
    return { changed: false, summary: `Argo CD at ${ctx.access.argocd.url}${ctx.access.grafana ? `, Grafana at ${ctx.access.grafana.url}` : ''}` };
  },
};
