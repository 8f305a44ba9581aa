/**
 * Members, parties, invitations and the audit log of one statute. Reading the member and party
 * lists is open to every member; changing them is for beheerders only.
 */
import type { FastifyInstance } from 'fastify'
import { canManage } from '../../../model/roles.js'
import { actorOf } from '../../access/AccessService.js'
import { requirePrincipal } from '../requestAuth.js'
import { invitationBody, invitationParams, memberParams, memberPatch, partyBody, statuteParams } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

export function invitationLink(publicUrl: string | undefined, host: string | undefined, protocol: string, token: string): string {
  const base = publicUrl ?? `${protocol}://${host ?? 'localhost'}`
  return `${base.replace(/\/$/, '')}/uitnodiging/${token}`
}

export function memberRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/statutes/:id/members', async (request) => {
    const { id } = parse(statuteParams, request.params)
    const membership = await deps.access.member(request.principal, id)
    const members = await deps.access.listMembers(id)
    // E-mail addresses are for beheerders; others see names, roles and parties.
    return { members: members.map((m) => (canManage(membership.role) ? m : { ...m, email: undefined })) }
  })

  app.patch('/api/statutes/:id/members/:userId', async (request) => {
    const { id, userId } = parse(memberParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    const patch = parse(memberPatch, request.body)
    return deps.access.changeMember(actorOf(requirePrincipal(request), request.ip), id, userId, patch)
  })

  app.delete('/api/statutes/:id/members/:userId', async (request, reply) => {
    const { id, userId } = parse(memberParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    await deps.access.removeMember(actorOf(requirePrincipal(request), request.ip), id, userId)
    return reply.status(204).send()
  })

  app.get('/api/statutes/:id/parties', async (request) => {
    const { id } = parse(statuteParams, request.params)
    await deps.access.member(request.principal, id)
    return { parties: await deps.access.listParties(id) }
  })

  app.post('/api/statutes/:id/parties', async (request, reply) => {
    const { id } = parse(statuteParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    const input = parse(partyBody, request.body)
    return reply.status(201).send(await deps.access.createParty(actorOf(requirePrincipal(request), request.ip), id, input))
  })

  app.get('/api/statutes/:id/invitations', async (request) => {
    const { id } = parse(statuteParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    return { invitations: await deps.access.listInvitations(id) }
  })

  app.post('/api/statutes/:id/invitations', async (request, reply) => {
    const { id } = parse(statuteParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    const input = parse(invitationBody, request.body)
    const principal = requirePrincipal(request)
    const { invitation, token } = await deps.access.invite(actorOf(principal, request.ip), id, input)
    const link = invitationLink(deps.publicUrl, request.headers.host, request.protocol, token)
    // No mail server needed: the beheerder always gets the link to pass on. With SMTP_URL set it is
    // also mailed; a failed mail is reported, the invitation stands.
    let mailed = false
    let mailError: string | undefined
    if (deps.mailer.enabled) {
      try {
        const statute = await deps.statutes.get(id)
        const party = (await deps.access.listParties(id)).find((p) => p.id === input.partyId)
        await deps.mailer.sendInvitation({ to: invitation.email, link, statuteTitle: statute.title, organisation: statute.organisation, inviterName: principal.user.name, roleLabel: input.role, partyName: party?.name ?? '', expiresAt: invitation.expiresAt })
        mailed = true
      } catch (error) {
        request.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'invitation mail failed')
        mailError = 'De e-mail kon niet worden verstuurd. Geef de link zelf door.'
      }
    }
    return reply.status(201).send({ ...invitation, link, mailed, ...(mailError ? { mailError } : {}) })
  })

  app.delete('/api/statutes/:id/invitations/:invitationId', async (request, reply) => {
    const { id, invitationId } = parse(invitationParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    await deps.access.revokeInvitation(actorOf(requirePrincipal(request), request.ip), id, invitationId)
    return reply.status(204).send()
  })

  app.get('/api/statutes/:id/audit', async (request) => {
    const { id } = parse(statuteParams, request.params)
    await deps.access.require(request.principal, id, canManage)
    return { entries: await deps.auditStore.listForStatute(id, 500) }
  })
}
