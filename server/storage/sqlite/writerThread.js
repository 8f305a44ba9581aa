// @ts-check
/**
 * SQLite's writer thread (see SqliteWriter.ts): its own connection to the same database file,
 * which writes the update log and the statute list's summaries. better-sqlite3 is synchronous, so
 * a write with its disk flush blocks the thread that makes it; here that is this thread, and the
 * server's event loop goes on relaying other statutes' changes meanwhile.
 *
 * Group commit: every write arrives as its own message; whatever has arrived by the time a
 * transaction starts goes into it, so under load one disk flush serves many writes. If that
 * transaction fails, its writes are tried one by one, so that one bad write (its statute was
 * deleted) fails alone.
 *
 * Plain JavaScript (checked by tsc through the JSDoc below): Node 20 starts worker threads without
 * the TypeScript loader that runs the sources in development and tests.
 *
 * Messages in: `{ writes: [{ id, item }] }` or `{ close: true }`.
 * Messages out: `{ done, failed }`: the ids now committed, and those that failed with their error.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

/** @typedef {import('./SqliteWriter.js').WriteItem} WriteItem */
/** @typedef {import('./SqliteWriter.js').WriterRequest} WriterRequest */
/** @typedef {import('./SqliteWriter.js').WriterOptions} WriterOptions */

if (!parentPort) throw new Error('writerThread.js runs as a worker thread (SqliteWriter.ts starts it)')
const port = parentPort
const options = /** @type {WriterOptions} */ (workerData)

const db = new Database(options.file)
// Same settings as the main connection; the journal mode (WAL) is a property of the file.
db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
db.pragma('foreign_keys = ON')
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`)

/**
 * Prepared on first use: the tables exist only once the main connection has migrated.
 * @type {{ append: import('better-sqlite3').Statement, summary: import('better-sqlite3').Statement } | undefined}
 */
let statements
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
    // Structured cloning turned the Buffer into a plain Uint8Array; SQLite binds Buffers as BLOBs.
    append.run(item.statuteId, Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength))
  } else {
    summary.run(item.title, item.organisation, item.updatedAt, item.statuteId)
  }
}

const writeAll = db.transaction((/** @type {readonly WriteItem[]} */ items) => {
  for (const item of items) writeOne(item)
})

/** @param {unknown} error */
function describe(error) {
  const code = error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : undefined
  return { message: error instanceof Error ? error.message : String(error), code }
}

/**
 * Errors that belong to one write (its statute is gone, a value is refused): the others in its
 * transaction are then written without it. Anything else (the database is locked or full, the disk
 * fails) concerns them all, and trying each again would only repeat the wait for every one.
 * @param {unknown} error
 */
function concernsOneWrite(error) {
  const code = describe(error).code
  return code !== undefined && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
}

/** @param {Array<{ id: number, item: WriteItem }>} writes */
function commit(writes) {
  try {
    writeAll(writes.map((write) => write.item))
    port.postMessage({ done: writes.map((write) => write.id), failed: [] })
  } catch (groupError) {
    if (!concernsOneWrite(groupError)) {
      port.postMessage({ done: [], failed: writes.map((write) => ({ id: write.id, error: describe(groupError) })) })
      return
    }
    /** @type {number[]} */
    const done = []
    /** @type {Array<{ id: number, error: { message: string, code?: string } }>} */
    const failed = []
    for (const write of writes) {
      try {
        writeOne(write.item)
        done.push(write.id)
      } catch (error) {
        failed.push({ id: write.id, error: describe(error) })
      }
    }
    port.postMessage({ done, failed })
  }
}

/** Writes per transaction at most (a message may carry a few more). */
const MAX_WRITES_PER_TRANSACTION = 256

let closing = false

/** The next message already waiting, if any (without waiting for one). */
function next() {
  return /** @type {{ message: WriterRequest } | undefined} */ (receiveMessageOnPort(port))?.message
}

port.on('message', (/** @type {WriterRequest} */ first) => {
  /** @type {WriterRequest | undefined} */
  let request = first
  // Everything that is already waiting joins this transaction (up to a bound, so that the write
  // lock is never held long: the main connection writes too); what arrives during it, the next.
  while (request && !closing) {
    /** @type {Array<{ id: number, item: WriteItem }>} */
    const writes = []
    while (request && writes.length < MAX_WRITES_PER_TRANSACTION) {
      if ('close' in request) {
        closing = true
        request = undefined
        break
      }
      writes.push(...request.writes)
      request = next()
    }
    if (writes.length > 0) commit(writes)
    // A message that did not fit is carried over; otherwise, whatever arrived meanwhile.
    if (!request && !closing) request = next()
  }
  if (closing) {
    db.close()
    port.close()
  }
})
