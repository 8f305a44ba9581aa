// @ts-check
/**
 * SQLite's writer thread (see SqliteWriter.ts): its own connection to the same database file,
 * which writes the update log and the statute list's summaries. better-sqlite3 is synchronous, so
 * a write with its disk flush blocks the thread that makes it; here that is this thread, and the
 * server's event loop goes on relaying other statutes' changes meanwhile.
 *
 * Group commit: every write arrives as its own message; whatever has arrived by the time a
 * transaction starts goes into it (writeBatch.js), so under load one disk flush serves many writes.
 *
 * Plain JavaScript (checked by tsc through the JSDoc below): Node 20 starts worker threads without
 * the TypeScript loader that runs the sources in development and tests.
 *
 * Messages in: `{ writes: [{ id, item }] }` or `{ close: true }`.
 * Messages out: `{ done, failed }`: the ids now committed, and those that failed with their error.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { batchWriter } from './writeBatch.js'

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
// Checkpoints are the checkpoint thread's (checkpointThread.js): one inside a commit here would
// hold up every change waiting for that commit.
db.pragma('wal_autocheckpoint = 0')

const writeBatch = batchWriter(db)

/** @param {Array<{ id: number, item: WriteItem }>} writes */
function commit(writes) {
  port.postMessage(writeBatch(writes))
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
