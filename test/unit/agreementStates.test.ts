/**
 * Agreement states derived from append-only records and the current fingerprints: leaves,
 * parties with sub-parties (rule all / quorum), top-level parties and who decides itself.
 */
import { describe, expect, it } from 'vitest'
import { decidesItself, partyStates, topLevelParties, type AgreementEntry, type AgreementParty, type DecisionKind, type PartyState } from '../../model/agreements.js'

const FP1 = 'a'.repeat(64)
const FP2 = 'b'.repeat(64)
const FP3 = 'c'.repeat(64)

const raad: AgreementParty = { id: 'raad', name: 'Raad', parentId: null, rule: 'all', quorum: null }
const college: AgreementParty = { id: 'college', name: 'College', parentId: null, rule: 'all', quorum: null }
const griffie: AgreementParty = { id: 'griffie', name: 'Griffie', parentId: null, rule: 'all', quorum: null }
const fractie = (id: string, parentId = 'raad'): AgreementParty => ({ id, name: id.toUpperCase(), parentId, rule: 'all', quorum: null })

let nextId = 1
function record(articleId: string, partyId: string, decision: DecisionKind, fingerprint: string, reason: string | null = null): AgreementEntry {
  const id = nextId++
  return { id, articleId, partyId, userId: `u-${partyId}`, decision, reason, fingerprint, createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, id)).toISOString() }
}

function stateOf(parties: readonly AgreementParty[], records: readonly AgreementEntry[], fingerprints: Record<string, string>, articleId: string, partyId: string): PartyState | undefined {
  return partyStates(parties, records, new Map(Object.entries(fingerprints))).get(articleId)?.get(partyId)?.state
}

describe('partyStates for parties that decide themselves', () => {
  const parties = [raad, college, griffie]

  it('is open without records, for every party and every article', () => {
    const states = partyStates(parties, [], new Map([['art1', FP1], ['art2', FP2]]))
    expect([...states.keys()]).toEqual(['art1', 'art2'])
    for (const articleStates of states.values()) {
      expect(Object.fromEntries([...articleStates].map(([id, s]) => [id, s.state]))).toEqual({ raad: 'open', college: 'open', griffie: 'open' })
      for (const status of articleStates.values()) expect(status.record).toBeUndefined()
    }
  })

  it('akkoord on the current text; the record it comes from is included', () => {
    const r = record('art1', 'college', 'akkoord', FP1)
    const states = partyStates(parties, [r], new Map([['art1', FP1]]))
    expect(states.get('art1')!.get('college')).toEqual({ state: 'akkoord', record: r })
    expect(states.get('art1')!.get('raad')!.state).toBe('open')
  })

  it('niet-akkoord on the current text', () => {
    expect(stateOf(parties, [record('art1', 'raad', 'niet-akkoord', FP1, 'Te vaag.')], { art1: FP1 }, 'art1', 'raad')).toBe('niet-akkoord')
  })

  it('verouderd once the text (fingerprint) changed, for akkoord and niet-akkoord alike; back when the text is back', () => {
    const records = [record('art1', 'college', 'akkoord', FP1), record('art1', 'raad', 'niet-akkoord', FP1, 'Nee.')]
    expect(stateOf(parties, records, { art1: FP2 }, 'art1', 'college')).toBe('verouderd')
    expect(stateOf(parties, records, { art1: FP2 }, 'art1', 'raad')).toBe('verouderd')
    // The fingerprint is of the text itself: the same text again is agreed again.
    expect(stateOf(parties, records, { art1: FP1 }, 'art1', 'college')).toBe('akkoord')
  })

  it('ingetrokken makes the party open again, also when the text changed since', () => {
    const records = [record('art1', 'college', 'akkoord', FP1), record('art1', 'college', 'ingetrokken', FP1)]
    expect(stateOf(parties, records, { art1: FP1 }, 'art1', 'college')).toBe('open')
    expect(stateOf(parties, records, { art1: FP2 }, 'art1', 'college')).toBe('open')
    // The record is still reported (who withdrew and when).
    expect(partyStates(parties, records, new Map([['art1', FP1]])).get('art1')!.get('college')!.record?.decision).toBe('ingetrokken')
  })

  it('the latest record per article and party wins', () => {
    const history = [
      record('art1', 'raad', 'niet-akkoord', FP1, 'Nee.'),
      record('art1', 'raad', 'akkoord', FP1),
      record('art1', 'college', 'akkoord', FP1),
      record('art1', 'raad', 'akkoord', FP2),
      record('art1', 'college', 'ingetrokken', FP2),
      record('art1', 'college', 'niet-akkoord', FP2, 'Toch niet.'),
    ]
    expect(stateOf(parties, history.slice(0, 1), { art1: FP1 }, 'art1', 'raad')).toBe('niet-akkoord')
    expect(stateOf(parties, history.slice(0, 2), { art1: FP1 }, 'art1', 'raad')).toBe('akkoord')
    // Raad's latest record is on FP2: on FP1 it is outdated, on FP2 agreed.
    expect(stateOf(parties, history, { art1: FP1 }, 'art1', 'raad')).toBe('verouderd')
    expect(stateOf(parties, history, { art1: FP2 }, 'art1', 'raad')).toBe('akkoord')
    expect(stateOf(parties, history.slice(0, 5), { art1: FP2 }, 'art1', 'college')).toBe('open')
    expect(stateOf(parties, history, { art1: FP2 }, 'art1', 'college')).toBe('niet-akkoord')
  })

  it('keeps articles and parties apart; records of articles that no longer exist are ignored', () => {
    const records = [record('art1', 'raad', 'akkoord', FP1), record('art2', 'college', 'akkoord', FP2), record('gone', 'griffie', 'akkoord', FP3)]
    const states = partyStates(parties, records, new Map([['art1', FP1], ['art2', FP2]]))
    expect([...states.keys()]).toEqual(['art1', 'art2'])
    expect(states.get('art1')!.get('raad')!.state).toBe('akkoord')
    expect(states.get('art1')!.get('college')!.state).toBe('open')
    expect(states.get('art2')!.get('raad')!.state).toBe('open')
    expect(states.get('art2')!.get('college')!.state).toBe('akkoord')
    expect(states.get('art1')!.get('griffie')!.state).toBe('open')
  })
})

describe('partyStates for a party with sub-parties', () => {
  const fracties = [fractie('f1'), fractie('f2'), fractie('f3')]
  const decisions = (d1: DecisionKind | null, d2: DecisionKind | null, d3: DecisionKind | null, fingerprints: [string, string, string] = [FP1, FP1, FP1]) =>
    ([d1, d2, d3] as const).flatMap((d, i) => (d ? [record('art1', `f${i + 1}`, d, fingerprints[i]!, d === 'niet-akkoord' ? 'Reden.' : null)] : []))

  describe("rule 'all'", () => {
    const parties = [{ ...raad, rule: 'all' as const }, college, ...fracties]
    const cases: Array<[string, ReturnType<typeof decisions>, PartyState]> = [
      ['nobody decided → open', decisions(null, null, null), 'open'],
      ['two of three akkoord → open', decisions('akkoord', 'akkoord', null), 'open'],
      ['all three akkoord → akkoord', decisions('akkoord', 'akkoord', 'akkoord'), 'akkoord'],
      ['one niet-akkoord → niet-akkoord', decisions('akkoord', 'akkoord', 'niet-akkoord'), 'niet-akkoord'],
      ['one outdated akkoord → verouderd', decisions('akkoord', 'akkoord', 'akkoord', [FP1, FP1, FP2]), 'verouderd'],
      ['objection beats outdated', decisions('niet-akkoord', 'akkoord', 'akkoord', [FP1, FP1, FP2]), 'niet-akkoord'],
      ['one withdrawn → open', decisions('akkoord', 'ingetrokken', 'akkoord'), 'open'],
    ]
    it.each(cases)('%s', (_what, records, expected) => {
      expect(stateOf(parties, records, { art1: FP1 }, 'art1', 'raad')).toBe(expected)
    })

    it('the sub-parties have their own states, the parent has no record of its own', () => {
      const states = partyStates(parties, decisions('akkoord', 'niet-akkoord', null), new Map([['art1', FP1]])).get('art1')!
      expect(states.get('f1')!.state).toBe('akkoord')
      expect(states.get('f2')!.state).toBe('niet-akkoord')
      expect(states.get('f3')!.state).toBe('open')
      expect(states.get('raad')).toEqual({ state: 'niet-akkoord' })
    })

    it("a record made for the parent itself does not count once it has sub-parties", () => {
      const records = [record('art1', 'raad', 'akkoord', FP1)]
      expect(stateOf(parties, records, { art1: FP1 }, 'art1', 'raad')).toBe('open')
    })

    it('a party without a rule combines as all', () => {
      const { rule: _rule, quorum: _quorum, ...noRule } = raad
      expect(stateOf([noRule, ...fracties], decisions('akkoord', 'akkoord', null), { art1: FP1 }, 'art1', 'raad')).toBe('open')
      expect(stateOf([noRule, ...fracties], decisions('akkoord', 'akkoord', 'akkoord'), { art1: FP1 }, 'art1', 'raad')).toBe('akkoord')
    })
  })

  describe("rule 'quorum' (3 fracties, quorum 2)", () => {
    const parties = [{ ...raad, rule: 'quorum' as const, quorum: 2 }, college, ...fracties]
    const cases: Array<[string, ReturnType<typeof decisions>, PartyState]> = [
      ['nobody decided → open', decisions(null, null, null), 'open'],
      ['one akkoord → open', decisions('akkoord', null, null), 'open'],
      ['two akkoord → akkoord', decisions('akkoord', 'akkoord', null), 'akkoord'],
      ['two akkoord and one objection → akkoord', decisions('akkoord', 'akkoord', 'niet-akkoord'), 'akkoord'],
      ['three akkoord → akkoord', decisions('akkoord', 'akkoord', 'akkoord'), 'akkoord'],
      ['one objection, quorum still reachable → open', decisions('niet-akkoord', 'akkoord', null), 'open'],
      ['two objections, quorum unreachable → niet-akkoord', decisions('niet-akkoord', 'niet-akkoord', 'akkoord'), 'niet-akkoord'],
      ['one akkoord and one outdated → verouderd', decisions('akkoord', 'akkoord', null, [FP1, FP2, FP1]), 'verouderd'],
      ['two akkoord, the third outdated → akkoord', decisions('akkoord', 'akkoord', 'akkoord', [FP1, FP1, FP2]), 'akkoord'],
      ['a withdrawal drops below the quorum → open', decisions('akkoord', 'ingetrokken', null), 'open'],
    ]
    it.each(cases)('%s', (_what, records, expected) => {
      expect(stateOf(parties, records, { art1: FP1 }, 'art1', 'raad')).toBe(expected)
    })

    it('a text change makes an agreed quorum outdated', () => {
      const records = decisions('akkoord', 'akkoord', null)
      expect(stateOf(parties, records, { art1: FP1 }, 'art1', 'raad')).toBe('akkoord')
      expect(stateOf(parties, records, { art1: FP2 }, 'art1', 'raad')).toBe('verouderd')
    })

    it('quorum 1 of 3: one fractie suffices', () => {
      const quorumOne = [{ ...raad, rule: 'quorum' as const, quorum: 1 }, ...fracties]
      expect(stateOf(quorumOne, decisions(null, 'akkoord', null), { art1: FP1 }, 'art1', 'raad')).toBe('akkoord')
    })

    it("rule 'quorum' without a quorum number behaves as all", () => {
      const noQuorum = [{ ...raad, rule: 'quorum' as const, quorum: null }, ...fracties]
      expect(stateOf(noQuorum, decisions('akkoord', 'akkoord', null), { art1: FP1 }, 'art1', 'raad')).toBe('open')
    })
  })

  it('nested sub-parties combine upwards', () => {
    const parties = [raad, fractie('f1'), fractie('f2'), fractie('f2a', 'f2'), fractie('f2b', 'f2')]
    const agreed = [record('art1', 'f1', 'akkoord', FP1), record('art1', 'f2a', 'akkoord', FP1)]
    expect(stateOf(parties, agreed, { art1: FP1 }, 'art1', 'f2')).toBe('open')
    expect(stateOf(parties, agreed, { art1: FP1 }, 'art1', 'raad')).toBe('open')
    const all = [...agreed, record('art1', 'f2b', 'akkoord', FP1)]
    expect(stateOf(parties, all, { art1: FP1 }, 'art1', 'f2')).toBe('akkoord')
    expect(stateOf(parties, all, { art1: FP1 }, 'art1', 'raad')).toBe('akkoord')
  })
})

describe('topLevelParties and decidesItself', () => {
  const parties = [raad, college, griffie, fractie('f1'), fractie('f2'), fractie('orphan', 'removed-party')]

  it('top-level parties are those without a (known) parent', () => {
    expect(topLevelParties(parties).map((p) => p.id)).toEqual(['raad', 'college', 'griffie', 'orphan'])
    expect(topLevelParties([raad, college, griffie]).map((p) => p.id)).toEqual(['raad', 'college', 'griffie'])
    expect(topLevelParties([])).toEqual([])
  })

  it('a party decides itself when it exists and has no sub-parties', () => {
    expect(decidesItself(parties, 'college')).toBe(true)
    expect(decidesItself(parties, 'f1')).toBe(true)
    expect(decidesItself(parties, 'orphan')).toBe(true)
    expect(decidesItself(parties, 'raad')).toBe(false)
    expect(decidesItself(parties, 'unknown')).toBe(false)
    expect(decidesItself([raad, college], 'raad')).toBe(true)
  })
})
