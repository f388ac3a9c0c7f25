import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONTRACTS, headlessServiceName, serviceDns } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, KIND_PORTS, NAMESPACE, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { DATASOURCE_UID } from '../../src/core/components/dashboards/index.ts';
import { DASHBOARDS } from '../../src/core/contracts.ts';
import { UI_SERVICE, grafana } from '../../src/core/components/grafana.ts';
import { CONFIG_HASH_ANNOTATION, configHash } from '../../src/core/components/workload.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

type Any = Record<string, any>;

const find = (objs: KubeObject[], kind: string, name: string): Any | undefined =>
  objs.find((x) => x.kind === kind && x.metadata.name === name) as Any | undefined;
const deploy = (env: Environment): Any => find(grafana.build(env, CTX), 'Deployment', 'grafana')!;
const pod = (env: Environment): Any => podSpecOf(deploy(env) as KubeObject)!.spec as Any;
const server = (env: Environment): Any => pod(env).containers[0];
const envVars = (env: Environment): Record<string, Any> =>
  Object.fromEntries((server(env).env as Any[]).map((e) => [e.name, e]));
const configFile = (cm: string, file: string): string => {
  const files = grafana.configFiles!(CTX).find((c) => c.name === cm)?.files;
  if (!files?.[file]) throw new Error(`no ${cm}/${file}`);
  return files[file];
};
const mountOf = (env: Environment, volume: string): Any =>
  (server(env).volumeMounts as Any[]).find((m) => m.name === volume)!;

describe('grafana objects', () => {
  it.each(ENVIRONMENTS)('%s: the contract Service is ClusterIP on the contract name and port', (env) => {
    const svc = find(grafana.build(env, CTX), 'Service', CONTRACTS.grafana.service)!;
    expect(svc.metadata.namespace).toBe(NAMESPACE);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports.map((p: Any) => p.port)).toEqual([CONTRACTS.grafana.port]);
  });

  it.each(ENVIRONMENTS)('%s: a headless Service lets Prometheus find the pod', (env) => {
    expect(find(grafana.build(env, CTX), 'Service', headlessServiceName('grafana'))!.spec.clusterIP).toBe('None');
  });

  it('dev only: a NodePort Service on the Kind node port reaches the UI', () => {
    const ui = find(grafana.build('dev', CTX), 'Service', UI_SERVICE)!;
    expect(ui.spec.type).toBe('NodePort');
    expect(ui.spec.ports).toEqual([
      expect.objectContaining({ port: CONTRACTS.grafana.port, nodePort: KIND_PORTS.grafana.nodePort }),
    ]);
    expect(ui.spec.selector).toEqual(find(grafana.build('dev', CTX), 'Service', 'grafana')!.spec.selector);
    expect(find(grafana.build('staging', CTX), 'Service', UI_SERVICE)).toBeUndefined();
    expect(find(grafana.build('prod', CTX), 'Service', UI_SERVICE)).toBeUndefined();
  });

  it.each(ENVIRONMENTS)('%s: every object is a namespaced KubeObject', (env) => expectWellFormed(grafana, env));

  it.each(ENVIRONMENTS)(
    '%s: one replica, replaced (not rolled) because the database volume is ReadWriteOnce',
    (env) => {
      const d = deploy(env);
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.strategy.type).toBe('Recreate');
      const claim = pod(env).volumes.find((v: Any) => v.name === 'data').persistentVolumeClaim.claimName;
      const pvc = find(grafana.build(env, CTX), 'PersistentVolumeClaim', claim)!;
      expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
      expect(mountOf(env, 'data').mountPath).toBe(envVars(env).GF_PATHS_DATA!.value);
    },
  );

  it('prod keeps its database on a larger volume than dev', () => {
    const size = (env: Environment): number =>
      parseQuantity(
        find(grafana.build(env, CTX), 'PersistentVolumeClaim', 'grafana-data')!.spec.resources.requests.storage,
      );
    expect(size('prod')).toBeGreaterThan(size('dev'));
  });

  it.each(ENVIRONMENTS)(
    '%s: runs restricted as the grafana user with /api/health probes, requests and limits',
    (env) => {
      expectRestrictedPods(grafana.build(env, CTX), { uid: 472 });
      for (const c of pod(env).containers as Any[]) {
        expect(c.image).toMatch(/^docker\.io\/grafana\/grafana:12\.\d+\.\d+$/);
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
          expect(c[probe].httpGet.path).toBe('/api/health');
      }
    },
  );

  it('dev stays inside its share of the laptop budget (50m / 128Mi requested)', () => {
    expectDevRequestsWithin(grafana, { cpu: '50m', memory: '128Mi' });
  });

  it.each(ENVIRONMENTS)('%s: every path Grafana writes is a volume, set through GF_PATHS_*', (env) => {
    const vars = envVars(env);
    const mounted = new Set((server(env).volumeMounts as Any[]).filter((m) => !m.readOnly).map((m) => m.mountPath));
    for (const key of ['GF_PATHS_DATA', 'GF_PATHS_LOGS', 'GF_PATHS_PLUGINS'])
      expect(mounted).toContain(vars[key]!.value);
    expect(mounted).toContain('/tmp');
  });

  it.each(ENVIRONMENTS)('%s: the admin login comes from the contract Secret, never a literal', (env) => {
    const secret = CONTRACTS.grafana.secrets[0]!;
    const vars = envVars(env);
    const volume = pod(env).volumes.find((v: Any) => v.secret?.secretName === secret.name);
    expect(volume.secret.items.map((i: Any) => i.key)).toEqual([...secret.keys]);
    const dir = mountOf(env, volume.name).mountPath;
    expect(vars.GF_SECURITY_ADMIN_USER__FILE!.value).toBe(`${dir}/admin-user`);
    expect(vars.GF_SECURITY_ADMIN_PASSWORD__FILE!.value).toBe(`${dir}/admin-password`);
    expect(vars.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
  });

  it.each(ENVIRONMENTS)('%s: anonymous access, analytics, update checks and plugin downloads are off', (env) => {
    const vars = envVars(env);
    expect(vars.GF_AUTH_ANONYMOUS_ENABLED!.value).toBe('false');
    for (const key of [
      'GF_ANALYTICS_REPORTING_ENABLED',
      'GF_ANALYTICS_CHECK_FOR_UPDATES',
      'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES',
    ]) {
      expect(vars[key]!.value).toBe('false');
    }
    expect(vars.GF_PLUGINS_PREINSTALL_DISABLED!.value).toBe('true');
  });

  it('rolls the pod when provisioning changes: the template carries the hash of every shipped file', () => {
    const files = Object.fromEntries(
      grafana.configFiles!(CTX).flatMap((c) => Object.entries(c.files).map(([k, v]) => [`${c.name}/${k}`, v])),
    );
    expect(deploy('dev').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION]).toBe(configHash(files));
  });

  it('is deterministic', () => {
    for (const env of ENVIRONMENTS) expect(grafana.build(env, CTX)).toEqual(grafana.build(env, CTX));
    expect(grafana.configFiles!(CTX)).toEqual(grafana.configFiles!(CTX));
  });
});

describe('grafana provisioning', () => {
  it('mounts every provisioning ConfigMap', () => {
    const volumes = pod('dev').volumes as Any[];
    for (const cm of grafana.configFiles!(CTX)) {
      const volume = volumes.find((v) => v.configMap?.name === cm.name)!;
      expect(volume, cm.name).toBeDefined();
      expect(mountOf('dev', volume.name).readOnly).toBe(true);
    }
  });

  it('points the default datasource at the prometheus contract Service', () => {
    const ds = parse(configFile('grafana-datasources', 'prometheus.yaml'));
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({
      type: 'prometheus',
      uid: DATASOURCE_UID,
      isDefault: true,
      url: `http://${serviceDns('prometheus')}:${CONTRACTS.prometheus.port}`,
    });
  });

  it('loads the dashboards from where the dashboards ConfigMap is mounted, read-only in the UI', () => {
    const providers = parse(configFile('grafana-dashboard-providers', 'soma.yaml')).providers;
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: 'file', allowUiUpdates: false, disableDeletion: true });
    const volume = (pod('dev').volumes as Any[]).find((v) => v.configMap?.name === 'grafana-dashboards')!;
    expect(providers[0].options.path).toBe(mountOf('dev', volume.name).mountPath);
  });

  it('ships one file per baseline dashboard', () => {
    const files = grafana.configFiles!(CTX).find((c) => c.name === 'grafana-dashboards')!.files;
    expect(Object.keys(files).sort()).toEqual(DASHBOARDS.map((d) => `${d.uid}.json`).sort());
    for (const d of DASHBOARDS) expect(JSON.parse(files[`${d.uid}.json`]!).uid).toBe(d.uid);
  });
});
