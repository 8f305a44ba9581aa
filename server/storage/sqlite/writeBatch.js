// @ts-check
/**
 * Writes a batch of the update log's appends and the list's summaries in one transaction: used
 * on the writer thread (writerThread.js, synchronous=FULL) and on the event loop
 * (SqliteWriter.ts, synchronous=NORMAL). Plain JavaScript (checked by tsc through the JSDoc
 * below): Node 20 starts worker threads without the TypeScript loader.
 *
 * If the transaction fails for a reason that belongs to one write (its statute was deleted, a
 * value is refused), the writes are tried one by one so that it fails alone; anything else (the
 * database is locked or full, the disk fails) fails them all, since trying each again would only
 * repeat the wait for every one.
 */
import Database from 'better-sqlite3'

/** @typedef {import('./SqliteWriter.js').WriteItem} WriteItem */
/** @typedef {{ id: number, error: { message: string, code?: string } }} FailedWrite */
/** @typedef {{ done: number[], failed: FailedWrite[] }} BatchResult */

/**
 * @param {Database.Database} db a connection to the migrated database
 * @returns {(writes: ReadonlyArray<{ id: number, item: WriteItem }>) => BatchResult}
 */
export function batchWriter(db) {
  /** @type {{ append: Database.Statement, summary: Database.Statement } | undefined} */
  let statements
  // Prepared on first use: the tables exist only once the main connection has migrated.
  function prepared() {
    statements ??= {
      append: db.prepare('INSERT INTO statute_updates (statute_id, data) VALUES (?, ?)'),
      summary: db.prepare('UPDATE statutes SET title = ?, organisation = ?, updated_at = ? WHERE id = ?'),
    }
    return statements
  }

  /** @param {WriteItem} item */
  function writeOne(item) {
    const { append, summary } = prepared()
    if (item.kind === 'append') {
      // SQLite binds Buffers as BLOBs; a structured clone arrives as a plain Uint8Array.
      append.run(item.statuteId, Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength))
    } else {
      summary.run(item.title, item.organisation, item.updatedAt, item.statuteId)
    }
  }

  const writeAll = db.transaction((/** @type {ReadonlyArray<{ id: number, item: WriteItem }>} */ writes) => {
    for (const write of writes) writeOne(write.item)
  })

  return (writes) => {
    try {
      writeAll(writes)
      return { done: writes.map((write) => write.id), failed: [] }
    } catch (groupError) {
      if (!concernsOneWrite(groupError)) return { done: [], failed: writes.map((write) => ({ id: write.id, error: describe(groupError) })) }
      /** @type {BatchResult} */
      const result = { done: [], failed: [] }
      for (const write of writes) {
        try {
          writeOne(write.item)
          result.done.push(write.id)
        } catch (error) {
          result.failed.push({ id: write.id, error: describe(error) })
        }
      }
      return result
    }
  }
}

/** @param {unknown} error */
function describe(error) {
  const code = error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : undefined
  return { message: error instanceof Error ? error.message : String(error), code }
}

/** @param {unknown} error */
function concernsOneWrite(error) {
  const code = describe(error).code
  return code !== undefined && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
}
