/**
 * Recording who agreed to which clause, on exactly which text; phases, adoption and versions.
 *
 * A decision is accepted only for the text the person saw: the client sends the fingerprint of
 * that text, and if the server's current text differs the request is refused (409). Records are
 * append-only; a changed or withdrawn decision is a new record. A decision on an earlier text is
 * "verouderd", derived, not stored, so it is true the moment the text changes.
 */
import * as Y from 'yjs'
import { canManage } from '../../model/roles.js'
import { decidesItself, partyStates, topLevelParties, type AgreementParty } from '../../model/agreements.js'
import { toSnapshot } from '../../model/snapshot.js'
import type { Principal } from '../auth/AuthService.js'
import type { AccessService } from '../access/AccessService.js'
import { actorOf } from '../access/AccessService.js'
import type { AuditLog } from '../audit/AuditLog.js'
import type { RoomRegistry } from '../collaboration/RoomRegistry.js'
import type { Storage } from '../storage/StatuteStore.js'
import type { AgreementRecord, Decision, Phase } from '../storage/AgreementStore.js'
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors.js'
import { articleTexts, type ArticleText } from './articleTexts.js'
import type { EventHub } from './EventHub.js'

/** Phases in which the text is frozen for everyone. */
export const FROZEN_PHASES: readonly Phase[] = ['ter-vaststelling', 'vastgesteld']

/** Phase changes a beheerder may make directly (adoption and revision have their own routes). */
const MANUAL_PHASES: readonly Phase[] = ['concept', 'in-bespreking', 'ter-vaststelling']

/** How often adoption checks again when decisions keep arriving between its check and its write. */
const ADOPTION_ATTEMPTS = 5

// The phase rules are checked twice: early, for a quick answer, and by the store in the same
// atomic step as the write, so that two requests (on one instance or on several sharing the
// database) cannot both pass. Losing that race gives the same answer as the early check.
const adoptedNoDecisions = () => conflict('adopted', 'Dit statuut is vastgesteld. Start eerst een nieuwe herziening.')
const adoptedNoPhase = () => conflict('adopted', 'Dit statuut is vastgesteld. Start een nieuwe herziening om het te wijzigen.')
const notTerVaststelling = () => conflict('wrong_phase', 'Zet het statuut eerst in de fase ‘ter vaststelling’.')
const notAdopted = () => conflict('wrong_phase', 'Alleen een vastgesteld statuut krijgt een nieuwe herziening.')

export class AgreementService {
  constructor(
    private readonly store: Storage,
    private readonly rooms: RoomRegistry,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
    private readonly events: EventHub,
  ) {}

  /** The live articles (settled: every stored change applied). */
  async currentArticles(statuteId: string): Promise<{ articles: ArticleText[]; doc: Y.Doc; release: () => void }> {
    const room = await this.rooms.open(statuteId)
    if (!room) throw notFound()
    await room.settle()
    return { articles: articleTexts(room.doc), doc: room.doc, release: () => this.rooms.release(room) }
  }

  async parties(statuteId: string): Promise<AgreementParty[]> {
    return (await this.store.access.listParties(statuteId)).map((p) => ({ id: p.id, name: p.name, parentId: p.parentId, rule: p.rule ?? 'all', quorum: p.quorum ?? null }))
  }

  /** Everything the matrix and the badges need: parties, articles with fingerprints, states, records. */
  async overview(statuteId: string) {
    const { articles, release } = await this.currentArticles(statuteId)
    release()
    const [parties, records, phase] = await Promise.all([this.parties(statuteId), this.store.agreements.listAgreements(statuteId), this.store.agreements.getPhase(statuteId)])
    const states = partyStates(parties, records, new Map(articles.map((a) => [a.id, a.fingerprint])))
    return {
      phase: phase.phase,
      evaluationDate: phase.evaluationDate,
      parties,
      articles: articles.map((a) => ({
        id: a.id,
        number: a.number,
        title: a.title,
        fingerprint: a.fingerprint,
        parties: Object.fromEntries([...(states.get(a.id) ?? new Map())].map(([partyId, status]) => [partyId, { state: status.state, record: status.record ? publicRecord(status.record as AgreementRecord) : undefined }])),
      })),
    }
  }

  async history(statuteId: string, articleId: string) {
    const records = (await this.store.agreements.listAgreements(statuteId)).filter((r) => r.articleId === articleId)
    const names = new Map((await this.store.access.listMembers(statuteId)).map((m) => [m.userId, m.name]))
    return records.map((r) => ({ ...publicRecord(r), articleText: r.articleText, userName: names.get(r.userId) ?? '' }))
  }

  async decide(principal: Principal, ip: string | null, statuteId: string, articleId: string, input: { party: string; decision: Decision; reason?: string | undefined; fingerprint: string }) {
    const membership = await this.access.member(principal, statuteId)
    const { phase } = await this.store.agreements.getPhase(statuteId)
    if (phase === 'vastgesteld') throw adoptedNoDecisions()
    const parties = await this.parties(statuteId)
    if (!parties.some((p) => p.id === input.party)) throw badRequest('Deze partij bestaat niet in dit statuut.')
    if (!decidesItself(parties, input.party)) throw badRequest('Deze partij stemt in via haar onderdelen (bijvoorbeeld de fracties).')
    // Readers only read, even if the right to agree was ticked for them.
    if (membership.partyId !== input.party || !membership.canAgree || membership.role === 'lezer') throw forbidden('U mag niet namens deze partij instemmen.')
    if (input.decision === 'niet-akkoord' && !input.reason?.trim()) throw badRequest('Geef een reden als u niet akkoord gaat.')
    const { articles, release } = await this.currentArticles(statuteId)
    try {
      const article = articles.find((a) => a.id === articleId)
      if (!article) throw notFound('Dit artikel bestaat niet (meer).')
      if (article.fingerprint !== input.fingerprint) {
        throw new AppError('stale_fingerprint', 409, 'De tekst van dit artikel is veranderd sinds u hem las. Lees de nieuwe tekst en beslis opnieuw.', {
          currentFingerprint: article.fingerprint,
          currentText: article.text,
        })
      }
      const record = await this.store.agreements.appendAgreement({
        statuteId,
        articleId,
        partyId: input.party,
        userId: principal.user.id,
        decision: input.decision,
        reason: input.reason?.trim() || null,
        fingerprint: article.fingerprint,
        articleText: article.text,
        createdAt: new Date().toISOString(),
      })
      // Adopted after the check above (the store refuses decisions on an adopted statute).
      if (!record) throw adoptedNoDecisions()
      await this.audit.record(actorOf(principal, ip), 'agreement', statuteId, { articleId, party: input.party, decision: input.decision })
      this.events.publish(statuteId, { type: 'agreements', data: publicRecord(record) })
      return publicRecord(record)
    } finally {
      release()
    }
  }

  async setPhase(principal: Principal, ip: string | null, statuteId: string, phase: Phase): Promise<void> {
    await this.access.require(principal, statuteId, canManage)
    if (!MANUAL_PHASES.includes(phase)) throw badRequest('Vaststellen gaat via de vaststelling, niet via de fase.')
    const from = await this.store.agreements.setPhase(statuteId, phase, { notIn: ['vastgesteld'] })
    if (!from) throw adoptedNoPhase()
    this.rooms.setFrozen(statuteId, FROZEN_PHASES.includes(phase))
    await this.audit.record(actorOf(principal, ip), 'phase', statuteId, { from, to: phase })
    this.events.publish(statuteId, { type: 'phase', data: { phase } })
  }

  /** Adoption: only in "ter vaststelling", only when every party agrees to every current text. */
  async adopt(principal: Principal, ip: string | null, statuteId: string, input: { decisionDate: string; decisionReference: string }) {
    await this.access.require(principal, statuteId, canManage)
    if ((await this.store.agreements.getPhase(statuteId)).phase !== 'ter-vaststelling') throw notTerVaststelling()
    const { articles, doc, release } = await this.currentArticles(statuteId)
    try {
      const parties = await this.parties(statuteId)
      const fingerprints = new Map(articles.map((a) => [a.id, a.fingerprint]))
      for (let attempt = 1; ; attempt += 1) {
        const records = await this.store.agreements.listAgreements(statuteId)
        const states = partyStates(parties, records, fingerprints)
        const missing = articles.flatMap((a) =>
          topLevelParties(parties)
            .filter((p) => states.get(a.id)?.get(p.id)?.state !== 'akkoord')
            .map((p) => ({ articleId: a.id, number: a.number, party: p.name, state: states.get(a.id)?.get(p.id)?.state ?? 'open' })),
        )
        if (articles.length === 0 || missing.length > 0) {
          throw conflict('not_agreed', `Nog niet alle partijen zijn akkoord met alle artikelen (${missing.length} open, bezwaar of verouderd).`, { missing })
        }
        // Stored only if the statute is still "ter vaststelling" and no decision was recorded since
        // the records above were read, both checked in the store's transaction.
        const version = await this.store.agreements.addVersion(
          {
            statuteId,
            label: `Vastgesteld op ${input.decisionDate} (${input.decisionReference})`,
            kind: 'adopted',
            state: Y.encodeStateAsUpdate(doc),
            snapshot: JSON.stringify(toSnapshot(doc)),
            createdBy: principal.user.id,
            createdAt: new Date().toISOString(),
            decisionDate: input.decisionDate,
            decisionReference: input.decisionReference,
          },
          { setPhase: 'vastgesteld', requirePhase: { from: ['ter-vaststelling'] }, agreementsSeen: records.length },
        )
        if (version) {
          this.rooms.setFrozen(statuteId, true)
          await this.audit.record(actorOf(principal, ip), 'adoption', statuteId, { version: version.number, decisionDate: input.decisionDate, decisionReference: input.decisionReference })
          this.events.publish(statuteId, { type: 'phase', data: { phase: 'vastgesteld' } })
          this.events.publish(statuteId, { type: 'versions' })
          return { number: version.number, label: version.label }
        }
        // Another request came first: an adoption or phase change (answered as above), or a
        // decision (checked again with it).
        if ((await this.store.agreements.getPhase(statuteId)).phase !== 'ter-vaststelling') throw notTerVaststelling()
        if (attempt >= ADOPTION_ATTEMPTS) throw conflict('try_again', 'Er kwamen steeds nieuwe besluiten binnen tijdens het vaststellen. Probeer het opnieuw.')
      }
    } finally {
      release()
    }
  }

  /** A new concept revision of an adopted statute; agreements on unchanged articles stay valid. */
  async startRevision(principal: Principal, ip: string | null, statuteId: string): Promise<void> {
    await this.access.require(principal, statuteId, canManage)
    const from = await this.store.agreements.setPhase(statuteId, 'concept', { from: ['vastgesteld'] })
    if (!from) throw notAdopted()
    this.rooms.setFrozen(statuteId, false)
    await this.audit.record(actorOf(principal, ip), 'phase', statuteId, { from, to: 'concept', revision: true })
    this.events.publish(statuteId, { type: 'phase', data: { phase: 'concept' } })
  }

  async addVersion(principal: Principal, ip: string | null, statuteId: string, label: string) {
    await this.access.require(principal, statuteId, canManage)
    const { doc, release } = await this.currentArticles(statuteId)
    try {
      const version = await this.store.agreements.addVersion({
        statuteId,
        label,
        kind: 'named',
        state: Y.encodeStateAsUpdate(doc),
        snapshot: JSON.stringify(toSnapshot(doc)),
        createdBy: principal.user.id,
        createdAt: new Date().toISOString(),
        decisionDate: null,
        decisionReference: null,
      })
      await this.audit.record(actorOf(principal, ip), 'version', statuteId, { number: version.number, label })
      this.events.publish(statuteId, { type: 'versions' })
      return { number: version.number, label: version.label, kind: version.kind, createdAt: version.createdAt }
    } finally {
      release()
    }
  }
}

function publicRecord(record: AgreementRecord) {
  const { articleText: _text, statuteId: _statute, ...rest } = record
  return rest
}
