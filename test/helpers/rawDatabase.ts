/**
 * Raw SQL straight at a server's storage, bypassing the store: SQLite's file in the data directory,
 * or the PostgreSQL schema. For tests of what the database itself refuses. Placeholders are `?`.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import type pg from 'pg'
import type { Config } from '../../server/config.js'
import { schemaClient } from './postgres.js'

export interface RawDatabase {
  query(sql: string, ...params: unknown[]): Promise<Array<Record<string, unknown>>>
  /** Runs a statement; resolves to the number of rows changed. */
  run(sql: string, ...params: unknown[]): Promise<number>
  close(): Promise<void>
}

export async function openRawDatabase(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'databaseSchema'>): Promise<RawDatabase> {
  if (config.databaseUrl) {
    const client: pg.Client = await schemaClient(config.databaseSchema, config.databaseUrl)
    const numbered = (sql: string) => {
      let n = 0
      return sql.replace(/\?/g, () => `$${++n}`)
    }
    return {
      query: async (sql, ...params) => (await client.query(numbered(sql), params)).rows as Array<Record<string, unknown>>,
      run: async (sql, ...params) => (await client.query(numbered(sql), params)).rowCount ?? 0,
      close: () => client.end(),
    }
  }
  const db = new Database(path.join(config.dataDir, 'samenspel.sqlite'), { fileMustExist: true })
  return {
    query: async (sql, ...params) => db.prepare(sql).all(...params) as Array<Record<string, unknown>>,
    run: async (sql, ...params) => db.prepare(sql).run(...params).changes,
    close: async () => {
      db.close()
    },
  }
}
