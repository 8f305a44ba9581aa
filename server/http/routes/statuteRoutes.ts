/**
 * Statutes: the caller's list, creating one (the creator becomes its beheerder), and one statute
 * as JSON with the caller's own role in it.
 */
import type { FastifyInstance } from 'fastify'
import { canEditText, canManage } from '../../../model/roles.js'
import { actorOf } from '../../access/AccessService.js'
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
    const statutes = (await deps.statutes.list()).filter((s) => roles.has(s.id)).map((s) => ({ ...s, role: roles.get(s.id) }))
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
    const me = {
      userId: membership.userId,
      role: membership.role,
      partyId: membership.partyId,
      partyName: party?.name ?? '',
      canAgree: membership.canAgree,
      canEdit: canEditText(membership.role),
      canManage: canManage(membership.role),
    }
    return { ...(await deps.statutes.snapshot(id)), me, parties }
  })
}
