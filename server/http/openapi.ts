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

type Route = [method: string, path: string, summary: string, who: string]

/** Every other route, with who may call it; request bodies are validated with the zod schemas in schemas.ts and agreementRoutes.ts. */
const ROUTES: readonly Route[] = [
  ['get', '/api/setup', 'Whether the installation still needs its first administrator', 'anyone'],
  ['post', '/api/setup', 'Create the first administrator { name, email, password }', 'anyone, once'],
  ['get', '/api/session', 'Who is signed in', 'signed in'],
  ['post', '/api/session', 'Sign in { email, password }; sets the session cookie', 'anyone'],
  ['delete', '/api/session', 'Sign out', 'signed in'],
  ['post', '/api/account/password', 'Change password { currentPassword, newPassword }', 'signed in'],
  ['get', '/api/account/tokens', 'Personal API tokens (without secrets)', 'signed in'],
  ['post', '/api/account/tokens', 'Create a token { name }; the secret is returned once', 'signed in'],
  ['delete', '/api/account/tokens/{tokenId}', 'Revoke a token', 'owner'],
  ['get', '/api/audit', 'The whole audit log', 'administrator'],
  ['get', '/api/templates', 'Model clauses: themes, parameters, articles, variants', 'signed in'],
  ['get', '/api/statutes/{id}/members', 'Members with role and party', 'member'],
  ['patch', '/api/statutes/{id}/members/{userId}', 'Change { role?, partyId?, canAgree? }', 'beheerder'],
  ['delete', '/api/statutes/{id}/members/{userId}', 'Remove a member (not the last beheerder)', 'beheerder'],
  ['get', '/api/statutes/{id}/parties', 'Parties (with sub-parties and their rule)', 'member'],
  ['post', '/api/statutes/{id}/parties', 'Add a party { name, parentId? }', 'beheerder'],
  ['put', '/api/statutes/{id}/parties/{partyId}/rule', 'How sub-parties agree { rule: all|quorum, quorum? }', 'beheerder'],
  ['get', '/api/statutes/{id}/invitations', 'Invitations', 'beheerder'],
  ['post', '/api/statutes/{id}/invitations', 'Invite { email, role, partyId, canAgree } → one-time link', 'beheerder'],
  ['delete', '/api/statutes/{id}/invitations/{invitationId}', 'Revoke an invitation', 'beheerder'],
  ['get', '/api/statutes/{id}/audit', "The statute's audit log", 'beheerder'],
  ['get', '/api/invitations/{token}', 'What an invitation is for', 'link holder'],
  ['post', '/api/invitations/{token}/accept', 'Accept { name, password } (new account) or as the invited person', 'link holder'],
  ['get', '/api/statutes/{id}/agreements', 'Parties, articles with fingerprints and each party state', 'member'],
  ['get', '/api/statutes/{id}/articles/{articleId}/agreements', 'Full history of an article (append-only records)', 'member'],
  ['post', '/api/statutes/{id}/articles/{articleId}/agreements', 'Record { party, decision: akkoord|niet-akkoord|ingetrokken, reason?, fingerprint } → 201; 403 not entitled; 409 stale fingerprint', 'member entitled for the party'],
  ['put', '/api/statutes/{id}/phase', 'Set { phase: concept|in-bespreking|ter-vaststelling }', 'beheerder'],
  ['post', '/api/statutes/{id}/adoption', 'Adopt { decisionDate, decisionReference } when every party agrees to every article', 'beheerder'],
  ['post', '/api/statutes/{id}/revisions', 'Start a new concept revision of an adopted statute', 'beheerder'],
  ['patch', '/api/statutes/{id}/settings', 'Set { evaluationDate }', 'beheerder'],
  ['get', '/api/statutes/{id}/versions', 'Versions (named and adopted)', 'member'],
  ['post', '/api/statutes/{id}/versions', 'Save a named version { label }', 'beheerder'],
  ['get', '/api/statutes/{id}/versions/{number}', 'One version as JSON', 'member'],
  ['get', '/api/statutes/{id}/compare', 'Compare ?from=<n|current>&to=<n|current> per article', 'member'],
  ['get', '/api/statutes/{id}/events', 'Server-Sent Events: agreements, comments, phase, versions', 'member'],
  ['get', '/api/statutes/{id}/threads', 'Comment threads with quote, status and comments', 'member'],
  ['post', '/api/statutes/{id}/threads', 'Start a thread { articleId, anchor?, quote?, body, mentions }', 'member except lezer'],
  ['post', '/api/statutes/{id}/threads/{threadId}/comments', 'Reply { body, mentions }', 'member except lezer'],
  ['put', '/api/statutes/{id}/threads/{threadId}/status', 'Resolve or reopen { status }', 'thread author, redacteur, beheerder'],
  ['post', '/api/statutes/{id}/threads/{threadId}/read', 'Mark a thread read', 'member'],
  ['patch', '/api/statutes/{id}/comments/{commentId}', 'Edit own comment { body, mentions }', 'author'],
  ['delete', '/api/statutes/{id}/comments/{commentId}', 'Delete own comment (stays as removed)', 'author'],
  ['get', '/api/statutes/{id}/export.docx', 'Word export ?version=&comments=&agreements=&toelichting=', 'member'],
  ['post', '/api/imports/preview', 'Read a .docx (raw body) into chapters and articles, with what was not recognised', 'signed in'],
  ['post', '/api/statutes/import', 'Create a statute from a (reviewed) import { title, organisation, bodyType, chapters }', 'signed in'],
]

function simplePaths(): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {}
  for (const [method, path, summary, who] of ROUTES) {
    paths[path] ??= {}
    paths[path]![method] = {
      summary,
      description: `Who: ${who}.`,
      responses: { '2XX': { description: 'Success' }, '4XX': error('Refused: 400 invalid, 401 not signed in, 403 not allowed, 404 not found or not a member, 409 conflict') },
    }
  }
  return paths
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
        get: {
          summary: 'Ready check (for load balancers)',
          responses: {
            '200': { description: 'Storage is ready', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } } },
            '503': { description: 'Shutting down: send people to another instance', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'draining' } } } } } },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (administrators, or Bearer METRICS_TOKEN)',
          responses: {
            '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            '401': { description: 'Not signed in' },
            '403': { description: 'Not an administrator' },
          },
        },
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
      ...simplePaths(),
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
