/**
 * Statutes: the caller's list, creating one (the creator becomes its beheerder), and one statute
 * as JSON with the caller's own role in it.
 */
import type { FastifyInstance } from 'fastify'
import { canEditText, canManage } from '../../../model/roles.js'
import { actorOf } from '../../access/AccessService.js'
import { FROZEN_PHASES } from '../../agreements/AgreementService.js'
import { requirePrincipal } from '../requestAuth.js'
import { createStatuteBody, statuteParams } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

export function statuteRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/templates', async (request) => {
    requirePrincipal(request)
    return { themes: deps.templates().map(({ source: _file, ...theme }) => theme) }
  })

  app.get('/api/statutes', async (request) => {
    const principal = requirePrincipal(request)
    const roles = new Map((await deps.access.listMembershipsOf(principal)).map((m) => [m.statuteId, m.role]))
    const today = new Date().toISOString().slice(0, 10)
    const statutes = await Promise.all(
      (await deps.statutes.list())
        .filter((s) => roles.has(s.id))
        .map(async (s) => {
          const { phase, evaluationDate } = await deps.store.agreements.getPhase(s.id)
          // Due for its periodic review once the evaluation date has come.
          return { ...s, role: roles.get(s.id), phase, evaluationDate, evaluationDue: evaluationDate !== null && evaluationDate <= today }
        }),
    )
    return { statutes }
  })

  app.post('/api/statutes', async (request, reply) => {
    const principal = requirePrincipal(request)
    const input = parse(createStatuteBody, request.body)
    const record = await deps.statutes.create(input, (statuteId) => deps.access.initialAccess(statuteId, principal.user.id))
    await deps.audit.record(actorOf(principal, request.ip), 'statute.created', record.id, { title: record.title })
    return reply.status(201).header('location', `/api/statutes/${record.id}`).send({ ...record, role: 'beheerder' })
  })

  app.get('/api/statutes/:id', async (request) => {
    const { id } = parse(statuteParams, request.params)
    const membership = await deps.access.member(request.principal, id)
    const parties = await deps.access.listParties(id)
    const party = parties.find((p) => p.id === membership.partyId)
    const overview = await deps.agreements.overview(id)
    const frozen = FROZEN_PHASES.includes(overview.phase)
    const me = {
      userId: membership.userId,
      role: membership.role,
      partyId: membership.partyId,
      partyName: party?.name ?? '',
      canAgree: membership.canAgree,
      // While the text is frozen ('ter vaststelling', 'vastgesteld') nobody edits it.
      canEdit: canEditText(membership.role) && !frozen,
      canManage: canManage(membership.role),
    }
    const snapshot = await deps.statutes.snapshot(id)
    const byArticle = new Map(overview.articles.map((a) => [a.id, a]))
    return {
      ...snapshot,
      phase: overview.phase,
      evaluationDate: overview.evaluationDate,
      chapters: snapshot.chapters.map((chapter) => ({
        ...chapter,
        articles: chapter.articles.map((article) => ({
          ...article,
          fingerprint: byArticle.get(article.id)?.fingerprint,
          agreements: byArticle.get(article.id)?.parties ?? {},
        })),
      })),
      me,
      parties: overview.parties,
    }
  })
}
