/**
 * The OpenAPI 3.1 description served at GET /api/openapi.json.
 */
import { z } from 'zod'
import { createStatuteBody, errorBody, statuteSummary } from './schemas.js'

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) },
})
const error = (description: string) => ({ description, content: json(errorBody) })

const richText = { type: 'object', description: 'ProseMirror/Tiptap JSON: { type: "doc", content: [...] }' }
const textAndJson = {
  type: 'object',
  properties: { text: { type: 'string', description: 'Plain text; leden as "1.", onderdelen as "a."' }, json: richText },
}
const statuteSnapshot = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    organisation: { type: 'string' },
    bodyType: { enum: ['gemeente', 'provincie', 'waterschap'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    chapters: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          number: { type: 'integer' },
          label: { type: 'string', example: 'Hoofdstuk 1' },
          title: { type: 'string' },
          articles: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                number: { type: 'integer', description: 'Continuous over the statute, derived from order' },
                label: { type: 'string', example: 'Artikel 1' },
                title: { type: 'string' },
                body: textAndJson,
                toelichting: textAndJson,
              },
            },
          },
        },
      },
    },
  },
}

export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Samenspel API',
      version: '0.1.0',
      description:
        'Samen een statuut schrijven. Errors are JSON `{ code, message }`. Live co-editing uses the y-websocket protocol at `/collab/<statute-id>`; refusals close with 4400–4499 and a reason.',
    },
    paths: {
      '/healthz': {
        get: { summary: 'Ready check', responses: { '200': { description: 'Storage is ready', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } } } } },
      },
      '/api/statutes': {
        get: {
          summary: 'List statutes',
          responses: { '200': { description: 'All statutes, most recently changed first', content: json(z.object({ statutes: z.array(statuteSummary) })) } },
        },
        post: {
          summary: 'Create a statute (the server writes its first content once)',
          requestBody: { required: true, content: json(createStatuteBody, 'input') },
          responses: {
            '201': { description: 'Created', content: json(statuteSummary) },
            '400': error('Invalid input'),
            '413': error('Body too large'),
            '415': error('Not JSON'),
          },
        },
      },
      '/api/statutes/{id}': {
        get: {
          summary: 'The statute as JSON',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Chapters and articles in order, with derived numbers', content: { 'application/json': { schema: statuteSnapshot } } },
            '400': error('Malformed id'),
            '404': error('No such statute'),
          },
        },
      },
    },
  }
}
