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

/**
 * A condition on a statute's current phase, checked in the same atomic step as the change it
 * guards (also across instances sharing one database): `from` lists the phases it may be in,
 * `notIn` the phases it may not be in.
 */
export type PhaseCondition = { readonly from: readonly Phase[] } | { readonly notIn: readonly Phase[] }

export interface AddVersionOptions {
  /** Sets the statute's phase together with storing the version. */
  readonly setPhase?: Phase
  /** Stores nothing unless the statute's phase meets this, checked inside the same transaction. */
  readonly requirePhase?: PhaseCondition
  /**
   * The number of agreement records the caller's check was based on: if more were recorded
   * meanwhile (records are append-only), nothing is stored.
   */
  readonly agreementsSeen?: number
}

export type NewVersion = Omit<VersionRecord, 'number'>

export interface AgreementStore {
  /**
   * Appends a decision, atomically only while the statute exists and is not 'vastgesteld' (a
   * concurrent adoption is waited for); undefined when refused.
   */
  appendAgreement(record: Omit<AgreementRecord, 'id'>): Promise<AgreementRecord | undefined>
  listAgreements(statuteId: string): Promise<AgreementRecord[]>
  setPartyRule(statuteId: string, partyId: string, rule: 'all' | 'quorum', quorum: number | null): Promise<void>
  getPhase(statuteId: string): Promise<{ phase: Phase; evaluationDate: string | null }>
  /**
   * Sets the phase if the statute exists and (with `condition`) its current phase meets it, in one
   * atomic step: the phase it had before, or undefined when nothing changed.
   */
  setPhase(statuteId: string, phase: Phase, condition?: PhaseCondition): Promise<Phase | undefined>
  setEvaluationDate(statuteId: string, date: string | null): Promise<void>
  /** Stores a version with the next number, atomically, optionally setting the phase; returns it. */
  addVersion(version: NewVersion, setPhase?: Phase): Promise<VersionRecord>
  /** The same, with conditions checked inside the transaction: undefined (nothing stored) when one fails. */
  addVersion(version: NewVersion, options: AddVersionOptions): Promise<VersionRecord | undefined>
  listVersions(statuteId: string): Promise<Array<Omit<VersionRecord, 'state' | 'snapshot'>>>
  getVersion(statuteId: string, number: number): Promise<VersionRecord | undefined>
}

/** Whether `phase` meets `condition` (none: always). */
export function meetsPhase(phase: Phase, condition: PhaseCondition | undefined): boolean {
  if (!condition) return true
  return 'from' in condition ? condition.from.includes(phase) : !condition.notIn.includes(phase)
}

/** The second argument of addVersion as options. */
export function versionOptions(then: Phase | AddVersionOptions | undefined): AddVersionOptions {
  return typeof then === 'string' ? { setPhase: then } : (then ?? {})
}
