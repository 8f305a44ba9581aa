/**
 * Moves an installation from SQLite to PostgreSQL: copies every table of `samenspel.sqlite` into
 * an empty PostgreSQL schema, in one transaction, and checks the row counts afterwards.
 *
 * Used when a municipality's single server moves to a provider running several instances
 * (`npm run copy-to-postgres`). The server must be stopped while copying (the SQLite file is read
 * in one read transaction, so a running server would not corrupt anything, but its later changes
 * would not be copied).
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import pg from 'pg'
import { SQLITE_MIGRATIONS } from './sqlite/migrations.js'
import { PgStore } from './postgres/PgStore.js'

/** Tables in an order that satisfies every foreign key; parties are ordered parents first. */
const TABLES = [
  'statutes',
  'statute_snapshots',
  'statute_updates',
  'users',
  'sessions',
  'api_tokens',
  'parties',
  'memberships',
  'invitations',
  'audit_log',
  'agreements',
  'statute_versions',
  'comment_threads',
  'comments',
  'comment_reads',
] as const

/** SQLite stores flags as 0/1; PostgreSQL has BOOLEAN columns for them. */
const BOOLEAN_COLUMNS = new Set(['is_admin', 'can_agree'])
/** Identity columns whose sequences must continue after the copied values. */
const IDENTITY_COLUMNS: Partial<Record<(typeof TABLES)[number], string>> = { statute_updates: 'seq', audit_log: 'id', agreements: 'id' }
const BATCH_ROWS = 200

export interface CopyTarget {
  readonly connectionString: string
  readonly schema: string
}

export interface CopyReport {
  readonly tables: ReadonlyArray<{ readonly table: string; readonly rows: number }>
  readonly ms: number
}

export async function copySqliteToPostgres(sqliteFile: string, target: CopyTarget, progress: (message: string) => void = () => {}): Promise<CopyReport> {
  const started = performance.now()
  if (!fs.existsSync(sqliteFile)) throw new Error(`SQLite-bestand ${sqliteFile} bestaat niet (DATA_DIR?).`)
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true })
  try {
    const applied = source.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get() as { n: number }
    const version = applied.n ? (source.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0 : 0
    if (version !== SQLITE_MIGRATIONS.length) {
      throw new Error(`${sqliteFile} heeft schemaversie ${version}, deze versie van Samenspel verwacht ${SQLITE_MIGRATIONS.length}: start de server één keer op deze gegevens en stop hem weer.`)
    }

    // The target gets the current schema from the engine itself, then must be empty.
    const store = new PgStore({ connectionString: target.connectionString, schema: target.schema, poolSize: 1 })
    try {
      await store.migrate()
    } finally {
      await store.close()
    }
    const client = new pg.Client({ connectionString: target.connectionString, connectionTimeoutMillis: 5000 })
    await client.connect()
    const tables: Array<{ table: string; rows: number }> = []
    try {
      await client.query(`SET search_path TO "${target.schema}"`)
      const occupied = await client.query<{ n: string }>('SELECT (SELECT COUNT(*) FROM statutes) + (SELECT COUNT(*) FROM users) AS n')
      if (Number(occupied.rows[0]!.n) > 0) {
        throw new Error(`Schema ${target.schema} bevat al statuten of accounts; kopieer alleen naar een lege database of een nieuw DATABASE_SCHEMA.`)
      }
      await client.query('BEGIN')
      // One read transaction on the source: a consistent picture even if something writes to it.
      source.exec('BEGIN')
      try {
        for (const table of TABLES) {
          const rows = copyTable(source, table)
          for (const batch of rows.batches()) {
            await insertBatch(client, table, rows.columns, batch)
          }
          const identity = IDENTITY_COLUMNS[table]
          if (identity) {
            await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${identity}'), GREATEST((SELECT MAX(${identity}) FROM ${table}), 1), (SELECT COUNT(*) > 0 FROM ${table}))`)
          }
          const counted = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)
          if (Number(counted.rows[0]!.n) !== rows.count) throw new Error(`${table}: ${rows.count} rijen gelezen maar ${counted.rows[0]!.n} geschreven`)
          tables.push({ table, rows: rows.count })
          progress(`${table}: ${rows.count} rijen`)
        }
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      } finally {
        source.exec('COMMIT')
      }
    } finally {
      await client.end()
    }
    return { tables, ms: Math.round(performance.now() - started) }
  } finally {
    source.close()
  }
}

function copyTable(source: Database.Database, table: string) {
  const columns = (source.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name)
  const count = (source.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
  // Parents before children (parties.parent_id); everything else in insertion order.
  const order = table === 'parties' ? 'ORDER BY parent_id IS NOT NULL, rowid' : 'ORDER BY rowid'
  const statement = source.prepare(`SELECT ${columns.join(', ')} FROM ${table} ${order}`).raw(true)
  return {
    columns,
    count,
    *batches(): Generator<unknown[][]> {
      let batch: unknown[][] = []
      for (const row of statement.iterate() as IterableIterator<unknown[]>) {
        batch.push(row.map((value, i) => (BOOLEAN_COLUMNS.has(columns[i]!) ? value === 1 : value)))
        if (batch.length === BATCH_ROWS) {
          yield batch
          batch = []
        }
      }
      if (batch.length > 0) yield batch
    },
  }
}

async function insertBatch(client: pg.Client, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  const values: unknown[] = []
  const tuples = rows.map((row) => {
    const placeholders = row.map((value) => {
      values.push(value)
      return `$${values.length}`
    })
    return `(${placeholders.join(', ')})`
  })
  const overriding = IDENTITY_COLUMNS[table as (typeof TABLES)[number]] ? ' OVERRIDING SYSTEM VALUE' : ''
  await client.query(`INSERT INTO ${table} (${columns.join(', ')})${overriding} VALUES ${tuples.join(', ')}`, values)
}
