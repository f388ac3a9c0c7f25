// Every shell recipe in the README and docs/ works as written: a recipe whose output is piped,
// redirected or captured runs `npm run -s` (or --silent), or npm's banner ("> somastack@0.1.0
// render …") would be the first lines of that output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.ts';
import { ROOT } from '../support/render-all.ts';
import { readDocs } from '../support/docs.ts';

/** Shell command lines: each line of a fenced block, and each inline `code` span (which may wrap). */
export function commandLines(markdown: string): string[] {
  const out: string[] = [];
  const fences = /```[^\n]*\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(fences)) {
    // A trailing backslash continues the command on the next line.
    out.push(...m[1]!.replace(/\\\n\s*/g, ' ').split('\n'));
  }
  const prose = markdown.replace(fences, '');
  for (const m of prose.matchAll(/`([^`]+)`/g)) out.push(m[1]!.replace(/\s*\n\s*/g, ' '));
  return out.map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => /\bnpm run\b/.test(l));
}

/** The npm invocations of a command line whose stdout goes to a pipe, a file or a $(…) capture, without -s. */
export function noisyRecipes(line: string): string[] {
  const bad: string[] = [];
  // Placeholders (<name>, <file…>) are not redirections.
  for (const segment of line.replace(/<[^<>\s]+>/g, 'X').split(/&&|;|\|\|/)) {
    const m = /\bnpm run\b(?!\s+(-s|--silent)\b)/.exec(segment);
    if (!m) continue;
    const rest = segment.slice(m.index);
    const captured = /\$\([^)]*\bnpm run\b/.test(segment);
    if (captured || /(^|[^2&])>(?!&)|\|(?!\|)/.test(rest)) bad.push(segment.trim());
  }
  return bad;
}

describe('shell recipes in the docs', () => {
  it('finds the recipes: fenced lines, inline spans, wrapped spans', () => {
    const md =
      'Run `npm run render -- --cluster a >\nrendered.yaml`, then\n```sh\nnpm run -s status -- --json | jq .\nnpm run diff -- --base main \\\n  > out.md\n```\n';
    const lines = commandLines(md);
    expect(lines).toEqual([
      'npm run -s status -- --json | jq .',
      'npm run diff -- --base main > out.md',
      'npm run render -- --cluster a > rendered.yaml',
    ]);
    expect(lines.flatMap(noisyRecipes)).toEqual([
      'npm run diff -- --base main > out.md',
      'npm run render -- --cluster a > rendered.yaml',
    ]);
    expect(noisyRecipes('x=$(npm run status -- --json)')).toHaveLength(1);
    expect(noisyRecipes('npm run validate 2>&1')).toEqual([]);
    expect(noisyRecipes('npm run generate && git diff | cat')).toEqual([]);
  });

  it('pipe, redirect or capture npm run output only with -s, so npm prints no banner into it', () => {
    const bad = readDocs().flatMap(({ file, text }) =>
      commandLines(text)
        .flatMap(noisyRecipes)
        .map((r) => `${file}: ${r}`),
    );
    expect(bad).toEqual([]);
  });
});

/** Each `npm run [-s] <script> [-- args]` of a command line: the script and the --flags it passes. */
function invocations(line: string): { script: string; flags: string[] }[] {
  const out: { script: string; flags: string[] }[] = [];
  for (const m of line.matchAll(/\bnpm run (?:(?:-s|--silent) )?([a-z][\w:-]*)((?: -- [^|;&>]*)?)/g)) {
    out.push({ script: m[1]!, flags: [...(m[2] ?? '').matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)].map((f) => f[1]!) });
  }
  return out;
}

describe('npm run recipes in the docs', () => {
  it('reads the script and flags of each invocation', () => {
    expect(invocations('npm run -s diff -- --base main --format md > x && npm run generate')).toEqual([
      { script: 'diff', flags: ['base', 'format'] },
      { script: 'generate', flags: [] },
    ]);
    expect(readDocs().flatMap(({ text }) => commandLines(text).flatMap(invocations)).length).toBeGreaterThan(50);
  });

  it('name scripts that exist and options their command has', async () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const wrong: string[] = [];
    for (const { file, text } of readDocs()) {
      for (const line of commandLines(text)) {
        for (const { script, flags } of invocations(line)) {
          if (!(script in scripts)) {
            wrong.push(`${file}: no npm script '${script}' (${line})`);
            continue;
          }
          const load =
            COMMANDS[script] ?? (script === 'bench' ? () => import('../../tools/bench/command.ts') : undefined);
          if (!load) continue;
          const { command } = await load();
          for (const f of flags)
            if (f !== 'help' && !(f in command.options))
              wrong.push(`${file}: \`npm run ${script}\` has no --${f} (${line})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('a piped recipe, run as written', () => {
  it('npm run -s gives output a program can read; without -s npm prints its banner first', async () => {
    const { execFileSync } = await import('node:child_process');
    const args = ['validate', '--', '--files', 'test/fixtures/validate/policy/compliant.yaml', '--json'];
    // As typed in a shell: not the log level of an `npm run -s test` this may run under.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k.toLowerCase() !== 'npm_config_loglevel'),
    );
    const run = (npmArgs: string[]) => execFileSync('npm', [...npmArgs, ...args], { cwd: ROOT, encoding: 'utf8', env });
    expect(JSON.parse(run(['run', '-s']))).toMatchObject({ ok: true, exitCode: 0 });
    expect(run(['run']).trimStart()).toMatch(/^> somastack@/);
  });
});
