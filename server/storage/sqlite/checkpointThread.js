// @ts-check
/**
 * SQLite's checkpoint thread (see Checkpointer.ts): copies what the write-ahead log (WAL) holds
 * into the database file, every `intervalMs`, on a connection of its own.
 *
 * SQLite's default is that the connection whose commit takes the WAL past 1,000 pages does this
 * itself, inside that commit. Under steady typing that was two or three times a second, and each
 * took some 20 ms: on the event loop (with SQLITE_SYNCHRONOUS_UPDATES=NORMAL) it held up every
 * relay that long, on the writer thread every change waiting for that commit. Every other
 * connection therefore has wal_autocheckpoint=0 and this thread does it instead, beside them: a
 * PASSIVE checkpoint does not stop anyone writing or reading.
 *
 * A checkpoint first flushes the WAL to disk, so with synchronous=NORMAL every commit is on disk
 * within about `intervalMs` plus the checkpoint's own time.
 *
 * Once a checkpoint has copied the whole WAL, the next commit starts the WAL over from its
 * beginning, and that commit flushes the WAL's new header to disk first (SQLite does so even with
 * synchronous=NORMAL: frames must not overwrite old ones before the new header is durable). Made
 * by the event loop's connection (SQLITE_SYNCHRONOUS_UPDATES=NORMAL), that flush stalled every
 * relay for its duration, some 3–17 ms, a few times a second under typing. So right after such a
 * checkpoint this thread makes that commit itself: it bumps the one row of `wal_restarts`. It does
 * not wait for the write lock: if someone else is writing, they start the WAL over instead, as
 * before.
 *
 * Messages out: `{ checkpoint: { log, checkpointed, busy }, restarted }` after each checkpoint that
 * had work (SQLite's counts of WAL frames; whether this thread then started the WAL over),
 * `{ failed: message }` when one failed (the next is tried as usual). Messages in: `{ close: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

if (!parentPort) throw new Error('checkpointThread.js runs as a worker thread (Checkpointer.ts starts it)')
const port = parentPort
const { file, intervalMs } = /** @type {{ file: string, intervalMs: number }} */ (workerData)

const db = new Database(file)
db.pragma('wal_autocheckpoint = 0')
db.pragma('synchronous = NORMAL')
// Never waits for the write lock (see above).
db.pragma('busy_timeout = 0')

/** @type {Database.Statement | undefined} */
let restartStatement

/** Starts the WAL over with a commit of this thread's; false if someone else holds the write lock (or the table is not there yet). */
function restartWal() {
  try {
    restartStatement ??= db.prepare('UPDATE wal_restarts SET count = count + 1 WHERE id = 1')
    restartStatement.run()
    return true
  } catch (error) {
    const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined
    // Busy: someone else writes, and starts the WAL over. No table: not migrated yet (the
    // statement stays unprepared and is prepared again next time).
    if (code === 'SQLITE_BUSY' || (error instanceof Error && /no such table/.test(error.message))) return false
    throw error
  }
}

/** Frames in the WAL at the last checkpoint reported: an unchanged, fully copied WAL is not reported again. */
let lastLog = -1

const timer = setInterval(() => {
  try {
    const [result] = /** @type {Array<{ busy: number, log: number, checkpointed: number }>} */ (db.pragma('wal_checkpoint(PASSIVE)'))
    if (!result) return
    const complete = result.busy === 0 && result.checkpointed === result.log
    // More in the WAL than this thread's own last commit (one frame): start it over.
    const restarted = complete && result.log > 1 && restartWal()
    if (!restarted && complete && result.log === lastLog) return
    lastLog = result.log
    port.postMessage({ checkpoint: result, restarted })
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) })
  }
}, intervalMs)

port.on('message', (/** @type {{ close?: true }} */ message) => {
  if (!message.close) return
  clearInterval(timer)
  db.close()
  port.close()
})
