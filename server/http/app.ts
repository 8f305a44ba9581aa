/**
 * The HTTP side: JSON API under /api, health check, and the built client with a fallback to
 * index.html for client-side routes. Every error leaves as `{ code, message }`.
 */
import fs from 'node:fs'
import path from 'node:path'
import Fastify, { type FastifyInstance, type FastifyError, type FastifyReply } from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyCookie from '@fastify/cookie'
import fastifyHelmet from '@fastify/helmet'
import fp from 'fastify-plugin'
import { AppError, notFound } from '../errors.js'
import type { StatuteStore } from '../storage/StatuteStore.js'
import { registerRequestAuth } from './requestAuth.js'
import type { RouteDeps } from './routes/deps.js'
import { sessionRoutes } from './routes/sessionRoutes.js'
import { statuteRoutes } from './routes/statuteRoutes.js'
import { memberRoutes } from './routes/memberRoutes.js'
import { invitationRoutes } from './routes/invitationRoutes.js'
import { agreementRoutes } from './routes/agreementRoutes.js'
import { commentRoutes } from './routes/commentRoutes.js'
import { exportRoutes } from './routes/exportRoutes.js'
import { importRoutes } from './routes/importRoutes.js'
import { openApiDocument } from './openapi.js'
import { metricsRoutes } from './routes/metricsRoutes.js'
import type { Metrics } from '../metrics/Metrics.js'

export interface HttpOptions {
  readonly maxBodyBytes: number
  readonly clientDir: string
  readonly logLevel: string
  /** Behind a reverse proxy: trust X-Forwarded-For for client addresses (rate limiting, audit). */
  readonly trustProxy: boolean
  /** Origins besides the request's own host that may send cookie-authenticated changes. */
  readonly allowedOrigins: readonly string[]
  readonly metrics: Metrics
  /** Bearer token that may read /metrics (besides administrators). */
  readonly metricsToken: string | undefined
  /** True while shutting down: /healthz answers 503 so load balancers send people elsewhere. */
  readonly draining: () => boolean
}

/** The URL with secrets replaced: invitation tokens in the path (API and the link itself), token= in the query. */
export function redactUrl(url: string): string {
  return url.replace(/(\/(?:invitations|uitnodiging)\/)[^/?#]+/g, '$1[redacted]').replace(/([?&]token=)[^&#]*/g, '$1[redacted]')
}

export function createHttpApp(deps: RouteDeps, options: HttpOptions): FastifyInstance {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      serializers: {
        // Invitation links and ?token= carry secrets; they never reach the log.
        req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: redactUrl(request.url), ip: request.ip }),
      },
    },
    bodyLimit: options.maxBodyBytes,
    // Returning errors as JSON is ours to do; no stack traces leave the server.
    return503OnClosing: true,
    // Event streams (SSE) stay open by design; on shutdown they are ended, not waited for.
    forceCloseConnections: true,
    trustProxy: options.trustProxy,
    // Errors Fastify raises before routing (an undecodable URL, a too long path parameter) get the
    // same { code, message } shape as all others.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.statusCode === 414
      void (reply as FastifyReply)
        .status(tooLong ? 414 : 400)
        .send({ code: tooLong ? 'uri_too_long' : 'bad_request', message: tooLong ? 'De URL is te lang.' : 'Ongeldige URL.' })
    },
  })
  void app.register(fastifyCookie)
  void app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The NL Design System components inject their CSS as <style> elements.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // Same-origin app; HSTS is the reverse proxy's business (it terminates TLS).
    hsts: false,
    crossOriginEmbedderPolicy: false,
  })
  // After the cookie parser, and for every route (fastify-plugin lifts encapsulation).
  void app.register(fp(async (root) => registerRequestAuth(root, deps.auth, options.allowedOrigins, deps.cookies, options.metricsToken)))
  // The API speaks JSON only; Fastify would otherwise accept text/plain bodies as strings.
  app.removeContentTypeParser('text/plain')

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send({ code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) })
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return reply.status(500).send({ code: 'internal_error', message: 'Er ging iets mis op de server. Probeer het opnieuw.' })
    }
    const known: Record<string, [string, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', `Het verzoek is te groot (maximaal ${options.maxBodyBytes} bytes).`],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Stuur JSON (Content-Type: application/json).'],
      FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'De JSON-body is leeg.'],
      FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'De body is geen geldige JSON.'],
    }
    const [code, message] = known[error.code] ?? ['bad_request', error.message]
    return reply.status(status).send({ code, message })
  })

  app.get('/healthz', async (_request, reply) => {
    if (options.draining()) return reply.status(503).send({ status: 'draining' })
    await deps.store.ping()
    return { status: 'ok' }
  })
  metricsRoutes(app, options.metrics)

  app.get('/api/openapi.json', async () => openApiDocument())

  sessionRoutes(app, deps)
  statuteRoutes(app, deps)
  memberRoutes(app, deps)
  invitationRoutes(app, deps)
  agreementRoutes(app, deps)
  commentRoutes(app, deps)
  exportRoutes(app, deps)
  importRoutes(app, deps)

  const indexFile = path.join(options.clientDir, 'index.html')
  const hasClient = fs.existsSync(indexFile)
  if (hasClient) {
    void app.register(fastifyStatic, { root: options.clientDir, index: false, wildcard: false, maxAge: '1h', immutable: false })
  }

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/'
    if (request.method !== 'GET' || url.startsWith('/api/') || url === '/api' || url.startsWith('/collab/') || !hasClient) {
      const error = notFound(`Niet gevonden: ${request.method} ${url}`)
      return reply.status(404).send({ code: error.code, message: error.message })
    }
    // Client-side routes (/statuten/<id>/…) get the app shell.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.createReadStream(indexFile))
  })

  return app
}
