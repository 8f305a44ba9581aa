/**
 * The writes that come with typing (the update log and the list's summaries). By default
 * (SQLITE_SYNCHRONOUS_UPDATES=NORMAL) the event loop commits them itself without waiting for the
 * disk (InlineWriter, below); the checkpoint thread flushes them within about a quarter of a
 * second (Checkpointer.ts). With FULL every commit is flushed before it counts, and they go to a
 * worker thread with its own SQLite connection (writerThread.js, SqliteWriter): better-sqlite3
 * blocks the thread that writes until the disk flush is done, and on the event loop that flush
 * would hold up every other statute's relay. In WAL mode a second connection can write while the
 * main one reads.
 *
 * Writes made in the same task (the rooms hand theirs over together, see Room.ts) go to the
 * thread in one message, at the end of that task; the thread commits whatever has arrived in one
 * transaction (group commit, see writerThread.js), so under load one disk flush serves many
 * writes. If the thread dies, what it had not confirmed is rejected (the room tries again: a Yjs
 * update stored twice is harmless) and the next write starts a new thread.
 */
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { batchWriter } from './writeBatch.js'
import { noAutomaticCheckpoints } from './Checkpointer.js'

export type WriteItem =
  | { readonly kind: 'append'; readonly statuteId: string; readonly data: Uint8Array }
  | { readonly kind: 'summary'; readonly statuteId: string; readonly title: string; readonly organisation: string; readonly updatedAt: string }

export type WriterRequest = { readonly writes: ReadonlyArray<{ readonly id: number; readonly item: WriteItem }> } | { readonly close: true }

export interface WriterResponse {
  /** Committed. */
  readonly done: readonly number[]
  /** Refused, with SQLite's error. */
  readonly failed: ReadonlyArray<{ readonly id: number; readonly error: { readonly message: string; readonly code?: string } }>
}

export interface WriterOptions {
  readonly file: string
  readonly synchronous: 'FULL' | 'NORMAL'
  readonly busyTimeoutMs: number
}

/** A write the thread refused; `code` is SQLite's (e.g. SQLITE_CONSTRAINT_FOREIGNKEY). */
export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
    this.name = 'SqliteWriteError'
  }
}

/** Where the update log and list summaries are written: a thread of their own, or the event loop. */
export interface UpdateWriter {
  /** Resolves once the item is committed (with synchronous=FULL, also flushed to disk). */
  write(item: WriteItem): Promise<void>
  /** Writes what is waiting, then stops taking writes. */
  close(): Promise<void>
}

interface Outstanding {
  resolve(): void
  reject(error: unknown): void
}

export class SqliteWriter implements UpdateWriter {
  private worker: Worker | undefined
  private nextId = 1
  private readonly outstanding = new Map<number, Outstanding>()
  private closed = false
  private closing: Promise<void> | undefined
  /** Resolves when nothing is outstanding any more (for close). */
  private drained: (() => void) | undefined
  /** Made in this task, posted together at its end. */
  private queued: Array<{ id: number; item: WriteItem }> = []

  constructor(private readonly options: WriterOptions) {}

  /** Resolves once the item is committed (and, with synchronous=FULL, flushed to disk). */
  write(item: WriteItem): Promise<void> {
    if (this.closed) return Promise.reject(new Error('De opslag is gesloten (storage is closed)'))
    const worker = this.worker ?? this.start()
    const id = this.nextId++
    // A view into a larger buffer would be copied whole to the thread; send only its bytes.
    if (item.kind === 'append' && (item.data.byteOffset !== 0 || item.data.byteLength !== item.data.buffer.byteLength)) item = { ...item, data: item.data.slice() }
    return new Promise<void>((resolve, reject) => {
      if (this.outstanding.size === 0) worker.ref()
      this.outstanding.set(id, { resolve, reject })
      this.queued.push({ id, item })
      if (this.queued.length === 1) queueMicrotask(() => this.post())
    })
  }

  private post(): void {
    const writes = this.queued.splice(0)
    if (writes.length > 0) this.worker?.postMessage({ writes } satisfies WriterRequest)
  }

  /** Writes what is waiting, then closes the thread's connection and ends the thread. */
  close(): Promise<void> {
    this.closed = true
    this.closing ??= this.finish()
    return this.closing
  }

  private async finish(): Promise<void> {
    if (this.outstanding.size > 0) await new Promise<void>((resolve) => (this.drained = resolve))
    const worker = this.worker
    if (!worker) return
    this.worker = undefined
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    // Held open until the thread has closed its connection (an idle thread does not hold the process).
    worker.ref()
    worker.postMessage({ close: true } satisfies WriterRequest)
    await exited
  }

  /** For tests: ends the thread abruptly, as a crash would. */
  async terminateThreadForTest(): Promise<void> {
    await this.worker?.terminate()
  }

  private start(): Worker {
    const worker = new Worker(new URL('./writerThread.js', import.meta.url), { workerData: this.options })
    // Idle, the thread does not keep the process alive; a write in flight does (see request).
    worker.unref()
    worker.on('message', (response: WriterResponse) => {
      for (const id of response.done) this.settle(id)?.resolve()
      for (const { id, error } of response.failed) this.settle(id)?.reject(new SqliteWriteError(error.message, error.code))
      if (this.outstanding.size === 0) {
        worker.unref()
        this.drained?.()
      }
    })
    worker.on('error', (error) => this.lost(worker, error))
    worker.on('exit', (code) => this.lost(worker, new Error(`SQLite-schrijfthread gestopt (writer thread exited with code ${code})`)))
    this.worker = worker
    return worker
  }

  private settle(id: number): Outstanding | undefined {
    const waiting = this.outstanding.get(id)
    this.outstanding.delete(id)
    return waiting
  }

  /** The thread is gone: nothing it had not confirmed counts as written; the next write starts a new one. */
  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return
    this.worker = undefined
    for (const waiting of this.outstanding.values()) waiting.reject(error)
    this.outstanding.clear()
    this.queued = []
    this.drained?.()
  }
}

/** How long a batch on the event loop is tried again while another connection holds the write lock. */
export const BUSY_RETRY_MS = 250

/**
 * The update log without a disk flush (synchronous=NORMAL): a commit then takes microseconds, so
 * the event loop makes it itself, on a connection of its own (the main connection keeps its own
 * setting, FULL by default, for accounts, comments, agreements and decisions). What the rooms hand
 * over in one task is committed in one transaction at its end and relayed right after, without
 * the trip to a thread and back (under load, waiting for that thread and for the event loop to be
 * scheduled again was most of the relay latency). A flush made for another write, or by a
 * checkpoint, also makes every earlier update durable: the WAL is one file, written in order.
 *
 * Both connections are used from this thread, one synchronous call at a time, so they never wait
 * for each other's lock. Another connection holding the write lock must not stop the event loop:
 * this connection does not wait (busy_timeout 0). A batch that meets the lock is tried again on a
 * timer, a few times within BUSY_RETRY_MS (the checkpoint thread's commit that starts the WAL over
 * holds the lock for a flush, a few milliseconds); after that it fails with SQLITE_BUSY and the
 * rooms try again a little later (a backup or an sqlite3 shell may hold it much longer).
 */
export class InlineWriter implements UpdateWriter {
  private queued: Array<{ item: WriteItem } & Outstanding> = []
  private closed = false
  /** Since when the waiting batch has met another connection's write lock (performance.now()). */
  private busySince: number | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private readonly db: Database.Database
  private readonly writeBatch: ReturnType<typeof batchWriter>

  /**
   * This connection (synchronous=NORMAL, no busy wait), for other work on the update log that
   * need not be flushed either: compaction (SqliteStore.compact).
   */
  get connection(): Database.Database {
    return this.db
  }

  constructor(file: string) {
    this.db = new Database(file)
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 0')
    // Checkpoints are the checkpoint thread's (Checkpointer.ts), never a commit's on the event loop.
    noAutomaticCheckpoints(this.db)
    this.writeBatch = batchWriter(this.db)
  }

  write(item: WriteItem): Promise<void> {
    if (this.closed) return Promise.reject(new Error('De opslag is gesloten (storage is closed)'))
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ item, resolve, reject })
      // Committed at the end of this task, together with whatever else the task wrote, and so
      // relayed within the task that received it, as the stock server relays. Waiting for the end
      // of the turn, or up to a millisecond, gathered more per commit but did not lower the CPU
      // per update under typing load (ARCHITECTURE.md, "one commit per task").
      if (this.queued.length === 1) queueMicrotask(() => this.commit())
    })
  }

  private commit(): void {
    this.retryTimer = undefined
    const batch = this.queued.splice(0)
    if (batch.length === 0) return
    const result = this.writeBatch(batch.map(({ item }, id) => ({ id, item })))
    if (result.done.length === 0 && result.failed.every(({ error }) => error.code === 'SQLITE_BUSY') && !this.closed) {
      const now = performance.now()
      this.busySince ??= now
      const waited = now - this.busySince
      if (waited < BUSY_RETRY_MS) {
        // Back in front, in order; writes made meanwhile join it.
        this.queued.unshift(...batch)
        this.retryTimer = setTimeout(() => this.commit(), Math.min(25, 1 + waited / 4))
        return
      }
    }
    this.busySince = undefined
    for (const id of result.done) batch[id]!.resolve()
    for (const { id, error } of result.failed) batch[id]!.reject(new SqliteWriteError(error.message, error.code))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.retryTimer)
    this.commit()
    this.db.close()
  }
}
