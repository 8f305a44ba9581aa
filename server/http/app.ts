/**
 * The HTTP side: JSON API under /api, health check, and the built client with a fallback to
 * index.html for client-side routes. Every error leaves as `{ code, message }`.
 */
import fs from 'node:fs'
import path from 'node:path'
import Fastify, { type FastifyInstance, type FastifyError, type FastifyReply } from 'fastify'
import fastifyStatic from '@fastify/static'
import { z } from 'zod'
import { AppError, badRequest, notFound } from '../errors.js'
import type { StatuteService } from '../statutes/StatuteService.js'
import type { StatuteStore } from '../storage/StatuteStore.js'
import { createStatuteBody, statuteParams } from './schemas.js'
import { openApiDocument } from './openapi.js'

export interface HttpOptions {
  readonly maxBodyBytes: number
  readonly clientDir: string
  readonly logLevel: string
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value)
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
    throw badRequest(details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; '), details)
  }
  return result.data
}

export function createHttpApp(deps: { store: StatuteStore; statutes: StatuteService }, options: HttpOptions): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    bodyLimit: options.maxBodyBytes,
    // Returning errors as JSON is ours to do; no stack traces leave the server.
    return503OnClosing: true,
    // Errors Fastify raises before routing (an undecodable URL, a too long path parameter) get the
    // same { code, message } shape as all others.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.statusCode === 414
      void (reply as FastifyReply)
        .status(tooLong ? 414 : 400)
        .send({ code: tooLong ? 'uri_too_long' : 'bad_request', message: tooLong ? 'De URL is te lang.' : 'Ongeldige URL.' })
    },
  })
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

  app.get('/healthz', async () => {
    await deps.store.ping()
    return { status: 'ok' }
  })

  app.get('/api/openapi.json', async () => openApiDocument())

  app.get('/api/statutes', async () => ({ statutes: await deps.statutes.list() }))

  app.post('/api/statutes', async (request, reply) => {
    const input = parse(createStatuteBody, request.body)
    const record = await deps.statutes.create(input)
    return reply.status(201).header('location', `/api/statutes/${record.id}`).send(record)
  })

  app.get('/api/statutes/:id', async (request) => {
    const { id } = parse(statuteParams, request.params)
    return deps.statutes.snapshot(id)
  })

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
