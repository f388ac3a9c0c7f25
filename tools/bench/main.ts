// `npm run bench`: dev tooling, kept apart from the user commands but run through the same
// command-line runner (options, --help, errors, exit codes).
import { runProgram } from '../../src/cli/main.ts';

await runProgram(['bench', ...process.argv.slice(2)], { bench: () => import('./command.ts') });
