/**
 * Agreements, phases, adoption, versions and comparison, and the live event stream of a statute.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { canManage } from '../../../model/roles.js'
import { ID_PATTERN } from '../../../model/ids.js'
import type { StatuteSnapshot } from '../../../model/snapshot.js'
import { badRequest, notFound } from '../../errors.js'
import { DECISIONS, PHASES } from '../../storage/AgreementStore.js'
import { compareSnapshots } from '../../versions/compareSnapshots.js'
import { SESSION_COOKIE, bearerToken, requirePrincipal } from '../requestAuth.js'
import { membershipNow } from '../../access/recheck.js'
import { statuteParams, versionNumber } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

const id = z.string().regex(ID_PATTERN, 'Ongeldige id.')
const articleParams = z.strictObject({ id, articleId: id })
const versionParams = z.strictObject({ id, number: versionNumber })
const decisionBody = z.strictObject({
  party: id,
  decision: z.enum(DECISIONS),
  reason: z.string().trim().max(2000).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'Ongeldige vingerafdruk.'),
})
const phaseBody = z.strictObject({ phase: z.enum(PHASES) })
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Gebruik de vorm JJJJ-MM-DD.')
const adoptionBody = z.strictObject({ decisionDate: date, decisionReference: z.string().trim().min(1, 'Vul het kenmerk van het besluit in.').max(200) })
const versionBody = z.strictObject({ label: z.string().trim().min(1, 'Geef de versie een naam.').max(200) })
const settingsBody = z.strictObject({ evaluationDate: date.nullable() })
const partyParams = z.strictObject({ id, partyId: id })
const partyRuleBody = z.strictObject({ rule: z.enum(['all', 'quorum']), quorum: z.number().int().min(1).max(100).nullable().default(null) })
const compareQuery = z.strictObject({ from: z.union([z.literal('current'), versionNumber]), to: z.union([z.literal('current'), versionNumber]).default('current') })

export function agreementRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { agreements } = deps

  app.get('/api/statutes/:id/agreements', async (request) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    await deps.access.member(request.principal, statuteId)
    return agreements.overview(statuteId)
  })

  app.get('/api/statutes/:id/articles/:articleId/agreements', async (request) => {
    const { id: statuteId, articleId } = parse(articleParams, request.params)
    await deps.access.member(request.principal, statuteId)
    return { history: await agreements.history(statuteId, articleId) }
  })

  app.post('/api/statutes/:id/articles/:articleId/agreements', async (request, reply) => {
    const { id: statuteId, articleId } = parse(articleParams, request.params)
    const principal = requirePrincipal(request)
    const input = parse(decisionBody, request.body)
    return reply.status(201).send(await agreements.decide(principal, request.ip, statuteId, articleId, input))
  })

  app.put('/api/statutes/:id/phase', async (request) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    const { phase } = parse(phaseBody, request.body)
    await agreements.setPhase(requirePrincipal(request), request.ip, statuteId, phase)
    return { phase }
  })

  app.post('/api/statutes/:id/adoption', async (request, reply) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    const input = parse(adoptionBody, request.body)
    return reply.status(201).send(await agreements.adopt(requirePrincipal(request), request.ip, statuteId, input))
  })

  app.post('/api/statutes/:id/revisions', async (request, reply) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    await agreements.startRevision(requirePrincipal(request), request.ip, statuteId)
    return reply.status(201).send({ phase: 'concept' })
  })

  app.patch('/api/statutes/:id/settings', async (request) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    await deps.access.require(request.principal, statuteId, canManage)
    const { evaluationDate } = parse(settingsBody, request.body)
    await deps.store.agreements.setEvaluationDate(statuteId, evaluationDate)
    return { evaluationDate }
  })

  app.put('/api/statutes/:id/parties/:partyId/rule', async (request) => {
    const { id: statuteId, partyId } = parse(partyParams, request.params)
    await deps.access.require(request.principal, statuteId, canManage)
    const { rule, quorum } = parse(partyRuleBody, request.body)
    const parties = await deps.store.access.listParties(statuteId)
    if (!parties.some((p) => p.id === partyId)) throw notFound('Deze partij bestaat niet.')
    const subParties = parties.filter((p) => p.parentId === partyId).length
    if (rule === 'quorum' && (quorum ?? 1) > subParties) throw badRequest(`Het quorum kan niet groter zijn dan het aantal onderdelen (${subParties}).`)
    await deps.store.agreements.setPartyRule(statuteId, partyId, rule, rule === 'quorum' ? (quorum ?? 1) : null)
    deps.events.publish(statuteId, { type: 'agreements' })
    return { rule, quorum }
  })

  app.get('/api/statutes/:id/versions', async (request) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    await deps.access.member(request.principal, statuteId)
    return { versions: await deps.store.agreements.listVersions(statuteId) }
  })

  app.post('/api/statutes/:id/versions', async (request, reply) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    const { label } = parse(versionBody, request.body)
    return reply.status(201).send(await agreements.addVersion(requirePrincipal(request), request.ip, statuteId, label))
  })

  app.get('/api/statutes/:id/versions/:number', async (request) => {
    const { id: statuteId, number } = parse(versionParams, request.params)
    await deps.access.member(request.principal, statuteId)
    const version = await deps.store.agreements.getVersion(statuteId, number)
    if (!version) throw notFound('Deze versie bestaat niet.')
    const { state: _state, snapshot, ...meta } = version
    return { ...meta, statute: JSON.parse(snapshot) as StatuteSnapshot }
  })

  app.get('/api/statutes/:id/compare', async (request) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    await deps.access.member(request.principal, statuteId)
    const query = parse(compareQuery, request.query)
    const load = async (which: 'current' | number): Promise<StatuteSnapshot> => {
      if (which === 'current') return deps.statutes.snapshot(statuteId)
      const version = await deps.store.agreements.getVersion(statuteId, which)
      if (!version) throw notFound(`Versie ${which} bestaat niet.`)
      return JSON.parse(version.snapshot) as StatuteSnapshot
    }
    return { from: query.from, to: query.to, articles: compareSnapshots(await load(query.from), await load(query.to)) }
  })

  // Live events (Server-Sent Events): new agreements, phase changes, new versions. The stream
  // ends when the person's access changes (EventHub.endFor); the browser reconnects and is
  // checked again.
  app.get('/api/statutes/:id/events', async (request, reply) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    const raw = reply.raw
    // Listening before the membership check: a browser that goes away meanwhile must not leave a
    // subscription (and its keep-alive timer) behind.
    let gone = false
    const onGone = (): void => {
      gone = true
    }
    raw.once('close', onGone)
    try {
      await deps.access.member(request.principal, statuteId)
    } catch (error) {
      raw.off('close', onGone)
      throw error
    }
    reply.hijack()
    if (gone || raw.destroyed) return
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    raw.write(': verbonden\n\n')
    const keepAlive = setInterval(() => raw.write(': \n\n'), 25_000)
    keepAlive.unref()
    const unsubscribe = deps.events.subscribe(statuteId, {
      userId: request.principal!.user.id,
      deliver: (event) => raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data ?? null)}\n\n`),
      end: () => {
        clearInterval(keepAlive)
        raw.end()
      },
    })
    raw.once('close', () => {
      clearInterval(keepAlive)
      unsubscribe()
    })
    // The person's access may have changed while it was checked above, before there was a
    // subscription to end: credentials and membership checked once more, now that a change would
    // end it.
    const bearer = bearerToken(request.headers.authorization)
    const credentials = bearer ? { bearerToken: bearer } : { sessionToken: request.cookies[SESSION_COOKIE] }
    if (!(await membershipNow(deps.auth, deps.access, credentials, request.principal!.user.id, statuteId))) {
      clearInterval(keepAlive)
      unsubscribe()
      raw.end()
    }
  })
}
