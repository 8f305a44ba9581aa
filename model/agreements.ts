/**
 * Where each party stands on each article, derived from the append-only agreement records and the
 * current fingerprints. Pure, so the server (adoption, API) and the client (badges, matrix, live
 * "verouderd" the moment the text changes) derive the same states.
 */
export type PartyState = 'open' | 'akkoord' | 'niet-akkoord' | 'verouderd'
export type DecisionKind = 'akkoord' | 'niet-akkoord' | 'ingetrokken'

export interface AgreementParty {
  readonly id: string
  readonly name: string
  /** A sub-party (a fractie of the raad) names its parent. */
  readonly parentId: string | null
  /** How a party with sub-parties agrees: all of them, or at least `quorum`. */
  readonly rule?: 'all' | 'quorum'
  readonly quorum?: number | null
}

export interface AgreementEntry {
  readonly id: number
  readonly articleId: string
  readonly partyId: string
  readonly userId: string
  readonly decision: DecisionKind
  readonly reason: string | null
  readonly fingerprint: string
  readonly createdAt: string
}

export interface PartyStatus {
  readonly state: PartyState
  /** The record the state comes from (for leaf parties). */
  readonly record?: AgreementEntry
}

/** The latest record per article and party (records are in append order). */
function latestByArticleAndParty(records: readonly AgreementEntry[]): Map<string, AgreementEntry> {
  const latest = new Map<string, AgreementEntry>()
  for (const record of records) latest.set(`${record.articleId}\u0000${record.partyId}`, record)
  return latest
}

function leafState(record: AgreementEntry | undefined, fingerprint: string | undefined): PartyState {
  if (!record || record.decision === 'ingetrokken') return 'open'
  return record.fingerprint === fingerprint ? record.decision : 'verouderd'
}

function combine(states: readonly PartyState[], party: AgreementParty): PartyState {
  const count = (s: PartyState) => states.filter((x) => x === s).length
  if (party.rule === 'quorum' && party.quorum) {
    if (count('akkoord') >= party.quorum) return 'akkoord'
    if (states.length - count('niet-akkoord') < party.quorum) return 'niet-akkoord'
    return count('verouderd') > 0 ? 'verouderd' : 'open'
  }
  if (states.every((s) => s === 'akkoord')) return 'akkoord'
  if (count('niet-akkoord') > 0) return 'niet-akkoord'
  return count('verouderd') > 0 ? 'verouderd' : 'open'
}

/**
 * State of every party (leaves and parents) for every article.
 * @param fingerprints current fingerprint per article id
 */
export function partyStates(
  parties: readonly AgreementParty[],
  records: readonly AgreementEntry[],
  fingerprints: ReadonlyMap<string, string>,
): Map<string, Map<string, PartyStatus>> {
  const latest = latestByArticleAndParty(records)
  const children = (id: string) => parties.filter((p) => p.parentId === id)
  const result = new Map<string, Map<string, PartyStatus>>()
  for (const [articleId, fingerprint] of fingerprints) {
    const states = new Map<string, PartyStatus>()
    const stateOf = (party: AgreementParty, depth = 0): PartyState => {
      const cached = states.get(party.id)
      if (cached) return cached.state
      const subs = depth < 5 ? children(party.id) : []
      let status: PartyStatus
      if (subs.length === 0) {
        const record = latest.get(`${articleId}\u0000${party.id}`)
        status = { state: leafState(record, fingerprint), ...(record ? { record } : {}) }
      } else {
        status = { state: combine(subs.map((s) => stateOf(s, depth + 1)), party) }
      }
      states.set(party.id, status)
      return status.state
    }
    for (const party of parties) stateOf(party)
    result.set(articleId, states)
  }
  return result
}

/** Parties that decide as a whole (no parent): every article needs akkoord from each of them. */
export function topLevelParties<T extends AgreementParty>(parties: readonly T[]): T[] {
  return parties.filter((p) => p.parentId === null || !parties.some((q) => q.id === p.parentId))
}

/** A party that records decisions itself (it has no sub-parties). */
export function decidesItself(parties: readonly AgreementParty[], partyId: string): boolean {
  return parties.some((p) => p.id === partyId) && !parties.some((p) => p.parentId === partyId)
}
