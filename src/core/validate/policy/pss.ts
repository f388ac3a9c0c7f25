// SOMA-PSS-RESTRICTED: every pod template meets the Kubernetes Pod Security Standard
// `restricted` (which includes `baseline`), the profile soma-infra enforces, so that a
// workload the admission controller would reject fails here instead of at sync time.
// Checks follow https://kubernetes.io/docs/concepts/security/pod-security-standards/.
import type { KubeObject } from '../../kube.ts';
import {
  type ContainerAt,
  type ObjectRule,
  type PodAt,
  type Violation,
  containerName,
  escapeKey,
  podOf,
} from './types.ts';

const ALLOWED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

function podLevel(pod: PodAt, out: Violation[]): void {
  const at = (field: string, message: string, fix?: string) =>
    out.push({ pointer: `${pod.pointer}/${field}`, message, fix });
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (pod.spec[f] === true) at(f, `${f} shares the node's namespaces`, `remove ${f}`);
  const sc = pod.spec.securityContext ?? {};
  if (sc.windowsOptions?.hostProcess === true)
    at('securityContext/windowsOptions/hostProcess', 'host process containers are not allowed');
  if (sc.runAsUser === 0) at('securityContext/runAsUser', 'runs as root (UID 0)', 'set a non-zero runAsUser');
  if (sc.seccompProfile?.type !== undefined && !SECCOMP_OK.has(sc.seccompProfile.type)) {
    at(
      'securityContext/seccompProfile/type',
      `seccomp profile '${sc.seccompProfile.type}' is not allowed`,
      'use RuntimeDefault',
    );
  }
  if (sc.appArmorProfile?.type === 'Unconfined')
    at('securityContext/appArmorProfile/type', 'AppArmor is disabled (Unconfined)', 'use RuntimeDefault');
  seLinux(sc.seLinuxOptions, `${pod.pointer}/securityContext/seLinuxOptions`, out);
  (Array.isArray(sc.sysctls) ? sc.sysctls : []).forEach((s: { name?: string }, i: number) => {
    if (!SAFE_SYSCTLS.has(s?.name ?? ''))
      at(`securityContext/sysctls/${i}`, `sysctl '${s?.name}' is not in the safe set`, 'remove it');
  });
  (Array.isArray(pod.spec.volumes) ? pod.spec.volumes : []).forEach((v: Record<string, unknown>, i: number) => {
    const type = Object.keys(v ?? {}).find((k) => k !== 'name');
    if (type && !ALLOWED_VOLUMES.has(type))
      at(
        `volumes/${i}/${type}`,
        `volume '${String(v.name)}' is of type ${type}, not allowed by the restricted profile`,
        'use emptyDir, configMap, secret, projected or a PersistentVolumeClaim',
      );
  });
}

function seLinux(opts: Record<string, unknown> | undefined, pointer: string, out: Violation[]): void {
  if (!opts) return;
  if (typeof opts.type === 'string' && !SELINUX_TYPES.has(opts.type))
    out.push({ pointer: `${pointer}/type`, message: `SELinux type '${opts.type}' is not allowed` });
  for (const f of ['user', 'role'])
    if (opts[f])
      out.push({
        pointer: `${pointer}/${f}`,
        message: `setting the SELinux ${f} is not allowed`,
        fix: `remove seLinuxOptions.${f}`,
      });
}

function containerLevel(pod: PodAt, c: ContainerAt, out: Violation[]): void {
  const name = containerName(c);
  const sc = c.container.securityContext ?? {};
  const p = `${c.pointer}/securityContext`;
  const at = (field: string, message: string, fix?: string) =>
    out.push({ pointer: `${p}${field ? `/${field}` : ''}`, message: `container '${name}': ${message}`, fix });
  const podSc = pod.spec.securityContext ?? {};
  if (sc.privileged === true) at('privileged', 'runs privileged', 'remove privileged');
  if (sc.windowsOptions?.hostProcess === true)
    at('windowsOptions/hostProcess', 'host process containers are not allowed');
  if (sc.procMount !== undefined && sc.procMount !== 'Default')
    at('procMount', `procMount '${sc.procMount}' is not allowed`, 'remove procMount');
  if (sc.allowPrivilegeEscalation !== false)
    at('allowPrivilegeEscalation', 'allowPrivilegeEscalation is not false', 'set allowPrivilegeEscalation: false');
  if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true)) {
    at(
      'runAsNonRoot',
      'may run as root: runAsNonRoot is not true for the container or the pod',
      'set runAsNonRoot: true (pod or container)',
    );
  }
  if (sc.runAsUser === 0) at('runAsUser', 'runs as root (UID 0)', 'set a non-zero runAsUser');
  const seccomp = sc.seccompProfile?.type;
  if (seccomp !== undefined ? !SECCOMP_OK.has(seccomp) : !SECCOMP_OK.has(podSc.seccompProfile?.type)) {
    at(
      'seccompProfile/type',
      `no RuntimeDefault or Localhost seccomp profile${seccomp ? ` ('${seccomp}')` : ''}`,
      'set seccompProfile.type: RuntimeDefault (pod or container)',
    );
  }
  if (sc.appArmorProfile?.type === 'Unconfined')
    at('appArmorProfile/type', 'AppArmor is disabled (Unconfined)', 'use RuntimeDefault');
  seLinux(sc.seLinuxOptions, `${p}/seLinuxOptions`, out);
  const drop: unknown[] = Array.isArray(sc.capabilities?.drop) ? sc.capabilities.drop : [];
  if (!drop.includes('ALL'))
    at('capabilities/drop', 'does not drop ALL capabilities', "set capabilities.drop: ['ALL']");
  const add: unknown[] = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
  add.forEach((cap, i) => {
    if (cap !== 'NET_BIND_SERVICE')
      at(`capabilities/add/${i}`, `adds capability ${String(cap)}`, 'only NET_BIND_SERVICE may be added');
  });
  (Array.isArray(c.container.ports) ? c.container.ports : []).forEach((port: { hostPort?: number }, i: number) => {
    if (port?.hostPort)
      out.push({
        pointer: `${c.pointer}/ports/${i}/hostPort`,
        message: `container '${name}': binds host port ${port.hostPort}`,
        fix: 'remove hostPort; expose the port with a Service',
      });
  });
}

/** AppArmor set through the older per-container annotation on the pod template. */
function appArmorAnnotations(o: KubeObject, pod: PodAt, out: Violation[]): void {
  const meta =
    pod.pointer === '/spec'
      ? o.metadata
      : ((o.spec as any)?.template?.metadata ?? (o.spec as any)?.jobTemplate?.spec?.template?.metadata ?? {});
  const annotations = (meta.annotations ?? {}) as Record<string, string>;
  const metaPointer = pod.pointer === '/spec' ? '/metadata' : `${pod.pointer.replace(/\/spec$/, '')}/metadata`;
  for (const [k, v] of Object.entries(annotations)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v === 'unconfined') {
      out.push({
        pointer: `${metaPointer}/annotations/${escapeKey(k)}`,
        message: 'AppArmor is disabled (unconfined)',
        fix: 'remove the annotation or use runtime/default',
      });
    }
  }
}

export const pssRestricted: ObjectRule = {
  scope: 'object',
  id: 'SOMA-PSS-RESTRICTED',
  title: 'Pod Security Standard "restricted"',
  rationale:
    'soma-infra enforces the restricted Pod Security profile; a pod template that breaks it is rejected when Argo CD syncs',
  fix: 'run as non-root with a RuntimeDefault seccomp profile, no privilege escalation, all capabilities dropped, and no host namespaces, ports or paths',
  check(o) {
    const pod = podOf(o);
    if (!pod) return [];
    const out: Violation[] = [];
    podLevel(pod, out);
    for (const c of pod.containers) containerLevel(pod, c, out);
    appArmorAnnotations(o, pod, out);
    return out;
  },
};

export const readOnlyRootFilesystem: ObjectRule = {
  scope: 'object',
  id: 'SOMA-READONLY-ROOTFS',
  title: 'Read-only root filesystem',
  rationale:
    'the security baseline keeps container filesystems immutable; writable paths are explicit emptyDir or volume mounts',
  fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the program writes',
  check(o) {
    const pod = podOf(o);
    if (!pod) return [];
    return pod.containers
      .filter((c) => c.list !== 'ephemeralContainers' && c.container.securityContext?.readOnlyRootFilesystem !== true)
      .map((c) => ({
        pointer: `${c.pointer}/securityContext/readOnlyRootFilesystem`,
        message: `container '${containerName(c)}' has a writable root filesystem`,
      }));
  },
};
