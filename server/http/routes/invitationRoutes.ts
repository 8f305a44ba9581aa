/**
 * Opening and accepting an invitation link. Anyone holding the link may see what it is for;
 * accepting either creates the account (e-mail fixed by the invitation) or, for a signed-in person
 * with that e-mail address, adds the membership.
 */
import type { FastifyInstance } from 'fastify'
import { badRequest, conflict, forbidden } from '../../errors.js'
import { setSessionCookie } from '../requestAuth.js'
import { acceptInvitationBody, invitationToken } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

export function invitationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/invitations/:token', async (request) => {
    const { token } = parse(invitationToken, request.params)
    const invitation = await deps.access.openInvitation(token)
    const statute = await deps.statutes.get(invitation.statuteId)
    const party = (await deps.access.listParties(invitation.statuteId)).find((p) => p.id === invitation.partyId)
    const hasAccount = (await deps.auth.needsSetup()) ? false : Boolean(await deps.accountsByEmail(invitation.email))
    return {
      statute: { id: statute.id, title: statute.title, organisation: statute.organisation },
      email: invitation.email,
      role: invitation.role,
      party: party?.name ?? '',
      canAgree: invitation.canAgree,
      expiresAt: invitation.expiresAt,
      hasAccount,
    }
  })

  app.post('/api/invitations/:token/accept', async (request, reply) => {
    const { token } = parse(invitationToken, request.params)
    const input = parse(acceptInvitationBody, request.body ?? {})
    const invitation = await deps.access.openInvitation(token)
    const principal = request.principal
    if (principal) {
      if (principal.user.email !== invitation.email) throw forbidden(`Deze uitnodiging is voor ${invitation.email}. Meld u af en open de link opnieuw.`)
      await deps.access.acceptInvitation(invitation, principal.user.id, { id: principal.user.id, label: principal.user.email, ip: request.ip })
      return reply.status(201).send({ statuteId: invitation.statuteId })
    }
    if (await deps.accountsByEmail(invitation.email)) throw conflict('account_exists', 'U heeft al een account. Meld u aan en open de link daarna opnieuw.')
    if (!input.name || !input.password) throw badRequest('Vul uw naam en een wachtwoord in om uw account te maken.')
    const user = await deps.auth.createUser({ email: invitation.email, name: input.name, password: input.password })
    await deps.access.acceptInvitation(invitation, user.id, { id: user.id, label: user.email, ip: request.ip })
    const session = await deps.auth.startSession(user)
    setSessionCookie(reply, session.sessionToken, session.expiresAt, deps.cookies)
    return reply.status(201).send({ statuteId: invitation.statuteId })
  })
}
