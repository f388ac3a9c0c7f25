import { readdirSync } from 'node:fs';
// Lint for the program, its tests and dev tools. Besides typescript-eslint's recommended
// rules it holds the layering of docs/architecture.md: core is pure (no adapters, no
// commands, no file system or processes), adapters do I/O for commands but never call
// back into them, and a command never reaches into another command.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const IO_MODULES = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process'];
// Every command folder or file under src/commands: a new command is covered without editing this list.
const COMMANDS = readdirSync(new URL('./src/commands/', import.meta.url)).map((f) => f.replace(/\.ts$/, ''));
/**
 * The one sanctioned reuse: `sync` is bootstrap's repository and wait steps run again on a
 * bootstrapped cluster (docs/bootstrap.md, local mode), so it may import bootstrap's steps.
 */
const MAY_USE = { sync: ['bootstrap'] };

const noImports = (patterns, message) => ({
  'no-restricted-imports': [
    'error',
    { paths: IO_MODULES.map((name) => ({ name, message })), patterns: [{ group: patterns, message }] },
  ],
});

/**
 * A command's own file or folder may use itself; any other command is off limits. Imports
 * are relative, so the way out of a command depends on how deep the importing file is.
 */
function commandBoundary(command) {
  const others = `(${COMMANDS.filter((c) => c !== command && !(MAY_USE[command] ?? []).includes(c)).join('|')})(/|\\.ts$)`;
  const message = 'a command does not import another command: move what both need to src/core or src/adapters';
  const rule = (regex) => ({ 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] });
  return [
    { files: [`src/commands/${command}.ts`], rules: rule(`^\\./${others}`) },
    { files: [`src/commands/${command}/*.ts`], rules: rule(`^\\.\\./${others}`) },
    { files: [`src/commands/${command}/*/*.ts`], rules: rule(`^\\.\\./\\.\\./${others}`) },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'base/**',
      'overlays/**',
      'apps/**',
      'bootstrap/**',
      'clusters/**',
      '.cache/**',
      '.tools/**',
      'reports/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Kubernetes objects are open-ended JSON; tests poke at them freely.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: noImports(
      ['**/adapters/**', '**/commands/**', '**/cli/**'],
      'src/core is pure: no adapters, commands, CLI, file system or processes (pass data in)',
    ),
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/commands/**', '**/cli/**'],
              message: 'an adapter does I/O for commands; it never imports a command or the CLI',
            },
          ],
        },
      ],
    },
  },
  ...COMMANDS.flatMap(commandBoundary),
  prettier,
);
