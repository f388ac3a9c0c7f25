// How a field change reads: short values inline, long or multi-line values whole (never
// cut), a changed multi-line value as a unified diff, and where a field came from.
import { describe, expect, it } from 'vitest';
import { renderChange } from '../../src/core/drift/index.ts';

describe('renderChange', () => {
  it('prints short values inline', () => {
    expect(renderChange({ path: 'spec.replicas', op: 'changed', desired: 1, live: 4 })).toBe(
      'spec.replicas: git 1 → cluster 4',
    );
  });

  it('shows a changed multi-line value as a diff of the lines that differ', () => {
    const desired = ['package soma', '', 'default allow := false', 'allow if input.user == "admin"', ''].join('\n');
    const live = desired.replace('false', 'true');
    const text = renderChange({ path: 'data["policy.rego"]', op: 'changed', desired, live });
    expect(text.split('\n')).toEqual([
      'data["policy.rego"]: differs (- git, + cluster):',
      '  @@ -1,4 +1,4 @@',
      '   package soma',
      '   ',
      '  -default allow := false',
      '  +default allow := true',
      '   allow if input.user == "admin"',
    ]);
  });

  it('never cuts a long value: both sides appear whole, as YAML', () => {
    const long = (tail: string) => ({ args: Array.from({ length: 12 }, (_, i) => `--flag-${i}=value-${i}`), tail });
    const text = renderChange({
      path: 'spec.template.spec.containers[name=opa]',
      op: 'changed',
      desired: long('a'),
      live: long('b'),
    });
    expect(text).not.toContain('...');
    expect(text).toMatch(/^ {2}-tail: a$/m);
    expect(text).toMatch(/^ {2}\+tail: b$/m);
    const extra = renderChange({ path: 'data.big', op: 'extra', live: 'x'.repeat(300) });
    expect(extra).toBe(`data.big: not in git (cluster):\n  ${'x'.repeat(300)}`);
  });

  it('names who added a field outside git, and what git dropped but the sync still applies', () => {
    expect(
      renderChange({
        path: 'metadata.labels.team',
        op: 'extra',
        origin: 'added-outside-git',
        manager: 'kubectl-edit',
        time: '2026-12-01T14:02:11Z',
        live: 'ops',
      }),
    ).toBe('metadata.labels.team: added outside git by kubectl-edit at 2026-12-01T14:02:11Z: "ops"');
    expect(
      renderChange({
        path: 'data.old',
        op: 'extra',
        origin: 'removed-from-git',
        manager: 'argocd-controller',
        live: 'v',
      }),
    ).toBe('data.old: no longer in git, still applied by argocd-controller (the next sync removes it): "v"');
    expect(
      renderChange({
        path: 'data.k',
        op: 'extra',
        origin: 'added-outside-git',
        manager: 'kubectl-patch',
        masked: true,
      }),
    ).toBe('data.k: added outside git by kubectl-patch (secret value hidden)');
  });
});
