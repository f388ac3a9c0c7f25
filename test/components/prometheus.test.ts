import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPONENT_LIST,
  CONTRACTS,
  INTERNAL_PORTS,
  headlessServiceName,
  type ServiceComponent,
} from '../../src/core/contracts.ts';
import { kafka } from '../../src/core/components/kafka.ts';
import { podSpecOf, type KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, NAMESPACE, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import {
  checkScrapeTargets,
  discoveryName,
  expectedScrapeJobs,
  prometheus,
  renderPrometheusConfig,
} from '../../src/core/components/prometheus.ts';
import { CONFIG_HASH_ANNOTATION, configHash, service, statefulSet } from '../../src/core/components/workload.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

type Any = Record<string, any>;

const find = (objs: KubeObject[], kind: string, name: string): Any => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not built`);
  return o as Any;
};
const sts = (env: Environment): Any => find(prometheus.build(env, CTX), 'StatefulSet', 'prometheus');
const server = (env: Environment): Any => sts(env).spec.template.spec.containers[0];
const flag = (env: Environment, name: string): string | undefined =>
  (server(env).args as string[]).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const config = (): Any => parse(renderPrometheusConfig(CTX.components));
const job = (name: string): Any => {
  const j = config().scrape_configs.find((s: Any) => s.job_name === name);
  if (!j) throw new Error(`no scrape job ${name}`);
  return j;
};

describe('prometheus objects', () => {
  it.each(ENVIRONMENTS)(
    '%s: the contract Service has the contract name and port, plus a headless Service for the StatefulSet',
    (env) => {
      const objs = prometheus.build(env, CTX);
      const svc = find(objs, 'Service', CONTRACTS.prometheus.service);
      expect(svc.metadata.namespace).toBe(NAMESPACE);
      expect(svc.spec.type).toBe('ClusterIP');
      expect(svc.spec.ports.map((p: Any) => p.port)).toEqual([CONTRACTS.prometheus.port]);
      const headless = find(objs, 'Service', headlessServiceName('prometheus'));
      expect(headless.spec.clusterIP).toBe('None');
      expect(sts(env).spec.serviceName).toBe(headlessServiceName('prometheus'));
    },
  );

  it.each(ENVIRONMENTS)('%s: its only rights are listing nodes and reading kubelet metrics', (env) => {
    expectWellFormed(prometheus, env);
    const objs = prometheus.build(env, CTX);
    expect(objs.filter((o) => /Role/.test(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ClusterRole/soma-prometheus-kubelet-reader',
      'ClusterRoleBinding/soma-prometheus-kubelet-reader',
    ]);
    expect(find(objs, 'ClusterRole', 'soma-prometheus-kubelet-reader').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
    expect(find(objs, 'ClusterRoleBinding', 'soma-prometheus-kubelet-reader').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'prometheus', namespace: NAMESPACE },
    ]);
    expect(sts(env).spec.template.spec.serviceAccountName).toBe('prometheus');
  });

  it.each(ENVIRONMENTS)('%s: the container runs restricted as nobody with probes, requests and limits', (env) => {
    expectRestrictedPods(prometheus.build(env, CTX), { uid: 65534 });
    const pod = podSpecOf(sts(env) as KubeObject)!.spec as Any;
    for (const c of pod.containers as Any[]) {
      expect(c.image).toMatch(/^docker\.io\/prom\/prometheus:v3\.\d+\.\d+$/);
      expect(c.livenessProbe.httpGet.path).toBe('/-/healthy');
      expect(c.readinessProbe.httpGet.path).toBe('/-/ready');
    }
  });

  it('dev stays inside its share of the laptop budget (200m / 512Mi requested)', () => {
    expectDevRequestsWithin(prometheus, { cpu: '200m', memory: '512Mi' });
  });

  it.each([
    ['dev', '2d'],
    ['staging', '7d'],
    ['prod', '15d'],
  ] as const)('%s: keeps %s of samples, bounded in size below the volume', (env, retention) => {
    expect(flag(env, 'storage.tsdb.retention.time')).toBe(retention);
    const size = flag(env, 'storage.tsdb.retention.size')!;
    const volume = sts(env).spec.volumeClaimTemplates[0].spec.resources.requests.storage as string;
    // Prometheus' GB/MB are powers of two; retention must leave room for compaction.
    const bytes = Number(size.replace(/[A-Z]+$/, '')) * (size.endsWith('GB') ? 2 ** 30 : 2 ** 20);
    expect(bytes).toBeLessThan(parseQuantity(volume));
    expect(bytes).toBeGreaterThan(parseQuantity(volume) / 2);
  });

  it('prod keeps more data on a larger volume than dev', () => {
    const size = (env: Environment): number =>
      parseQuantity(sts(env).spec.volumeClaimTemplates[0].spec.resources.requests.storage);
    expect(size('prod')).toBeGreaterThan(size('dev'));
  });

  it.each(ENVIRONMENTS)(
    '%s: reads the config from the ConfigMap and writes only to the data volume; lifecycle API on',
    (env) => {
      const c = server(env);
      expect(flag(env, 'config.file')).toBe('/etc/prometheus/prometheus.yml');
      expect(flag(env, 'storage.tsdb.path')).toBe('/prometheus');
      expect(c.args).toContain('--web.enable-lifecycle');
      const mounts = Object.fromEntries((c.volumeMounts as Any[]).map((m) => [m.mountPath, m]));
      expect(mounts['/etc/prometheus']).toMatchObject({ name: 'config', readOnly: true });
      expect(mounts['/prometheus'].name).toBe(sts(env).spec.volumeClaimTemplates[0].metadata.name);
      const volume = sts(env).spec.template.spec.volumes.find((v: Any) => v.name === 'config');
      expect(volume.configMap.name).toBe(prometheus.configFiles!(CTX)[0]!.name);
    },
  );

  it('rolls the pod when the config changes: the template carries the hash of the shipped files', () => {
    const [cm] = prometheus.configFiles!(CTX);
    expect(sts('dev').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION]).toBe(configHash(cm!.files));
  });

  it('is deterministic', () => {
    for (const env of ENVIRONMENTS) expect(prometheus.build(env, CTX)).toEqual(prometheus.build(env, CTX));
    expect(renderPrometheusConfig(CTX.components)).toBe(renderPrometheusConfig(CTX.components));
  });

  it('differs between environments only in sizing, storage and retention', () => {
    const strip = (env: Environment): Any => {
      const s = structuredClone(sts(env));
      delete s.spec.template.spec.containers[0].resources;
      s.spec.template.spec.containers[0].args = s.spec.template.spec.containers[0].args.filter(
        (a: string) => !a.includes('retention'),
      );
      delete s.spec.volumeClaimTemplates[0].spec.resources;
      return s;
    };
    expect(strip('prod')).toEqual(strip('dev'));
  });
});

describe('prometheus.yml', () => {
  it('scrapes every 15 s', () => {
    expect(config().global.scrape_interval).toBe('15s');
  });

  it("expects a target in the jobs of a cluster's enabled components only (smoke fails a job with none)", () => {
    const enabled = COMPONENT_LIST.filter((c) => ['platform', 'cert-manager', 'vault', 'redis'].includes(c.name));
    expect(expectedScrapeJobs(enabled)).toEqual(['redis', 'vault', 'cert-manager', 'kubelet']);
  });

  it('has one job per service component, named after it, on the metrics port and path of INTERNAL_PORTS', () => {
    const jobs = (config().scrape_configs as Any[]).filter((j) => !['kubelet', 'cert-manager'].includes(j.job_name));
    expect(jobs.map((j) => j.job_name).sort()).toEqual(Object.keys(CONTRACTS).sort());
    for (const j of jobs) {
      const { port, path } = INTERNAL_PORTS[j.job_name as ServiceComponent].metrics;
      expect(j.metrics_path).toBe(path);
      const ports = [
        ...(j.dns_sd_configs ?? []).map((d: Any) => d.port),
        ...(j.static_configs ?? []).flatMap((s: Any) => s.targets.map((t: string) => Number(t.split(':').pop()))),
      ];
      expect(ports).toEqual([port]);
    }
  });

  it("scrapes cert-manager's controller through its release's Service, and Vault over TLS verified with the CA", () => {
    expect(job('cert-manager')).toMatchObject({
      metrics_path: '/metrics',
      scheme: 'http',
      dns_sd_configs: [{ names: ['cert-manager.cert-manager.svc.cluster.local'], type: 'A', port: 9402 }],
    });
    expect(job('vault')).toMatchObject({
      scheme: 'https',
      tls_config: { ca_file: '/etc/prometheus/ca/vault/ca.crt', server_name: 'vault.soma-infra.svc.cluster.local' },
    });
    expect(job('vault').tls_config.insecure_skip_verify).toBeUndefined();
    const sts = prometheus.build('dev', CTX).find((o) => o.kind === 'StatefulSet')!;
    const pod = (sts.spec as Any).template.spec;
    // Only the CA's certificate of Vault's Secret, never its key; optional until Vault's wave creates it.
    expect(pod.volumes).toContainEqual({
      name: 'ca-vault',
      secret: { secretName: 'vault-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }], optional: true },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'ca-vault',
      mountPath: '/etc/prometheus/ca/vault',
      readOnly: true,
    });
  });

  it.each(['kafka', 'etcd', 'vault'] as const)(
    '%s: every pod is a target (DNS A records of the headless Service)',
    (c) => {
      const j = job(c);
      expect(j.static_configs).toBeUndefined();
      expect(j.dns_sd_configs).toEqual([
        expect.objectContaining({ type: 'A', names: [`${headlessServiceName(c)}.${NAMESPACE}.svc.cluster.local`] }),
      ]);
    },
  );

  it('finds the components by DNS, and only the kubelet job through the API, keeping claim usage of soma-infra only', () => {
    const jobs = config().scrape_configs as Any[];
    expect(jobs.filter((j) => j.kubernetes_sd_configs).map((j) => j.job_name)).toEqual(['kubelet']);
    expect(job('kubelet')).toMatchObject({
      scheme: 'https',
      kubernetes_sd_configs: [{ role: 'node' }],
      authorization: { credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
    });
    expect(job('kubelet').metric_relabel_configs).toEqual([
      { source_labels: ['__name__'], regex: 'kubelet_volume_stats_.+', action: 'keep' },
      { source_labels: ['namespace'], regex: NAMESPACE, action: 'keep' },
    ]);
  });

  it('asks Vault for the Prometheus format', () => {
    expect(job('vault').params).toEqual({ format: ['prometheus'] });
    expect(job('postgres').params).toBeUndefined();
  });

  it('scrapes itself over loopback', () => {
    expect(job('prometheus').static_configs).toEqual([
      { targets: [`localhost:${INTERNAL_PORTS.prometheus.metrics.port}`] },
    ]);
  });
});

describe('checkScrapeTargets', () => {
  const ports = (c: ServiceComponent): { name: string; port: number }[] => [
    { name: 'metrics', port: INTERNAL_PORTS[c].metrics.port },
  ];
  const workload = (c: ServiceComponent, containerPort: number): KubeObject =>
    statefulSet({
      component: c,
      replicas: 3,
      serviceName: headlessServiceName(c),
      pod: {
        uid: 1000,
        containers: [{ name: 'main', image: 'example:1', ports: [{ name: 'metrics', containerPort }] }],
      },
    });

  it('accepts a component with a headless Service and a container on the metrics port', () => {
    const objs = [
      service({
        component: 'kafka',
        name: headlessServiceName('kafka'),
        selects: 'kafka',
        ports: ports('kafka'),
        headless: true,
      }),
      workload('kafka', 9404),
    ];
    expect(checkScrapeTargets({ kafka: objs }, CTX.components)).toEqual([]);
  });

  it('accepts the Strimzi Kafka the operator runs with its exporter on, and reports one with metrics off', () => {
    const objs = kafka.build('dev', CTX);
    expect(checkScrapeTargets({ kafka: objs }, CTX.components)).toEqual([]);
    const off = objs.map((o) =>
      o.kind === 'Kafka' ? { ...o, spec: { kafka: { ...(o.spec as any).kafka, metricsConfig: undefined } } } : o,
    );
    expect(checkScrapeTargets({ kafka: off }, CTX.components)).toEqual([
      expect.stringContaining('kafka: no container declares port 9404'),
    ]);
  });

  it('reports a missing headless Service, a ClusterIP one and a missing metrics port', () => {
    expect(checkScrapeTargets({ etcd: [workload('etcd', INTERNAL_PORTS.etcd.metrics.port)] }, CTX.components)).toEqual([
      expect.stringContaining(`no Service '${headlessServiceName('etcd')}'`),
    ]);
    const clusterIp = service({
      component: 'opa',
      name: headlessServiceName('opa'),
      selects: 'opa',
      ports: ports('opa'),
    });
    expect(checkScrapeTargets({ opa: [clusterIp, workload('opa', 1)] }, CTX.components)).toEqual([
      expect.stringContaining('must be headless'),
      expect.stringContaining(`port ${INTERNAL_PORTS.opa.metrics.port}`),
    ]);
  });

  it('names the DNS name it resolves', () => {
    expect(discoveryName('vault')).toBe(`vault-headless.${NAMESPACE}.svc.cluster.local`);
  });
});
