import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { planOverlay } from '../../src/core/overlay.ts';
import { CONFIG_HASH_ANNOTATION, configHash } from '../../src/core/components/workload.ts';
import {
  LIVENESS_PATH,
  READINESS_PATH,
  VAULT_IMAGE,
  raftJoinAddresses,
  serverConfig,
  vault,
} from '../../src/core/components/vault.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const workloadOf = (env: Environment) =>
  vault.build(env, CTX).find((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')!;
const podOf = (env: Environment) => podSpecOf(workloadOf(env))!.spec as unknown as V1PodSpec;
const serverOf = (env: Environment) => podOf(env).containers.find((c) => c.name === 'vault')!;
const envVar = (c: V1Container, name: string) => c.env?.find((e) => e.name === name);
const query = (path: string) => Object.fromEntries(new URL(path, 'http://vault').searchParams);
const RAFT_ENVS = ['staging', 'prod'] as const;

describe('vault raft join addresses and server config, derived from the replica count', () => {
  it('lists the API address of every pod behind the headless Service', () => {
    expect(raftJoinAddresses(1)).toEqual(['https://vault-0.vault-headless.soma-infra.svc.cluster.local:8200']);
    expect(raftJoinAddresses(3)).toEqual(
      [0, 1, 2].map((i) => `https://vault-${i}.vault-headless.soma-infra.svc.cluster.local:8200`),
    );
    for (const n of [0, 1.5]) expect(() => raftJoinAddresses(n)).toThrow(/positive integer/);
  });

  it.each([[1], [3]])(
    'writes one retry_join per node for %i node(s), raft on the data volume, metrics without a token',
    (n) => {
      const hcl = serverConfig(n);
      const joins = [
        ...hcl.matchAll(/retry_join \{\s*leader_api_addr\s+= "([^"]+)"\s*leader_ca_cert_file = "([^"]+)"\s*\}/g),
      ];
      expect(joins.map((m) => m[1])).toEqual(raftJoinAddresses(n));
      // Each join verifies the leader's certificate with the CA cert-manager writes beside it.
      for (const m of joins) expect(m[2]).toBe('/vault/tls/ca.crt');
      expect(hcl).toMatch(/tls_cert_file\s+= "\/vault\/tls\/tls\.crt"/);
      expect(hcl).toMatch(/tls_key_file\s+= "\/vault\/tls\/tls\.key"/);
      expect(hcl).not.toContain('tls_disable');
      expect(hcl).toMatch(/storage "raft" \{\s*path = "\/vault\/data"/);
      expect(hcl).toMatch(/address\s+= "0\.0\.0\.0:8200"/);
      expect(hcl).toMatch(/cluster_address\s+= "0\.0\.0\.0:8201"/);
      expect(hcl).toMatch(/telemetry \{\s*(#[^\n]*\n\s*)?unauthenticated_metrics_access = true/);
      expect(hcl).toMatch(/prometheus_retention_time\s+= "\d+s"/);
      expect(hcl).toMatch(/^disable_mlock = true$/m);
      expect(hcl).toMatch(/^ui = true$/m);
      // Every block is closed.
      expect(hcl.split('{').length).toBe(hcl.split('}').length);
    },
  );
});

describe('vault health probes', () => {
  it('takes only an unsealed active or standby node into the Service', () => {
    const q = query(READINESS_PATH);
    expect(q).toMatchObject({ standbyok: 'true', perfstandbyok: 'true' });
    expect(q.sealedcode).toBeUndefined();
    expect(q.uninitcode).toBeUndefined();
  });

  it('never restarts a node for being sealed, uninitialised or standby (2xx for all of them)', () => {
    const q = query(LIVENESS_PATH);
    expect(q).toMatchObject({ standbyok: 'true', perfstandbyok: 'true' });
    for (const code of [q.sealedcode, q.uninitcode]) {
      expect(Number(code)).toBeGreaterThanOrEqual(200);
      expect(Number(code)).toBeLessThan(300);
    }
  });
});

describe.each(ENVIRONMENTS.map((env) => [env]))('vault build(%s)', (env: Environment) => {
  const objects = vault.build(env, CTX);
  const pod = podOf(env);
  const server = serverOf(env);

  it('returns valid, namespaced objects without the environment label, the same on every call', () =>
    expectWellFormed(vault, env));

  it('serves the contract port on the contract Service and is discoverable through the headless one', () => {
    const svc = find(objects, 'Service', CONTRACTS.vault.service)!;
    expect((svc.spec as any).ports).toEqual([
      expect.objectContaining({ port: CONTRACTS.vault.port, targetPort: 'https' }),
    ]);
    const headless = find(objects, 'Service', headlessServiceName('vault'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    const podLabels = (workloadOf(env).spec as any).template.metadata.labels;
    for (const s of [svc, headless])
      for (const [k, v] of Object.entries((s.spec as any).selector)) expect(podLabels[k]).toBe(v);
    expect(server.ports).toContainEqual(
      expect.objectContaining({ name: 'https', containerPort: INTERNAL_PORTS.vault.metrics.port }),
    );
  });

  it('probes sys/health with the readiness and liveness parameters', () => {
    expect(server.readinessProbe?.httpGet).toEqual({ path: READINESS_PATH, port: 'https', scheme: 'HTTPS' });
    expect(server.livenessProbe?.httpGet).toEqual({ path: LIVENESS_PATH, port: 'https', scheme: 'HTTPS' });
  });

  it('runs as the image user without IPC_LOCK: restricted context, requests within limits', () => {
    expectRestrictedPods(objects, { uid: 100, gid: 1000 });
    expect(pod.containers.map((c) => c.name)).toEqual(['vault', 'tls-reload']);
    // The image entrypoint would chown and setcap as root; the binary is started directly.
    expect(server.command).toEqual(['vault']);
    expect(server.image).toBe(VAULT_IMAGE);
    expect(VAULT_IMAGE).toMatch(/^docker\.io\/hashicorp\/vault:\d+\.\d+\.\d+$/);
    const mounts = server.volumeMounts!.map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/home/vault']));
  });
});

describe('vault in dev: the dev-mode server, nothing persisted', () => {
  const objects = vault.build('dev', CTX);
  const server = serverOf('dev');

  it('runs `vault server -dev` as a single-replica Deployment, its own listener on loopback', () => {
    const workload = workloadOf('dev');
    expect(workload.kind).toBe('Deployment');
    expect((workload.spec as any).replicas).toBe(1);
    expect(server.args).toEqual([
      'server',
      '-dev',
      '-dev-no-store-token',
      '-dev-listen-address=127.0.0.1:8210',
      '-config=/vault/config/vault.hcl',
    ]);
    expect(objects.map((o) => o.kind)).not.toContain('StatefulSet');
    expect(JSON.stringify(objects)).not.toContain('volumeClaimTemplates');
  });

  it('serves the contract port from a config listener that lets Prometheus read metrics without a token', () => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'vault-config')!;
    const hcl = (cm as any).data['vault.hcl'] as string;
    expect(hcl).toMatch(/address\s+= "0\.0\.0\.0:8200"/);
    expect(hcl).not.toContain('cluster_address');
    expect(hcl).toMatch(/telemetry \{\s+unauthenticated_metrics_access = true/);
    expect(hcl).not.toMatch(/storage|retry_join/);
    // Both listeners on one address would fail to bind.
    expect(server.args!.join(' ')).not.toContain('-dev-listen-address=0.0.0.0:8200');
    expect(server.volumeMounts).toContainEqual({ name: 'config', mountPath: '/vault/config', readOnly: true });
  });

  it('takes the root token from the dev Secret of the contract', () => {
    const secret = CONTRACTS.vault.secrets.find((s) => s.environments?.includes('dev'))!;
    expect(secret.name).toBe('soma-infra-vault-dev-root');
    expect(envVar(server, 'VAULT_DEV_ROOT_TOKEN_ID')?.valueFrom?.secretKeyRef).toEqual({
      name: secret.name,
      key: 'token',
    });
    expect(JSON.stringify(objects)).not.toMatch(/-dev-root-token-id/);
  });

  it('syncs in the last wave, so a sealed raft Vault never holds back the other components', async () => {
    const { TIER_WAVE } = await import('../../src/core/components/spec.ts');
    expect(TIER_WAVE[vault.tier]).toBe(Math.max(...Object.values(TIER_WAVE)));
  });

  it('is what the dev overlay makes of the staging base: the real server replaced, its config rewritten', () => {
    expect(vault.baseEnvironment).toBe('staging');
    const plan = planOverlay(vault.build('staging', CTX), objects);
    expect(plan.added.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/vault']);
    expect(plan.deleted.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(['StatefulSet/vault']);
    expect(plan.patches.map((o: any) => `${o.kind}/${o.metadata.name}`)).toContain('ConfigMap/vault-config');
  });

  it('keeps dev requests within its share of the laptop budget (100m CPU, 128Mi)', () => {
    expectDevRequestsWithin(vault, { cpu: '100m', memory: '128Mi' });
  });
});

describe.each(RAFT_ENVS.map((env) => [env]))('vault in %s: a real raft server', (env) => {
  const objects = vault.build(env, CTX);
  const sts = workloadOf(env);
  const replicas = (sts.spec as any).replicas as number;
  const server = serverOf(env);
  const cm = find(objects, 'ConfigMap', 'vault-config')!;
  const config = (cm as any).data['vault.hcl'] as string;

  it('never runs dev mode', () => {
    expect(sts.kind).toBe('StatefulSet');
    expect(server.args!.some((a) => a.startsWith('-dev'))).toBe(false);
    expect(envVar(server, 'VAULT_DEV_ROOT_TOKEN_ID')).toBeUndefined();
  });

  it('reads the ConfigMap it mounts, joined to exactly its replicas, and rolls when it changes', () => {
    const mount = server.volumeMounts!.find((m) => m.name === 'config')!;
    expect(server.args).toEqual(['server', `-config=${mount.mountPath}/vault.hcl`]);
    expect(podOf(env).volumes!.find((v) => v.name === 'config')!.configMap!.name).toBe(cm.metadata.name);
    expect(config).toBe(serverConfig(replicas));
    expect((sts.spec as any).template.metadata.annotations[CONFIG_HASH_ANNOTATION]).toBe(
      configHash({ 'vault.hcl': config }),
    );
  });

  it('keeps raft data on a claimed volume and names each node after its pod', () => {
    expect((sts.spec as any).volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual(['data']);
    expect(server.volumeMounts!.find((m) => m.name === 'data')!.mountPath).toBe('/vault/data');
    const names = server.env!.map((e) => e.name);
    expect(names[0]).toBe('POD_NAME');
    expect(envVar(server, 'VAULT_RAFT_NODE_ID')?.value).toBe('$(POD_NAME)');
    expect(envVar(server, 'VAULT_API_ADDR')?.value).toBe(
      'https://$(POD_NAME).vault-headless.soma-infra.svc.cluster.local:8200',
    );
    expect(envVar(server, 'VAULT_CLUSTER_ADDR')?.value).toBe(
      'https://$(POD_NAME).vault-headless.soma-infra.svc.cluster.local:8201',
    );
    expect((sts.spec as any).serviceName).toBe(headlessServiceName('vault'));
    expect((sts.spec as any).podManagementPolicy).toBe('Parallel');
  });

  it('exposes the cluster port only on the headless Service', () => {
    const headless = find(objects, 'Service', headlessServiceName('vault'))!;
    expect((headless.spec as any).publishNotReadyAddresses).toBe(true);
    expect((headless.spec as any).ports.map((p: any) => p.port)).toEqual([8200, 8201]);
    expect(server.ports!.map((p) => p.containerPort)).toEqual([8200, 8201]);
  });
});

describe('vault per-environment differences', () => {
  it('runs one raft node in staging and three in prod, with a budget and spreading only in prod', () => {
    expect((workloadOf('staging').spec as any).replicas).toBe(1);
    expect((workloadOf('prod').spec as any).replicas).toBe(3);
    expect(find(vault.build('staging', CTX), 'PodDisruptionBudget', 'vault')).toBeUndefined();
    expect(find(vault.build('dev', CTX), 'PodDisruptionBudget', 'vault')).toBeUndefined();
    const pdb = find(vault.build('prod', CTX), 'PodDisruptionBudget', 'vault')!;
    expect((pdb.spec as any).maxUnavailable).toBe(1);
    expect((pdb.spec as any).selector.matchLabels).toEqual((workloadOf('prod').spec as any).selector.matchLabels);
    expect(podOf('prod').affinity?.podAntiAffinity).toBeDefined();
    expect(podOf('staging').affinity).toBeUndefined();
  });
});
