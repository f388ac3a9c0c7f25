import { describe, expect, it } from 'vitest';
import { renderHuman } from '../../src/core/validate/format/human.ts';
import { renderJson } from '../../src/core/validate/format/json.ts';
import { escapeXml, renderJunit } from '../../src/core/validate/format/junit.ts';
import { type Finding, type Report, emptyReport, exitCode, mergeFindings } from '../../src/core/validate/report.ts';

const probe: Finding = {
  stage: 'policy',
  severity: 'error',
  rule: 'SOMA-PROBES',
  file: 'base/redis/deployment-redis.yaml',
  object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'soma-infra', name: 'redis' },
  pointer: '/spec/template/spec/containers/0/readinessProbe',
  message: "container 'redis' has no readinessProbe",
  fix: 'add livenessProbe and readinessProbe',
  origins: ['kind-soma/kind-soma-redis'],
  sources: ['base/redis/deployment-redis.yaml', 'overlays/dev/redis/patches/deployment-redis.yaml'],
};
const stale: Finding = {
  stage: 'freshness',
  severity: 'error',
  rule: 'GENERATED-STALE',
  file: 'overlays/prod/kafka/kustomization.yaml',
  message: 'differs from what `npm run generate` writes',
  fix: 'run `npm run generate`',
};
const unknownKind: Finding = {
  stage: 'schema',
  severity: 'warning',
  rule: 'SCHEMA-UNKNOWN-KIND',
  file: 'x.yaml',
  line: 3,
  object: { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' },
  pointer: '',
  message: 'no schema for example.com/v1/Widget',
};

function report(findings: Finding[], strict = false): Report {
  const r = emptyReport('repository', { strict, policy: true });
  r.findings = mergeFindings(findings);
  r.counts = { clusters: 3, applications: 34, files: 0, objects: 197, rules: 12 };
  r.checked = [
    { file: 'base/redis/deployment-redis.yaml', object: probe.object!, origin: 'kind-soma/kind-soma-redis' },
    {
      file: 'base/redis/service-redis.yaml',
      object: { kind: 'Service', namespace: 'soma-infra', name: 'redis' },
      origin: 'kind-soma/kind-soma-redis',
    },
  ];
  r.skipped = [{ what: 'kind-soma/kind-soma-argocd (bootstrap/argocd)', reason: 'pulls a remote resource' }];
  return r;
}

describe('human output', () => {
  it('is one line with the counts when clean', () => {
    const text = renderHuman(report([]));
    expect(text.trim().split('\n').at(-1)).toBe(
      'validate: OK — 3 clusters, 34 applications, 197 objects, 12 policy rules; 1 skipped',
    );
    expect(exitCode(report([]))).toBe(0);
  });

  it('groups problems by file and names object, field, problem, fix, the other sources and where it was rendered', () => {
    const text = renderHuman(report([stale, probe]));
    expect(text).toContain(
      [
        'base/redis/deployment-redis.yaml',
        '  Deployment/soma-infra/redis  /spec/template/spec/containers/0/readinessProbe',
        "    [SOMA-PROBES] container 'redis' has no readinessProbe",
        '    fix: add livenessProbe and readinessProbe',
        '    also from: overlays/dev/redis/patches/deployment-redis.yaml',
        '    rendered in: kind-soma/kind-soma-redis',
      ].join('\n'),
    );
    expect(text).toContain('overlays/prod/kafka/kustomization.yaml\n  (whole file)\n    [GENERATED-STALE]');
    expect(text).toContain('SOMA-PROBES: without readiness');
    expect(text.trim().split('\n').at(-1)).toBe(
      'validate: 2 problems in 2 files — 3 clusters, 34 applications, 197 objects, 12 policy rules',
    );
  });

  it('lists a warning without failing, and fails on it with --strict', () => {
    expect(renderHuman(report([unknownKind]))).toContain('    warning [SCHEMA-UNKNOWN-KIND]');
    expect(exitCode(report([unknownKind]))).toBe(0);
    expect(exitCode(report([unknownKind], true))).toBe(1);
    expect(
      renderHuman(report([unknownKind], true))
        .trim()
        .split('\n')
        .at(-1),
    ).toMatch(/^validate: 1 problem in 1 file/);
  });

  it('merges the same finding rendered in several clusters into one, with every origin', () => {
    const merged = mergeFindings([probe, { ...probe, origins: ['prod/prod-redis'] }]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.origins).toEqual(['kind-soma/kind-soma-redis', 'prod/prod-redis']);
  });
});

describe('JSON output', () => {
  it('carries the verdict, counts, findings and the rule catalogue', () => {
    const doc = JSON.parse(renderJson(report([probe, unknownKind])));
    expect(doc.ok).toBe(false);
    expect(doc.exitCode).toBe(1);
    expect(doc.counts).toMatchObject({ objects: 197, errors: 1, warnings: 1 });
    expect(doc.findings.map((f: Finding) => f.rule)).toEqual(['SOMA-PROBES', 'SCHEMA-UNKNOWN-KIND']);
    expect(doc.rules.find((r: { id: string }) => r.id === 'SOMA-PROBES')).toMatchObject({
      title: 'Liveness and readiness probes',
      repositoryOnly: false,
    });
  });
});

describe('JUnit output', () => {
  it('has a suite per application with a case per object, failures for findings, and stage suites', () => {
    const xml = renderJunit(report([stale, probe]));
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="somastack validate" tests="6" failures="2" errors="0">',
      ),
    ).toBe(true);
    expect(xml).toContain('<testsuite name="kind-soma/kind-soma-redis" tests="2" failures="1"');
    expect(xml).toContain(
      '<testcase classname="kind-soma/kind-soma-redis" name="Deployment/soma-infra/redis">\n      <failure type="SOMA-PROBES" message="SOMA-PROBES: container &apos;redis&apos; has no readinessProbe">',
    );
    expect(xml).toContain('<testcase classname="kind-soma/kind-soma-redis" name="Service/soma-infra/redis"/>');
    expect(xml).toContain('<testsuite name="freshness" tests="1" failures="1"');
    expect(xml).toContain('<testsuite name="inputs" tests="1" failures="0"');
    expect(xml).toContain(
      '<testcase classname="render" name="kind-soma/kind-soma-argocd (bootstrap/argocd)">\n      <skipped message="pulls a remote resource"/>',
    );
  });

  it('escapes XML and drops characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});

describe('custom resources without a schema offline', () => {
  it('are named as unchecked, never counted as valid, in the human and the JSON report', () => {
    const second: Finding = { ...unknownKind, file: 'y.yaml', object: { ...unknownKind.object, name: 'v' } };
    const r = report([unknownKind, second]);
    const text = renderHuman(r);
    expect(text).toContain('unchecked: no schema offline for example.com/v1 Widget (2 objects)');
    expect(text).toMatch(/validate: OK — .*; .*2 not schema-checked/);
    expect(JSON.parse(renderJson(r)).unchecked).toEqual([{ apiVersion: 'example.com/v1', kind: 'Widget', objects: 2 }]);
    expect(JSON.parse(renderJson(report([probe]))).unchecked).toEqual([]);
  });
});
