/**
 * Mutation testing of the core rules (`npm run test:mutation`, not part of `npm test`): the pure domain and the use
 * cases that make an effect happen once. Only the unit tests judge the mutants. docs/mutation-testing.md has the
 * scores and the triage of the survivors.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'shared/domain/**/*.ts',
    // The exactly-once paths: SCAYLE orders into OrderWise, and Amazon orders into SCAYLE.
    'shared/use-cases/post-order.ts',
    'shared/use-cases/cancel-order.ts',
    'shared/use-cases/withdraw-items.ts',
    'shared/use-cases/retry-order.ts',
    'shared/use-cases/amazon-orders/process-amazon-order.ts',
  ],
  coverageAnalysis: 'perTest',
  // A mutant in module-scope code (a table, a constant) cannot be traced to tests, so it would run all of them:
  // 800 such mutants took most of the run. docs/mutation-testing.md says how the tables are guarded instead.
  ignoreStatic: true,
  // Two cores, shared with whatever else runs on the machine.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Local state and build output the sandbox does not need (`.hub` holds the local hub's data).
  ignorePatterns: ['.hub', 'cdk.out', 'coverage', 'dist'],
  tempDirName: '.stryker-tmp',
  // Stryker rewrites the tsconfig's `extends`/`references` for its sandbox through the TypeScript JS API, which
  // TypeScript 7 no longer has. Ours has neither, so there is nothing to rewrite: point it at no file.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  cleanTempDir: 'always',
};
