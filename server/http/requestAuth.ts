/**
 * Resolving who asks, for every HTTP request, and the cookie and CSRF rules that go with it.
 *
 * - Browsers authenticate with an HttpOnly, SameSite=Lax session cookie.
 * - Scripts use `Authorization: Bearer ssp_…` (personal API tokens); those requests carry no
 *   ambient credentials, so they need no CSRF check.
 * - A state-changing request authenticated by cookie must come from our own origin (Origin, or
 *   Referer when a browser leaves Origin out); otherwise 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/cookie'
import type { AuthService, Principal } from '../auth/AuthService.js'
import { AppError, unauthorized } from '../errors.js'

export const SESSION_COOKIE = 'samenspel_session'

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
    /** Authenticated with METRICS_TOKEN: may read /metrics only. */
    metricsReader: boolean
  }
}

export interface CookieOptions {
  /** Send cookies only over HTTPS (on by default when PUBLIC_URL is https). */
  readonly secure: boolean
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Whether the request comes from a page of this server (or a configured public origin). */
export function isSameOrigin(headers: Record<string, string | string[] | undefined>, allowedOrigins: readonly string[]): boolean {
  const host = headers.host
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined
  const referer = typeof headers.referer === 'string' ? headers.referer : undefined
  const source = origin ?? (referer ? safeOrigin(referer) : undefined)
  if (!source || source === 'null') return false
  if (allowedOrigins.includes(source)) return true
  const sourceHost = safeHost(source)
  return sourceHost !== undefined && sourceHost === host
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

export function registerRequestAuth(
  app: FastifyInstance,
  auth: AuthService,
  allowedOrigins: readonly string[],
  cookies: CookieOptions,
  metricsToken?: string,
): void {
  app.decorateRequest('principal', undefined)
  app.decorateRequest('metricsReader', false)
  app.addHook('onRequest', async (request, reply) => {
    const bearer = bearerToken(request.headers.authorization)
    const sessionToken = request.cookies[SESSION_COOKIE]
    // The monitoring system's own token is good for GET /metrics and nothing else.
    if (bearer && metricsToken && request.method === 'GET' && request.url.split('?')[0] === '/metrics' && sameSecret(bearer, metricsToken)) {
      request.metricsReader = true
      return
    }
    if (bearer) {
      request.principal = await auth.authenticate({ bearerToken: bearer })
      // A wrong token is an error, not "anonymous": scripts should learn at once.
      if (!request.principal) throw new AppError('invalid_token', 401, 'Het API-token is ongeldig of ingetrokken.')
      return
    }
    if (sessionToken) request.principal = await auth.authenticate({ sessionToken })
    if (request.principal && !SAFE_METHODS.has(request.method) && !isSameOrigin(request.headers, allowedOrigins)) {
      throw new AppError('csrf', 403, 'Dit verzoek komt niet van Samenspel zelf en is geweigerd.')
    }
    // The session was extended: so must the browser's cookie, or it still expires at the old time.
    if (sessionToken && request.principal?.renewedUntil) setSessionCookie(reply, sessionToken, request.principal.renewedUntil, cookies)
  })
}

function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest()
  const right = createHash('sha256').update(b).digest()
  return timingSafeEqual(left, right)
}

/** The signed-in person, or 401. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized()
  return request.principal
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, options: CookieOptions): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/', expires: expiresAt })
}

export function clearSessionCookie(reply: FastifyReply, options: CookieOptions): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/' })
}
