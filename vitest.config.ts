import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure, no I/O, runs anywhere) and `int` (real PostgreSQL and the
// real Kafka broker; .ci/run starts them). Integration files run one at a time because
// they share one database and the machine has two cores.
// Each run gets its own database (created and dropped by test/support/globalSetup.ts), so two
// runs on one server never touch each other's data.
process.env.TEST_DATABASE ??= `ledger_test_${process.pid}`;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.unit.spec.ts'],
          exclude: ['node_modules/**', '.cache/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['**/*.int.spec.ts'],
          exclude: ['node_modules/**', '.cache/**'],
          fileParallelism: false,
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
