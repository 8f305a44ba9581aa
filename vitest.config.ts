import { defineConfig } from 'vitest/config'

// Everything runs on SQLite (the default engine); the integration tests run a second time with
// their test servers on PostgreSQL (a fresh schema each), so both engines are held to the same
// behaviour. Tests that already cover PostgreSQL explicitly, or only SQLite's own parts, are not
// repeated.
const coversPostgresItself = [
  'test/integration/sqliteWriter.test.ts',
  'test/integration/sqliteKill.test.ts',
  'test/integration/sqliteStatements.test.ts',
  'test/integration/storage.test.ts',
  'test/integration/cluster.test.ts',
  'test/integration/clusterKill.test.ts',
  'test/integration/copyToPostgres.test.ts',
]

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/summaryReporter.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts'],
          exclude: coversPostgresItself,
          env: { SAMENSPEL_TEST_STORAGE: 'postgres' },
        },
      },
    ],
  },
})
