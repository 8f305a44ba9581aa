/**
 * Agreements, phases and versions in PostgreSQL. Agreements are append-only (enforced by a
 * trigger function, see migrations.ts).
 */
import type { AgreementRecord, AgreementStore, Phase, VersionRecord } from '../AgreementStore.js'
import { toBuffer, toBytes, type PgDatabase } from './pgDatabase.js'

const AGREEMENT_COLUMNS = `id, statute_id AS "statuteId", article_id AS "articleId", party_id AS "partyId", user_id AS "userId", decision, reason,
  fingerprint, article_text AS "articleText", created_at AS "createdAt"`
const VERSION_COLUMNS = `statute_id AS "statuteId", number, label, kind, created_by AS "createdBy", created_at AS "createdAt",
  decision_date AS "decisionDate", decision_reference AS "decisionReference"`

const SQL = {
  insert: `INSERT INTO agreements (statute_id, article_id, party_id, user_id, decision, reason, fingerprint, article_text, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
  list: `SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE statute_id = $1 ORDER BY id`,
  setRule: `UPDATE parties SET rule = $1, quorum = $2 WHERE statute_id = $3 AND id = $4`,
  getPhase: `SELECT phase, evaluation_date AS "evaluationDate" FROM statutes WHERE id = $1`,
  setPhase: `UPDATE statutes SET phase = $1 WHERE id = $2`,
  setEvaluation: `UPDATE statutes SET evaluation_date = $1 WHERE id = $2`,
  // NO KEY UPDATE serializes version numbering per statute without blocking inserts elsewhere that
  // only check the statute's key (appends, agreements: their foreign keys take KEY SHARE).
  lockStatute: `SELECT id FROM statutes WHERE id = $1 FOR NO KEY UPDATE`,
  nextVersion: `SELECT COALESCE(MAX(number), 0) + 1 AS n FROM statute_versions WHERE statute_id = $1`,
  insertVersion: `INSERT INTO statute_versions (statute_id, number, label, kind, state, snapshot, created_by, created_at, decision_date, decision_reference)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  listVersions: `SELECT ${VERSION_COLUMNS} FROM statute_versions WHERE statute_id = $1 ORDER BY number`,
  getVersion: `SELECT ${VERSION_COLUMNS}, state, snapshot FROM statute_versions WHERE statute_id = $1 AND number = $2`,
} as const

export class PgAgreements implements AgreementStore {
  constructor(private readonly db: PgDatabase) {}

  async appendAgreement(r: Omit<AgreementRecord, 'id'>): Promise<AgreementRecord> {
    const result = await this.db.query<{ id: number }>(SQL.insert, [r.statuteId, r.articleId, r.partyId, r.userId, r.decision, r.reason, r.fingerprint, r.articleText, r.createdAt])
    return { ...r, id: result.rows[0]!.id }
  }
  async listAgreements(statuteId: string): Promise<AgreementRecord[]> {
    return (await this.db.query<AgreementRecord>(SQL.list, [statuteId])).rows
  }
  async setPartyRule(statuteId: string, partyId: string, rule: 'all' | 'quorum', quorum: number | null): Promise<void> {
    await this.db.query(SQL.setRule, [rule, quorum, statuteId, partyId])
  }
  async getPhase(statuteId: string): Promise<{ phase: Phase; evaluationDate: string | null }> {
    return (await this.db.query<{ phase: Phase; evaluationDate: string | null }>(SQL.getPhase, [statuteId])).rows[0] ?? { phase: 'concept', evaluationDate: null }
  }
  async setPhase(statuteId: string, phase: Phase): Promise<void> {
    await this.db.query(SQL.setPhase, [phase, statuteId])
  }
  async setEvaluationDate(statuteId: string, date: string | null): Promise<void> {
    await this.db.query(SQL.setEvaluation, [date, statuteId])
  }
  async addVersion(version: Omit<VersionRecord, 'number'>, phase?: Phase): Promise<VersionRecord> {
    return this.db.transaction(async (client) => {
      // Two instances numbering at once: the second waits here, then (READ COMMITTED, a new
      // statement) sees the first one's version and takes the next number.
      await client.query(SQL.lockStatute, [version.statuteId])
      const number = (await client.query<{ n: number }>(SQL.nextVersion, [version.statuteId])).rows[0]!.n
      const v = version
      await client.query(SQL.insertVersion, [v.statuteId, number, v.label, v.kind, toBuffer(v.state), v.snapshot, v.createdBy, v.createdAt, v.decisionDate, v.decisionReference])
      if (phase) await client.query(SQL.setPhase, [phase, version.statuteId])
      return { ...version, number }
    })
  }
  async listVersions(statuteId: string): Promise<Array<Omit<VersionRecord, 'state' | 'snapshot'>>> {
    return (await this.db.query<Omit<VersionRecord, 'state' | 'snapshot'>>(SQL.listVersions, [statuteId])).rows
  }
  async getVersion(statuteId: string, number: number): Promise<VersionRecord | undefined> {
    const row = (await this.db.query<Omit<VersionRecord, 'state'> & { state: Buffer }>(SQL.getVersion, [statuteId, number])).rows[0]
    return row ? { ...row, state: toBytes(row.state) } : undefined
  }
}
