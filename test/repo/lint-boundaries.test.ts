// The layering rules of eslint.config.js fail when broken: each sample below breaks one,
// linted as if it were at that path in the repository.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/render-all.ts';

const eslint = new ESLint({ cwd: ROOT });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('keeps src/core pure: no file system, no processes, no adapters or commands', async () => {
    for (const line of [
      "import { readFileSync } from 'node:fs';",
      "import { readFile } from 'node:fs/promises';",
      "import { spawn } from 'node:child_process';",
      "import { renderApps } from '../adapters/render.ts';",
      "import { command } from '../commands/render.ts';",
    ]) {
      expect(await restricted('src/core/sample.ts', `${line}\nexport const x = 1;\n`), line).toEqual([
        expect.stringContaining('src/core is pure'),
      ]);
    }
    expect(
      await restricted('src/core/sample.ts', "import { toYaml } from './yaml.ts';\nexport const x = toYaml;\n"),
    ).toEqual([]);
  });

  it('lets adapters do I/O but never import a command', async () => {
    expect(
      await restricted(
        'src/adapters/sample.ts',
        "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n",
      ),
    ).toEqual([]);
    expect(
      await restricted(
        'src/adapters/sample.ts',
        "import { command } from '../commands/diff/command.ts';\nexport const x = command;\n",
      ),
    ).toEqual([expect.stringContaining('never imports a command')]);
  });

  it('keeps commands apart, while a command uses its own folder', async () => {
    expect(
      await restricted('src/commands/drift/sample.ts', "import { x } from '../smoke/job.ts';\nexport const y = x;\n"),
    ).toEqual([expect.stringContaining('a command does not import another command')]);
    expect(
      await restricted('src/commands/status.ts', "import { x } from './drift/command.ts';\nexport const y = x;\n"),
    ).toEqual([expect.stringContaining('another command')]);
    expect(
      await restricted('src/commands/drift/sample.ts', "import { x } from './command.ts';\nexport const y = x;\n"),
    ).toEqual([]);
    // smoke's own render.ts is not the render command
    expect(
      await restricted('src/commands/smoke/sample.ts', "import { x } from './render.ts';\nexport const y = x;\n"),
    ).toEqual([]);
    expect(
      await restricted(
        'src/commands/smoke/checks/sample.ts',
        "import { x } from '../../render.ts';\nexport const y = x;\n",
      ),
    ).toEqual([expect.stringContaining('another command')]);
  });
});
