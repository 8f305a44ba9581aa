/**
 * Signing in and out, first-run setup, password change and personal API tokens.
 */
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors.js'
import { clearSessionCookie, requirePrincipal, setSessionCookie } from '../requestAuth.js'
import { passwordBody, setupBody, signInBody, tokenBody, tokenParams } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

const publicUser = (user: { id: string; email: string; name: string; isAdmin: boolean }) => ({ id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin })

export function sessionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/setup', async () => ({ needsSetup: await deps.auth.needsSetup() }))

  app.post('/api/setup', async (request, reply) => {
    const input = parse(setupBody, request.body)
    const user = await deps.auth.setup(input, request.ip)
    const session = await deps.auth.startSession(user)
    setSessionCookie(reply, session.sessionToken, session.expiresAt, deps.cookies)
    return reply.status(201).send({ user: publicUser(user) })
  })

  app.get('/api/session', async (request) => {
    const principal = requirePrincipal(request)
    return { user: publicUser(principal.user), via: principal.via }
  })

  app.post('/api/session', async (request, reply) => {
    const { email, password } = parse(signInBody, request.body)
    try {
      const { user, sessionToken, expiresAt } = await deps.auth.signIn(email, password, request.ip)
      setSessionCookie(reply, sessionToken, expiresAt, deps.cookies)
      return reply.status(201).send({ user: publicUser(user), expiresAt: expiresAt.toISOString() })
    } catch (error) {
      const retry = (error as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds
      if (retry) void reply.header('retry-after', String(retry))
      throw error
    }
  })

  app.delete('/api/session', async (request, reply) => {
    const principal = requirePrincipal(request)
    await deps.auth.signOut(principal, request.ip)
    clearSessionCookie(reply, deps.cookies)
    return reply.status(204).send()
  })

  app.post('/api/account/password', async (request, reply) => {
    const principal = requirePrincipal(request)
    const { currentPassword, newPassword } = parse(passwordBody, request.body)
    await deps.auth.changePassword(principal, currentPassword, newPassword, request.ip)
    return reply.status(204).send()
  })

  app.get('/api/account/tokens', async (request) => ({ tokens: await deps.auth.listApiTokens(requirePrincipal(request)) }))

  app.post('/api/account/tokens', async (request, reply) => {
    const principal = requirePrincipal(request)
    const { name } = parse(tokenBody, request.body)
    // The token itself is shown this once; only its hash is kept.
    return reply.status(201).send(await deps.auth.createApiToken(principal, name, request.ip))
  })

  app.delete('/api/account/tokens/:tokenId', async (request, reply) => {
    const principal = requirePrincipal(request)
    const { tokenId } = parse(tokenParams, request.params)
    if (!(await deps.auth.revokeApiToken(principal, tokenId, request.ip))) throw notFound('Dit token bestaat niet of is al ingetrokken.')
    return reply.status(204).send()
  })

  app.get('/api/audit', async (request) => {
    const principal = requirePrincipal(request)
    if (!principal.user.isAdmin) throw notFound()
    return { entries: await deps.auditStore.listAll(500) }
  })
}
