// An operator's base (base/<c>/) pulls its pinned release by URL, which no test can fetch.
// Here real kustomize builds the committed base against a stand-in release shaped like the
// real one (its workloads in their own namespace, a CRD): every sizing patch must find its
// workload — a patch that matches nothing fails the Application's sync — and every CRD must
// carry the protection against deletion with its Application.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPONENT_LIST } from '../../src/core/contracts.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { kustomizeBuild } from '../../src/adapters/kustomize.ts';
import { runProcess } from '../../src/adapters/process.ts';
import { parseRendered } from '../../src/adapters/render.ts';
import { toYamlStream } from '../../src/core/yaml.ts';
import { REPO_ROOT } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';

const operators = COMPONENT_LIST.filter((c) => c.upstream);

describe.each(operators.map((c) => [c.name, c] as const))('base/%s against a stand-in release', (name, c) => {
  it('applies every sizing patch and protects every CRD', async () => {
    const u = c.upstream!;
    const dir = tempDir(`upstream-${name}-`);
    cpSync(join(REPO_ROOT, 'base', name), dir, { recursive: true });
    const release: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: u.namespace } },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `things.${name}.example` },
        spec: {
          group: `${name}.example`,
          names: { kind: 'Thing', plural: 'things' },
          scope: 'Namespaced',
          versions: [],
        },
      },
      ...u.workloads.map((w) => ({
        apiVersion: 'apps/v1',
        kind: w.kind,
        metadata: { name: w.name, namespace: u.namespace },
        spec: {
          selector: { matchLabels: { app: w.name } },
          template: {
            metadata: { labels: { app: w.name } },
            spec: { containers: [{ name: w.container, image: 'x', args: ['--v=2'] }] },
          },
        },
      })),
      ...(u.relocate?.objects ?? []).map((o) => ({
        apiVersion: `${o.group}/v1`,
        kind: o.kind,
        metadata: { name: o.name, namespace: u.relocate!.from },
      })),
    ];
    writeFileSync(join(dir, 'release.yaml'), toYamlStream(release));
    const kustomization = join(dir, 'kustomization.yaml');
    writeFileSync(kustomization, readFileSync(kustomization, 'utf8').replace(u.url, 'release.yaml'));
    const objects = parseRendered(await kustomizeBuild(dir, runProcess), `base/${name}`);
    for (const w of u.workloads) {
      const live = objects.find((o) => o.kind === w.kind && o.metadata.name === w.name)!;
      const container = (live.spec as any).template.spec.containers.find(
        (k: { name: string }) => k.name === w.container,
      );
      expect(container.resources, `${w.kind}/${w.name}`).toEqual({
        requests: w.sizing.requests,
        limits: w.sizing.limits,
      });
    }
    for (const w of u.workloads.filter((x) => x.extraArgs)) {
      const live = objects.find((o) => o.kind === w.kind && o.metadata.name === w.name)!;
      const args: string[] = (live.spec as any).template.spec.containers[0].args;
      // Appended: the last occurrence of a flag is the one the binary keeps.
      expect(args.slice(-w.extraArgs!.length), `${w.kind}/${w.name}`).toEqual(w.extraArgs);
    }
    for (const o of u.relocate?.objects ?? []) {
      const moved = objects.filter((x) => x.kind === o.kind && x.metadata.name === o.name);
      expect(
        moved.map((x) => x.metadata.namespace),
        `${o.kind}/${o.name}`,
      ).toEqual([u.namespace]);
    }
    expect(objects.filter((o) => o.metadata.namespace && o.metadata.namespace !== u.namespace)).toEqual([]);
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition')!;
    expect(crd.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Delete=false,Prune=false');
  });
});
