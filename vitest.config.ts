// Test tiers, each in its folder (see STYLE.md §8). `npm test` runs them all after `npm run check`.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two files at a time even on two cores (vitest's default is cores − 1): an integration or browser file
    // mostly waits (on DynamoDB Local, its local cloud's children, Chromium), and the other file fills that.
    // Every project has the same number, so that they form one group and the pool stays full where one
    // project ends and the next begins. Measured in docs/benchmarks.md, "Issue 21: where each target stands".
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['test/setup/tmpdir.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'] } },
      {
        extends: true,
        test: { name: 'stepfunctions', include: ['test/stepfunctions/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.{ts,tsx}'],
          globalSetup: ['test/setup/tmpdir.ts', 'test/setup/dynamodb.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/setup/tmpdir.ts', 'test/setup/dynamodb.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
