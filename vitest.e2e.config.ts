import { defineConfig } from 'vitest/config';

// The real-cluster suite: Kind + Argo CD. Runs only where a Docker daemon answers.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
  },
});
