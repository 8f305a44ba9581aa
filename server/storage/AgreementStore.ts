/**
 * Storage contract for agreements (append-only), phases and versions.
 */
export const DECISIONS = ['akkoord', 'niet-akkoord', 'ingetrokken'] as const
export type Decision = (typeof DECISIONS)[number]

export const PHASES = ['concept', 'in-bespreking', 'ter-vaststelling', 'vastgesteld'] as const
export type Phase = (typeof PHASES)[number]

export interface AgreementRecord {
  readonly id: number
  readonly statuteId: string
  readonly articleId: string
  readonly partyId: string
  readonly userId: string
  readonly decision: Decision
  readonly reason: string | null
  /** Fingerprint of the article text decided on (model/fingerprint.ts). */
  readonly fingerprint: string
  /** The text decided on (title and plain body), to show what changed since. */
  readonly articleText: string
  readonly createdAt: string
}

export interface VersionRecord {
  readonly statuteId: string
  readonly number: number
  readonly label: string
  readonly kind: 'named' | 'adopted'
  /** The whole document as one Yjs update. */
  readonly state: Uint8Array
  /** The statute as JSON (model/snapshot.ts), for reading and comparing without Yjs. */
  readonly snapshot: string
  readonly createdBy: string
  readonly createdAt: string
  readonly decisionDate: string | null
  readonly decisionReference: string | null
}

export interface AgreementStore {
  appendAgreement(record: Omit<AgreementRecord, 'id'>): Promise<AgreementRecord>
  listAgreements(statuteId: string): Promise<AgreementRecord[]>
  setPartyRule(statuteId: string, partyId: string, rule: 'all' | 'quorum', quorum: number | null): Promise<void>
  getPhase(statuteId: string): Promise<{ phase: Phase; evaluationDate: string | null }>
  setPhase(statuteId: string, phase: Phase): Promise<void>
  setEvaluationDate(statuteId: string, date: string | null): Promise<void>
  /** Stores a version with the next number, atomically; returns it. */
  addVersion(version: Omit<VersionRecord, 'number'>, phase?: Phase): Promise<VersionRecord>
  listVersions(statuteId: string): Promise<Array<Omit<VersionRecord, 'state' | 'snapshot'>>>
  getVersion(statuteId: string, number: number): Promise<VersionRecord | undefined>
}
