/**
 * Agreements, phases and versions in SQLite. Agreements are append-only (enforced by triggers).
 *
 * The phase rules are checked in the statement or IMMEDIATE transaction that writes: SQLite has one
 * writer at a time, so no other connection to the file can change the phase in between.
 */
import type Database from 'better-sqlite3'
import { meetsPhase, versionOptions } from '../AgreementStore.js'
import { withoutNul } from '../StatuteStore.js'
import type { AddVersionOptions, AgreementRecord, AgreementStore, NewVersion, Phase, PhaseCondition, VersionRecord } from '../AgreementStore.js'
import { statement } from './statements.js'

const AGREEMENT_COLUMNS = `id, statute_id AS statuteId, article_id AS articleId, party_id AS partyId, user_id AS userId, decision, reason,
  fingerprint, article_text AS articleText, created_at AS createdAt`
const VERSION_COLUMNS = `statute_id AS statuteId, number, label, kind, created_by AS createdBy, created_at AS createdAt,
  decision_date AS decisionDate, decision_reference AS decisionReference`

const SQL = {
  // Inserts only while the statute exists and is not adopted.
  insert: `INSERT INTO agreements (statute_id, article_id, party_id, user_id, decision, reason, fingerprint, article_text, created_at)
           SELECT @statuteId, @articleId, @partyId, @userId, @decision, @reason, @fingerprint, @articleText, @createdAt
           WHERE EXISTS (SELECT 1 FROM statutes WHERE id = @statuteId AND phase <> 'vastgesteld')`,
  countAgreements: `SELECT COUNT(*) AS n FROM agreements WHERE statute_id = ?`,
  phaseOf: `SELECT phase FROM statutes WHERE id = ?`,
  list: `SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE statute_id = ? ORDER BY id`,
  setRule: `UPDATE parties SET rule = ?, quorum = ? WHERE statute_id = ? AND id = ?`,
  getPhase: `SELECT phase, evaluation_date AS evaluationDate FROM statutes WHERE id = ?`,
  setPhase: `UPDATE statutes SET phase = ? WHERE id = ?`,
  setEvaluation: `UPDATE statutes SET evaluation_date = ? WHERE id = ?`,
  nextVersion: `SELECT COALESCE(MAX(number), 0) + 1 AS n FROM statute_versions WHERE statute_id = ?`,
  insertVersion: `INSERT INTO statute_versions (statute_id, number, label, kind, state, snapshot, created_by, created_at, decision_date, decision_reference)
                  VALUES (@statuteId, @number, @label, @kind, @state, @snapshot, @createdBy, @createdAt, @decisionDate, @decisionReference)`,
  listVersions: `SELECT ${VERSION_COLUMNS} FROM statute_versions WHERE statute_id = ? ORDER BY number`,
  getVersion: `SELECT ${VERSION_COLUMNS}, state, snapshot FROM statute_versions WHERE statute_id = ? AND number = ?`,
} as const

export class SqliteAgreements implements AgreementStore {
  constructor(private readonly db: Database.Database) {}

  async appendAgreement(record: Omit<AgreementRecord, 'id'>): Promise<AgreementRecord | undefined> {
    // Without U+0000, as PostgreSQL stores it (the text comes from the co-edited document).
    const r = { ...record, articleText: withoutNul(record.articleText) }
    const result = statement(this.db, SQL.insert).run(r)
    return result.changes === 1 ? { ...r, id: Number(result.lastInsertRowid) } : undefined
  }
  async listAgreements(statuteId: string): Promise<AgreementRecord[]> {
    return statement(this.db, SQL.list).all(statuteId) as AgreementRecord[]
  }
  async setPartyRule(statuteId: string, partyId: string, rule: 'all' | 'quorum', quorum: number | null): Promise<void> {
    statement(this.db, SQL.setRule).run(rule, quorum, statuteId, partyId)
  }
  async getPhase(statuteId: string): Promise<{ phase: Phase; evaluationDate: string | null }> {
    return (statement(this.db, SQL.getPhase).get(statuteId) as { phase: Phase; evaluationDate: string | null } | undefined) ?? { phase: 'concept', evaluationDate: null }
  }
  async setPhase(statuteId: string, phase: Phase, condition?: PhaseCondition): Promise<Phase | undefined> {
    return this.db.transaction(() => {
      const before = (statement(this.db, SQL.phaseOf).get(statuteId) as { phase: Phase } | undefined)?.phase
      if (!before || !meetsPhase(before, condition)) return undefined
      statement(this.db, SQL.setPhase).run(phase, statuteId)
      return before
    }).immediate()
  }
  async setEvaluationDate(statuteId: string, date: string | null): Promise<void> {
    statement(this.db, SQL.setEvaluation).run(date, statuteId)
  }
  addVersion(version: NewVersion, setPhase?: Phase): Promise<VersionRecord>
  addVersion(version: NewVersion, options: AddVersionOptions): Promise<VersionRecord | undefined>
  async addVersion(version: NewVersion, then?: Phase | AddVersionOptions): Promise<VersionRecord | undefined> {
    const options = versionOptions(then)
    return this.db.transaction(() => {
      if (options.requirePhase) {
        const phase = (statement(this.db, SQL.phaseOf).get(version.statuteId) as { phase: Phase } | undefined)?.phase
        if (!phase || !meetsPhase(phase, options.requirePhase)) return undefined
      }
      if (options.agreementsSeen !== undefined && (statement(this.db, SQL.countAgreements).get(version.statuteId) as { n: number }).n !== options.agreementsSeen) return undefined
      const number = (statement(this.db, SQL.nextVersion).get(version.statuteId) as { n: number }).n
      statement(this.db, SQL.insertVersion).run({ ...version, number, state: Buffer.from(version.state) })
      if (options.setPhase) statement(this.db, SQL.setPhase).run(options.setPhase, version.statuteId)
      return { ...version, number }
    }).immediate()
  }
  async listVersions(statuteId: string): Promise<Array<Omit<VersionRecord, 'state' | 'snapshot'>>> {
    return statement(this.db, SQL.listVersions).all(statuteId) as Array<Omit<VersionRecord, 'state' | 'snapshot'>>
  }
  async getVersion(statuteId: string, number: number): Promise<VersionRecord | undefined> {
    const row = statement(this.db, SQL.getVersion).get(statuteId, number) as (Omit<VersionRecord, 'state'> & { state: Buffer }) | undefined
    return row ? { ...row, state: new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength) } : undefined
  }
}
