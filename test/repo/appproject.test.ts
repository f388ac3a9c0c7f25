// The committed per-cluster AppProjects: every operator's namespace is a destination, the
// namespaces its release would otherwise reach (cert-manager's kube-system Roles) are not,
// and Vault's cert-manager kinds are allowed where Vault runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/context.ts';

const project = (cluster: string) =>
  parse(readFileSync(join(REPO_ROOT, 'apps', cluster, 'appproject.yaml'), 'utf8')) as {
    spec: { destinations: { namespace: string }[]; namespaceResourceWhitelist: { group: string; kind: string }[] };
  };

describe.each(['kind-soma', 'staging', 'prod'])('apps/%s/appproject.yaml', (cluster) => {
  it("allows soma-infra and the operators' namespaces, never kube-system", () => {
    const namespaces = project(cluster).spec.destinations.map((d) => d.namespace);
    expect(namespaces).toEqual(expect.arrayContaining(['cert-manager', 'cnpg-system', 'soma-infra']));
    expect(namespaces).not.toContain('kube-system');
  });

  it("allows the cert-manager kinds Vault's CA and certificate use, and the relocated leader-election RBAC", () => {
    const kinds = project(cluster).spec.namespaceResourceWhitelist.map((k) => `${k.group}/${k.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'cert-manager.io/Certificate',
        'cert-manager.io/Issuer',
        'rbac.authorization.k8s.io/Role',
        'rbac.authorization.k8s.io/RoleBinding',
      ]),
    );
    expect(kinds).not.toContain('cert-manager.io/ClusterIssuer');
  });
});
