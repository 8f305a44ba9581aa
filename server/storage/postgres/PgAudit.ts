/**
 * The audit log in PostgreSQL: append-only. Details are stored as JSON text (exactly what the
 * SQLite engine stores, so both return the same records) and read as JSONB where a query needs a
 * field.
 */
import type { AuditRecord, AuditStore } from '../AccessStore.js'
import type { PgDatabase } from './pgDatabase.js'

const COLUMNS = `id, at, actor_id AS "actorId", actor_label AS "actorLabel", statute_id AS "statuteId", action, details, ip`
const SQL = {
  insert: `INSERT INTO audit_log (at, actor_id, actor_label, statute_id, action, details, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  byStatute: `SELECT ${COLUMNS} FROM audit_log WHERE statute_id = $1 ORDER BY id DESC LIMIT $2`,
  all: `SELECT ${COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1`,
  failedByEmail: `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'signin.failed' AND at >= $1 AND (details::jsonb) ->> 'email' = $2`,
  failedByIp: `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'signin.failed' AND at >= $1 AND ip = $2`,
} as const

type Row = Omit<AuditRecord, 'details'> & { id: number; details: string }
const parse = (row: Row): AuditRecord & { id: number } => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> })

export class PgAudit implements AuditStore {
  constructor(private readonly db: PgDatabase) {}

  async append(e: AuditRecord): Promise<void> {
    await this.db.query(SQL.insert, [e.at, e.actorId, e.actorLabel, e.statuteId, e.action, JSON.stringify(e.details), e.ip])
  }
  async listForStatute(statuteId: string, limit: number): Promise<Array<AuditRecord & { id: number }>> {
    return (await this.db.query<Row>(SQL.byStatute, [statuteId, limit])).rows.map(parse)
  }
  async listAll(limit: number): Promise<Array<AuditRecord & { id: number }>> {
    return (await this.db.query<Row>(SQL.all, [limit])).rows.map(parse)
  }
  async countFailedSignIns(email: string, ip: string, since: string): Promise<{ byEmail: number; byIp: number }> {
    const [byEmail, byIp] = await Promise.all([
      this.db.query<{ n: number }>(SQL.failedByEmail, [since, email]),
      this.db.query<{ n: number }>(SQL.failedByIp, [since, ip]),
    ])
    return { byEmail: byEmail.rows[0]!.n, byIp: byIp.rows[0]!.n }
  }
}
