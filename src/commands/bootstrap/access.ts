// Step 8: how to reach the UIs. The passwords are not printed: the commands that
// reveal them are (they read the Secrets from the cluster).
import { quoteForDisplay } from '../../core/errors.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { CONTRACTS } from '../../core/contracts.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import type { BootstrapContext, Step } from './types.ts';

export interface UiAccess {
  url: string;
  username: string;
  /** A shell command that prints the password. */
  passwordCommand: string;
  /** The command that makes `url` reach the UI, where the cluster does not publish it. */
  forwardCommand?: string;
}

export interface AccessInfo {
  argocd: UiAccess;
  grafana?: UiAccess;
}

function revealCommand(context: string, namespace: string, secret: string, key: string): string {
  const args = ['kubectl', '--context', context, '-n', namespace, 'get', 'secret', secret, '-o', `jsonpath={.data.${key}}`];
  return `${args.map(quoteForDisplay).join(' ')} | base64 -d`;
}

/** Local ports the port-forward commands use on a cluster that publishes nothing. */
const FORWARD = { argocd: 8443, grafana: 3000 } as const;

const forward = (context: string, namespace: string, service: string, local: number, remote: number) =>
  ['kubectl', '--context', context, '-n', namespace, 'port-forward', `svc/${service}`, `${local}:${remote}`]
    .map(quoteForDisplay)
    .join(' ');

/**
 * Pure: where the UIs are and how to log in. Kind publishes them on host ports; any other
 * cluster keeps them inside (ClusterIP, TLS for Argo CD), reached by port-forward.
 */
export function buildAccess(cluster: ClusterConfig, contexts: { target: string; argocd: string }): AccessInfo {
  const kind = cluster.kind;
  const argocd: UiAccess = {
    url: kind ? `http://localhost:${kind.hostPorts.argocd}` : `https://localhost:${FORWARD.argocd}`,
    username: 'admin',
    passwordCommand: revealCommand(contexts.argocd, ARGOCD_NAMESPACE, 'argocd-initial-admin-secret', 'password'),
    ...(kind ? {} : { forwardCommand: forward(contexts.argocd, ARGOCD_NAMESPACE, 'argocd-server', FORWARD.argocd, 443) }),
  };
  const access: AccessInfo = { argocd };
  if (cluster.components.includes('grafana')) {
    const secret = CONTRACTS.grafana.secrets[0]!;
    const port = CONTRACTS.grafana.port;
    access.grafana = {
      url: `http://localhost:${kind ? kind.hostPorts.grafana : FORWARD.grafana}`,
      username: 'admin',
      passwordCommand: revealCommand(contexts.target, CONTRACTS.grafana.namespace, secret.name, 'admin-password'),
      ...(kind ? {} : { forwardCommand: forward(contexts.target, CONTRACTS.grafana.namespace, 'grafana', FORWARD.grafana, port) }),
    };
  }
  return access;
}

export function renderAccess(access: AccessInfo): string[] {
  const block = (title: string, a: UiAccess) => [
    `${title.padEnd(9)} ${a.url}   (user: ${a.username})`,
    ...(a.forwardCommand ? [`          first run: ${a.forwardCommand}`] : []),
    `          password: ${a.passwordCommand}`,
  ];
  return [...block('Argo CD', access.argocd), ...(access.grafana ? block('Grafana', access.grafana) : [])];
}

export const accessStep: Step = {
  name: 'access',
  title: 'Access',
  async run(ctx: BootstrapContext) {
    ctx.access = buildAccess(ctx.cluster, ctx.contexts);
    return { changed: false, summary: `Argo CD at ${ctx.access.argocd.url}${ctx.access.grafana ? `, Grafana at ${ctx.access.grafana.url}` : ''}` };
  },
};
