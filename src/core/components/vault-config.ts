// Vault's server configuration (HCL): the TLS listener on the contract port, raft storage
// joined over the headless Service with the CA's certificate, telemetry. vault.ts mounts it.
import { InternalError } from '../errors.ts';
import { NAMESPACE } from '../names.ts';
import { headlessServiceName } from './spec.ts';
import { VAULT_TLS_FILES } from './vault-tls.ts';

const NAME = 'vault';
const HEADLESS = headlessServiceName(NAME);
/** The contract port (API and metrics) and the raft/request-forwarding port. */
export const VAULT_PORT = 8200;
export const VAULT_CLUSTER_PORT = 8201;
const PORT = VAULT_PORT;
const CLUSTER_PORT = VAULT_CLUSTER_PORT;
export const DATA_DIR = '/vault/data';

/** The stable DNS name of pod `vault-<ordinal>` behind the headless Service. */
export function vaultPodHost(ordinal: number): string {
  return `${NAME}-${ordinal}.${HEADLESS}.${NAMESPACE}.svc.cluster.local`;
}

/** The API address of every raft node, which each node retries to join until it is part of the cluster. */
export function raftJoinAddresses(replicas: number): string[] {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new InternalError(`vault replicas must be a positive integer, got ${replicas}`);
  return Array.from({ length: replicas }, (_, i) => `https://${vaultPodHost(i)}:${PORT}`);
}

/**
 * The API listener on the contract port (plus the cluster port on raft servers), with the
 * certificate cert-manager issues (re-read on SIGHUP). Prometheus reads
 * /v1/sys/metrics?format=prometheus without a token.
 */
function apiListener(clusterPort?: number): string[] {
  return [
    'listener "tcp" {',
    `  address         = "0.0.0.0:${PORT}"`,
    ...(clusterPort ? [`  cluster_address = "0.0.0.0:${clusterPort}"`] : []),
    `  tls_cert_file   = "${VAULT_TLS_FILES.cert}"`,
    `  tls_key_file    = "${VAULT_TLS_FILES.key}"`,
    '  telemetry {',
    '    unauthenticated_metrics_access = true',
    '  }',
    '}',
    '',
  ];
}

const TELEMETRY = ['telemetry {', '  prometheus_retention_time = "60s"', '  disable_hostname          = true', '}', ''];

/** The server configuration (HCL) of a raft cluster of `replicas` nodes. */
export function serverConfig(replicas: number): string {
  const joins = raftJoinAddresses(replicas).flatMap((a) => [
    '  retry_join {',
    `    leader_api_addr     = "${a}"`,
    `    leader_ca_cert_file = "${VAULT_TLS_FILES.ca}"`,
    '  }',
  ]);
  return [
    'ui = true',
    '# IPC_LOCK is dropped with all other capabilities; raft storage does not need mlock.',
    'disable_mlock = true',
    '',
    ...apiListener(CLUSTER_PORT),
    'storage "raft" {',
    `  path = "${DATA_DIR}"`,
    '  # node_id comes from VAULT_RAFT_NODE_ID (the pod name).',
    ...joins,
    '}',
    '',
    ...TELEMETRY,
  ].join('\n');
}

/** Where dev mode's own listener goes: loopback, out of the way of the configured one. */
export const DEV_LISTEN_ADDRESS = '127.0.0.1:8210';

/**
 * dev mode's built-in listener cannot let Prometheus read /v1/sys/metrics without a
 * token, so dev also loads this file: the same API listener the raft servers have.
 */
export function devConfig(): string {
  return [...apiListener(), ...TELEMETRY].join('\n');
}
