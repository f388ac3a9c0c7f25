// An operator's base (base/<c>/) pulls its pinned release by URL, which no test can fetch.
// Here real kustomize builds the committed base against a stand-in release shaped like the
// real one (its workloads in their own namespace, a CRD): every sizing patch must find its
// workload — a patch that matches nothing fails the Application's sync — and every CRD must
// carry the protection against deletion with its Application. A release that names no
// namespace (Strimzi's) must land in the operator's, its bindings' ServiceAccount subjects too.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPONENT_LIST } from '../../src/core/contracts.ts';
import { RELEASE_DIR } from '../../src/core/component-tree.ts';
import type { UpstreamInstall, UpstreamWorkload } from '../../src/core/components/spec.ts';
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
    const release = u.placeInNamespace ? namelessRelease(u) : standInRelease(name, u);
    const releaseDir = u.placeInNamespace ? join(dir, RELEASE_DIR) : dir;
    writeFileSync(join(releaseDir, 'release.yaml'), toYamlStream(release));
    const kustomization = join(releaseDir, 'kustomization.yaml');
    const text = readFileSync(kustomization, 'utf8');
    expect(text).toContain(u.url);
    writeFileSync(kustomization, text.replace(u.url, 'release.yaml'));
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
      expect(live.metadata.namespace).toBe(u.namespace);
      for (const [k, v] of Object.entries(w.env ?? {}))
        expect(
          container.env.filter((e: { name: string }) => e.name === k),
          k,
        ).toEqual([{ name: k, value: v }]);
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
    // Nothing of the release stays outside the operator's namespace; only our own objects
    // (Strimzi's bindings in the namespace it watches) are placed elsewhere, on purpose.
    const ours = new Set((u.objects ?? []).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
    const outside = objects.filter((o) => o.metadata.namespace && o.metadata.namespace !== u.namespace);
    expect(outside.filter((o) => !ours.has(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`))).toEqual([]);
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition')!;
    expect(crd.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Delete=false,Prune=false');
    expect(crd.metadata.namespace).toBeUndefined();
    // Every ServiceAccount a binding names is where the release's ServiceAccount is.
    const accounts = objects.filter((o) => o.kind === 'ServiceAccount');
    for (const b of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
      for (const subject of ((b as any).subjects ?? []) as { name: string; namespace: string }[]) {
        const sa = accounts.find((a) => a.metadata.name === subject.name);
        expect(sa?.metadata.namespace, `${b.kind}/${b.metadata.name}`).toBe(subject.namespace);
      }
    }
    for (const o of u.objects ?? []) {
      const made = objects.find(
        (x) =>
          x.kind === o.kind && x.metadata.name === o.metadata.name && x.metadata.namespace === o.metadata.namespace,
      );
      expect(made, `${o.kind}/${o.metadata.name}`).toBeDefined();
    }
  });
});

/** Shaped like CloudNativePG's and cert-manager's: its own Namespace, its workloads in it. */
function standInRelease(name: string, u: UpstreamInstall): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: u.namespace } },
    crd(name),
    ...u.workloads.map((w) => workload(w, u.namespace)),
    // Objects the release puts outside its namespace (cert-manager's leader election in kube-system).
    ...(u.relocate?.objects ?? []).map((o) => ({
      apiVersion: `${o.group}/v1`,
      kind: o.kind,
      metadata: { name: o.name, namespace: u.relocate!.from },
    })),
  ];
}

/**
 * Shaped like Strimzi's: no namespace on any object, bindings naming the ServiceAccount in
 * `myproject`, and the variables our patch sets taken from the pod (valueFrom) instead.
 */
function namelessRelease(u: UpstreamInstall): KubeObject[] {
  const sa = u.workloads[0]!.name;
  const subjects = [{ kind: 'ServiceAccount', name: sa, namespace: 'myproject' }];
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: sa }, subjects, roleRef },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: sa },
      subjects,
      roleRef,
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' }, rules: [] },
    crd('strimzi'),
    ...u.workloads.map((w) => {
      const o = workload(w, undefined) as any;
      o.spec.template.spec.containers[0].env = [
        ...Object.keys(w.env ?? {}).map((name) => ({
          name,
          valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
        })),
        { name: 'KEPT', value: 'x' },
      ];
      return o as KubeObject;
    }),
  ];
}

function crd(name: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `things.${name}.example` },
    spec: { group: `${name}.example`, names: { kind: 'Thing', plural: 'things' }, scope: 'Namespaced', versions: [] },
  };
}

function workload(w: UpstreamWorkload, namespace: string | undefined): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: namespace ? { name: w.name, namespace } : { name: w.name },
    spec: {
      selector: { matchLabels: { app: w.name } },
      template: {
        metadata: { labels: { app: w.name } },
        spec: { containers: [{ name: w.container, image: 'x', args: ['--v=2'] }] },
      },
    },
  };
}
