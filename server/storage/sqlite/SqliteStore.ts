/**
 * The default storage engine: one SQLite file in DATA_DIR, through better-sqlite3.
 *
 * Every promise below resolves only once its write is committed; that is what lets the
 * collaboration layer store an update before relaying it. The file is in WAL mode, and by default
 * (synchronous=FULL) every write is also flushed to disk first, except the writes that come with
 * typing (update log, list summary): by default (updatesSynchronous=NORMAL) those are committed
 * without a flush, on this thread through a second connection (SqliteWriter.ts, InlineWriter).
 * They survive a crash of the process at once, and are on disk within about a quarter of a second,
 * when the checkpoint thread (Checkpointer.ts) next flushes the WAL; what a power cut could take
 * from that moment is held by every client that received it, and sent again when it reconnects.
 * With updatesSynchronous=FULL they are flushed before they count, on a writer thread, so that
 * the flushes do not hold up the event loop. WAL checkpoints are the checkpoint thread's alone.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { BodyType } from '../../../model/statuteDoc.js'
import type { CompactionResult, NewStatuteAccess, StatuteRecord, Storage, StoredDocument } from '../StatuteStore.js'
import { withoutNul } from '../StatuteStore.js'
import { SqliteAccounts } from './SqliteAccounts.js'
import { ACCESS_SQL, SqliteAccess } from './SqliteAccess.js'
import { SqliteAudit } from './SqliteAudit.js'
import { SqliteAgreements } from './SqliteAgreements.js'
import { SqliteComments } from './SqliteComments.js'
import { SQLITE_MIGRATIONS } from './migrations.js'
import { InlineWriter, SqliteWriter, type UpdateWriter } from './SqliteWriter.js'
import { Checkpointer, CHECKPOINT_INTERVAL_MS, noAutomaticCheckpoints, type CheckpointStats } from './Checkpointer.js'
import { statement } from './statements.js'

/** How long a write waits for another connection's transaction before it fails (ms), by default. */
const BUSY_TIMEOUT_MS = 5000

const SQL = {
  insertStatute: `INSERT INTO statutes (id, title, organisation, body_type, created_at, updated_at)
                  VALUES (@id, @title, @organisation, @bodyType, @createdAt, @updatedAt)`,
  insertSnapshot: `INSERT INTO statute_snapshots (statute_id, state, compacted_at) VALUES (?, ?, ?)
                   ON CONFLICT (statute_id) DO UPDATE SET state = excluded.state, compacted_at = excluded.compacted_at`,
  listStatutes: `SELECT id, title, organisation, body_type AS bodyType, created_at AS createdAt, updated_at AS updatedAt
                 FROM statutes ORDER BY updated_at DESC, id`,
  getStatute: `SELECT id, title, organisation, body_type AS bodyType, created_at AS createdAt, updated_at AS updatedAt
               FROM statutes WHERE id = ?`,
  getSnapshot: `SELECT state FROM statute_snapshots WHERE statute_id = ?`,
  getLog: `SELECT seq, data FROM statute_updates WHERE statute_id = ? ORDER BY seq`,
  deleteLogUpTo: `DELETE FROM statute_updates WHERE statute_id = ? AND seq <= ?`,
} as const

interface StatuteRow {
  id: string
  title: string
  organisation: string
  bodyType: BodyType
  createdAt: string
  updatedAt: string
}

export class SqliteStore implements Storage {
  private readonly db: Database.Database
  readonly accounts: SqliteAccounts
  readonly access: SqliteAccess
  readonly audit: SqliteAudit
  readonly agreements: SqliteAgreements
  readonly comments: SqliteComments
  /** Writes the update log and the list summaries (SqliteWriter.ts). */
  private readonly writer: UpdateWriter
  /** Appends are committed on this thread in microseconds (no flush, no thread to wait for). */
  readonly quickAppends: boolean
  /** Copies the WAL into the database file, beside the connections that write (Checkpointer.ts). */
  private readonly checkpointer: Checkpointer

  /** Opens (and creates) `<dataDir>/samenspel.sqlite`. */
  constructor(
    dataDir: string,
    options: {
      synchronous?: 'FULL' | 'NORMAL'
      updatesSynchronous?: 'FULL' | 'NORMAL'
      busyTimeoutMs?: number
      checkpointIntervalMs?: number
      /** See WAL_RESTART_BYTES (Checkpointer.ts). */
      walRestartBytes?: number
    } = {},
  ) {
    const file = path.join(dataDir, 'samenspel.sqlite')
    fs.mkdirSync(dataDir, { recursive: true })
    const synchronous = options.synchronous ?? 'FULL'
    const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${synchronous}`)
    this.db.pragma('foreign_keys = ON')
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`)
    noAutomaticCheckpoints(this.db)
    this.checkpointer = new Checkpointer(
      file,
      options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS,
      (message) => process.emitWarning(`SQLite checkpoint failed (tried again shortly): ${message}`, { code: 'SAMENSPEL_SQLITE_CHECKPOINT' }),
      options.walRestartBytes,
    )
    // A commit that waits for the disk goes to a thread of its own; one that does not is quicker here.
    this.quickAppends = (options.updatesSynchronous ?? 'NORMAL') === 'NORMAL'
    this.writer = this.quickAppends ? new InlineWriter(file) : new SqliteWriter({ file, synchronous: 'FULL', busyTimeoutMs })
    this.accounts = new SqliteAccounts(this.db)
    this.access = new SqliteAccess(this.db)
    this.audit = new SqliteAudit(this.db)
    this.agreements = new SqliteAgreements(this.db)
    this.comments = new SqliteComments(this.db)
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    const applied = new Set(
      (statement(this.db, 'SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
    )
    SQLITE_MIGRATIONS.forEach((sql, index) => {
      const version = index + 1
      if (applied.has(version)) return
      this.db.transaction(() => {
        this.db.exec(sql)
        statement(this.db, 'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString())
      })()
    })
  }

  async ping(): Promise<void> {
    statement(this.db, 'SELECT 1').get()
  }

  async createStatute(record: StatuteRecord, initialState: Uint8Array, access?: NewStatuteAccess): Promise<void> {
    this.db.transaction(() => {
      statement(this.db, SQL.insertStatute).run(record)
      statement(this.db, SQL.insertSnapshot).run(record.id, Buffer.from(initialState), record.createdAt)
      for (const party of access?.parties ?? []) statement(this.db, ACCESS_SQL.insertParty).run(party)
      for (const member of access?.members ?? []) statement(this.db, ACCESS_SQL.putMembership).run({ ...member, canAgree: member.canAgree ? 1 : 0 })
    })()
  }

  async listStatutes(): Promise<StatuteRecord[]> {
    return statement(this.db, SQL.listStatutes).all() as StatuteRow[]
  }

  async getStatute(id: string): Promise<StatuteRecord | undefined> {
    return statement(this.db, SQL.getStatute).get(id) as StatuteRow | undefined
  }

  /** With the update log: it comes with typing (Room refreshes it a second after a change). */
  updateStatuteSummary(id: string, s: { title: string; organisation: string; updatedAt: string }): Promise<void> {
    // From the co-edited document; U+0000 is left out, as PostgreSQL must (same list in both engines).
    return this.writer.write({ kind: 'summary', statuteId: id, title: withoutNul(s.title), organisation: withoutNul(s.organisation), updatedAt: s.updatedAt })
  }

  async loadDocument(id: string): Promise<StoredDocument | undefined> {
    return this.db.transaction(() => {
      if (!statement(this.db, SQL.getStatute).get(id)) return undefined
      const snapshot = statement(this.db, SQL.getSnapshot).get(id) as { state: Buffer } | undefined
      const log = statement(this.db, SQL.getLog).all(id) as Array<{ data: Buffer }>
      const updates = [...(snapshot ? [snapshot.state] : []), ...log.map((row) => row.data)].map(toBytes)
      return { updates, logLength: log.length }
    })()
  }

  /** With group commit: what is handed over together is one transaction (with FULL, one flush). */
  appendUpdate(id: string, update: Uint8Array): Promise<void> {
    return this.writer.write({ kind: 'append', statuteId: id, data: update })
  }

  async compact(id: string, merge: (updates: readonly Uint8Array[]) => Uint8Array): Promise<CompactionResult> {
    // With the update log committed on the event loop, on that connection: a commit on the main
    // one (synchronous=FULL) would flush everything written since the last checkpoint, up to a
    // second of typing (tens of milliseconds, holding up every relay). Compaction need not be
    // flushed: a power cut can only take it back whole, and the log it folded is then still there.
    // That connection does not wait for another process's lock either: compaction then fails at
    // once and is tried again later. Otherwise on the main connection (the writer thread has flushed
    // what it wrote).
    const db = this.writer instanceof InlineWriter ? this.writer.connection : this.db
    // One IMMEDIATE transaction: no other writer can append between reading the log and deleting
    // exactly the entries that went into the merge.
    return db.transaction(() => {
      const snapshot = statement(db, SQL.getSnapshot).get(id) as { state: Buffer } | undefined
      const log = statement(db, SQL.getLog).all(id) as Array<{ seq: number; data: Buffer }>
      const last = log.at(-1)
      if (!last) return { mergedUpdates: 0, bytesBefore: snapshot?.state.length ?? 0, bytesAfter: snapshot?.state.length ?? 0 }
      const inputs = [...(snapshot ? [snapshot.state] : []), ...log.map((row) => row.data)].map(toBytes)
      const merged = merge(inputs)
      statement(db, SQL.insertSnapshot).run(id, Buffer.from(merged), new Date().toISOString())
      statement(db, SQL.deleteLogUpTo).run(id, last.seq)
      const bytesBefore = inputs.reduce((sum, u) => sum + u.byteLength, 0)
      return { mergedUpdates: log.length, bytesBefore, bytesAfter: merged.byteLength }
    }).immediate()
  }

  /** For tests: ends the writer thread abruptly, as a crash would (the next write starts a new one). */
  async crashWriterThreadForTest(): Promise<void> {
    if (!(this.writer instanceof SqliteWriter)) throw new Error('no writer thread: updatesSynchronous is NORMAL')
    await this.writer.terminateThreadForTest()
  }

  /** How the checkpoint thread is doing (for tests and diagnostics). */
  get checkpoints(): CheckpointStats {
    return this.checkpointer.statistics
  }

  /** For tests: ends the checkpoint thread abruptly, as a crash would (it is started again). */
  async crashCheckpointThreadForTest(): Promise<void> {
    await this.checkpointer.terminateThreadForTest()
  }

  async close(): Promise<void> {
    // The writer first: what it holds is written, and its connection closes before the last one
    // (which makes SQLite's final checkpoint).
    await this.writer.close()
    await this.checkpointer.close()
    if (this.db.open) this.db.close()
  }
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}
