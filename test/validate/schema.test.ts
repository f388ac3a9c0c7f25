import { describe, expect, it } from 'vitest';
import { emptyReport, exitCode } from '../../src/core/validate/report.ts';
import { checkFixture, checkObjects, summary } from './helpers.ts';

describe('schema: strict like kubeconform --strict', () => {
  it('rejects unknown fields at the top of a spec and nested in a pod template, suggesting the right name', async () => {
    const r = await checkFixture('schema/unknown-fields.yaml');
    expect(summary(r.findings)).toEqual([
      'SCHEMA-UNKNOWN-FIELD typo /spec/replica',
      'SCHEMA-UNKNOWN-FIELD typo /spec/template/spec/containers/0/resourcez',
    ]);
    expect(r.findings.map((f) => f.fix)).toEqual(["rename it to 'replicas'", "rename it to 'resources'"]);
    // Each finding points at the line of the offending key, not at the document.
    expect(r.findings.map((f) => f.line)).toEqual([6, 16]);
  });

  it('reports a wrong type with the value found and the type expected', async () => {
    const r = await checkFixture('schema/wrong-type.yaml');
    expect(summary(r.findings)).toEqual(['SCHEMA-TYPE wrong /spec/ports/0/port']);
    expect(r.findings[0]!.message).toBe("is '80'; expected integer");
  });

  it('reports every missing required field, with the pointer where it belongs', async () => {
    const r = await checkFixture('schema/missing-required.yaml');
    expect(summary(r.findings)).toEqual([
      'SCHEMA-REQUIRED incomplete /spec/selector',
      'SCHEMA-REQUIRED incomplete /spec/template/spec/containers/0/name',
    ]);
  });

  it('reports a duplicate key with its line, and still checks the other documents', async () => {
    const r = await checkFixture('schema/duplicate-key.yaml');
    expect(r.findings.map((f) => [f.rule, f.line, f.message])).toEqual([
      ['YAML-DUPLICATE-KEY', 14, "document 2: duplicate key 'key' (line 14)"],
    ]);
    expect(r.counts.objects).toBe(1);
  });

  it('reports a document without kind instead of skipping it', async () => {
    const r = await checkFixture('schema/missing-kind.yaml');
    expect(summary(r.findings)).toEqual(['SCHEMA-TYPE-META nameless-kind /kind']);
    expect(r.findings[0]!.severity).toBe('error');
  });

  it('reports only the bad document of a multi-document file, at the line of the bad field', async () => {
    const r = await checkFixture('schema/multi-doc.yaml');
    expect(summary(r.findings)).toEqual(['SCHEMA-TYPE bad-one /binaryData']);
    expect(r.findings[0]!.line).toBe(14);
    expect(r.counts.objects).toBe(3);
  });

  it('expands a List and checks each item as an object of its own', async () => {
    const r = await checkFixture('schema/list.yaml');
    expect(r.counts.objects).toBe(2);
    expect(summary(r.findings)).toEqual(['SCHEMA-TYPE listed-bad /automountServiceAccountToken']);
  });

  it('skips empty and comment-only documents', async () => {
    const r = await checkFixture('schema/empty-docs.yaml');
    expect(r.findings).toEqual([]);
    expect(r.counts.objects).toBe(1);
  });

  it('accepts what the API server accepts: integer or named targetPort, creationTimestamp null, numeric quantities, percent surge, free-form maps', async () => {
    const r = await checkFixture('schema/api-server-shapes.yaml');
    expect(r.findings).toEqual([]);
    expect(r.counts.objects).toBe(3);
  });

  it('ignores build-tool configuration (a kustomization) rather than reporting it', async () => {
    const r = await checkFixture('schema/kustomization.yaml', { strict: true, allowEmpty: true });
    expect(r.findings).toEqual([]);
    expect(r.counts.objects).toBe(0);
    expect(r.skipped).toEqual([
      { what: 'schema/kustomization.yaml', reason: expect.stringContaining('a kustomization, not a manifest') },
    ]);
    // Without --allow-empty, a path with nothing but a kustomization is an error, not "OK".
    await expect(checkFixture('schema/kustomization.yaml')).rejects.toThrow(
      /no Kubernetes objects to check in schema\/kustomization\.yaml: 1 file\(s\), only build configuration/,
    );
  });

  it('reads JSON manifests with the same strictness', async () => {
    const r = await checkFixture('schema/manifest.json');
    expect(summary(r.findings)).toEqual(['SCHEMA-UNKNOWN-FIELD from-json /unexpected']);
  });

  it('checks a custom resource against the CRD of the same render: int-or-string, nullable, preserve-unknown-fields, maps, strict metadata', async () => {
    const r = await checkFixture('schema/crd.yaml');
    expect(summary(r.findings)).toEqual([
      // The CRD itself is checked too: metadata has no 'description' (it is only allowed inside the schema).
      'SCHEMA-INVALID bad-widget /spec/size',
      'SCHEMA-UNKNOWN-FIELD bad-widget /metadata/label',
      'SCHEMA-UNKNOWN-FIELD bad-widget /spec/colour',
      'SCHEMA-UNKNOWN-FIELD widgets.example.com /metadata/description',
    ]);
  });

  it('without the CRD, the custom resource is an unknown kind: a warning, an error with --strict', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } };
    const r = await checkObjects([widget], { mode: 'files' }, false);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['SCHEMA-UNKNOWN-KIND', 'warning']]);
    expect(exitCode({ ...emptyReport('files', { strict: false, policy: false }), findings: r.findings })).toBe(0);
    expect(exitCode({ ...emptyReport('files', { strict: true, policy: false }), findings: r.findings })).toBe(1);
  });

  it('reports an API version the pinned Kubernetes no longer serves', async () => {
    const old = {
      apiVersion: 'policy/v1beta1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'old' },
      spec: { minAvailable: 1 },
    };
    const r = await checkObjects([old], { mode: 'files' }, false);
    expect(summary(r.findings)).toEqual(['SCHEMA-REMOVED-API old /apiVersion']);
    expect(r.findings[0]!.fix).toContain('policy/v1');
  });

  it('checks Argo CD kinds against Argo CD schemas, allowing the fields the package drops where the API has them', async () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'p' },
      spec: {
        description: 'ok',
        sourceRepos: ['https://example.com/r.git'],
        roles: [{ name: 'r', description: 'ok' }],
        bogus: 1,
      },
    };
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'a' },
      spec: {
        project: 'p',
        destination: { server: 'https://kubernetes.default.svc' },
        syncPolicy: { automated: { prune: true, selfHel: true } },
      },
    };
    const r = await checkObjects([project, app], { mode: 'files' }, false);
    expect(summary(r.findings)).toEqual([
      'SCHEMA-UNKNOWN-FIELD a /spec/syncPolicy/automated/selfHel',
      'SCHEMA-UNKNOWN-FIELD p /spec/bogus',
    ]);
  });

  it('reports an invalid quantity once, as one problem', async () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'l' },
      spec: { limits: [{ type: 'Container', max: { cpu: 'lots' } }] },
    };
    const r = await checkObjects([cm], { mode: 'files' }, false);
    expect(summary(r.findings)).toEqual(['SCHEMA-TYPE l /spec/limits/0/max/cpu']);
    expect(r.findings[0]!.message).toMatch(/^is 'lots'; expected .*quantity/);
  });
});
