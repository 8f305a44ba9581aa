/**
 * Runs SQLite's WAL checkpoints on a thread of their own (checkpointThread.js), so that no commit
 * on the event loop or the writer thread ever makes one. Every other connection to the file is
 * opened with wal_autocheckpoint=0 (see noAutomaticCheckpoints).
 *
 * If the thread stops unexpectedly it is started again a moment later; until then the WAL only
 * grows (nothing is lost: checkpointing is copying, not storing).
 */
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

/**
 * How often the WAL is copied into the database file: also, with synchronous=NORMAL, how soon a
 * commit is flushed to disk. Short, because a commit of the main connection (synchronous=FULL:
 * comments, agreements) flushes whatever is not flushed yet, on the event loop: after a second of
 * steady typing that took some 50 ms on the development machine, after a quarter about 10.
 */
export const CHECKPOINT_INTERVAL_MS = 250

/**
 * How much the WAL may hold before the checkpoint thread briefly keeps writers out to start it
 * over (checkpointThread.js): without a pause in the writing it would grow without end. Each time
 * holds the writers up for three flushes, 4–11 ms measured on the development machine; at 1,000
 * commits a second (some 9 MB of WAL a second) that is once every 7 seconds, and the file stays
 * at about this size, reused. With pauses in the typing the WAL is started over at every
 * checkpoint, without holding anyone up, and stays far smaller.
 */
export const WAL_RESTART_BYTES = 64 * 1024 * 1024

export interface CheckpointStats {
  /** Checkpoints that had work, since start. */
  readonly checkpoints: number
  /** Frames in the WAL at the last checkpoint, and how many of them were copied. */
  readonly lastLogFrames: number
  readonly lastCheckpointedFrames: number
  /** Checkpoints that failed, since start (each is tried again at the next interval). */
  readonly failures: number
  /** Checkpoints after which the WAL had been started over (by this thread, or by a writer at a quiet moment). */
  readonly walRestarts: number
}

/** Turns off SQLite's checkpoint inside commits, for a connection of a file that a Checkpointer looks after. */
export function noAutomaticCheckpoints(db: Database.Database): void {
  db.pragma('wal_autocheckpoint = 0')
}

export class Checkpointer {
  private worker: Worker | undefined
  private closed = false
  private restartTimer: NodeJS.Timeout | undefined
  private stats: CheckpointStats = { checkpoints: 0, lastLogFrames: 0, lastCheckpointedFrames: 0, failures: 0, walRestarts: 0 }

  constructor(
    private readonly file: string,
    private readonly intervalMs: number = CHECKPOINT_INTERVAL_MS,
    private readonly onFailure: (message: string) => void = () => {},
    private readonly restartAfterBytes: number = WAL_RESTART_BYTES,
  ) {
    this.start()
  }

  get statistics(): CheckpointStats {
    return this.stats
  }

  private start(): void {
    const worker = new Worker(new URL('./checkpointThread.js', import.meta.url), { workerData: { file: this.file, intervalMs: this.intervalMs, restartAfterBytes: this.restartAfterBytes } })
    // It does not keep the process alive: stopping the server is not waiting for the next checkpoint.
    worker.unref()
    worker.on('message', (message: { checkpoint?: { log: number; checkpointed: number }; restarted?: boolean; failed?: string }) => {
      if (message.checkpoint) {
        this.stats = {
          ...this.stats,
          checkpoints: this.stats.checkpoints + 1,
          lastLogFrames: message.checkpoint.log,
          lastCheckpointedFrames: message.checkpoint.checkpointed,
          walRestarts: this.stats.walRestarts + (message.restarted ? 1 : 0),
        }
      } else if (message.failed !== undefined) {
        this.stats = { ...this.stats, failures: this.stats.failures + 1 }
        this.onFailure(message.failed)
      }
    })
    worker.on('error', (error) => this.onFailure(error.message))
    worker.on('exit', () => {
      if (this.worker !== worker) return
      this.worker = undefined
      if (this.closed) return
      this.restartTimer = setTimeout(() => this.start(), this.intervalMs)
      this.restartTimer.unref()
    })
    this.worker = worker
  }

  /** For tests: ends the thread abruptly, as a crash would. */
  async terminateThreadForTest(): Promise<void> {
    await this.worker?.terminate()
  }

  /** Stops checkpointing (the last connection to close makes SQLite's final checkpoint). */
  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.restartTimer)
    const worker = this.worker
    if (!worker) return
    this.worker = undefined
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.ref()
    worker.postMessage({ close: true })
    await exited
  }
}
