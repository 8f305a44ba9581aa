/**
 * Importing a Word file, in two steps so the person reviews the result first:
 * - POST /api/imports/preview: the .docx itself as the body (Content-Type
 *   application/vnd.openxmlformats-officedocument.wordprocessingml.document or
 *   application/octet-stream, at most 10 MB) → the recognised chapters and articles (bodies as rich
 *   text JSON and as plain text) and what could not be recognised, with the reason. Stores nothing.
 * - POST /api/statutes/import: JSON { title, organisation, bodyType, chapters: [{ title, articles:
 *   [{ title, body }] }] } → 201; the server builds the first document once; the caller becomes
 *   beheerder, as with POST /api/statutes.
 * Both need a signed-in person; that is checked before the body is read.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { richTextToPlain } from '../../../model/richText.js'
import { DOCX_CONTENT_TYPE, IMPORT_LIMITS, type ImportPreview, type ImportedDocument } from '../../../model/imported.js'
import { actorOf } from '../../access/AccessService.js'
import { AppError, payloadTooLarge, unsupportedMediaType } from '../../errors.js'
import { invalidDocx, parseDocx } from '../../import/parseDocx.js'
import { importStatuteBody } from '../../import/importSchema.js'
import { composeImportedStatute } from '../../statutes/composeImported.js'
import { requirePrincipal } from '../requestAuth.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

const PREVIEW_PATH = '/api/imports/preview'
const WORD_TYPES = [DOCX_CONTENT_TYPE, 'application/octet-stream']
const SEND_WORD = `Stuur het Word-bestand zelf (Content-Type: ${DOCX_CONTENT_TYPE}).`

/** Bodies with their plain text, for display. */
export function toPreview(document: ImportedDocument): ImportPreview {
  return {
    ...document,
    chapters: document.chapters.map((chapter) => ({ ...chapter, articles: chapter.articles.map((article) => ({ ...article, text: richTextToPlain(article.body) })) })),
    preamble: document.preamble ? { json: document.preamble, text: richTextToPlain(document.preamble) } : null,
  }
}

// Before the body is read: an anonymous upload is refused without receiving 10 MB first.
const signedIn = async (request: FastifyRequest): Promise<void> => {
  requirePrincipal(request)
}

export function importRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // Its own scope: the Word body parser and the error wording apply to these two routes only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(WORD_TYPES, { parseAs: 'buffer', bodyLimit: IMPORT_LIMITS.maxFileBytes }, (_request, body, done) => done(null, body))

    // Fastify's own errors, worded for an upload; the app's handler (the parent) sends them.
    scope.setErrorHandler((error: FastifyError | AppError, request) => {
      if (error instanceof AppError) throw error
      const preview = request.url.split('?')[0] === PREVIEW_PATH
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw payloadTooLarge(preview ? 'Het bestand is groter dan 10 MB.' : 'Het verzoek is groter dan 10 MB.')
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' && preview) throw unsupportedMediaType(SEND_WORD)
      throw error
    })

    scope.post(PREVIEW_PATH, { bodyLimit: IMPORT_LIMITS.maxFileBytes, onRequest: signedIn }, async (request) => {
      requirePrincipal(request)
      const body: unknown = request.body
      if (!Buffer.isBuffer(body)) {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        // An empty upload of the right type is an empty file; anything else is the wrong kind of body.
        if (body === undefined && WORD_TYPES.includes(type)) throw invalidDocx('Het bestand is leeg.', 'empty')
        throw unsupportedMediaType(SEND_WORD)
      }
      return toPreview(await parseDocx(body))
    })

    scope.post('/api/statutes/import', { bodyLimit: IMPORT_LIMITS.maxFileBytes, onRequest: signedIn }, async (request, reply) => {
      const principal = requirePrincipal(request)
      if (Buffer.isBuffer(request.body)) throw unsupportedMediaType()
      const input = parse(importStatuteBody, request.body)
      const meta = { title: input.title, organisation: input.organisation, bodyType: input.bodyType }
      const state = composeImportedStatute(meta, input.chapters)
      const record = await deps.statutes.createFromState(meta, state, (statuteId) => deps.access.initialAccess(statuteId, principal.user.id))
      const articles = input.chapters.reduce((n, c) => n + c.articles.length, 0)
      await deps.audit.record(actorOf(principal, request.ip), 'statute.created', record.id, { title: record.title, source: 'docx', chapters: input.chapters.length, articles })
      return reply.status(201).header('location', `/api/statutes/${record.id}`).send({ ...record, role: 'beheerder' })
    })
  })
}
