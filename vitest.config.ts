import { defineConfig } from 'vitest/config';
import { LevelTimesReporter } from './test/helpers/level-times.ts';

/** One vitest project per level of the test pyramid (STYLE.md), each runnable alone: `npm run test:<level>`. */
const level = (name: string, test: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...test },
});

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two workers for two cores: a third (tried) made the run slower, every hub fighting for the same cores.
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs file after file in one module graph: aws-cdk-lib, the AWS SDK and zod load once per worker
    // instead of once per file (seconds of CPU each for aws-cdk-lib). Every file sets up its own state; nothing
    // here relies on a fresh module (shuffled runs pass: `--sequence.shuffle`).
    isolate: false,
    reporters: ['default', new LevelTimesReporter()],
    projects: [
      level('unit'),
      level('contract'),
      level('infra'),
      level('integration'),
      // The hubs of the run share one DynamoDB Local, started before the first e2e file and stopped after the last.
      level('e2e', { globalSetup: ['test/helpers/shared-dynamodb.ts'] }),
    ],
  },
});
