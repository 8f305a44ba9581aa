/**
 * The audit log in SQLite: append-only.
 */
import type Database from 'better-sqlite3'
import type { AuditRecord, AuditStore } from '../AccessStore.js'
import { statement } from './statements.js'

const COLUMNS = `id, at, actor_id AS actorId, actor_label AS actorLabel, statute_id AS statuteId, action, details, ip`
const SQL = {
  insert: `INSERT INTO audit_log (at, actor_id, actor_label, statute_id, action, details, ip) VALUES (@at, @actorId, @actorLabel, @statuteId, @action, @details, @ip)`,
  byStatute: `SELECT ${COLUMNS} FROM audit_log WHERE statute_id = ? ORDER BY id DESC LIMIT ?`,
  all: `SELECT ${COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?`,
  failedByEmail: `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'signin.failed' AND at >= ? AND json_extract(details, '$.email') = ?`,
  failedByIp: `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'signin.failed' AND at >= ? AND ip = ?`,
} as const

type Row = Omit<AuditRecord, 'details'> & { id: number; details: string }
const parse = (row: Row): AuditRecord & { id: number } => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> })

export class SqliteAudit implements AuditStore {
  constructor(private readonly db: Database.Database) {}

  async append(entry: AuditRecord): Promise<void> {
    statement(this.db, SQL.insert).run({ ...entry, details: JSON.stringify(entry.details) })
  }
  async listForStatute(statuteId: string, limit: number): Promise<Array<AuditRecord & { id: number }>> {
    return (statement(this.db, SQL.byStatute).all(statuteId, limit) as Row[]).map(parse)
  }
  async listAll(limit: number): Promise<Array<AuditRecord & { id: number }>> {
    return (statement(this.db, SQL.all).all(limit) as Row[]).map(parse)
  }
  async countFailedSignIns(email: string, ip: string, since: string): Promise<{ byEmail: number; byIp: number }> {
    const byEmail = (statement(this.db, SQL.failedByEmail).get(since, email) as { n: number }).n
    const byIp = (statement(this.db, SQL.failedByIp).get(since, ip) as { n: number }).n
    return { byEmail, byIp }
  }
}
