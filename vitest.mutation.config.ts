import { defineConfig } from 'vitest/config';

/**
 * The unit tests alone, for Stryker (`npm run test:mutation`): every mutant is judged by the fast tests that need
 * no server. Stryker's vitest runner sets its own pool and worker count on top of this.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
