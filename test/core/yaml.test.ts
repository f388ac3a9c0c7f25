import { describe, expect, it } from 'vitest';
import { parseYamlStream, toYaml, toYamlStream } from '../../src/core/yaml.ts';

describe('toYaml', () => {
  it('puts apiVersion, kind and metadata first, name and namespace first in metadata', () => {
    const text = toYaml({
      spec: { a: 1 },
      metadata: { labels: { app: 'web' }, namespace: 'ns', name: 'web' },
      kind: 'K',
      apiVersion: 'v1',
    });
    expect(text).toBe(
      'apiVersion: v1\nkind: K\nmetadata:\n  name: web\n  namespace: ns\n  labels:\n    app: web\nspec:\n  a: 1\n',
    );
  });

  it('quotes strings that a YAML 1.1 parser would read as booleans or numbers', () => {
    const text = toYaml({ args: ['--appendonly', 'yes', 'on', 'n', '0755', '1:20'] });
    expect(text).toBe('args:\n  - --appendonly\n  - "yes"\n  - "on"\n  - "n"\n  - "0755"\n  - "1:20"\n');
  });

  it('drops undefined fields and round-trips through the parser', () => {
    const value = { a: undefined, b: [1, 'two', { c: null }] };
    const docs = parseYamlStream(toYamlStream([value, { d: true }]));
    expect(docs.map((d) => d.value)).toEqual([{ b: [1, 'two', { c: null }] }, { d: true }]);
  });
});

describe('parseYamlStream', () => {
  it('reports a duplicate key in one document without hiding the others', () => {
    const docs = parseYamlStream('a: 1\n---\nb: 1\nb: 2\n---\nc: 3\n');
    expect(docs.map((d) => d.errors.length > 0)).toEqual([false, true, false]);
    expect(docs[1]!.errors[0]).toMatch(/unique/i);
    expect(docs[1]!.line).toBe(3);
    expect(docs[2]!.value).toEqual({ c: 3 });
  });

  it('treats empty and comment-only documents as empty', () => {
    // A comment before the first marker belongs to the first document, which is then empty.
    const docs = parseYamlStream('# only a comment\n---\n---\na: 1\n');
    expect(docs.map((d) => d.value ?? null)).toEqual([null, { a: 1 }]);
    expect(parseYamlStream('# nothing\n')).toEqual([]);
  });
});

describe('lineAt', () => {
  const text = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  replicas: 2',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.27',
    '',
  ].join('\n');
  const at = (p: string) => parseYamlStream(text)[0]!.lineAt(p);

  it('finds a scalar field, a mapping field at its key, and a list item', () => {
    expect(at('/spec/replicas')).toBe(6);
    expect(at('/metadata')).toBe(3);
    expect(at('/spec/template/spec/containers/0')).toBe(10);
    expect(at('/spec/template/spec/containers/0/image')).toBe(11);
  });

  it('falls back to the nearest existing parent for an absent field', () => {
    expect(at('/spec/template/spec/containers/0/livenessProbe')).toBe(10);
    expect(at('/spec/strategy/type')).toBe(5);
  });

  it('counts lines from the start of the stream for later documents', () => {
    const second = parseYamlStream(`a: 1\n---\n${text}`)[1]!;
    expect(second.lineAt('/spec/replicas')).toBe(8);
  });
});

/** Nine anchors, each a list of nine aliases of the one before: 9^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) {
    const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n  ${lines.join('\n  ')}\n`;
}

describe('hostile and large input', () => {
  it("refuses an alias bomb in kustomize's output too (the fast path leaves anchors to the guarded parse)", async () => {
    const { parseRendered } = await import('../../src/adapters/render.ts');
    expect(() => parseRendered(aliasBomb(), 'overlays/dev/x')).toThrow(
      /overlays\/dev\/x is not valid YAML: .*alias bomb/,
    );
  });

  it('refuses an alias bomb as an error of that document, naming the file, and reads the others', async () => {
    const { parseManifests } = await import('../../src/core/validate/documents.ts');
    const { parseObjects } = await import('../../src/core/drift/input.ts');
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n---\n${aliasBomb()}`;
    const parsed = parseManifests('manifests/bomb.yaml', text);
    expect(parsed.items.map((i) => i.object.metadata.name)).toEqual(['ok']);
    expect(parsed.findings.map((f) => [f.rule, f.file, f.line, f.message])).toEqual([
      [
        'YAML-ALIAS-BOMB',
        'manifests/bomb.yaml',
        5,
        "document 2: aliases expand too far (more than 100 uses of one anchor's contents): refused as a possible alias bomb",
      ],
    ]);
    const problems: { file: string; path: string; message: string }[] = [];
    expect(parseObjects('live.yaml', text, problems).map((o) => o.metadata.name)).toEqual(['ok']);
    expect(problems).toEqual([
      { file: 'live.yaml', path: 'document 2 (line 5)', message: expect.stringContaining('alias bomb') },
    ]);
  });

  it('numbers the documents of a long stream by line without rescanning the text for each', () => {
    const doc = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`;
    const text = Array.from({ length: 5000 }, (_, i) => doc(i)).join('---\n');
    const docs = parseYamlStream(text);
    expect(docs).toHaveLength(5000);
    expect(docs.map((d) => d.line).slice(-2)).toEqual([1 + 5 * 4998, 1 + 5 * 4999]);
  });
});
