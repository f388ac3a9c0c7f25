// The one program behind every npm script: argv → options → command.run().
// This is the only place that sets process.exitCode.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { describeError, errorJson, UserError } from '../core/errors.ts';
import type { Deps } from './deps.ts';
import { flag, type OptionTable, parseOptionValues } from './options.ts';
import { SUMMARIES } from './summaries.ts';
import type { Command, Io } from './types.ts';

export { SUMMARIES } from './summaries.ts';

export type CommandTable = Record<string, () => Promise<{ command: Command }>>;

/** The user commands; dev tooling (bench) runs through `main` with a table of its own. */
export const COMMANDS: CommandTable = {
  bootstrap: () => import('../commands/bootstrap/command.ts'),
  teardown: () => import('../commands/teardown/command.ts'),
  generate: () => import('../commands/generate/command.ts'),
  render: () => import('../commands/render/command.ts'),
  validate: () => import('../commands/validate/command.ts'),
  diff: () => import('../commands/diff/command.ts'),
  status: () => import('../commands/status/command.ts'),
  drift: () => import('../commands/drift/command.ts'),
  smoke: () => import('../commands/smoke/command.ts'),
  health: () => import('../commands/health/command.ts'),
  sync: () => import('../commands/sync/command.ts'),
};

const HELP_OPTION = flag('show this help', { short: 'h' });

export function formatHelp(command: Command): string {
  const options: OptionTable = { ...command.options, help: HELP_OPTION };
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
    const def = o.default !== undefined ? ` (default: ${o.default})` : '';
    return `  ${flag.padEnd(34)} ${o.description}${o.multiple ? ' (repeatable)' : ''}${def}`;
  });
  return [
    `npm run ${command.name} -- ${command.usage}`.trimEnd(),
    '',
    command.summary,
    '',
    command.description.trim(),
    '',
    'Options:',
    ...rows,
    '',
  ].join('\n');
}

async function globalHelp(commands: CommandTable): Promise<string> {
  const lines = [
    'somastack — GitOps bootstrap for the Soma shared infrastructure',
    '',
    'Commands (run as `npm run <command> -- [options]`):',
  ];
  for (const [name, load] of Object.entries(commands)) {
    const summary = commands === COMMANDS ? SUMMARIES[name] : undefined;
    lines.push(`  ${name.padEnd(10)} ${summary ?? (await load()).command.summary}`);
  }
  lines.push('', 'Every command takes --help.', '');
  return lines.join('\n');
}

/** The version in package.json: the one thing `--version` reads, so it measures bare start-up (npm run bench). */
async function packageVersion(root: string): Promise<string> {
  const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

export function defaultIo(): Io {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return {
    root,
    // `npm run` starts scripts in the package root; paths a user types are relative to
    // where they ran it, which npm passes as INIT_CWD.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    env: process.env,
    interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    confirm: async (question) => {
      if (!process.stdin.isTTY || process.env.CI) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}

export interface MainOptions {
  commands?: CommandTable;
  /** Parts of the dependencies to replace (tests); the rest are the real ones. */
  deps?: Partial<Deps>;
}

/** Runs one command line and returns the exit code; errors become messages on stderr (and JSON on stdout with --json). */
export async function main(argv: readonly string[], io: Io = defaultIo(), opts: MainOptions = {}): Promise<number> {
  const commands = opts.commands ?? COMMANDS;
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout(await globalHelp(commands));
    return verb ? 0 : 2;
  }
  if (verb === '--version' || verb === '-V') {
    io.stdout(`${await packageVersion(io.root)}\n`);
    return 0;
  }
  let json = rest.includes('--json');
  try {
    const load = commands[verb];
    if (!load) throw new UserError(`unknown command '${verb}'`, `one of ${Object.keys(commands).join(', ')}`);
    const { command } = await load();
    const parsed = parseCommandLine(command, rest);
    if (parsed.values.help) {
      io.stdout(formatHelp(command));
      return 0;
    }
    json = (parsed.values as Record<string, unknown>).json === true;
    const options = {
      ...parseOptionValues(command.options, parsed.values, { cwd: io.cwd }),
      positionals: parsed.positionals,
    };
    const { defaultDeps } = await import('./deps.ts');
    return await command.run(options, { ...defaultDeps(io), ...opts.deps, io });
  } catch (e) {
    if (json) io.stdout(`${JSON.stringify(errorJson(e), null, 2)}\n`);
    io.stderr(describeError(e));
    return 2;
  }
}

/** argv against the command's table: unknown flags, missing values and stray arguments are input errors. */
function parseCommandLine(command: Command, args: string[]) {
  const fix = `see \`npm run ${command.name} -- --help\``;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...toParseArgs(command.options), help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UserError((e as Error).message, fix, { cause: e });
  }
  if (parsed.positionals.length && !command.positionals && !parsed.values.help)
    throw new UserError(`unexpected argument '${parsed.positionals[0]}'`, fix);
  return parsed;
}

function toParseArgs(options: OptionTable) {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
}

/** Runs a program's command line in this process: the one place that sets the exit code. */
export async function runProgram(argv: readonly string[], commands: CommandTable = COMMANDS): Promise<void> {
  // Every command converges when run again (bootstrap resumes, generate rewrites the
  // tree), so an interrupt says so instead of dying silently.
  process.once('SIGINT', () => {
    process.stderr.write(
      `\ninterrupted: \`npm run ${argv[0] ?? ''}\` stopped before it finished; run it again to resume and converge\n`,
    );
    process.exit(130);
  });
  process.exitCode = await main(argv, defaultIo(), { commands });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runProgram(process.argv.slice(2));
}
