/**
 * The PostgreSQL storage engine (DATABASE_URL), through a node-postgres Pool. Several server
 * processes may share one database: every operation below is safe when another instance runs the
 * same operation at the same time.
 *
 * - appendUpdate is one INSERT; it resolves after the commit, so the update is durable.
 * - compact locks the statute's snapshot row, reads snapshot + log, writes the merge and deletes
 *   exactly the log entries it read (by seq), never "everything up to the last seq": under READ
 *   COMMITTED an append with a lower seq may commit after the read, and must stay.
 * - loadDocument reads snapshot and log in one REPEATABLE READ transaction, so a compaction
 *   committing in between is either wholly seen or not at all.
 * - migrate and createFirstAdmin are serialized by advisory locks.
 */
import type pg from 'pg'
import type { BodyType } from '../../../model/statuteDoc.js'
import type { CompactionResult, NewStatuteAccess, StatuteRecord, Storage, StoredDocument } from '../StatuteStore.js'
import { withoutNul } from '../StatuteStore.js'
import { PgAccounts } from './PgAccounts.js'
import { PgAccess, insertParty, putMembership } from './PgAccess.js'
import { PgAudit } from './PgAudit.js'
import { PgAgreements } from './PgAgreements.js'
import { PgComments } from './PgComments.js'
import { PG_MIGRATIONS } from './migrations.js'
import { GroupCommit } from '../groupCommit.js'
import { advisoryXactLock, PgDatabase, toBuffer, toBytes } from './pgDatabase.js'

export interface PgStoreOptions {
  /** postgres://user:password@host:5432/database */
  readonly connectionString: string
  /** Schema holding every table; created by migrate() if missing. Default `public`. */
  readonly schema?: string
  /** Connections in this instance's pool. Default 10. */
  readonly poolSize?: number
  /** Give up connecting after this long (ms), with a readable error. Default 5000. */
  readonly connectionTimeoutMillis?: number
  /** Errors of idle pooled connections; default: a warning on stderr. They never end the process. */
  readonly onPoolError?: (error: Error) => void
}

const STATUTE_COLUMNS = `id, title, organisation, body_type AS "bodyType", created_at AS "createdAt", updated_at AS "updatedAt"`

const SQL = {
  insertStatute: `INSERT INTO statutes (id, title, organisation, body_type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  upsertSnapshot: `INSERT INTO statute_snapshots (statute_id, state, compacted_at) VALUES ($1, $2, $3)
                   ON CONFLICT (statute_id) DO UPDATE SET state = excluded.state, compacted_at = excluded.compacted_at`,
  listStatutes: `SELECT ${STATUTE_COLUMNS} FROM statutes ORDER BY updated_at COLLATE "C" DESC, id COLLATE "C"`,
  getStatute: `SELECT ${STATUTE_COLUMNS} FROM statutes WHERE id = $1`,
  statuteExists: `SELECT 1 FROM statutes WHERE id = $1`,
  updateSummary: `UPDATE statutes SET title = $1, organisation = $2, updated_at = $3 WHERE id = $4`,
  getSnapshot: `SELECT state FROM statute_snapshots WHERE statute_id = $1`,
  lockSnapshot: `SELECT state FROM statute_snapshots WHERE statute_id = $1 FOR UPDATE`,
  lockStatute: `SELECT id FROM statutes WHERE id = $1 FOR NO KEY UPDATE`,
  getLog: `SELECT seq, data FROM statute_updates WHERE statute_id = $1 ORDER BY seq`,
  appendUpdate: `INSERT INTO statute_updates (statute_id, data) VALUES ($1, $2)`,
  deleteLogEntries: `DELETE FROM statute_updates WHERE statute_id = $1 AND seq = ANY($2::bigint[])`,
} as const

/** Largest number of appends in one INSERT (two parameters each; PostgreSQL allows 65535). */
const MAX_APPEND_BATCH = 500

interface LogRow {
  seq: number
  data: Buffer
}

export class PgStore implements Storage {
  private readonly db: PgDatabase
  readonly accounts: PgAccounts
  readonly access: PgAccess
  readonly audit: PgAudit
  readonly agreements: PgAgreements
  readonly comments: PgComments
  private readonly appends = new GroupCommit<{ id: string; data: Buffer }>(
    async (entries) => {
      const values = entries.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ')
      await this.db.query(`INSERT INTO statute_updates (statute_id, data) VALUES ${values}`, entries.flatMap((entry) => [entry.id, entry.data]))
    },
    async (entry) => {
      await this.db.query(SQL.appendUpdate, [entry.id, entry.data])
    },
    MAX_APPEND_BATCH,
  )

  constructor(options: PgStoreOptions) {
    this.db = new PgDatabase({
      connectionString: options.connectionString,
      schema: options.schema ?? 'public',
      poolSize: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      onError: options.onPoolError ?? ((error) => console.warn(`samenspel: PostgreSQL connection error (the pool reconnects): ${error.message}`)),
    })
    this.accounts = new PgAccounts(this.db)
    this.access = new PgAccess(this.db)
    this.audit = new PgAudit(this.db)
    this.agreements = new PgAgreements(this.db)
    this.comments = new PgComments(this.db)
  }

  get schema(): string {
    return this.db.schema
  }

  async migrate(): Promise<void> {
    const schema = this.db.schema
    // One transaction under an advisory lock: instances starting together migrate one after the
    // other, and the later ones find everything applied. DDL is transactional in PostgreSQL, so a
    // failing migration leaves nothing half done.
    await this.db.transaction(async (client) => {
      await advisoryXactLock(client, 'migrate', schema)
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE right on the database even
      // when the schema exists.
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`)
      await client.query(`SET LOCAL search_path TO "${schema}"`)
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version))
      for (const [index, sql] of PG_MIGRATIONS.entries()) {
        const version = index + 1
        if (applied.has(version)) continue
        await client.query(sql)
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date().toISOString()])
      }
    })
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1')
  }

  async createStatute(record: StatuteRecord, initialState: Uint8Array, access?: NewStatuteAccess): Promise<void> {
    await this.db.transaction(async (client) => {
      await client.query(SQL.insertStatute, [record.id, record.title, record.organisation, record.bodyType, record.createdAt, record.updatedAt])
      await client.query(SQL.upsertSnapshot, [record.id, toBuffer(initialState), record.createdAt])
      for (const party of access?.parties ?? []) await insertParty(client, party)
      for (const member of access?.members ?? []) await putMembership(client, member)
    })
  }

  async listStatutes(): Promise<StatuteRecord[]> {
    return (await this.db.query<StatuteRow>(SQL.listStatutes)).rows
  }

  async getStatute(id: string): Promise<StatuteRecord | undefined> {
    return (await this.db.query<StatuteRow>(SQL.getStatute, [id])).rows[0]
  }

  async updateStatuteSummary(id: string, s: { title: string; organisation: string; updatedAt: string }): Promise<void> {
    // Title and organisation come from the co-edited document, where anyone with write access can
    // type anything; PostgreSQL cannot store U+0000 in text, so it is left out (as in SQLite).
    await this.db.query(SQL.updateSummary, [withoutNul(s.title), withoutNul(s.organisation), s.updatedAt, id])
  }

  async loadDocument(id: string): Promise<StoredDocument | undefined> {
    return this.db.transaction(
      async (client) => {
        if ((await client.query(SQL.statuteExists, [id])).rowCount === 0) return undefined
        const snapshot = (await client.query<{ state: Buffer }>(SQL.getSnapshot, [id])).rows[0]
        const log = (await client.query<LogRow>(SQL.getLog, [id])).rows
        const updates = [...(snapshot ? [snapshot.state] : []), ...log.map((row) => row.data)].map(toBytes)
        return { updates, logLength: log.length }
      },
      'REPEATABLE READ',
      true,
    )
  }

  /** Group commit (storage/groupCommit.ts): one multi-row INSERT, one round trip and one commit, per event-loop turn. */
  appendUpdate(id: string, update: Uint8Array): Promise<void> {
    return this.appends.add({ id, data: toBuffer(update) })
  }

  async compact(id: string, merge: (updates: readonly Uint8Array[]) => Uint8Array): Promise<CompactionResult> {
    return this.db.transaction(async (client) => {
      // A second compaction of this statute (here or in another instance) waits on this lock and
      // then reads the snapshot and log as the first one left them. Appends are not blocked.
      let snapshot = (await client.query<{ state: Buffer }>(SQL.lockSnapshot, [id])).rows[0]
      if (!snapshot) {
        // No snapshot row (not written by createStatute): lock the statute instead, then look again.
        await client.query(SQL.lockStatute, [id])
        snapshot = (await client.query<{ state: Buffer }>(SQL.lockSnapshot, [id])).rows[0]
      }
      const log = (await client.query<LogRow>(SQL.getLog, [id])).rows
      const snapshotBytes = snapshot?.state.length ?? 0
      if (log.length === 0) return { mergedUpdates: 0, bytesBefore: snapshotBytes, bytesAfter: snapshotBytes }
      const inputs = [...(snapshot ? [snapshot.state] : []), ...log.map((row) => row.data)].map(toBytes)
      const merged = merge(inputs)
      await client.query(SQL.upsertSnapshot, [id, toBuffer(merged), new Date().toISOString()])
      await client.query(SQL.deleteLogEntries, [id, log.map((row) => row.seq)])
      const bytesBefore = inputs.reduce((sum, u) => sum + u.byteLength, 0)
      return { mergedUpdates: log.length, bytesBefore, bytesAfter: merged.byteLength }
    })
  }

  async close(): Promise<void> {
    await this.appends.flushAll()
    await this.db.end()
  }

  /** For tests and tools: one query on this store's pool (in its schema). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.db.query<R>(sql, params)
  }
}

interface StatuteRow {
  id: string
  title: string
  organisation: string
  bodyType: BodyType
  createdAt: string
  updatedAt: string
}
