/**
 * Prepared statements, compiled once per connection and SQL text. better-sqlite3's `prepare`
 * compiles the SQL anew on every call; the stores run the same few dozen statements for every
 * request (signing in, membership checks), so each connection keeps what it compiled. SQLite
 * recompiles a kept statement by itself when the schema changes (migrations).
 *
 * None of the stores changes a statement's mode (`pluck`, `raw`, `expand`), so one statement can
 * serve every caller of its SQL.
 */
import type Database from 'better-sqlite3'

const compiled = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** `db.prepare(sql)`, compiled on first use and kept for as long as the connection lives. */
export function statement(db: Database.Database, sql: string): Database.Statement {
  let perConnection = compiled.get(db)
  if (!perConnection) {
    perConnection = new Map()
    compiled.set(db, perConnection)
  }
  let prepared = perConnection.get(sql)
  if (!prepared) {
    prepared = db.prepare(sql)
    perConnection.set(sql, prepared)
  }
  return prepared
}
