// The data document the Soma policy reads (data.soma_config), shipped as data.json in
// the `opa-data` ConfigMap. Application teams extend the allowlist here: one entry per
// (calling service, called service) pair, as narrow in methods and paths as they can.
/** The decision consumers query (docs/contracts.md). */
export const OPA_DECISION_PATH = '/v1/data/soma/allow';

export interface AllowlistEntry {
  /** The calling service: input.identity.service. */
  caller: string;
  /** The called service: input.service. */
  target: string;
  /** Upper-case HTTP methods, or ["*"]. */
  methods: readonly string[];
  /** Path globs: "*" matches one segment, "**" any number. */
  paths: readonly string[];
  /** Lets the caller act for every tenant (platform services only). */
  cross_tenant?: boolean;
  /** Why the flow exists; OPA ignores it, reviewers read it. */
  description: string;
}

export interface SomaPolicyData {
  soma_config: {
    /** Roles exempt from the tenant check (never from the allowlist). */
    platform_admin_roles: readonly string[];
    allowlist: readonly AllowlistEntry[];
  };
}

export const SOMA_POLICY_DATA: SomaPolicyData = {
  soma_config: {
    platform_admin_roles: ['soma-platform-admin'],
    allowlist: [
      {
        caller: 'somaagent01-gateway',
        target: 'somabrain',
        methods: ['GET', 'POST'],
        paths: ['/**'],
        description: 'the SomaAgent01 gateway forwards agent requests to the SomaBrain API',
      },
      {
        caller: 'somaagent01-conversation-worker',
        target: 'somabrain',
        methods: ['GET', 'POST'],
        paths: ['/**'],
        description: 'conversation workers recall and remember through SomaBrain',
      },
      {
        caller: 'somabrain',
        target: 'somafractalmemory',
        methods: ['GET', 'POST'],
        paths: ['/**'],
        description: 'SomaBrain stores and searches long-term memory in SomaFractalMemory',
      },
    ],
  },
};

export function renderPolicyData(data: SomaPolicyData = SOMA_POLICY_DATA): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
