import { defineConfig } from 'vitest/config';
import { LevelTimesReporter } from './test/helpers/level-times.ts';

/** One vitest project per level of the test pyramid (STYLE.md), each runnable alone: `npm run test:<level>`. */
const level = (name: string) => ({ extends: true as const, test: { name, include: [`test/${name}/**/*.test.ts`] } });

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Synthesizing the CDK app is CPU-heavy; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', new LevelTimesReporter()],
    projects: ['unit', 'contract', 'infra', 'integration', 'e2e'].map(level),
  },
});
