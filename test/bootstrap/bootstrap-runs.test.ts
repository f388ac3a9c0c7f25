// The scenarios of issue 4 that run bootstrap through: fresh cluster, healthy re-run,
// interruption after each step, Argo CD slow to start, a Degraded child, API 503s.
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import type { StepName } from '../../src/commands/bootstrap/types.ts';
import { STEP_NAMES } from '../../src/commands/bootstrap/types.ts';

/** A Kind cluster runs its own Argo CD: every step but hub registration. */
const KIND_STEPS = STEP_NAMES.filter((n) => n !== 'register');
import { CHILDREN, HEAD } from './harness.ts';
import { bootstrap, closeFakes, secretValues, world } from './world.ts';

afterEach(closeFakes);

describe('fresh cluster', () => {
  it('creates the Kind cluster, installs Argo CD, creates secrets, registers the repo, applies the root app and waits', async () => {
    const w = await world();
    const { code, stdout, stderr } = await bootstrap(w);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);

    const create = w.machine.lines().find((l) => l.startsWith('kind create'));
    expect(create).toBe(`kind create cluster --name soma --config ${w.root}/bootstrap/clusters/kind-soma/kind-config.yaml --wait 0s`);
    expect(w.machine.lines()).toContain(`kubectl kustomize ${w.root}/bootstrap/argocd`);

    const writes = w.fake.writes.map((x) => `${x.verb} ${x.ref}`);
    // The marker first (which cluster this is), then Argo CD's phases in order; within the
    // last phase objects are applied concurrently.
    expect(writes.shift()).toBe('apply ConfigMap/kube-system/somastack-cluster');
    expect(writes.slice(0, 3)).toEqual([
      'apply Namespace/argocd',
      'apply CustomResourceDefinition/applications.argoproj.io',
      'apply CustomResourceDefinition/appprojects.argoproj.io',
    ]);
    expect(writes.slice(3, 8).sort()).toEqual([
      'apply ClusterRole/argocd-server',
      'apply ConfigMap/argocd/argocd-cm',
      'apply Deployment/argocd/argocd-repo-server',
      'apply Deployment/argocd/argocd-server',
      'apply StatefulSet/argocd/argocd-application-controller',
    ]);
    expect(writes.slice(8)).toEqual([
      'create Namespace/soma-infra',
      'create Secret/soma-infra/soma-infra-postgres-credentials',
      'create Secret/soma-infra/soma-infra-vault-dev-root',
      'create Secret/soma-infra/soma-infra-grafana-admin',
      'apply Secret/argocd/kind-soma-repository',
      'apply AppProject/argocd/soma-bootstrap',
      'apply Application/argocd/kind-soma-root',
    ]);
    // A CRD wait separates the phases: nothing else was applied before the CRDs were established.
    const established = w.fake.requests.findIndex((r) => r.method === 'GET' && r.path.includes('customresourcedefinitions/'));
    const firstRest = w.fake.requests.findIndex((r) => r.method === 'PATCH' && r.path.includes('argocd-cm'));
    expect(established).toBeGreaterThan(-1);
    expect(established).toBeLessThan(firstRest);

    const pg = w.fake.get('v1', 'Secret', 'soma-infra-postgres-credentials', 'soma-infra')!;
    const decoded = Object.fromEntries(Object.entries(pg.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(Object.keys(decoded)).toEqual(['username', 'password', 'database']);
    expect(decoded.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout + stderr).not.toContain(decoded.password);

    const repo = w.fake.get('v1', 'Secret', 'kind-soma-repository', 'argocd')!;
    expect(repo.metadata.labels?.['argocd.argoproj.io/secret-type']).toBe('repository');
    expect(Buffer.from((repo.data as Record<string, string>).url!, 'base64').toString()).toBe('https://github.com/example/somastack.git');

    for (const [i, name] of ['Preflight', 'Kind cluster', 'Argo CD v3.5.4', 'Secrets', 'Repository', 'Root application', 'Synced and Healthy', 'Access'].entries()) {
      expect(stderr).toContain(`[${i + 1}/8] ${name}`);
    }
    expect(stderr).toContain("created Kind cluster 'soma' (context kind-soma");
    expect(stderr).toContain('3 created, 0 kept');
    expect(stdout).toMatch(/^Bootstrap of kind-soma finished in .*: every Application is Synced and Healthy\./);
    for (const app of ['kind-soma-root', ...CHILDREN]) expect(stdout).toContain(app);
    expect(stdout).toContain('Argo CD   http://localhost:18080   (user: admin)');
    expect(stdout).toContain("kubectl --context kind-soma -n argocd get secret argocd-initial-admin-secret -o 'jsonpath={.data.password}' | base64 -d");
    expect(stdout).toContain('Grafana   http://localhost:13000');
  });

  it('reports per-step and per-component timings as JSON', async () => {
    const w = await world({ sim: { workloadsReadyAfter: 6, appsHealthyAfter: 30 } });
    const { code, stdout } = await bootstrap(w, { json: true });
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ cluster: 'kind-soma', context: 'kind-soma', ok: true, changed: true });
    expect(r.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(KIND_STEPS.map((n) => `${n}:ok`));
    expect(r.steps.find((s: { name: string }) => s.name === 'argocd').durationMs).toBeGreaterThan(0);
    expect(r.components.map((c: { component: string }) => c.component)).toEqual(['root', 'argocd', 'platform', 'cnpg', 'cert-manager', 'postgres', 'vault', 'prometheus', 'grafana']);
    for (const c of r.components) {
      expect(c.timeToHealthyMs).toBeGreaterThan(0);
      expect(c).toMatchObject({ sync: 'Synced', health: 'Healthy', revision: HEAD.slice(0, 7) });
    }
    expect(r.access.argocd.url).toBe('http://localhost:18080');
  });
});

describe('a postgres credentials Secret from before CloudNativePG', () => {
  it('is kept (never rotated) with a warning naming the type CloudNativePG needs and the fix', async () => {
    const w = await world();
    expect((await bootstrap(w)).code).toBe(0);
    const secret = w.fake.get('v1', 'Secret', 'soma-infra-postgres-credentials', 'soma-infra')!;
    w.fake.put({ ...secret, type: 'Opaque' });
    const { code, stdout, stderr } = await bootstrap(w);
    expect(code).toBe(0);
    expect(`${stdout}${stderr}`).toMatch(/soma-infra-postgres-credentials is of type Opaque, but its reader needs kubernetes\.io\/basic-auth/);
    expect(w.fake.get('v1', 'Secret', 'soma-infra-postgres-credentials', 'soma-infra')!.type).toBe('Opaque');
  });
});

describe('existing healthy cluster', () => {
  it('changes nothing on a re-run, finishes quickly and says so', async () => {
    const w = await world();
    expect((await bootstrap(w)).code).toBe(0);
    const secretsBefore = secretValues(w);
    const writesBefore = w.fake.writes.length;
    const start = w.deps.clock.t;

    const { code, stdout } = await bootstrap(w, { json: true });
    expect(code).toBe(0);
    const second = w.fake.writes.slice(writesBefore);
    expect(second.filter((x) => x.changed)).toEqual([]);
    expect(second.filter((x) => x.verb === 'create')).toEqual([]);
    expect(w.machine.lines().filter((l) => l.startsWith('kind create'))).toHaveLength(1);
    expect(secretValues(w)).toEqual(secretsBefore);
    const r = JSON.parse(stdout);
    expect(r.changed).toBe(false);
    expect(r.steps.filter((s: { changed: boolean }) => s.changed)).toEqual([]);
    expect(w.deps.clock.t - start).toBeLessThan(10_000);

    const text = await bootstrap(w);
    expect(text.stdout).toMatch(/^Nothing to change: kind-soma was already bootstrapped and every Application is Synced and Healthy/);
    expect(text.stderr).toContain("reused Kind cluster 'soma'");
    expect(text.stderr).toContain('already installed (8 unchanged)');
    expect(text.stderr).toContain('0 created, 3 kept');
  });
});

describe('interrupted after each step', () => {
  for (const step of KIND_STEPS.slice(0, -1)) {
    it(`resumes and converges after an interruption following '${step}'`, async () => {
      const w = await world();
      const interrupt = (s: StepName) => {
        if (s === step) throw new UserError('interrupted (Ctrl-C)');
      };
      const first = await bootstrap(w, {}, { afterStep: interrupt });
      expect(first.code).toBe(2);
      expect(first.stderr).toContain('interrupted (Ctrl-C)');
      const secretsAfterFirst = secretValues(w);

      const second = await bootstrap(w);
      expect(second.stderr).not.toMatch(/error/);
      expect(second.code).toBe(0);
      expect(w.machine.lines().filter((l) => l.startsWith('kind create'))).toHaveLength(1);
      // Secrets made before the interruption are kept, never rotated.
      for (const [name, data] of secretsAfterFirst) expect(secretValues(w).find(([n]) => n === name)?.[1]).toEqual(data);
      expect(secretValues(w)).toHaveLength(3);
      expect(w.fake.get('argoproj.io/v1alpha1', 'Application', 'kind-soma-root', 'argocd')).toBeDefined();
    });
  }
});

describe('Argo CD slow to start', () => {
  it('waits, showing what it waits on, until the workloads have rolled out', async () => {
    const w = await world({ sim: { workloadsReadyAfter: 40 } });
    const { code, stderr } = await bootstrap(w);
    expect(code).toBe(0);
    expect(stderr).toMatch(/waiting for Argo CD's 3 workloads to roll out: Deployment argocd-server: Progressing: Waiting for rollout to finish: observed deployment generation less than desired generation/);
    expect(stderr).toMatch(/installed \(8 created\); 3 workloads ready \(\d+\.\ds\)/);
  });

  it('times out naming each workload that is not ready and why', async () => {
    const w = await world({ sim: { workloadsReadyAfter: 1_000_000 } });
    const { code, stderr } = await bootstrap(w, { timeout: '30s' });
    expect(code).toBe(1);
    expect(stderr).toContain("error: Argo CD v3.5.4: timed out after 30.0s waiting for Argo CD's 3 workloads to roll out; not ready:");
    expect(stderr).toContain('  - Deployment argocd-server: Progressing: Waiting for rollout to finish: observed deployment generation less than desired generation');
    expect(stderr).toContain('  - StatefulSet argocd-application-controller: Progressing');
    expect(stderr).toContain('fix: kubectl --context kind-soma -n argocd get pods');
    expect(w.fake.writes.some((x) => x.ref.startsWith('Secret/'))).toBe(false);
  });
});

describe('a child Application Degraded', () => {
  it('fails fast after the grace period with the resource and Argo CD message', async () => {
    const w = await world({ sim: { degraded: { app: 'kind-soma-postgres', message: 'back-off 5m0s restarting failed container' } } });
    const start = w.deps.clock.t;
    const { code, stderr } = await bootstrap(w, { json: true });
    expect(code).toBe(1);
    expect(w.deps.clock.t - start).toBeLessThan(3 * 60_000);
    expect(stderr).toContain('error: Synced and Healthy: Degraded for longer than 1m00s:');
    expect(stderr).toContain('kind-soma-postgres: Synced/Degraded');
    expect(stderr).toContain('kind-soma-postgres › StatefulSet soma-infra/postgres: Synced/Degraded — back-off 5m0s restarting failed container');
    expect(stderr.slice(stderr.indexOf('error:'))).not.toContain('kind-soma-root: Synced/Degraded');
  });

  it('does not let a Healthy root hide a child that was never created', async () => {
    const w = await world();
    // Argo CD never creates vault's Application, yet the root reports it as a Healthy resource.
    const original = w.fake.put.bind(w.fake);
    w.fake.put = (o) => (o.kind === 'Application' && o.metadata.name === 'kind-soma-vault' ? o : original(o));
    const { code, stderr } = await bootstrap(w, { timeout: '1m' });
    expect(code).toBe(1);
    expect(stderr).toContain('kind-soma-vault: not created yet (the root Application creates it)');
  });
});

describe('the API server returns 503, then recovers', () => {
  it('retries with backoff and completes', async () => {
    const w = await world();
    let failures = 0;
    w.fake.fault((r) => (r.path.startsWith('/api') && failures < 6 ? (failures++, { status: 503, body: { message: 'apiserver not ready' } }) : undefined));
    const { code } = await bootstrap(w);
    expect(code).toBe(0);
    expect(w.fake.requests.filter((r) => r.status === 503)).toHaveLength(6);
  });

  it('fails at once on a permanent error (403) with the reason', async () => {
    const w = await world();
    w.fake.fault((r) => (r.method === 'POST' && r.path.includes('/secrets') ? { status: 403, body: { reason: 'Forbidden', message: 'secrets is forbidden: User "dev" cannot create resource' } } : undefined));
    const { code, stderr } = await bootstrap(w);
    expect(code).toBe(2);
    expect(stderr).toContain("error: Secrets: no permission to create Secret/soma-infra/soma-infra-postgres-credentials on context 'kind-soma': secrets is forbidden");
    expect(w.fake.requests.filter((r) => r.method === 'POST' && r.path.includes('/secrets'))).toHaveLength(1);
  });
});
