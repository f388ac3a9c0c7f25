// Step 4: the Secrets the components read (CONTRACTS[c].secrets of the enabled
// components, for this environment), created with strong random values only when
// absent: a re-run never rotates them. Values are never printed, logged or written to
// disk; --dry-run shows names and keys only.
import { UserError } from '../../core/errors.ts';
import { CONTRACTS, serviceDns, type ServiceComponent } from '../../core/contracts.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import type { KubeObject } from '../../core/kube.ts';
import { APP_DATABASE } from '../../core/components/postgres.ts';
import { BACKUP_SECRET_KEYS } from '../../core/cluster-backup.ts';
import { LABELS, MANAGED_BY, NAMESPACE, PART_OF } from '../../core/names.ts';
import type { Finding } from './preflight-checks.ts';
import type { BootstrapContext, Step } from './types.ts';

export interface SecretPlan {
  component: ServiceComponent;
  name: string;
  namespace: string;
  keys: readonly string[];
  /** Secret type its reader insists on (CloudNativePG: kubernetes.io/basic-auth); default Opaque. */
  type?: string;
}

/** The secrets this cluster's components need, in contract order. Pure. */
export function plannedSecrets(cluster: Pick<ClusterConfig, 'components' | 'environment'>): SecretPlan[] {
  return (Object.keys(CONTRACTS) as ServiceComponent[])
    .filter((c) => cluster.components.includes(c))
    .flatMap((component) =>
      CONTRACTS[component].secrets
        .filter((s) => !s.environments || s.environments.includes(cluster.environment))
        .map((s) => ({
          component,
          name: s.name,
          namespace: CONTRACTS[component].namespace,
          keys: s.keys,
          ...(s.type ? { type: s.type } : {}),
        })),
    );
}

/** A value generator: `random()` returns a fresh strong secret each call. */
export interface ValueSource {
  random(): string;
  /** Plain values of secrets already known (existing or created earlier in this run), by name. */
  known: ReadonlyMap<string, Record<string, string>>;
}

// Postgres's username and database are the owner and database initdb creates (CloudNativePG wants username = owner).
const FIXED: Record<string, string> = {
  username: APP_DATABASE.owner,
  database: APP_DATABASE.database,
  'admin-user': 'admin',
};

/** The plain values of a new secret. Pure given the value source. */
export function buildSecretValues(plan: SecretPlan, source: ValueSource): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of plan.keys) {
    if (plan.component === 'openfga' && key === 'uri') values[key] = postgresUri(source);
    else values[key] = FIXED[key] ?? source.random();
  }
  return values;
}

/** OpenFGA's datastore is the shared Postgres, so its URI carries Postgres's credentials. */
function postgresUri(source: ValueSource): string {
  const pg = source.known.get(CONTRACTS.postgres.secrets[0]!.name);
  if (!pg?.username || !pg.password || !pg.database) {
    throw new UserError('openfga needs the postgres credentials Secret, which is missing or incomplete', "enable 'postgres' in cluster.yaml (openfga stores its data there)");
  }
  const auth = `${encodeURIComponent(pg.username)}:${encodeURIComponent(pg.password)}`;
  return `postgres://${auth}@${serviceDns('postgres')}:${CONTRACTS.postgres.port}/${encodeURIComponent(pg.database)}?sslmode=disable`;
}

export function buildSecretObject(plan: SecretPlan, values: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: plan.name,
      namespace: plan.namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF, [LABELS.component]: plan.component },
      annotations: { 'soma.sh/created-by': 'npm run bootstrap (values are random and never rotated by it)' },
    },
    type: plan.type ?? 'Opaque',
    data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

function decode(secret: KubeObject): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** The namespace must exist before secrets go in; the platform Application adopts it later. */
function namespaceObject(name: string = NAMESPACE): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF } } };
}

/**
 * The Secrets someone else creates: all of them with `secrets.provider: external`, and the
 * backup target's keys always. Each missing one, or one missing a key its reader needs, is a
 * preflight problem; a type other than the documented one is a warning (CloudNativePG reads
 * the username and password keys whatever the type). Names and keys only, never values.
 */
export async function providedSecretFindings(ctx: BootstrapContext): Promise<{ problems: Finding[]; warnings: Finding[] }> {
  const external = ctx.cluster.secrets.provider === 'external';
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  const fix = `create it in context ${ctx.contexts.target} through your secrets operator (docs/bootstrap.md, "Staging and prod")${external ? ', or remove secrets.provider to have bootstrap create random values' : ''}`;
  for (const plan of [...(external ? plannedSecrets(ctx.cluster) : []), ...backupSecret(ctx.cluster)]) {
    const live = await ctx.client!.get('v1', 'Secret', plan.name, plan.namespace);
    const where = `Secret ${plan.namespace}/${plan.name} (for ${plan.component}`;
    if (!live) {
      problems.push({ message: `${where}, keys ${plan.keys.join(', ')}) does not exist, and it is provided by someone else, not bootstrap`, fix });
      continue;
    }
    const missing = plan.keys.filter((k) => !((live.data as Record<string, string> | undefined) ?? {})[k]);
    if (missing.length) problems.push({ message: `${where}) has no key(s) ${missing.join(', ')}`, fix });
    const type = (live as { type?: string }).type ?? 'Opaque';
    if (plan.type && type !== plan.type)
      warnings.push({ message: `${where}) is of type ${type}, where ${plan.type} is documented`, fix: `recreate it as ${plan.type} with the same keys when convenient` });
  }
  return { problems, warnings };
}

/** The object store keys a cluster's backup target names (cluster.yaml backup.credentialsSecret): always provided, never created. */
function backupSecret(cluster: BootstrapContext['cluster']): SecretPlan[] {
  if (!cluster.backup || !cluster.components.includes('postgres')) return [];
  const keys = [BACKUP_SECRET_KEYS.accessKeyId, BACKUP_SECRET_KEYS.secretAccessKey];
  return [{ component: 'postgres', name: cluster.backup.credentialsSecret, namespace: NAMESPACE, keys }];
}

export const secretsStep: Step = {
  name: 'secrets',
  title: 'Secrets',
  async run(ctx: BootstrapContext) {
    const client = ctx.client!;
    const plans = plannedSecrets(ctx.cluster);
    // Preflight already proved each one is there.
    if (ctx.cluster.secrets.provider === 'external')
      return { changed: false, summary: `${plans.length} provided by someone else (secrets.provider: external), all present` };
    const namespaces = [...new Set(plans.map((p) => p.namespace))];
    const nsCreated = [];
    for (const ns of namespaces) if ((await client.create(namespaceObject(ns))).created) nsCreated.push(ns);
    const known = new Map<string, Record<string, string>>();
    const source: ValueSource = { random: () => ctx.deps.randomBytes(32).toString('base64url'), known };
    const created: string[] = [];
    const kept: string[] = [];
    const details: string[] = [];
    for (const plan of plans) {
      const existing = await client.get('v1', 'Secret', plan.name, plan.namespace);
      if (existing) {
        const values = decode(existing);
        known.set(plan.name, values);
        const missing = plan.keys.filter((k) => !(k in values));
        const type = (existing as { type?: string }).type ?? 'Opaque';
        if (plan.type && type !== plan.type)
          ctx.warnings.push(
            `Secret ${plan.namespace}/${plan.name} is of type ${type}, but its reader needs ${plan.type} (a Secret's type cannot change); it was left as is: recreate it with the same keys and type ${plan.type} (or delete it to have bootstrap create a new one)`,
          );
        if (missing.length) ctx.warnings.push(`Secret ${plan.namespace}/${plan.name} exists without key(s) ${missing.join(', ')}; it was left as is (delete it to have bootstrap recreate it)`);
        kept.push(plan.name);
        continue;
      }
      const values = buildSecretValues(plan, source);
      const result = await client.create(buildSecretObject(plan, values));
      if (result.created) {
        known.set(plan.name, values);
        created.push(plan.name);
        details.push(`created ${plan.namespace}/${plan.name} (keys: ${plan.keys.join(', ')})`);
      } else {
        // Created by someone else between our get and create: theirs stands.
        const now = await client.get('v1', 'Secret', plan.name, plan.namespace);
        if (now) known.set(plan.name, decode(now));
        kept.push(plan.name);
      }
    }
    if (kept.length) details.push(`kept ${kept.length} existing (never rotated): ${kept.join(', ')}`);
    return {
      changed: created.length + nsCreated.length > 0,
      summary: `${created.length} created, ${kept.length} kept${nsCreated.length ? `; namespace ${nsCreated.join(', ')} created` : ''}`,
      details,
    };
  },
};
