/**
 * `DATABASE_URL=postgres://… npm run copy-to-postgres`: copies the SQLite data in DATA_DIR
 * (default ./data) into the (empty) PostgreSQL schema DATABASE_SCHEMA (default public). Stop the
 * server first; afterwards start the instances with DATABASE_URL set.
 */
import path from 'node:path'
import { loadConfig } from '../config.js'
import { copySqliteToPostgres } from './copySqliteToPostgres.js'

try {
  const config = loadConfig()
  if (!config.databaseUrl) throw new Error('Zet DATABASE_URL op de PostgreSQL-database waarheen gekopieerd wordt (postgres://…).')
  const file = path.join(config.dataDir, 'samenspel.sqlite')
  process.stderr.write(`Kopiëren van ${file} naar schema ${config.databaseSchema}…\n`)
  const report = await copySqliteToPostgres(file, { connectionString: config.databaseUrl, schema: config.databaseSchema }, (message) => process.stderr.write(`  ${message}\n`))
  const rows = report.tables.reduce((sum, t) => sum + t.rows, 0)
  process.stdout.write(`Klaar: ${rows} rijen in ${report.tables.length} tabellen gekopieerd in ${report.ms} ms. Start de server nu met DATABASE_URL.\n`)
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
