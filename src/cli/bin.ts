// The process entry of every npm script. Node strips the types of each .ts module it loads,
// anew on every run: a tenth of a second before main.ts could even start, half a second of
// a diff. Its compile cache keeps the result between runs, so it is turned on here, before
// anything of the program is loaded (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
import { enableCompileCache } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Beside the render cache, git-ignored with the rest of .cache/. */
const COMPILE_CACHE_DIR = '.cache/node-compile';

enableCompileCache(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', COMPILE_CACHE_DIR));
const { runProgram } = await import('./main.ts');
await runProgram(process.argv.slice(2));
