// Rules about what runs: resources, probes, pinned images, and Vault's dev mode.
import { type ObjectRule, type Violation, containerName, environmentOf, podOf, runsToCompletion } from './types.ts';

export const resourcesRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-RESOURCES',
  title: 'Requests and limits on every container',
  rationale:
    'requests let the scheduler place pods and the budget add up; limits keep one component from starving the others on a small node',
  fix: 'set resources.requests and resources.limits (cpu and memory) from the component sizing',
  check(o) {
    const pod = podOf(o);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of pod.containers) {
      // Ephemeral (debug) containers cannot have resources.
      if (c.list === 'ephemeralContainers') continue;
      const missing: string[] = [];
      for (const kind of ['requests', 'limits'] as const) {
        for (const r of ['cpu', 'memory'])
          if (c.container.resources?.[kind]?.[r] === undefined) missing.push(`${kind}.${r}`);
      }
      if (missing.length)
        out.push({
          pointer: `${c.pointer}/resources`,
          message: `container '${containerName(c)}' has no ${missing.join(', ')}`,
        });
    }
    return out;
  },
};

export const probesRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-PROBES',
  title: 'Liveness and readiness probes',
  rationale:
    'without readiness a Service sends traffic to pods that cannot serve it and Argo CD reports Healthy too early; without liveness a hung process is never restarted',
  fix: 'add livenessProbe and readinessProbe (Jobs and CronJobs run to completion and need neither)',
  check(o) {
    const pod = podOf(o);
    if (!pod || runsToCompletion(o)) return [];
    const out: Violation[] = [];
    for (const c of pod.containers) {
      if (c.list !== 'containers') continue;
      for (const probe of ['livenessProbe', 'readinessProbe']) {
        if (!c.container[probe])
          out.push({ pointer: `${c.pointer}/${probe}`, message: `container '${containerName(c)}' has no ${probe}` });
      }
    }
    return out;
  },
};

/** The tag of an image reference, '' when it has none; undefined when pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const last = image.split('/').pop() ?? image;
  const i = last.lastIndexOf(':');
  return i === -1 ? '' : last.slice(i + 1);
}

export const imagePinnedRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-IMAGE-PINNED',
  title: 'Images pinned to a version',
  rationale:
    "a moving tag ('latest', or none) changes what runs without a change in git, so a sync is not reproducible and a rollback is not one",
  fix: 'pin the image to a released version tag (or a digest) in the component module',
  check(o) {
    const pod = podOf(o);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of pod.containers) {
      const image = c.container.image;
      if (typeof image !== 'string') continue;
      const tag = imageTag(image);
      if (tag === '')
        out.push({
          pointer: `${c.pointer}/image`,
          message: `container '${containerName(c)}' image '${image}' has no tag (means :latest)`,
        });
      else if (tag === 'latest')
        out.push({
          pointer: `${c.pointer}/image`,
          message: `container '${containerName(c)}' image '${image}' uses the moving tag 'latest'`,
        });
    }
    return out;
  },
};

const DEV_ENV = new Set(['VAULT_DEV_ROOT_TOKEN_ID', 'VAULT_DEV_LISTEN_ADDRESS']);

function isVaultDevMode(container: Record<string, any>): boolean {
  const words: unknown[] = [
    ...(Array.isArray(container.command) ? container.command : []),
    ...(Array.isArray(container.args) ? container.args : []),
  ];
  const text = words.filter((w): w is string => typeof w === 'string').join(' ');
  if (
    /(^|\s)--?dev(\s|=|$)|(^|\s)--?dev-[a-z-]+/.test(text) &&
    /vault|server/.test(`${String(container.image)} ${text}`)
  )
    return true;
  return (Array.isArray(container.env) ? container.env : []).some((e: { name?: string }) => DEV_ENV.has(e?.name ?? ''));
}

export const vaultDevModeRule: ObjectRule = {
  scope: 'object',
  id: 'SOMA-VAULT-DEV-MODE',
  title: 'Vault dev mode only in dev',
  rationale:
    'dev mode keeps everything in memory, unseals itself and prints a root token: acceptable on a laptop, never in staging or prod',
  fix: 'run Vault in server mode with raft storage outside dev (the vault component builds that for staging and prod)',
  check(o, ctx) {
    const env = environmentOf(o, ctx);
    const pod = podOf(o);
    if (!pod || !env || env === 'dev') return [];
    return pod.containers
      .filter(
        (c) => typeof c.container.image === 'string' && /vault/i.test(c.container.image) && isVaultDevMode(c.container),
      )
      .map((c) => ({
        pointer: c.pointer,
        message: `container '${containerName(c)}' runs Vault in dev mode in environment '${env}'`,
      }));
  },
};
