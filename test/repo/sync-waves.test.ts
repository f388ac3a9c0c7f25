// The committed Applications' sync waves: the platform (the shared namespace) before every
// operator, since an operator may put objects into that namespace (Strimzi's RoleBindings)
// and an Application whose namespace is missing fails its sync; and every operator before
// the components it runs, whose custom resources need its CRDs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMPONENT_LIST } from '../../src/core/contracts.ts';
import { REPO_ROOT } from '../support/context.ts';

const wave = (cluster: string, component: string) => {
  const app = parse(readFileSync(join(REPO_ROOT, 'apps', cluster, `${component}.yaml`), 'utf8')) as {
    metadata: { annotations: Record<string, string> };
  };
  return Number(app.metadata.annotations['argocd.argoproj.io/sync-wave']);
};

const operators = COMPONENT_LIST.filter((c) => c.upstream);

describe.each(['kind-soma', 'staging', 'prod'])('apps/%s sync waves', (cluster) => {
  it.each(operators.map((o) => [o.name]))('%s syncs after the platform', (operator) => {
    expect(wave(cluster, operator)).toBeGreaterThan(wave(cluster, 'platform'));
  });

  it.each(COMPONENT_LIST.filter((c) => c.service?.managedBy).map((c) => [c.name, c.service!.managedBy!.component]))(
    '%s syncs after its operator %s',
    (component, operator) => {
      expect(wave(cluster, component)).toBeGreaterThan(wave(cluster, operator));
    },
  );
});
