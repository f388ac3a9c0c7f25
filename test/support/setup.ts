// Runs in every test file (vitest setupFiles): the folders tempDir made are removed after it.
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.ts';

afterAll(removeTempDirs);
