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
 * Messages out: `{ checkpoint: { log, checkpointed, busy } }` after each checkpoint that had work
 * (SQLite's counts of WAL frames), `{ failed: message }` when one failed (the next is tried as
 * usual). Messages in: `{ close: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

if (!parentPort) throw new Error('checkpointThread.js runs as a worker thread (Checkpointer.ts starts it)')
const port = parentPort
const { file, intervalMs } = /** @type {{ file: string, intervalMs: number }} */ (workerData)

const db = new Database(file)
db.pragma('wal_autocheckpoint = 0')
db.pragma('synchronous = NORMAL')

/** Frames in the WAL at the last checkpoint that had work: a checkpoint of an unchanged WAL is skipped. */
let lastLog = -1

const timer = setInterval(() => {
  try {
    const [result] = /** @type {Array<{ busy: number, log: number, checkpointed: number }>} */ (db.pragma('wal_checkpoint(PASSIVE)'))
    if (!result || (result.log === lastLog && result.checkpointed === result.log)) return
    lastLog = result.log
    port.postMessage({ checkpoint: result })
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
