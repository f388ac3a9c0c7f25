// The fast path of reading YAML streams gives what the full parse gives — values, document
// lines, field lines — and steps aside for everything it does not handle.
import { LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPlainStream, parseYamlValues } from '../../src/core/yaml-fast.ts';
import { parseYamlStream } from '../../src/core/yaml.ts';

/** What yaml's document model says: each document's value and first content line. */
function full(text: string) {
  const lines = new LineCounter();
  return parseAllDocuments(text, { lineCounter: lines }).map((d) => {
    const contents = d.contents as { range?: [number, number, number] } | null;
    return { line: lines.linePos(contents?.range?.[0] ?? d.range[0]).line, value: d.toJS() as unknown };
  });
}

const PLAIN: Record<string, string> = {
  'one document': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "1"\n',
  'leading marker and comments': '# header\n---\n# about a\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
  'several, with an empty one':
    'a: 1\n---\n---  # nothing\n\n---\nb:\n  - x\n  - 2\n  - true\n  - null\n  - 0x1F\n  - "08"\n  - 1.5\n',
  'block scalars holding dashes': 'script: |\n  echo one\n  --- not a marker when indented\nnext: 2\n---\nc: 3\n',
  'CRLF line ends': 'a: 1\r\n---\r\nb: 2\r\n',
};

describe('the fast path', () => {
  for (const [name, text] of Object.entries(PLAIN)) {
    it(`reads ${name} as the full parse does`, () => {
      const fast = loadPlainStream(text);
      expect(fast).toBeDefined();
      expect(fast!.map((d) => ({ line: d.line, value: d.value }))).toEqual(full(text));
    });
  }

  it('finds the line of a field the way the full parse does', () => {
    const text = 'a: 1\n---\n# c\nkind: X\nspec:\n  containers:\n    - name: x\n      image: y\n';
    const [, second] = parseYamlStream(text);
    expect(second!.line).toBe(4);
    expect(second!.lineAt('/spec/containers/0/image')).toBe(8);
  });

  const OTHERS: Record<string, string> = {
    'anchors and aliases (no alias-bomb guard)': 'a: &x {b: 1}\nc: *x\n',
    tags: 'a: !Ref thing\n',
    directives: '%YAML 1.2\n---\na: 1\n',
    'content on the marker line': '--- {a: 1}\n',
    'document end markers': 'a: 1\n...\n',
    'duplicate keys (the message is yaml’s)': 'a: 1\na: 2\n',
    'invalid YAML': 'a: [1, 2\n',
    'nothing but comments': '# only\n',
  };
  for (const [name, text] of Object.entries(OTHERS)) {
    it(`leaves ${name} to the full parse`, () => {
      expect(loadPlainStream(text)).toBeUndefined();
    });
  }

  it('reads values alone for YAML a program wrote, and throws on invalid YAML', () => {
    expect(parseYamlValues('a: 1\n---\nb: [x]\n')).toEqual([{ a: 1 }, { b: ['x'] }]);
    expect(() => parseYamlValues('a: 1\na: 2\n')).toThrow(/duplicate/);
  });
});
