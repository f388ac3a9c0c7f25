// Vault's TLS, issued by cert-manager (cert-manager.ts) from the in-cluster CA of soma-infra.
//
// The CA is bootstrapped inside the namespace: a self-signed Issuer signs the CA
// Certificate (ECDSA P-256, ten years, its key kept on renewal so every copy of the CA
// certificate consumers hold stays valid), and a CA Issuer made from that Secret signs the
// leaf Certificates. The CA's key never leaves its Secret. The objects ship with Vault,
// the CA's first and only consumer so far; Vault's Application syncs in the last wave,
// long after cert-manager's webhook (operators' wave) serves.
//
// Vault's Certificate names every address a client or a raft peer uses: the contract
// Service, each pod behind the headless Service (raft's retry_join and api_addr), and
// localhost / 127.0.0.1 for the CLI and probes inside the pod. cert-manager renews it 30
// days before it expires and writes the Secret; Vault re-reads its certificate only on
// SIGHUP, so a small sidecar in the pod (sharing its process namespace) sends SIGHUP to
// the vault process when the mounted certificate changes. A restart would also load it,
// but re-seals a raft node.
import type { KubeObject, V1Container, V1Volume } from '../kube.ts';
import { ANNOTATIONS, NAMESPACE } from '../names.ts';
import { CERT_MANAGER_API } from './cert-manager.ts';
import { headlessServiceName } from './spec.ts';
import { container, execProbe, meta, type Sizing } from './workload.ts';

const NAME = 'vault';
/** The Secret cert-manager writes Vault's certificate to (tls.crt, tls.key, and ca.crt: the CA's certificate). */
export const VAULT_TLS_SECRET = 'vault-tls';
/** Where the Vault pods mount it. */
export const VAULT_TLS_DIR = '/vault/tls';
export const VAULT_TLS_FILES = {
  cert: `${VAULT_TLS_DIR}/tls.crt`,
  key: `${VAULT_TLS_DIR}/tls.key`,
  ca: `${VAULT_TLS_DIR}/ca.crt`,
} as const;

/** The in-cluster CA of soma-infra: its Certificate, Secret and the Issuer that signs with it share this name. */
export const SOMA_CA = 'soma-infra-ca';
const SELF_SIGNED = 'soma-infra-selfsigned';

/** Lifetimes (Go durations, as cert-manager reads them). */
export const CA_LIFETIME = { duration: '87600h', renewBefore: '8760h' } as const;
export const LEAF_LIFETIME = { duration: '2160h', renewBefore: '720h' } as const;

/**
 * The CA first, inside Vault's Application: Argo CD waits for this wave to be healthy (the CA
 * Certificate Ready) before it creates the CA Issuer, which would otherwise report
 * Ready=False — Degraded to Argo CD and bootstrap's wait — until the CA's Secret exists.
 */
const CA_FIRST = { annotations: { [ANNOTATIONS.syncWave]: '-1' } };

function issuer(name: string, spec: Record<string, unknown>, extra = {}): KubeObject {
  return { apiVersion: CERT_MANAGER_API, kind: 'Issuer', metadata: meta(NAME, name, extra), spec };
}

/** The self-signed Issuer, the CA Certificate it signs, and the CA Issuer that signs the leaves. */
export function buildCa(): KubeObject[] {
  return [
    issuer(SELF_SIGNED, { selfSigned: {} }, CA_FIRST),
    {
      apiVersion: CERT_MANAGER_API,
      kind: 'Certificate',
      metadata: meta(NAME, SOMA_CA, CA_FIRST),
      spec: {
        isCA: true,
        commonName: `${NAMESPACE} CA`,
        secretName: SOMA_CA,
        ...CA_LIFETIME,
        // Never: a renewed CA certificate keeps the key, so leaves and consumers' copies stay valid.
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: SELF_SIGNED },
      },
    },
    issuer(SOMA_CA, { ca: { secretName: SOMA_CA } }),
  ];
}

/** Every name Vault is reached by: the contract Service, each raft pod, and loopback inside the pod. */
export function vaultDnsNames(): string[] {
  const headless = headlessServiceName(NAME);
  const svc = (s: string) => [s, `${s}.${NAMESPACE}`, `${s}.${NAMESPACE}.svc`, `${s}.${NAMESPACE}.svc.cluster.local`];
  return [
    ...svc(NAME),
    ...svc(headless),
    `*.${headless}.${NAMESPACE}.svc`,
    `*.${headless}.${NAMESPACE}.svc.cluster.local`,
    'localhost',
  ];
}

export function vaultCertificate(): KubeObject {
  return {
    apiVersion: CERT_MANAGER_API,
    kind: 'Certificate',
    metadata: meta(NAME, VAULT_TLS_SECRET),
    spec: {
      secretName: VAULT_TLS_SECRET,
      ...LEAF_LIFETIME,
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth', 'digital signature'],
      dnsNames: vaultDnsNames(),
      ipAddresses: ['127.0.0.1'],
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: SOMA_CA },
    },
  };
}

/** Read-only for the vault group only (fsGroup): the key is Vault's. */
export function vaultTlsVolume(): V1Volume {
  return { name: 'tls', secret: { secretName: VAULT_TLS_SECRET, defaultMode: 0o440 } };
}

export const vaultTlsMount = { name: 'tls', mountPath: VAULT_TLS_DIR, readOnly: true };

const RELOADER_SIZING: Sizing = {
  requests: { cpu: '5m', memory: '8Mi' },
  limits: { cpu: '50m', memory: '32Mi' },
};

/** How often the sidecar compares the mounted certificate (the kubelet refreshes Secret volumes about once a minute). */
export const RELOAD_CHECK_SECONDS = 60;

/**
 * The shell loop of the reload sidecar: remembers the certificate's checksum and, when the
 * kubelet has swapped in a renewed one, signals the oldest process named exactly `vault`:
 * the server, never a `vault` CLI someone runs through `kubectl exec` (a snapshot being saved
 * would die of the SIGHUP).
 */
export function reloadScript(cert: string = VAULT_TLS_FILES.cert, seconds: number = RELOAD_CHECK_SECONDS): string {
  const sum = `sha256sum ${cert}`;
  return [
    `last=$(${sum})`,
    `while sleep ${seconds}; do`,
    `  now=$(${sum}) || continue`,
    '  if [ "$now" != "$last" ] && pkill -HUP -o -x vault; then',
    '    echo "certificate renewed: sent SIGHUP to vault"',
    '    last=$now',
    '  fi',
    'done',
  ].join('\n');
}

/** The sidecar (the Vault image's own shell and busybox tools; no other image). */
export function tlsReloader(image: string): V1Container {
  return container({
    name: 'tls-reload',
    image,
    command: ['sh', '-c', reloadScript()],
    sizing: RELOADER_SIZING,
    // Alive and ready while it has a certificate to watch.
    liveness: execProbe(['test', '-s', VAULT_TLS_FILES.cert], { periodSeconds: 30 }),
    readiness: execProbe(['test', '-s', VAULT_TLS_FILES.cert], { periodSeconds: 30 }),
    mounts: [vaultTlsMount],
  });
}
