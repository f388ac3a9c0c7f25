import { describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/core/cluster-config.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { RULES, parseException } from '../../src/core/validate/policy/index.ts';
import type { PolicyContext } from '../../src/core/validate/policy/types.ts';
import { byRule, checkObjects, clone, fixtureObjects, summary } from './helpers.ts';

const compliant = fixtureObjects('policy/compliant.yaml');
const find = (objects: KubeObject[], kind: string) => objects.find((o) => o.kind === kind)!;
const podSpec = (o: KubeObject) => (o.spec as any).template.spec;

const dev: ClusterConfig = {
  name: 'dev',
  environment: 'dev',
  destination: { server: 'https://kubernetes.default.svc' },
  repository: { url: 'https://github.com/example/somastack.git', revision: 'main' },
  components: ['platform'],
  argocd: {},
  secrets: { provider: 'bootstrap' },
  source: 'clusters/dev/cluster.yaml',
};

interface Case {
  rule: string;
  /** Breaks one thing in a copy of the compliant objects; returns the objects to check. */
  breakIt(objects: KubeObject[]): void;
  /** `<object name> <pointer>` of every finding expected for the rule. */
  expected: string[];
  ctx?: PolicyContext;
}

const CASES: Case[] = [
  {
    rule: 'SOMA-PSS-RESTRICTED',
    breakIt: (o) => void (podSpec(find(o, 'Deployment')).containers[0].securityContext.allowPrivilegeEscalation = true),
    expected: ['web /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation'],
  },
  {
    rule: 'SOMA-PSS-RESTRICTED',
    breakIt: (o) => void (podSpec(find(o, 'Deployment')).hostNetwork = true),
    expected: ['web /spec/template/spec/hostNetwork'],
  },
  {
    rule: 'SOMA-PSS-RESTRICTED',
    breakIt: (o) => void delete podSpec(find(o, 'Deployment')).securityContext.runAsNonRoot,
    expected: [
      'web /spec/template/spec/containers/0/securityContext/runAsNonRoot',
      'web /spec/template/spec/initContainers/0/securityContext/runAsNonRoot',
    ],
  },
  {
    rule: 'SOMA-PSS-RESTRICTED',
    breakIt: (o) => void podSpec(find(o, 'Deployment')).volumes.push({ name: 'host', hostPath: { path: '/var' } }),
    expected: ['web /spec/template/spec/volumes/1/hostPath'],
  },
  {
    rule: 'SOMA-PSS-RESTRICTED',
    breakIt: (o) =>
      void (podSpec(find(o, 'Deployment')).containers[0].securityContext.capabilities = {
        drop: ['ALL'],
        add: ['NET_ADMIN'],
      }),
    expected: ['web /spec/template/spec/containers/0/securityContext/capabilities/add/0'],
  },
  {
    rule: 'SOMA-PSS-RESTRICTED',
    breakIt: (o) =>
      void delete (find(o, 'CronJob').spec as any).jobTemplate.spec.template.spec.securityContext.seccompProfile,
    expected: ['web-backup /spec/jobTemplate/spec/template/spec/containers/0/securityContext/seccompProfile/type'],
  },
  {
    rule: 'SOMA-READONLY-ROOTFS',
    breakIt: (o) => void delete podSpec(find(o, 'Deployment')).containers[0].securityContext.readOnlyRootFilesystem,
    expected: ['web /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem'],
  },
  {
    rule: 'SOMA-RESOURCES',
    breakIt: (o) => void delete podSpec(find(o, 'Deployment')).initContainers[0].resources.limits,
    expected: ['web /spec/template/spec/initContainers/0/resources'],
  },
  {
    rule: 'SOMA-PROBES',
    breakIt: (o) => void delete podSpec(find(o, 'Deployment')).containers[0].readinessProbe,
    expected: ['web /spec/template/spec/containers/0/readinessProbe'],
  },
  {
    rule: 'SOMA-IMAGE-PINNED',
    breakIt: (o) => void (podSpec(find(o, 'Deployment')).containers[0].image = 'docker.io/library/nginx'),
    expected: ['web /spec/template/spec/containers/0/image'],
  },
  {
    rule: 'SOMA-IMAGE-PINNED',
    breakIt: (o) =>
      void (podSpec(find(o, 'Deployment')).initContainers[0].image = 'registry.local:5000/busybox:latest'),
    expected: ['web /spec/template/spec/initContainers/0/image'],
  },
  {
    rule: 'SOMA-NO-SECRET-DATA',
    breakIt: (o) => void (find(o, 'Secret').stringData = { password: 'hunter2' }),
    expected: ['web-placeholder /stringData'],
  },
  {
    rule: 'SOMA-LABELS',
    breakIt: (o) => void delete find(o, 'Service').metadata.labels!['app.kubernetes.io/part-of'],
    expected: ['web /metadata/labels'],
  },
  {
    rule: 'SOMA-ARGOCD-PROJECT',
    breakIt: (o) => void ((find(o, 'Application').spec as any).project = 'default'),
    expected: ['dev-web /spec/project'],
  },
  {
    rule: 'SOMA-ARGOCD-PROJECT',
    breakIt: (o) => void ((find(o, 'AppProject').spec as any).destinations[0].namespace = '*'),
    expected: ['dev-shared-infra /spec/destinations/0/namespace'],
  },
  {
    rule: 'SOMA-ARGOCD-PROJECT',
    breakIt: (o) => void (find(o, 'AppProject').spec as any).sourceRepos.push('*'),
    expected: ['dev-shared-infra /spec/sourceRepos/1'],
  },
  {
    rule: 'SOMA-ARGOCD-SYNC',
    breakIt: (o) => void delete (find(o, 'Application').spec as any).syncPolicy.automated.selfHeal,
    expected: ['dev-web /spec/syncPolicy/automated/selfHeal'],
  },
  {
    rule: 'SOMA-ARGOCD-SYNC',
    breakIt: (o) => void delete (find(o, 'Application').spec as any).syncPolicy,
    expected: ['dev-web /spec/syncPolicy/automated'],
  },
  {
    rule: 'SOMA-VAULT-DEV-MODE',
    breakIt: (o) => {
      const d = find(o, 'Deployment');
      d.metadata.labels!['soma.sh/environment'] = 'prod';
      Object.assign(podSpec(d).containers[0], { image: 'docker.io/hashicorp/vault:1.20.0', args: ['server', '-dev'] });
    },
    expected: ['web /spec/template/spec/containers/0'],
  },
];

describe('policy rules: each fires on a broken object and stays quiet on a compliant one', () => {
  it('the compliant fixture passes every object rule', async () => {
    const r = await checkObjects(clone(compliant));
    expect(r.findings).toEqual([]);
    expect(r.rules).toBe(RULES.filter((x) => x.scope === 'object').length);
  });

  it.each(CASES.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s', async (_name, c) => {
    const objects = clone(compliant);
    c.breakIt(objects);
    const r = await checkObjects(objects, c.ctx);
    expect(summary(byRule(r.findings, c.rule))).toEqual(c.expected.map((e) => `${c.rule} ${e}`).sort());
    // Breaking one rule must not trip the others (so each case tests what it names).
    expect(r.findings.filter((f) => f.rule !== c.rule && f.stage === 'policy')).toEqual([]);
  });

  it('does not require probes for Jobs and CronJobs (they run to completion)', async () => {
    const cron = clone(find(compliant, 'CronJob'));
    const r = await checkObjects([cron]);
    expect(byRule(r.findings, 'SOMA-PROBES')).toEqual([]);
  });

  it('accepts Vault dev mode in dev', async () => {
    const d = clone(find(compliant, 'Deployment'));
    d.metadata.labels!['soma.sh/environment'] = 'dev';
    Object.assign(podSpec(d).containers[0], { image: 'docker.io/hashicorp/vault:1.20.0', args: ['server', '-dev'] });
    expect(byRule((await checkObjects([d])).findings, 'SOMA-VAULT-DEV-MODE')).toEqual([]);
  });

  it("in repository mode, expects component Applications in the cluster's shared-infra project", async () => {
    const app = clone(find(compliant, 'Application'));
    app.metadata.labels!['app.kubernetes.io/component'] = 'postgres';
    expect(
      byRule((await checkObjects([app], { mode: 'repository', cluster: dev })).findings, 'SOMA-ARGOCD-PROJECT'),
    ).toEqual([]);
    (app.spec as any).project = 'staging-shared-infra';
    const r = await checkObjects([app], { mode: 'repository', cluster: dev });
    expect(summary(byRule(r.findings, 'SOMA-ARGOCD-PROJECT'))).toEqual(['SOMA-ARGOCD-PROJECT dev-web /spec/project']);
    expect(byRule(r.findings, 'SOMA-ARGOCD-PROJECT')[0]!.message).toContain("expected 'dev-shared-infra'");
  });
});

describe('repository-wide rules', () => {
  const ctx: PolicyContext = { mode: 'repository', cluster: { ...dev, components: ['platform', 'redis'] } };
  const netpol = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace: 'soma-infra',
      labels: {
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/component': 'platform',
        'app.kubernetes.io/part-of': 'soma-shared-infra',
        'app.kubernetes.io/managed-by': 'somastack',
      },
    },
    spec,
  });
  const denyAll = netpol('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const allowWeb = netpol('web', {
    podSelector: {
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web', 'web-backup'] }],
    },
    policyTypes: ['Ingress'],
    ingress: [{}],
  });
  const redis: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'redis', namespace: 'soma-infra', labels: clone(compliant[0]!.metadata.labels!) },
    spec: { ports: [{ port: 6379 }] },
  };

  // In this repository every Application deploys a component (or is the root / Argo CD app).
  const repoObjects = () => {
    const objects = clone(compliant);
    find(objects, 'Application').metadata.labels!['app.kubernetes.io/component'] = 'redis';
    return objects;
  };

  it('passes with a default-deny, a policy per workload and the contracted Service', async () => {
    const r = await checkObjects([...repoObjects(), denyAll, allowWeb, redis], ctx);
    expect(r.findings).toEqual([]);
  });

  it('reports a missing default-deny, and workloads no NetworkPolicy selects', async () => {
    const r = await checkObjects([...repoObjects(), redis], ctx);
    expect(summary(byRule(r.findings, 'SOMA-NETWORK-POLICY'))).toEqual([
      'SOMA-NETWORK-POLICY <default-deny> ',
      'SOMA-NETWORK-POLICY web /spec/template/metadata/labels',
      'SOMA-NETWORK-POLICY web-backup /spec/jobTemplate/spec/template/metadata/labels',
    ]);
    expect(byRule(r.findings, 'SOMA-NETWORK-POLICY').find((f) => f.object?.name === '<default-deny>')!.file).toBe(
      'overlays/dev/platform',
    );
  });

  it('reports a contracted Service that is missing or on the wrong port', async () => {
    const missing = await checkObjects([...repoObjects(), denyAll, allowWeb], ctx);
    expect(summary(byRule(missing.findings, 'SOMA-SERVICE-CONTRACT'))).toEqual(['SOMA-SERVICE-CONTRACT redis ']);
    expect(byRule(missing.findings, 'SOMA-SERVICE-CONTRACT')[0]!.file).toBe('overlays/dev/redis');
    const moved = clone(redis);
    (moved.spec as any).ports[0].port = 6380;
    const wrong = await checkObjects([...repoObjects(), denyAll, allowWeb, moved], ctx);
    expect(summary(byRule(wrong.findings, 'SOMA-SERVICE-CONTRACT'))).toEqual([
      'SOMA-SERVICE-CONTRACT redis /spec/ports',
    ]);
  });

  it("are off for --files (they need this repository's render)", async () => {
    const r = await checkObjects([...clone(compliant)], { mode: 'files' });
    expect(byRule(r.findings, 'SOMA-NETWORK-POLICY')).toEqual([]);
  });
});

describe('policy exceptions', () => {
  const ANNOTATION = 'soma.sh/policy-exception';
  const withException = (value: string) => {
    const objects = clone(compliant);
    const d = find(objects, 'Deployment');
    delete podSpec(d).containers[0].readinessProbe;
    d.metadata.annotations = { [ANNOTATION]: value };
    return objects;
  };

  it('suppresses the named rule on that object and lists the exception with its justification', async () => {
    const r = await checkObjects(withException('SOMA-PROBES, SOMA-LABELS: the sidecar reports readiness for it'));
    expect(byRule(r.findings, 'SOMA-PROBES')).toEqual([]);
    expect(r.exceptions.map((e) => [e.rule, e.object.name, e.suppressed, e.justification])).toEqual([
      ['SOMA-PROBES', 'web', 1, 'the sidecar reports readiness for it'],
      ['SOMA-LABELS', 'web', 0, 'the sidecar reports readiness for it'],
    ]);
    // An exception that suppresses nothing is reported so it does not outlive its reason.
    expect(r.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['SOMA-POLICY-EXCEPTION', 'warning', 'exception for SOMA-LABELS suppresses nothing'],
    ]);
  });

  it('rejects an exception without justification or naming an unknown rule, and suppresses nothing then', async () => {
    for (const value of ['SOMA-PROBES', 'SOMA-PROBES:  ', 'SOMA-PROBE: typo in the id']) {
      const r = await checkObjects(withException(value));
      expect(r.findings.map((f) => [f.rule, f.severity]).sort()).toEqual([
        ['SOMA-POLICY-EXCEPTION', 'error'],
        ['SOMA-PROBES', 'error'],
      ]);
    }
  });

  it('parses the annotation format', () => {
    expect(parseException('SOMA-PROBES,SOMA-RESOURCES: reason: with colon')).toEqual({
      ok: true,
      rules: ['SOMA-PROBES', 'SOMA-RESOURCES'],
      justification: 'reason: with colon',
    });
    expect(parseException(': reason')).toEqual({ ok: false, message: "': reason' names no rule" });
  });
});
