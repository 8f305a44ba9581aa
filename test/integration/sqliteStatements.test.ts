/**
 * statements.ts: each SQLite connection compiles a statement once and keeps it; a kept statement
 * still follows the schema after a migration changes it (SQLite recompiles it by itself).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { statement } from '../../server/storage/sqlite/statements.js'

describe('prepared statements kept per connection', () => {
  let dir: string
  let db: Database.Database
  let other: Database.Database

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samenspel-statements-'))
    db = new Database(path.join(dir, 'db.sqlite'))
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')
    other = new Database(path.join(dir, 'db.sqlite'))
  })

  afterEach(() => {
    db.close()
    other.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('compiles each SQL text once per connection', () => {
    const select = 'SELECT id, text FROM notes ORDER BY id'
    const first = statement(db, select)
    expect(statement(db, select)).toBe(first)
    expect(statement(db, 'SELECT count(*) AS n FROM notes')).not.toBe(first)
    // Another connection to the same file has statements of its own.
    const onOther = statement(other, select)
    expect(onOther).not.toBe(first)
    statement(db, 'INSERT INTO notes (text) VALUES (?)').run('een')
    expect(onOther.all()).toEqual([{ id: 1, text: 'een' }])
    expect(first.all()).toEqual([{ id: 1, text: 'een' }])
  })

  it('a kept statement follows the schema when a migration changes it', () => {
    const insert = statement(db, 'INSERT INTO notes (text) VALUES (?)')
    const selectAll = statement(db, 'SELECT * FROM notes ORDER BY id')
    insert.run('een')
    // A column added (by this connection or another one): the kept SELECT * returns it.
    other.exec("ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'griffie'")
    expect(selectAll.all()).toEqual([{ id: 1, text: 'een', author: 'griffie' }])
    // The table rebuilt and renamed, as migration 5 does with the update log: the kept INSERT
    // writes into the new table.
    db.exec(`CREATE TABLE notes_next (id INTEGER PRIMARY KEY, text TEXT NOT NULL, author TEXT NOT NULL DEFAULT 'raad');
             INSERT INTO notes_next SELECT id, text, author FROM notes;
             DROP TABLE notes;
             ALTER TABLE notes_next RENAME TO notes;`)
    insert.run('twee')
    expect(statement(db, 'SELECT * FROM notes ORDER BY id')).toBe(selectAll)
    expect(selectAll.all()).toEqual([
      { id: 1, text: 'een', author: 'griffie' },
      { id: 2, text: 'twee', author: 'raad' },
    ])
  })
})
