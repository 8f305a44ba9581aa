/**
 * Comment threads: list (also for integrations, with anchor text, status and comments), start,
 * reply, edit and delete one's own comment, resolve and reopen, mark read.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ID_PATTERN } from '../../../model/ids.js'
import { statuteParams } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

const id = z.string().regex(ID_PATTERN, 'Ongeldige id.')
const body = z.string().trim().min(1, 'Schrijf een reactie.').max(5000)
const mentions = z.array(id).max(50).default([])
/**
 * Whether `value` nests at most `levels` deep. Checked before JSON.stringify, which recurses: a
 * body of 100,000 nested arrays (200 KB) would overflow its stack.
 */
function nestsAtMost(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return true
  if (levels === 0) return false
  return Object.values(value).every((child) => nestsAtMost(child, levels - 1))
}
/** Relative positions as Yjs writes them (JSON, two levels); kept as given, at most a few KB. */
const relativePosition = z.record(z.string(), z.unknown()).refine((v) => nestsAtMost(v, 8) && JSON.stringify(v).length < 2000, 'Anker te groot.')
const startBody = z.strictObject({
  articleId: id,
  anchor: z.strictObject({ start: relativePosition, end: relativePosition }).nullable().optional(),
  quote: z.string().max(2000).optional(),
  body,
  mentions,
})
const replyBody = z.strictObject({ body, mentions })
const threadParams = z.strictObject({ id, threadId: id })
const commentParams = z.strictObject({ id, commentId: id })
const statusBody = z.strictObject({ status: z.enum(['open', 'resolved']) })

export function commentRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { comments } = deps

  app.get('/api/statutes/:id/threads', async (request) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    return { threads: await comments.list(request.principal, statuteId) }
  })

  app.post('/api/statutes/:id/threads', async (request, reply) => {
    const { id: statuteId } = parse(statuteParams, request.params)
    const input = parse(startBody, request.body)
    return reply.status(201).send(await comments.start(request.principal, statuteId, input))
  })

  app.post('/api/statutes/:id/threads/:threadId/comments', async (request, reply) => {
    const { id: statuteId, threadId } = parse(threadParams, request.params)
    return reply.status(201).send(await comments.reply(request.principal, statuteId, threadId, parse(replyBody, request.body)))
  })

  app.put('/api/statutes/:id/threads/:threadId/status', async (request) => {
    const { id: statuteId, threadId } = parse(threadParams, request.params)
    const { status } = parse(statusBody, request.body)
    await comments.setStatus(request.principal, statuteId, threadId, status)
    return { status }
  })

  app.post('/api/statutes/:id/threads/:threadId/read', async (request, reply) => {
    const { id: statuteId, threadId } = parse(threadParams, request.params)
    await comments.markRead(request.principal, statuteId, threadId)
    return reply.status(204).send()
  })

  app.patch('/api/statutes/:id/comments/:commentId', async (request, reply) => {
    const { id: statuteId, commentId } = parse(commentParams, request.params)
    await comments.edit(request.principal, statuteId, commentId, parse(replyBody, request.body))
    return reply.status(204).send()
  })

  app.delete('/api/statutes/:id/comments/:commentId', async (request, reply) => {
    const { id: statuteId, commentId } = parse(commentParams, request.params)
    await comments.remove(request.principal, statuteId, commentId)
    return reply.status(204).send()
  })
}
