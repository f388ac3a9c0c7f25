// `clusters/<name>/cluster.yaml`: the input a person writes for each cluster. It enters
// the program only through this schema (ajv, every problem at once, unknown keys
// rejected) plus the checks a schema cannot express.
import { Ajv } from 'ajv';
import { describe } from './cluster-config-messages.ts';
import type { ComponentSpec } from './components/spec.ts';
import { COMPONENT_LIST, COMPONENT_NAMES, type ComponentName } from './contracts.ts';
import type { Problem } from './errors.ts';
import { ENVIRONMENTS, type Environment, isDns1123Label } from './names.ts';
import { REPOSITORY_SERVE, type RepositoryServe } from './git-server.ts';
import { localGitHostPort, localServeProblems, repositoryOf } from './repository-serve.ts';
import { isQuantity, parseQuantity } from './quantity.ts';
import { BACKUP_SCHEMA, backupOf, backupProblems, type BackupConfig } from './cluster-backup.ts';
import { topologyProblems } from './topology.ts';
import { parseYamlStream } from './yaml.ts';

export interface ClusterConfig {
  name: string;
  environment: Environment;
  /** Where the component Applications deploy: the Argo CD cluster itself, or a registered cluster's API URL. */
  destination: { server: string };
  /**
   * The git repository and revision Argo CD syncs this cluster from. With `serve: 'local'`
   * (Kind only) `url` is the in-cluster git server `npm run sync` pushes to (src/core/git-server.ts).
   */
  repository: { url: string; revision: string; serve?: RepositoryServe };
  /** Enabled components, in the order given. */
  components: ComponentName[];
  /**
   * Topology (src/core/topology.ts): without `managedBy` the cluster is standalone and runs its
   * own Argo CD, which manages itself; with it, the hub cluster's Argo CD manages it.
   */
  argocd: { managedBy?: string };
  /** The kubeconfig context that reaches this cluster (not for Kind, whose context is kind-<name>). */
  context?: string;
  /** The cluster's identity: the UID of its kube-system namespace, checked before bootstrap acts. */
  identity?: { uid: string };
  /** Who creates the Secrets the components read: bootstrap (random values) or someone else. */
  secrets: { provider: SecretsProvider };
  /** Present for a local Kind cluster: its name and the host ports the UIs are published on. */
  kind?: { name: string; hostPorts: { argocd: number; grafana: number; git?: number } };
  /** Total resource requests this cluster may ask for (everything this repository runs there). */
  budget?: { cpu: string; memory: string };
  /** Field managers whose additions `drift` does not report, besides the built-in ones (docs/operations.md). */
  drift?: { trustedManagers: string[] };
  /** Where Postgres archives WAL and keeps base backups (required for staging and prod; src/core/cluster-backup.ts). */
  backup?: BackupConfig;
  /** Where the file was read from (repository-relative), for error messages. */
  source: string;
}

export const SECRETS_PROVIDERS = ['bootstrap', 'external'] as const;
export type SecretsProvider = (typeof SECRETS_PROVIDERS)[number];

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;

export const CLUSTER_SCHEMA = {
  $id: 'https://soma.sh/schemas/cluster.json',
  title: 'somastack cluster',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'environment', 'destination', 'repository', 'components'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 63 },
    environment: { enum: [...ENVIRONMENTS] },
    destination: {
      type: 'object',
      additionalProperties: false,
      required: ['server'],
      properties: { server: { type: 'string', pattern: '^https://[^\\s/]+(:\\d+)?(/.*)?$' } },
    },
    repository: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'revision'],
      properties: {
        url: { type: 'string', pattern: '^(https://[^\\s]+|ssh://[^\\s]+|git@[^\\s:]+:[^\\s]+)$' },
        revision: { type: 'string', minLength: 1, pattern: '^[^\\s]+$' },
        serve: { enum: [...REPOSITORY_SERVE] },
      },
    },
    // Empty for a hub that runs only Argo CD.
    components: { type: 'array', uniqueItems: true, items: { enum: [...COMPONENT_NAMES] } },
    argocd: {
      type: 'object',
      additionalProperties: false,
      properties: { managedBy: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } },
    },
    context: { type: 'string', minLength: 1, pattern: '^[^\\s]+$' },
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['uid'],
      properties: {
        uid: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
      },
    },
    secrets: {
      type: 'object',
      additionalProperties: false,
      required: ['provider'],
      properties: { provider: { enum: [...SECRETS_PROVIDERS] } },
    },
    kind: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 40 },
        hostPorts: {
          type: 'object',
          additionalProperties: false,
          properties: { argocd: port, grafana: port, git: port },
        },
      },
    },
    budget: {
      type: 'object',
      additionalProperties: false,
      required: ['cpu', 'memory'],
      properties: { cpu: { type: ['string', 'number'] }, memory: { type: 'string' } },
    },
    drift: {
      type: 'object',
      additionalProperties: false,
      properties: {
        // A manager name as the API server records it; a trailing * matches a prefix.
        trustedManagers: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[^\\s*]+\\*?$' } },
      },
    },
    backup: BACKUP_SCHEMA,
  },
} as const;

// verbose: errors carry the offending value, which the messages quote.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
const validateSchema = ajv.compile(CLUSTER_SCHEMA);

/** Checks a schema cannot express. Runs only on schema-valid input. */
function semanticProblems(file: string, dirName: string, c: Record<string, any>): Problem[] {
  const problems: Problem[] = [];
  const at = (path: string, message: string, hint?: string) => problems.push({ file, path, message, hint });
  if (c.name !== dirName)
    at('/name', `is '${c.name}' but the file is in clusters/${dirName}/`, `set name: ${dirName}, or move the file`);
  if (!isDns1123Label(c.name))
    at('/name', `'${c.name}' is not a DNS-1123 label`, 'use lowercase letters, digits and -');
  if (c.components.length && !c.components.includes('platform')) {
    at(
      '/components',
      "does not include 'platform'",
      "add 'platform': it creates the namespace and network policies every component needs",
    );
  }
  problems.push(...missingDependencies(file, c.components, COMPONENT_LIST));
  if (c.kind && c.environment !== 'dev')
    at('/kind', `a Kind cluster must be environment 'dev', not '${c.environment}'`);
  if (c.budget) {
    const positive = 'a budget is the most the cluster may request: a positive amount';
    if (!isQuantity(c.budget.cpu))
      at(
        '/budget/cpu',
        `'${c.budget.cpu}' is not a valid quantity`,
        "write CPU as cores ('3') or millicores ('3000m')",
      );
    else if (parseQuantity(c.budget.cpu) <= 0) at('/budget/cpu', `'${c.budget.cpu}' is not above zero`, positive);
    if (!isQuantity(c.budget.memory))
      at(
        '/budget/memory',
        `'${c.budget.memory}' is not a valid quantity`,
        "write memory with a unit ('6Gi', '6144Mi')",
      );
    else if (parseQuantity(c.budget.memory) <= 0)
      at('/budget/memory', `'${c.budget.memory}' is not above zero`, positive);
  }
  const ports = c.kind?.hostPorts;
  if (ports?.argocd && ports.argocd === ports.grafana)
    at('/kind/hostPorts', 'argocd and grafana use the same host port');
  problems.push(...localServeProblems(file, c), ...topologyProblems(file, c), ...backupProblems(file, c));
  return problems;
}

/**
 * One problem per required dependency (`ComponentSpec.dependsOn`) of an enabled component
 * that the cluster does not enable, at the dependent's place in `components`.
 */
export function missingDependencies(
  file: string,
  enabled: readonly string[],
  specs: readonly ComponentSpec[],
): Problem[] {
  return enabled.flatMap((name, i) =>
    (specs.find((s) => s.name === name)?.dependsOn ?? [])
      .filter((d) => !d.optional && !enabled.includes(d.component))
      .map((d) => ({
        file,
        path: `/components/${i}`,
        message: `enables '${name}' without '${d.component}', which it needs (${d.why})`,
        hint: `add '${d.component}' to components, or remove '${name}'`,
      })),
  );
}

export type ParseResult = { ok: true; config: ClusterConfig } | { ok: false; problems: Problem[] };

/** Parses and validates the text of `clusters/<dirName>/cluster.yaml`. Pure: no I/O. */
export function parseClusterConfig(file: string, dirName: string, text: string): ParseResult {
  const docs = parseYamlStream(text).filter((d) => d.errors.length || d.value !== null);
  if (docs.length !== 1) {
    const errs = docs.flatMap((d) => d.errors);
    const message = errs.length
      ? `is not valid YAML: ${errs[0]}`
      : docs.length === 0
        ? 'is empty'
        : `holds ${docs.length} YAML documents; expected one`;
    return { ok: false, problems: [{ file, path: '', message }] };
  }
  const doc = docs[0]!;
  // One syntax error often cascades into several; the first is the one to fix.
  if (doc.errors.length)
    return { ok: false, problems: [{ file, path: '', message: `is not valid YAML: ${doc.errors[0]}` }] };
  const value = doc.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      problems: [
        {
          file,
          path: '',
          message: 'must be a mapping of keys (name, environment, destination, repository, components)',
        },
      ],
    };
  }
  if (!validateSchema(value))
    return { ok: false, problems: (validateSchema.errors ?? []).map((e) => describe(file, e)) };
  const raw = value as Record<string, any>;
  const problems = semanticProblems(file, dirName, raw);
  if (problems.length) return { ok: false, problems };
  return { ok: true, config: toConfig(file, raw) };
}

function toConfig(file: string, raw: Record<string, any>): ClusterConfig {
  return {
    name: raw.name,
    environment: raw.environment,
    // Without a trailing slash, as Argo CD stores cluster URLs: Applications and the hub's cluster Secret must agree.
    destination: { server: raw.destination.server.replace(/\/+$/, '') },
    repository: repositoryOf(raw),
    components: [...raw.components],
    argocd: raw.argocd?.managedBy ? { managedBy: raw.argocd.managedBy } : {},
    ...(raw.context ? { context: raw.context } : {}),
    ...(raw.identity ? { identity: { uid: raw.identity.uid } } : {}),
    secrets: { provider: raw.secrets?.provider ?? 'bootstrap' },
    kind: raw.kind
      ? {
          name: raw.kind.name,
          hostPorts: {
            argocd: raw.kind.hostPorts?.argocd ?? 8080,
            grafana: raw.kind.hostPorts?.grafana ?? 3000,
            ...localGitHostPort(raw),
          },
        }
      : undefined,
    budget: raw.budget ? { cpu: String(raw.budget.cpu), memory: raw.budget.memory } : undefined,
    ...(raw.drift ? { drift: { trustedManagers: [...(raw.drift.trustedManagers ?? [])] } } : {}),
    ...backupOf(raw),
    source: file,
  };
}

export { servesLocally } from './repository-serve.ts';
