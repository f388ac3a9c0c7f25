// The tool versions the docs state are the ones the code checks and installs.
import { describe, expect, it } from 'vitest';
import { KUBECTL_VERSION } from '../../src/adapters/tools.ts';
import { MIN_NODE } from '../../src/commands/bootstrap/preflight-checks.ts';
import { KIND_VERSION, MIN_KUBECTL_MINOR } from '../../src/core/versions.ts';
import { readDocs } from '../support/docs.ts';

/** Every match of `pattern` (its first group that matched: a version) across the docs, as `file: version`. */
function stated(pattern: RegExp): string[] {
  return readDocs().flatMap(({ file, text }) =>
    [...text.matchAll(pattern)].map((m) => `${file}: ${m.slice(1).find((g) => g !== undefined)}`),
  );
}

describe('tool versions in the docs', () => {
  it('state the minimum kubectl the code enforces', () => {
    const minimums = stated(
      /kubectl`?\*{0,2} v?(\d+\.\d+)(?:\.\d+)?(?:\+| or newer)|kubectl [^ ]+ is older than (?:`)?(\d+\.\d+)/g,
    );
    expect(minimums.length).toBeGreaterThan(1);
    for (const m of minimums) expect(m).toMatch(new RegExp(`: ${MIN_KUBECTL_MINOR.replace('.', '\\.')}$`));
  });

  it('name the pinned kind and kubectl that bootstrap installs, and no other kind version', () => {
    for (const m of stated(/\bkind`?\*{0,2} (?:≥ (?:the pinned )?)?(v\d+\.\d+(?:\.\d+)?)/g))
      expect(m).toMatch(new RegExp(`: ${KIND_VERSION}$`));
    for (const m of stated(/\bkubectl\*{0,2} (v\d+\.\d+\.\d+)/g))
      expect(m).toMatch(new RegExp(`: ${KUBECTL_VERSION}$`));
    expect(stated(/\bkind\*{0,2} (v\d+\.\d+\.\d+)/g).length).toBeGreaterThan(0);
  });

  it('state the minimum Node the code enforces', () => {
    const nodes = stated(/Node (?:≥ ?|)(\d+\.\d+)(?:\.\d+)? or newer|Node ≥ ?(\d+\.\d+)/g);
    for (const m of nodes) expect(m).toMatch(new RegExp(`: ${MIN_NODE.replace(/\.0$/, '').replace('.', '\\.')}$`));
  });
});
