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
 * That commit starts the WAL over only if nothing was written between the checkpoint's start and
 * its own: SQLite restarts the WAL for a writer that began while every frame was copied. Under
 * steady typing (a commit every millisecond) that never holds, and the WAL grew without end: 95 MB
 * in 10 s at 1,000 commits a second. So once the WAL holds `restartAfterBytes`, this thread makes
 * room for the restart: a second connection takes the write lock (no commit can come in between),
 * this one copies the few frames written since, the lock is let go, and at once this thread's
 * commit starts the WAL over. Writers wait for that lock for three flushes (4–11 ms measured),
 * once per `restartAfterBytes` of WAL (WAL_RESTART_BYTES in Checkpointer.ts) rather than at every
 * checkpoint. Whether the WAL was started over is read from its header: its checkpoint sequence
 * number goes up by one at every restart.
 *
 * Messages out: `{ checkpoint: { log, checkpointed, busy }, restarted }` after each checkpoint that
 * had work (SQLite's counts of WAL frames; whether the WAL was started over since the checkpoint
 * before), `{ failed: message }` when one failed (the next is tried as usual). Messages in:
 * `{ close: true }`.
 */
import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

if (!parentPort) throw new Error('checkpointThread.js runs as a worker thread (Checkpointer.ts starts it)')
const port = parentPort
const { file, intervalMs, restartAfterBytes } = /** @type {{ file: string, intervalMs: number, restartAfterBytes: number }} */ (workerData)

/** @param {Database.Database} connection */
function configure(connection) {
  connection.pragma('wal_autocheckpoint = 0')
  connection.pragma('synchronous = NORMAL')
  // Never waits for the write lock (see above).
  connection.pragma('busy_timeout = 0')
  return connection
}

const db = configure(new Database(file))
/** Bytes per WAL frame, a page and its 24-byte header (read at the first checkpoint, not at start: a read may meet a lock). */
/** @type {number | undefined} */
let frameBytes
/** How long the connection that keeps writers out waits for a writer's commit to end. */
const HOLDER_BUSY_TIMEOUT_MS = 50
/** The connection that holds the write lock while `db` checkpoints (opened when first needed). */
/** @type {Database.Database | undefined} */
let holder

/** @type {Database.Statement | undefined} */
let restartStatement

/** @param {unknown} error */
function isBusy(error) {
  return Boolean(error && typeof error === 'object' && 'code' in error && error.code === 'SQLITE_BUSY')
}

/**
 * Bumps `wal_restarts` (which starts the WAL over if everything in it was copied and nothing written
 * since); false if someone else holds the write lock (or the table is not there yet).
 */
function restartCommit() {
  try {
    restartStatement ??= db.prepare('UPDATE wal_restarts SET count = count + 1 WHERE id = 1')
    restartStatement.run()
    return true
  } catch (error) {
    // Busy: someone else writes. No table: not migrated yet (the statement stays unprepared and is
    // prepared again next time).
    if (isBusy(error) || (error instanceof Error && /no such table/.test(error.message))) return false
    throw error
  }
}

/**
 * The WAL header's checkpoint sequence number (big-endian, at byte 12; SQLite's file format), which
 * goes up by one each time the WAL is started over; undefined while there is no WAL header.
 */
function walSequence() {
  let fd
  try {
    fd = fs.openSync(`${file}-wal`, 'r')
    const header = Buffer.alloc(4)
    return fs.readSync(fd, header, 0, 4, 12) === 4 ? header.readUInt32BE(0) : undefined
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/**
 * Copies what was written since the last checkpoint while `holder` keeps writers out, then makes
 * the commit that starts the WAL over (see above); false if it got no chance to.
 */
function restartHoldingWriters() {
  if (!holder) {
    holder = configure(new Database(file))
    // It may wait for a writer's commit to end (on this thread, nobody else waits for it).
    holder.pragma(`busy_timeout = ${HOLDER_BUSY_TIMEOUT_MS}`)
  }
  try {
    holder.exec('BEGIN IMMEDIATE')
  } catch (error) {
    if (isBusy(error)) return false
    throw error
  }
  let copied = false
  try {
    const [result] = /** @type {Array<{ busy: number, log: number, checkpointed: number }>} */ (db.pragma('wal_checkpoint(PASSIVE)'))
    copied = result !== undefined && result.busy === 0 && result.checkpointed === result.log
  } finally {
    holder.exec('ROLLBACK')
  }
  // Not all copied: a reader still uses part of the WAL. Tried again after the next checkpoint.
  return copied && restartCommit()
}

/** Frames in the WAL at the last checkpoint reported: an unchanged, fully copied WAL is not reported again. */
let lastLog = -1
/** The WAL's checkpoint sequence number at the last checkpoint (undefined until there is a WAL header). */
let lastSequence = walSequence()

const timer = setInterval(() => {
  try {
    const [result] = /** @type {Array<{ busy: number, log: number, checkpointed: number }>} */ (db.pragma('wal_checkpoint(PASSIVE)'))
    if (!result) return
    const complete = result.busy === 0 && result.checkpointed === result.log
    // More in the WAL than this thread's own last commit (one frame): start it over.
    if (complete && result.log > 1) {
      const before = walSequence()
      restartCommit()
      // A writer's lock at the wrong moment can foil a try; a few more, then the next checkpoint.
      frameBytes ??= /** @type {number} */ (db.pragma('page_size', { simple: true })) + 24
      for (let tries = 0; tries < 3 && walSequence() === before && result.log * frameBytes >= restartAfterBytes; tries++) restartHoldingWriters()
    }
    const sequence = walSequence()
    // (No WAL header before the first commit: its appearance is not a restart.)
    const restarted = sequence !== undefined && lastSequence !== undefined && sequence !== lastSequence
    if (sequence !== undefined) lastSequence = sequence
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
  holder?.close()
  db.close()
  port.close()
})
