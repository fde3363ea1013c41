import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Synthesizing the CDK app is CPU-heavy; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
