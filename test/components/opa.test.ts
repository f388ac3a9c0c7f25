import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../src/adapters/process.ts';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import {
  OPA_DATA_CONFIGMAP,
  OPA_DECISION_PATH,
  OPA_POLICY_CONFIGMAP,
  opa,
  opaTestFiles,
} from '../../src/core/components/opa.ts';
import { SOMA_POLICY_DATA, renderPolicyData } from '../../src/core/components/opa/data.ts';
import { CONFIG_HASH_ANNOTATION, configHash } from '../../src/core/components/workload.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { tempDir } from '../support/temp.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const deploymentOf = (env: Environment) => find(opa.build(env, CTX), 'Deployment', 'opa')!;
const podOf = (env: Environment) => podSpecOf(deploymentOf(env))!.spec as unknown as V1PodSpec;
const files = opa.configFiles!(CTX);
const configMap = (name: string) => files.find((f) => f.name === name)!;

/** The package a Rego module declares. */
const regoPackage = (text: string) => /^package\s+([\w.]+)\s*$/m.exec(text)?.[1];

describe.each(ENVIRONMENTS.map((env) => [env]))('opa build(%s)', (env: Environment) => {
  const objects = opa.build(env, CTX);
  const pod = podOf(env);
  const server = pod.containers.find((c) => c.name === 'opa')!;

  it('returns valid, namespaced objects of the opa component, the same on every call', () =>
    expectWellFormed(opa, env));

  it('serves the contract port through the opa Service and a headless Service for scraping', () => {
    const svc = find(objects, 'Service', CONTRACTS.opa.service)!;
    expect((svc.spec as any).ports).toEqual([
      expect.objectContaining({ port: CONTRACTS.opa.port, targetPort: 'http' }),
    ]);
    expect(server.ports).toContainEqual(expect.objectContaining({ name: 'http', containerPort: CONTRACTS.opa.port }));
    expect(server.ports!.map((p) => p.containerPort)).toContain(INTERNAL_PORTS.opa.metrics.port);
    expect((find(objects, 'Service', headlessServiceName('opa'))!.spec as any).clusterIP).toBe('None');
    const podLabels = (deploymentOf(env).spec as any).template.metadata.labels;
    for (const [k, v] of Object.entries((svc.spec as any).selector)) expect(podLabels[k]).toBe(v);
  });

  it('runs the server on the contract port, API authorization on, decision logs to the console', () => {
    const args = server.args!;
    expect(args.slice(0, 2)).toEqual(['run', '--server']);
    expect(args).toContain(`--addr=0.0.0.0:${CONTRACTS.opa.port}`);
    expect(args).toContain('--authorization=basic');
    expect(args).toContain('--set=decision_logs.console=true');
    expect(args).toContain('--disable-telemetry');
  });

  it("loads exactly the ConfigMaps' policy and data files, read-only, and never the tests", () => {
    const loaded = server.args!.filter((a) => !a.startsWith('-') && a !== 'run');
    const expected: string[] = [];
    for (const f of files) {
      const volume = pod.volumes!.find((v) => v.configMap?.name === f.name)!;
      const mount = server.volumeMounts!.find((m) => m.name === volume.name)!;
      expect(mount.readOnly).toBe(true);
      expected.push(...Object.keys(f.files).map((file) => `${mount.mountPath}/${file}`));
    }
    expect(loaded).toEqual(expected);
    expect(loaded.some((a) => a.endsWith('_test.rego'))).toBe(false);
  });

  it('rolls the pods when the policy or the data changes, not when only the tests do', () => {
    const annotation = (deploymentOf(env).spec as any).template.metadata.annotations[CONFIG_HASH_ANNOTATION];
    const configured = Object.fromEntries(
      files.flatMap((f) => Object.entries(f.files).map(([k, v]) => [`${f.name}/${k}`, v])),
    );
    expect(annotation).toBe(configHash(configured));
    const withTests = {
      ...configured,
      ...Object.fromEntries(Object.entries(configMap(OPA_POLICY_CONFIGMAP).extraFiles!)),
    };
    expect(annotation).not.toBe(configHash(withTests));
  });

  it('probes /health for liveness and /health?plugins for readiness on the API port', () => {
    expect(server.livenessProbe?.httpGet).toMatchObject({ path: '/health', port: 'http' });
    expect(server.readinessProbe?.httpGet).toMatchObject({ path: '/health?plugins', port: 'http' });
  });

  it('runs as the image user with the restricted security context, requests within limits', () => {
    expectRestrictedPods(objects, { uid: 1000 });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('uses only the pinned image it declares', () => {
    expect(opa.images.map((i) => i.image)).toEqual([server.image]);
    expect(server.image).toMatch(/^docker\.io\/openpolicyagent\/opa:1\.\d+\.\d+(-static)?$/);
  });
});

describe('opa per-environment differences', () => {
  const replicas = (env: Environment) => (deploymentOf(env).spec as any).replicas as number;

  it('runs one replica in dev and several, spread over nodes and under a disruption budget, in prod', () => {
    expect(replicas('dev')).toBe(1);
    expect(podOf('dev').affinity).toBeUndefined();
    expect(replicas('prod')).toBeGreaterThan(1);
    expect(podOf('prod').affinity?.podAntiAffinity).toBeDefined();
    const pdb = find(opa.build('prod', CTX), 'PodDisruptionBudget', 'opa')!;
    expect((pdb.spec as any).selector.matchLabels).toEqual((deploymentOf('prod').spec as any).selector.matchLabels);
    expect(find(opa.build('dev', CTX), 'PodDisruptionBudget', 'opa')).toBeUndefined();
  });

  it('keeps the same server arguments and files in every environment', () => {
    const shape = (env: Environment) => ({ args: podOf(env).containers[0]!.args, volumes: podOf(env).volumes });
    expect(shape('staging')).toEqual(shape('dev'));
    expect(shape('prod')).toEqual(shape('dev'));
  });

  it('keeps dev requests within its share of the laptop budget (50m CPU, 128Mi)', () => {
    expectDevRequestsWithin(opa, { cpu: '50m', memory: '128Mi' });
  });
});

describe('opa policy files', () => {
  it('ships the policy and API authorization in opa-policy, tests beside them, data in opa-data', () => {
    expect(files.map((f) => f.name)).toEqual([OPA_POLICY_CONFIGMAP, OPA_DATA_CONFIGMAP]);
    expect(Object.keys(configMap(OPA_POLICY_CONFIGMAP).files).sort()).toEqual(['authz.rego', 'soma.rego']);
    expect(Object.keys(configMap(OPA_POLICY_CONFIGMAP).extraFiles ?? {}).sort()).toEqual([
      'authz_test.rego',
      'soma_test.rego',
    ]);
    expect(Object.keys(configMap(OPA_DATA_CONFIGMAP).files)).toEqual(['data.json']);
  });

  it('answers the contract path: package soma, rule allow, default deny', () => {
    const soma = configMap(OPA_POLICY_CONFIGMAP).files['soma.rego']!;
    expect(OPA_DECISION_PATH).toBe(`/v1/data/${regoPackage(soma)!.replaceAll('.', '/')}/allow`);
    expect(soma).toMatch(/^default allow := false$/m);
    const authz = configMap(OPA_POLICY_CONFIGMAP).files['authz.rego']!;
    expect(regoPackage(authz)).toBe('system.authz');
    expect(authz).toMatch(/^default allow := false$/m);
  });

  it('gives every test module its own package and at least one test rule', () => {
    for (const text of Object.values(configMap(OPA_POLICY_CONFIGMAP).extraFiles!)) {
      expect(regoPackage(text)).toMatch(/_test$/);
      expect(text).toMatch(/^test_\w+ if /m);
    }
  });

  it('ships well-formed allowlist data under data.soma_config', () => {
    const data = JSON.parse(configMap(OPA_DATA_CONFIGMAP).files['data.json']!);
    expect(data).toEqual(JSON.parse(renderPolicyData(SOMA_POLICY_DATA)));
    expect(data.soma_config.platform_admin_roles.length).toBeGreaterThan(0);
    const pairs = new Set<string>();
    for (const e of data.soma_config.allowlist) {
      expect(e.caller).toMatch(/^[a-z0-9-]+$/);
      expect(e.target).toMatch(/^[a-z0-9-]+$/);
      expect(e.caller).not.toBe(e.target);
      expect(e.methods.length).toBeGreaterThan(0);
      for (const m of e.methods) expect(m).toMatch(/^(\*|[A-Z]+)$/);
      expect(e.paths.length).toBeGreaterThan(0);
      for (const p of e.paths) expect(p.startsWith('/')).toBe(true);
      expect(e.description).not.toBe('');
      pairs.add(`${e.caller}->${e.target}`);
    }
    expect(pairs.size).toBe(data.soma_config.allowlist.length);
  });
});

/** The `opa` executable on PATH, if any (this suite must not pretend the Rego tests ran). */
function findOpa(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'opa');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

describe('opa test (the Rego unit tests, run by a real OPA)', () => {
  const opaBin = findOpa();
  const dir = tempDir('opa-policy-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!opaBin)(
    opaBin
      ? `passes with ${opaBin}`
      : 'SKIPPED: no `opa` binary on PATH — install OPA 1.x to run soma_test.rego and authz_test.rego',
    async () => {
      const names = Object.entries(opaTestFiles(CTX)).map(([name, text]) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      });
      const r = await runProcess(opaBin!, ['test', '--verbose', ...names], { allowFailure: true });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/PASS: \d+\/\d+/);
      expect(r.stdout).not.toMatch(/FAIL/);
    },
  );
});
