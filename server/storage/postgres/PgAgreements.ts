/**
 * Agreements, phases and versions in PostgreSQL. Agreements are append-only (enforced by a
 * trigger function, see migrations.ts).
 *
 * The phase rules hold across instances through the statute's row lock: phase changes and
 * versions take it FOR NO KEY UPDATE and check the phase after getting it; an agreement is
 * inserted by one statement that takes it FOR SHARE, which waits for a phase change or adoption
 * in progress and then re-checks the phase on the committed row (READ COMMITTED re-evaluates the
 * WHERE clause of a locked row). Appends to the document log only take KEY SHARE (their foreign
 * key) and are never blocked by these.
 */
import { meetsPhase, versionOptions } from '../AgreementStore.js'
import type { AddVersionOptions, AgreementRecord, AgreementStore, NewVersion, Phase, PhaseCondition, VersionRecord } from '../AgreementStore.js'
import { withoutNul } from '../StatuteStore.js'
import { toBuffer, toBytes, type PgDatabase } from './pgDatabase.js'

const AGREEMENT_COLUMNS = `id, statute_id AS "statuteId", article_id AS "articleId", party_id AS "partyId", user_id AS "userId", decision, reason,
  fingerprint, article_text AS "articleText", created_at AS "createdAt"`
const VERSION_COLUMNS = `statute_id AS "statuteId", number, label, kind, created_by AS "createdBy", created_at AS "createdAt",
  decision_date AS "decisionDate", decision_reference AS "decisionReference"`

const SQL = {
  // Inserts only while the statute is not adopted; see the comment at the top.
  insert: `INSERT INTO agreements (statute_id, article_id, party_id, user_id, decision, reason, fingerprint, article_text, created_at)
           SELECT s.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM statutes s WHERE s.id = $1 AND s.phase <> 'vastgesteld'
           FOR SHARE OF s
           RETURNING id`,
  countAgreements: `SELECT COUNT(*) AS n FROM agreements WHERE statute_id = $1`,
  list: `SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE statute_id = $1 ORDER BY id`,
  setRule: `UPDATE parties SET rule = $1, quorum = $2 WHERE statute_id = $3 AND id = $4`,
  getPhase: `SELECT phase, evaluation_date AS "evaluationDate" FROM statutes WHERE id = $1`,
  setPhase: `UPDATE statutes SET phase = $1 WHERE id = $2`,
  setEvaluation: `UPDATE statutes SET evaluation_date = $1 WHERE id = $2`,
  // NO KEY UPDATE serializes version numbering and phase changes per statute without blocking
  // inserts that only check the statute's key (document appends: their foreign key takes KEY
  // SHARE). Agreements are inserted FOR SHARE of the row, and so wait for it, on purpose.
  lockStatute: `SELECT phase FROM statutes WHERE id = $1 FOR NO KEY UPDATE`,
  nextVersion: `SELECT COALESCE(MAX(number), 0) + 1 AS n FROM statute_versions WHERE statute_id = $1`,
  insertVersion: `INSERT INTO statute_versions (statute_id, number, label, kind, state, snapshot, created_by, created_at, decision_date, decision_reference)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  listVersions: `SELECT ${VERSION_COLUMNS} FROM statute_versions WHERE statute_id = $1 ORDER BY number`,
  getVersion: `SELECT ${VERSION_COLUMNS}, state, snapshot FROM statute_versions WHERE statute_id = $1 AND number = $2`,
} as const

export class PgAgreements implements AgreementStore {
  constructor(private readonly db: PgDatabase) {}

  async appendAgreement(record: Omit<AgreementRecord, 'id'>): Promise<AgreementRecord | undefined> {
    // The text decided on comes from the co-edited document: U+0000 cannot be stored in text.
    const r = { ...record, articleText: withoutNul(record.articleText) }
    const result = await this.db.query<{ id: number }>(SQL.insert, [r.statuteId, r.articleId, r.partyId, r.userId, r.decision, r.reason, r.fingerprint, r.articleText, r.createdAt])
    const row = result.rows[0]
    return row ? { ...r, id: row.id } : undefined
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
  async setPhase(statuteId: string, phase: Phase, condition?: PhaseCondition): Promise<Phase | undefined> {
    return this.db.transaction(async (client) => {
      // A second change of this statute's phase (here or in another instance) waits here and then
      // reads the phase the first one committed.
      const before = (await client.query<{ phase: Phase }>(SQL.lockStatute, [statuteId])).rows[0]?.phase
      if (!before || !meetsPhase(before, condition)) return undefined
      await client.query(SQL.setPhase, [phase, statuteId])
      return before
    })
  }
  async setEvaluationDate(statuteId: string, date: string | null): Promise<void> {
    await this.db.query(SQL.setEvaluation, [date, statuteId])
  }
  addVersion(version: NewVersion, setPhase?: Phase): Promise<VersionRecord>
  addVersion(version: NewVersion, options: AddVersionOptions): Promise<VersionRecord | undefined>
  async addVersion(version: NewVersion, then?: Phase | AddVersionOptions): Promise<VersionRecord | undefined> {
    const options = versionOptions(then)
    return this.db.transaction(async (client) => {
      // Two instances numbering at once: the second waits here, then (READ COMMITTED, a new
      // statement) sees the first one's version and takes the next number. Agreements being
      // inserted are waited for too (they hold the row FOR SHARE), and later ones wait for this.
      const phase = (await client.query<{ phase: Phase }>(SQL.lockStatute, [version.statuteId])).rows[0]?.phase
      if (options.requirePhase && (!phase || !meetsPhase(phase, options.requirePhase))) return undefined
      if (options.agreementsSeen !== undefined) {
        const n = (await client.query<{ n: number }>(SQL.countAgreements, [version.statuteId])).rows[0]!.n
        if (n !== options.agreementsSeen) return undefined
      }
      const number = (await client.query<{ n: number }>(SQL.nextVersion, [version.statuteId])).rows[0]!.n
      const v = version
      await client.query(SQL.insertVersion, [v.statuteId, number, v.label, v.kind, toBuffer(v.state), v.snapshot, v.createdBy, v.createdAt, v.decisionDate, v.decisionReference])
      if (options.setPhase) await client.query(SQL.setPhase, [options.setPhase, version.statuteId])
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
