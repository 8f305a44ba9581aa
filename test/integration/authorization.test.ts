/**
 * Who may call which API route: every route × every kind of caller against a real server.
 *
 * The expectations are one table (below): a row per route, a column per caller. Each cell is one
 * test that
 *  - sends the request with that caller's credentials (browsers: session cookie + their Origin;
 *    scripts: an API token) and checks the status;
 *  - for refusals, checks the body is exactly `{ code, message }` and names nothing of the statute
 *    (title, organisation, members' e-mail addresses);
 *  - for a 404/401 on a statute route, checks the answer is identical to the one for a statute
 *    that does not exist, so a non-member cannot tell whether it exists;
 *  - checks the effect: an allowed change happened, a refused one changed nothing.
 *
 * Statute routes answer anonymous callers 404 (like non-members), account routes 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../model/ids.js'
import type { Role } from '../../model/roles.js'
import { DUMMY_HASH } from '../../server/auth/passwords.js'
import { hashSecret } from '../../server/auth/tokens.js'
import type { PartyRecord, UserRecord } from '../../server/storage/AccessStore.js'
import { addMember, createStatute, createTestUser, startTestServer, TEST_PASSWORD, type TestServer, type TestUser } from '../helpers/server.js'
import { bearer, browserHeaders, http, sessionCookie, type HttpResponse } from '../helpers/http.js'

const CALLERS = ['anonymous', 'badToken', 'beheerder', 'redacteur', 'commentator', 'lezer', 'outsider', 'admin', 'beheerderToken'] as const
type Caller = (typeof CALLERS)[number]

const DESCRIBE: Record<Caller, string> = {
  anonymous: 'anonymous (no credentials)',
  badToken: 'an unknown API token',
  beheerder: 'beheerder (session cookie)',
  redacteur: 'redacteur (session cookie)',
  commentator: 'commentator (session cookie)',
  lezer: 'lezer (session cookie)',
  outsider: 'beheerder of another statute, not a member here',
  admin: 'installation administrator, not a member here',
  beheerderToken: 'beheerder (API token)',
}

/** The caller's role in the statute under test. */
const ROLE_OF: Partial<Record<Caller, Role>> = {
  beheerder: 'beheerder',
  beheerderToken: 'beheerder',
  redacteur: 'redacteur',
  commentator: 'commentator',
  lezer: 'lezer',
}

// prettier-ignore
const TABLE: ReadonlyArray<readonly [route: string, ...statuses: number[]]> = [
  //                                                           anon badTok beh  red  com  lez outsider admin behTok
  ['GET /api/templates',                                       401, 401,   200, 200, 200, 200, 200,    200,  200],
  ['GET /api/statutes',                                        401, 401,   200, 200, 200, 200, 200,    200,  200],
  ['POST /api/statutes',                                       401, 401,   201, 201, 201, 201, 201,    201,  201],
  ['GET /api/statutes/:id',                                    404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['GET /api/statutes/:id/members',                            404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['PATCH /api/statutes/:id/members/:userId',                  404, 401,   200, 403, 403, 403, 404,    404,  200],
  ['DELETE /api/statutes/:id/members/:userId',                 404, 401,   204, 403, 403, 403, 404,    404,  204],
  ['GET /api/statutes/:id/parties',                            404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['POST /api/statutes/:id/parties',                           404, 401,   201, 403, 403, 403, 404,    404,  201],
  ['GET /api/statutes/:id/invitations',                        404, 401,   200, 403, 403, 403, 404,    404,  200],
  ['POST /api/statutes/:id/invitations',                       404, 401,   201, 403, 403, 403, 404,    404,  201],
  ['DELETE /api/statutes/:id/invitations/:invitationId',       404, 401,   204, 403, 403, 403, 404,    404,  204],
  ['GET /api/statutes/:id/audit',                              404, 401,   200, 403, 403, 403, 404,    404,  200],
  ['GET /api/statutes/:id/agreements',                         404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['GET /api/statutes/:id/articles/:articleId/agreements',     404, 401,   200, 200, 200, 200, 404,    404,  200],
  // Agreeing is for whoever may speak for the party named (here the beheerder's, Griffie).
  ['POST /api/statutes/:id/articles/:articleId/agreements',    401, 401,   201, 403, 403, 403, 404,    404,  201],
  ['PUT /api/statutes/:id/phase',                              401, 401,   200, 403, 403, 403, 404,    404,  200],
  // Allowed for the beheerder, but the statute is not "ter vaststelling" / not adopted: 409.
  ['POST /api/statutes/:id/adoption',                          401, 401,   409, 403, 403, 403, 404,    404,  409],
  ['POST /api/statutes/:id/revisions',                         401, 401,   409, 403, 403, 403, 404,    404,  409],
  ['PATCH /api/statutes/:id/settings',                         404, 401,   200, 403, 403, 403, 404,    404,  200],
  ['PUT /api/statutes/:id/parties/:partyId/rule',              404, 401,   200, 403, 403, 403, 404,    404,  200],
  ['GET /api/statutes/:id/versions',                           404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['POST /api/statutes/:id/versions',                          401, 401,   201, 403, 403, 403, 404,    404,  201],
  ['GET /api/statutes/:id/versions/:number',                   404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['GET /api/statutes/:id/compare',                            404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['GET /api/statutes/:id/events',                             404, 401,   200, 200, 200, 200, 404,    404,  200],
  ['GET /api/session',                                         401, 401,   200, 200, 200, 200, 200,    200,  200],
  ['DELETE /api/session',                                      401, 401,   204, 204, 204, 204, 204,    204,  204],
  ['POST /api/account/password',                               401, 401,   204, 204, 204, 204, 204,    204,  204],
  ['GET /api/account/tokens',                                  401, 401,   200, 200, 200, 200, 200,    200,  200],
  ['POST /api/account/tokens',                                 401, 401,   201, 201, 201, 201, 201,    201,  201],
  ['DELETE /api/account/tokens/:tokenId',                      401, 401,   204, 204, 204, 204, 204,    204,  204],
  ['GET /api/audit',                                           401, 401,   404, 404, 404, 404, 404,    200,  404],
  ['GET /api/setup',                                           200, 401,   200, 200, 200, 200, 200,    200,  200],
  ['POST /api/setup',                                          409, 401,   409, 409, 409, 409, 409,    409,  409],
  ['GET /api/invitations/:token',                              200, 401,   200, 200, 200, 200, 200,    200,  200],
  ['POST /api/invitations/:token/accept',                      201, 401,   403, 403, 403, 403, 403,    403,  403],
]

/** Error codes other than the usual one for the status. */
const SPECIAL_CODES: Record<string, Partial<Record<number, string>>> = {
  'POST /api/setup': { 409: 'already_set_up' },
  'POST /api/statutes/:id/adoption': { 409: 'wrong_phase' },
  'POST /api/statutes/:id/revisions': { 409: 'wrong_phase' },
}

const TITLE = 'Statuut Verborgen Samenwerking'
const ORGANISATION = 'Gemeente Geheimstad'

interface World {
  server: TestServer
  statuteId: string
  otherStatuteId: string
  /** A valid id of a statute that does not exist. */
  missingId: string
  users: Record<'beheerder' | 'redacteur' | 'commentator' | 'lezer' | 'outsider', TestUser>
  raad: PartyRecord
  /** The beheerder's party; the beheerder (the statute's creator) may agree on its behalf. */
  griffie: PartyRecord
  articleId: string
  /** Strings that must never appear in a refusal. */
  secrets: string[]
}

let w: World

beforeAll(async () => {
  const server = await startTestServer()
  const [beheerder, redacteur, commentator, lezer, outsider] = await Promise.all([
    createTestUser(server, 'Bea Beheer'),
    createTestUser(server, 'Rik Redactie'),
    createTestUser(server, 'Cor Commentaar'),
    createTestUser(server, 'Lea Lezer'),
    createTestUser(server, 'Otto Buiten'),
  ])
  const statuteId = await createStatute(server, TITLE, ORGANISATION, { token: beheerder.token })
  await addMember(server, statuteId, redacteur, 'redacteur', 'Raad')
  await addMember(server, statuteId, commentator, 'commentator', 'College')
  await addMember(server, statuteId, lezer, 'lezer', 'Raad')
  const otherStatuteId = await createStatute(server, 'Statuut elders', 'Gemeente Elders', { token: outsider.token })
  const parties = await server.store.access.listParties(statuteId)
  const snapshot = await http<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}`, { headers: bearer(beheerder.token) })
  // A named version, for the routes that read one.
  const version = await http(server, 'POST', `/api/statutes/${statuteId}/versions`, { body: { label: 'Eerste versie' }, headers: bearer(beheerder.token) })
  expect(version.status).toBe(201)
  w = {
    server,
    statuteId,
    otherStatuteId,
    missingId: `bestaat-niet-${newId(8)}`,
    users: { beheerder, redacteur, commentator, lezer, outsider },
    raad: parties.find((p) => p.name === 'Raad')!,
    griffie: parties.find((p) => p.name === 'Griffie')!,
    articleId: snapshot.body.chapters[0]!.articles[0]!.id,
    secrets: [TITLE, ORGANISATION, beheerder.user.email, redacteur.user.email, commentator.user.email, lezer.user.email],
  }
})

afterAll(async () => {
  await w?.server.close()
})

// ---------------------------------------------------------------------------------------------
// Fixtures per cell

interface Cell {
  readonly caller: Caller
  readonly user?: TestUser
  readonly sessionToken?: string
  readonly token?: string
  readonly headers: Record<string, string>
}

/** Fresh credentials for one cell, so no cell depends on what another did with its session. */
async function cellFor(caller: Caller): Promise<Cell> {
  if (caller === 'anonymous') return { caller, headers: {} }
  // Well-formed (prefix and length of a real one), but never issued.
  if (caller === 'badToken') return { caller, headers: bearer(`ssp_${'A'.repeat(43)}`) }
  if (caller === 'beheerderToken') {
    const user = w.users.beheerder
    const { token } = await w.server.auth.createApiToken({ user: user.user, via: 'session' }, 'tabel', null)
    return { caller, user, token, headers: bearer(token) }
  }
  const user = caller === 'admin' ? w.server.admin : w.users[caller]
  // A session as POST /api/session starts it (sign-in itself is tested in sessions.test.ts).
  const { sessionToken } = await w.server.auth.startSession(user.user)
  return { caller, user, sessionToken, headers: browserHeaders(w.server, sessionToken) }
}

/** An account that exists only to be acted upon (no password hashing: it never signs in). */
async function freshUser(label: string): Promise<UserRecord> {
  const user: UserRecord = {
    id: newId(),
    email: `${label}.${newId(8)}@samenspel.test`,
    name: `Doelwit ${label}`,
    passwordHash: DUMMY_HASH,
    isAdmin: false,
    createdAt: new Date().toISOString(),
  }
  await w.server.store.accounts.createUser(user)
  return user
}

async function freshMember(role: Role): Promise<UserRecord> {
  const user = await freshUser('lid')
  await w.server.store.access.putMembership({ statuteId: w.statuteId, userId: user.id, role, partyId: w.raad.id, canAgree: false, createdAt: new Date().toISOString() })
  return user
}

async function freshInvitation(statuteId = w.statuteId): Promise<{ token: string; id: string; email: string }> {
  const email = `genodigde.${newId(8)}@samenspel.test`
  const inviter = statuteId === w.statuteId ? w.users.beheerder : w.users.outsider
  const partyId = (await w.server.store.access.listParties(statuteId)).find((p) => p.name === 'Raad')!.id
  const { invitation, token } = await w.server.access.invite({ id: inviter.user.id, label: inviter.user.email, ip: null }, statuteId, { email, role: 'lezer', partyId, canAgree: false })
  return { token, id: invitation.id, email }
}

async function invitationRecord(statuteId: string, id: string) {
  return (await w.server.store.access.listInvitations(statuteId)).find((i) => i.id === id)
}

// ---------------------------------------------------------------------------------------------
// What each route sends and how its success and its effect are checked

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Prepared {
  readonly path: (statuteId: string) => string
  readonly body?: unknown
  /** An event stream: a 200 is read up to its first chunk, then closed. */
  readonly stream?: boolean
  /** Checks the content of an allowed answer. */
  readonly check?: (response: HttpResponse<any>) => void | Promise<void>
  /** Checks the effect of an allowed request, or that a refused one changed nothing. */
  readonly effect?: (allowed: boolean) => Promise<void>
}

interface RouteSpec {
  /** Statute routes: refusals must look the same as for a statute that does not exist. */
  readonly statuteScoped: boolean
  prepare(cell: Cell): Promise<Prepared>
}

const SPECS: Record<string, RouteSpec> = {
  'GET /api/templates': {
    statuteScoped: false,
    prepare: async () => ({
      path: () => '/api/templates',
      check: (response) => {
        const themes = response.body.themes as Array<Record<string, unknown>>
        expect(themes.length).toBeGreaterThan(0)
        // Which file a theme came from stays on the server.
        for (const theme of themes) expect(theme).not.toHaveProperty('source')
      },
    }),
  },

  'GET /api/statutes': {
    statuteScoped: false,
    prepare: async (cell) => ({
      path: () => '/api/statutes',
      check: (response) => {
        const mine = (response.body.statutes as Array<{ id: string; role: string }>).find((s) => s.id === w.statuteId)
        if (ROLE_OF[cell.caller]) {
          expect(mine?.role).toBe(ROLE_OF[cell.caller])
        } else {
          expect(mine).toBeUndefined()
          expect(response.text).not.toContain(TITLE)
        }
      },
    }),
  },

  'POST /api/statutes': {
    statuteScoped: false,
    prepare: async (cell) => {
      const title = `Nieuw statuut ${cell.caller} ${newId(6)}`
      return {
        path: () => '/api/statutes',
        body: { title },
        check: (response) => {
          expect(response.body).toMatchObject({ title, role: 'beheerder' })
          expect(response.headers.get('location')).toBe(`/api/statutes/${response.body.id}`)
        },
        effect: async (allowed) => {
          const created = (await w.server.store.listStatutes()).filter((s) => s.title === title)
          expect(created).toHaveLength(allowed ? 1 : 0)
          if (allowed) expect((await w.server.store.access.getMembership(created[0]!.id, cell.user!.user.id))?.role).toBe('beheerder')
        },
      }
    },
  },

  'GET /api/statutes/:id': {
    statuteScoped: true,
    prepare: async (cell) => ({
      path: (id) => `/api/statutes/${id}`,
      check: (response) => {
        const role = ROLE_OF[cell.caller]!
        expect(response.body).toMatchObject({ id: w.statuteId, title: TITLE, me: { userId: cell.user!.user.id, role, canManage: role === 'beheerder', canEdit: role === 'beheerder' || role === 'redacteur' } })
        expect(response.body.chapters.length).toBeGreaterThan(0)
      },
    }),
  },

  'GET /api/statutes/:id/members': {
    statuteScoped: true,
    prepare: async (cell) => ({
      path: (id) => `/api/statutes/${id}/members`,
      check: (response) => {
        const members = response.body.members as Array<Record<string, unknown>>
        const ids = members.map((m) => m.userId)
        for (const name of ['beheerder', 'redacteur', 'commentator', 'lezer'] as const) expect(ids).toContain(w.users[name].user.id)
        expect(ids).not.toContain(w.users.outsider.user.id)
        expect(members.every((m) => typeof m.name === 'string' && typeof m.role === 'string' && typeof m.partyName === 'string')).toBe(true)
        if (ROLE_OF[cell.caller] === 'beheerder') {
          // Beheerders see e-mail addresses (to manage people) ...
          expect(members.find((m) => m.userId === w.users.lezer.user.id)?.email).toBe(w.users.lezer.user.email)
        } else {
          // ... nobody else does, not even their own in this list.
          for (const member of members) expect(member).not.toHaveProperty('email')
          expect(response.text).not.toContain('@')
        }
        expect(response.text).not.toMatch(/password|hash/i)
      },
    }),
  },

  'PATCH /api/statutes/:id/members/:userId': {
    statuteScoped: true,
    prepare: async () => {
      const target = await freshMember('redacteur')
      return {
        path: (id) => `/api/statutes/${id}/members/${target.id}`,
        body: { role: 'lezer' },
        check: (response) => expect(response.body).toMatchObject({ userId: target.id, role: 'lezer' }),
        effect: async (allowed) => {
          expect((await w.server.store.access.getMembership(w.statuteId, target.id))?.role).toBe(allowed ? 'lezer' : 'redacteur')
        },
      }
    },
  },

  'DELETE /api/statutes/:id/members/:userId': {
    statuteScoped: true,
    prepare: async () => {
      const target = await freshMember('commentator')
      return {
        path: (id) => `/api/statutes/${id}/members/${target.id}`,
        effect: async (allowed) => {
          expect(await w.server.store.access.getMembership(w.statuteId, target.id)).toEqual(allowed ? undefined : expect.objectContaining({ role: 'commentator' }))
        },
      }
    },
  },

  'GET /api/statutes/:id/parties': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/parties`,
      check: (response) => {
        const parties = response.body.parties as PartyRecord[]
        expect(parties.map((p) => p.name)).toEqual(expect.arrayContaining(['Raad', 'College', 'Griffie']))
        expect(parties.every((p) => p.statuteId === w.statuteId)).toBe(true)
      },
    }),
  },

  'POST /api/statutes/:id/parties': {
    statuteScoped: true,
    prepare: async () => {
      const name = `Fractie ${newId(6)}`
      return {
        path: (id) => `/api/statutes/${id}/parties`,
        body: { name },
        check: (response) => expect(response.body).toMatchObject({ name, statuteId: w.statuteId }),
        effect: async (allowed) => {
          const parties = await w.server.store.access.listParties(w.statuteId)
          expect(parties.some((p) => p.name === name)).toBe(allowed)
        },
      }
    },
  },

  'GET /api/statutes/:id/invitations': {
    statuteScoped: true,
    prepare: async () => {
      const invitation = await freshInvitation()
      return {
        path: (id) => `/api/statutes/${id}/invitations`,
        check: (response) => {
          const invitations = response.body.invitations as Array<Record<string, unknown>>
          expect(invitations.some((i) => i.id === invitation.id && i.email === invitation.email)).toBe(true)
          for (const i of invitations) {
            expect(i.statuteId).toBe(w.statuteId)
            expect(i).not.toHaveProperty('tokenHash')
            expect(i).not.toHaveProperty('token')
          }
          // Neither the link's secret nor its hash.
          expect(response.text).not.toContain(invitation.token)
          expect(response.text).not.toContain(hashSecret(invitation.token))
        },
      }
    },
  },

  'POST /api/statutes/:id/invitations': {
    statuteScoped: true,
    prepare: async () => {
      const email = `uitgenodigd.${newId(8)}@samenspel.test`
      return {
        path: (id) => `/api/statutes/${id}/invitations`,
        body: { email, role: 'commentator', partyId: w.raad.id },
        check: (response) => {
          expect(response.body).toMatchObject({ email, role: 'commentator', statuteId: w.statuteId })
          expect(response.body.link).toMatch(new RegExp(`^${w.server.url}/uitnodiging/[A-Za-z0-9_-]{20,}$`))
          expect(response.body).not.toHaveProperty('tokenHash')
        },
        effect: async (allowed) => {
          const invitations = await w.server.store.access.listInvitations(w.statuteId)
          expect(invitations.some((i) => i.email === email)).toBe(allowed)
        },
      }
    },
  },

  'DELETE /api/statutes/:id/invitations/:invitationId': {
    statuteScoped: true,
    prepare: async () => {
      const invitation = await freshInvitation()
      return {
        path: (id) => `/api/statutes/${id}/invitations/${invitation.id}`,
        effect: async (allowed) => {
          const record = await invitationRecord(w.statuteId, invitation.id)
          expect(record?.revokedAt !== null).toBe(allowed)
        },
      }
    },
  },

  'GET /api/statutes/:id/audit': {
    statuteScoped: true,
    prepare: async () => {
      // Something recent to find in the log.
      const name = `Gelogde partij ${newId(6)}`
      await w.server.access.createParty({ id: w.users.beheerder.user.id, label: w.users.beheerder.user.email, ip: null }, w.statuteId, { name })
      return {
        path: (id) => `/api/statutes/${id}/audit`,
        check: (response) => {
          const entries = response.body.entries as Array<{ statuteId: string; action: string; details: { name?: string } }>
          expect(entries.some((e) => e.action === 'party.created' && e.details.name === name)).toBe(true)
          // Only this statute's part of the log.
          expect(entries.every((e) => e.statuteId === w.statuteId)).toBe(true)
        },
      }
    },
  },

  'GET /api/statutes/:id/agreements': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/agreements`,
      check: (response) => {
        expect(response.body.phase).toBe('concept')
        expect(response.body.articles.map((a: { id: string }) => a.id)).toContain(w.articleId)
        expect(response.text).not.toContain('@')
      },
    }),
  },

  'GET /api/statutes/:id/articles/:articleId/agreements': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/articles/${w.articleId}/agreements`,
      check: (response) => {
        expect(Array.isArray(response.body.history)).toBe(true)
        expect(response.text).not.toContain('@')
      },
    }),
  },

  'POST /api/statutes/:id/articles/:articleId/agreements': {
    statuteScoped: true,
    prepare: async (cell) => {
      const overview = await http<{ articles: Array<{ id: string; fingerprint: string }> }>(w.server, 'GET', `/api/statutes/${w.statuteId}/agreements`, { headers: bearer(w.users.beheerder.token) })
      const fingerprint = overview.body.articles.find((a) => a.id === w.articleId)!.fingerprint
      const count = async () => (await w.server.store.agreements.listAgreements(w.statuteId)).length
      const before = await count()
      return {
        path: (id) => `/api/statutes/${id}/articles/${w.articleId}/agreements`,
        body: { party: w.griffie.id, decision: 'akkoord', fingerprint },
        check: (response) => expect(response.body).toMatchObject({ articleId: w.articleId, partyId: w.griffie.id, userId: cell.user!.user.id, decision: 'akkoord' }),
        effect: async (allowed) => expect(await count()).toBe(before + (allowed ? 1 : 0)),
      }
    },
  },

  'PUT /api/statutes/:id/phase': {
    statuteScoped: true,
    // The phase it already has, so no cell changes what the others see.
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/phase`,
      body: { phase: 'concept' },
      check: (response) => expect(response.body).toEqual({ phase: 'concept' }),
      effect: async () => expect((await w.server.store.agreements.getPhase(w.statuteId)).phase).toBe('concept'),
    }),
  },

  'POST /api/statutes/:id/adoption': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/adoption`,
      body: { decisionDate: '2030-01-15', decisionReference: 'RB-2030-001' },
      effect: async () => expect((await w.server.store.agreements.getPhase(w.statuteId)).phase).toBe('concept'),
    }),
  },

  'POST /api/statutes/:id/revisions': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/revisions`,
      effect: async () => expect((await w.server.store.agreements.getPhase(w.statuteId)).phase).toBe('concept'),
    }),
  },

  'PATCH /api/statutes/:id/settings': {
    statuteScoped: true,
    prepare: async (cell) => {
      // A date per cell, so the effect is this cell's own.
      const evaluationDate = `2031-01-${String(CALLERS.indexOf(cell.caller) + 10)}`
      return {
        path: (id) => `/api/statutes/${id}/settings`,
        body: { evaluationDate },
        check: (response) => expect(response.body).toEqual({ evaluationDate }),
        effect: async (allowed) => {
          const stored = (await w.server.store.agreements.getPhase(w.statuteId)).evaluationDate
          if (allowed) expect(stored).toBe(evaluationDate)
          else expect(stored).not.toBe(evaluationDate)
        },
      }
    },
  },

  'PUT /api/statutes/:id/parties/:partyId/rule': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/parties/${w.raad.id}/rule`,
      body: { rule: 'all' },
      check: (response) => expect(response.body).toEqual({ rule: 'all', quorum: null }),
    }),
  },

  'GET /api/statutes/:id/versions': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/versions`,
      check: (response) => {
        expect(response.body.versions.some((v: { label: string }) => v.label === 'Eerste versie')).toBe(true)
        expect(response.text).not.toContain('@')
      },
    }),
  },

  'POST /api/statutes/:id/versions': {
    statuteScoped: true,
    prepare: async (cell) => {
      const label = `Versie van ${cell.caller} ${newId(4)}`
      return {
        path: (id) => `/api/statutes/${id}/versions`,
        body: { label },
        check: (response) => expect(response.body).toMatchObject({ label, kind: 'named', number: expect.any(Number) }),
        effect: async (allowed) => expect((await w.server.store.agreements.listVersions(w.statuteId)).some((v) => v.label === label)).toBe(allowed),
      }
    },
  },

  'GET /api/statutes/:id/versions/:number': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/versions/1`,
      check: (response) => {
        expect(response.body).toMatchObject({ number: 1, label: 'Eerste versie', statute: { title: TITLE } })
        expect(response.body).not.toHaveProperty('state')
      },
    }),
  },

  'GET /api/statutes/:id/compare': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/compare?from=1&to=current`,
      check: (response) => {
        expect(response.body).toMatchObject({ from: 1, to: 'current' })
        expect(response.body.articles.length).toBeGreaterThan(0)
      },
    }),
  },

  'GET /api/statutes/:id/events': {
    statuteScoped: true,
    prepare: async () => ({
      path: (id) => `/api/statutes/${id}/events`,
      stream: true,
      check: (response) => {
        expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
        expect(response.text).toMatch(/^: /)
      },
    }),
  },

  'GET /api/session': {
    statuteScoped: false,
    prepare: async (cell) => ({
      path: () => '/api/session',
      check: (response) => {
        expect(response.body).toEqual({
          user: { id: cell.user!.user.id, email: cell.user!.user.email, name: cell.user!.user.name, isAdmin: cell.caller === 'admin' },
          via: cell.token ? 'token' : 'session',
        })
      },
    }),
  },

  'DELETE /api/session': {
    statuteScoped: false,
    prepare: async (cell) => ({
      path: () => '/api/session',
      check: (response) => {
        // A browser is told to drop the cookie.
        if (cell.sessionToken) expect(sessionCookie(response.setCookies)?.value).toBe('')
      },
      effect: async (allowed) => {
        if (!allowed) return
        if (cell.sessionToken) {
          expect(await w.server.store.accounts.getSession(hashSecret(cell.sessionToken))).toBeUndefined()
          expect((await http(w.server, 'GET', '/api/session', { headers: cell.headers })).status).toBe(401)
        } else {
          // Signing out ends a browser session; an API token stays valid until it is revoked.
          expect((await http(w.server, 'GET', '/api/session', { headers: cell.headers })).status).toBe(200)
        }
      },
    }),
  },

  'POST /api/account/password': {
    statuteScoped: false,
    prepare: async (cell) => {
      const before = cell.user ? (await w.server.store.accounts.getUser(cell.user.user.id))!.passwordHash : undefined
      return {
        path: () => '/api/account/password',
        // The same password again: a change (new salt) that keeps every other cell working.
        body: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD },
        effect: async (allowed) => {
          if (!cell.user) return
          const after = (await w.server.store.accounts.getUser(cell.user.user.id))!.passwordHash
          expect(after !== before).toBe(allowed)
        },
      }
    },
  },

  'GET /api/account/tokens': {
    statuteScoped: false,
    prepare: async (cell) => ({
      path: () => '/api/account/tokens',
      check: async (response) => {
        const tokens = response.body.tokens as Array<Record<string, unknown>>
        const own = (await w.server.store.accounts.listApiTokens(cell.user!.user.id)).map((t) => t.id)
        expect(tokens.map((t) => t.id).sort()).toEqual(own.sort())
        for (const token of tokens) {
          expect(token).not.toHaveProperty('token')
          expect(token).not.toHaveProperty('tokenHash')
        }
        expect(response.text).not.toContain('ssp_')
      },
    }),
  },

  'POST /api/account/tokens': {
    statuteScoped: false,
    prepare: async (cell) => ({
      path: () => '/api/account/tokens',
      body: { name: `Script van ${cell.caller}` },
      check: async (response) => {
        expect(response.body.token).toMatch(/^ssp_[A-Za-z0-9_-]{43}$/)
        const me = await http<{ user: { id: string }; via: string }>(w.server, 'GET', '/api/session', { headers: bearer(response.body.token) })
        expect(me.body).toMatchObject({ user: { id: cell.user!.user.id }, via: 'token' })
      },
    }),
  },

  'DELETE /api/account/tokens/:tokenId': {
    statuteScoped: false,
    prepare: async (cell) => {
      // The caller's own token; anonymous callers try one of the beheerder's.
      const owner = cell.user ?? w.users.beheerder
      const { id, token } = await w.server.auth.createApiToken({ user: owner.user, via: 'session' }, 'in te trekken', null)
      return {
        path: () => `/api/account/tokens/${id}`,
        effect: async (allowed) => {
          expect((await http(w.server, 'GET', '/api/session', { headers: bearer(token) })).status).toBe(allowed ? 401 : 200)
        },
      }
    },
  },

  'GET /api/audit': {
    statuteScoped: false,
    prepare: async () => ({
      path: () => '/api/audit',
      check: (response) => {
        // The whole installation's log: other people's actions in statutes the admin is not in.
        const entries = response.body.entries as Array<{ action: string; statuteId: string | null; actorId: string | null }>
        expect(entries.some((e) => e.statuteId === w.statuteId && e.actorId === w.users.beheerder.user.id)).toBe(true)
      },
    }),
  },

  'GET /api/setup': {
    statuteScoped: false,
    prepare: async () => ({ path: () => '/api/setup', check: (response) => expect(response.body).toEqual({ needsSetup: false }) }),
  },

  'POST /api/setup': {
    statuteScoped: false,
    prepare: async () => {
      const email = `overname.${newId(8)}@samenspel.test`
      return {
        path: () => '/api/setup',
        body: { email, password: 'een lang genoeg wachtwoord', name: 'Indringer' },
        effect: async () => expect(await w.server.store.accounts.getUserByEmail(email)).toBeUndefined(),
      }
    },
  },

  'GET /api/invitations/:token': {
    statuteScoped: false,
    prepare: async () => {
      const invitation = await freshInvitation()
      return {
        path: () => `/api/invitations/${invitation.token}`,
        // Whoever holds the link may see what it is for.
        check: (response) => {
          expect(response.body).toEqual({
            statute: { id: w.statuteId, title: TITLE, organisation: ORGANISATION },
            email: invitation.email,
            role: 'lezer',
            party: 'Raad',
            canAgree: false,
            expiresAt: expect.any(String),
            hasAccount: false,
          })
        },
      }
    },
  },

  'POST /api/invitations/:token/accept': {
    statuteScoped: false,
    prepare: async () => {
      const invitation = await freshInvitation()
      return {
        path: () => `/api/invitations/${invitation.token}/accept`,
        body: { name: 'Nieuw Lid', password: 'een nieuw wachtwoord' },
        check: (response) => {
          expect(response.body).toEqual({ statuteId: w.statuteId })
          expect(sessionCookie(response.setCookies)?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
        },
        effect: async (allowed) => {
          const account = await w.server.store.accounts.getUserByEmail(invitation.email)
          expect(account !== undefined).toBe(allowed)
          if (account) expect((await w.server.store.access.getMembership(w.statuteId, account.id))?.role).toBe('lezer')
          expect((await invitationRecord(w.statuteId, invitation.id))?.acceptedAt !== null).toBe(allowed)
        },
      }
    },
  },
}

function expectedCode(route: string, caller: Caller, status: number): string {
  const special = SPECIAL_CODES[route]?.[status]
  if (special) return special
  if (status === 401) return caller === 'badToken' ? 'invalid_token' : 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not_found'
  throw new Error(`no error code known for ${status} on ${route}`)
}

/** A refusal: exactly `{ code, message }`, and nothing of the statute in it. */
function expectCleanRefusal(response: HttpResponse<unknown>, code: string): void {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(response.body).toEqual({ code, message: expect.any(String) })
  expect((response.body as { message: string }).message.length).toBeGreaterThan(0)
  for (const secret of w.secrets) expect(response.text).not.toContain(secret)
}

async function runCell(route: string, caller: Caller, expected: number): Promise<void> {
  const spec = SPECS[route]
  if (!spec) throw new Error(`no spec for ${route}`)
  const method = route.split(' ')[0]!
  const cell = await cellFor(caller)
  const prepared = await spec.prepare(cell)
  const send = (statuteId: string) => http(w.server, method, prepared.path(statuteId), { body: prepared.body, headers: cell.headers, firstChunkOnly: prepared.stream === true })

  const response = await send(w.statuteId)
  expect(response.status, `${route} as ${DESCRIBE[caller]} answered ${response.text}`).toBe(expected)
  if (expected >= 400) {
    expectCleanRefusal(response, expectedCode(route, caller, expected))
    if (spec.statuteScoped && (expected === 404 || expected === 401)) {
      // Indistinguishable from a statute that does not exist.
      const missing = await send(w.missingId)
      expect({ status: missing.status, body: missing.body }).toEqual({ status: response.status, body: response.body })
    }
  } else {
    await prepared.check?.(response)
  }
  await prepared.effect?.(expected < 400)
}

describe('authorization table: every route × every caller', () => {
  it('covers every route once with a status for every caller', () => {
    expect(TABLE.map(([route]) => route).sort()).toEqual(Object.keys(SPECS).sort())
    for (const [route, ...statuses] of TABLE) expect(statuses, route).toHaveLength(CALLERS.length)
  })

  for (const [route, ...statuses] of TABLE) {
    describe(route, () => {
      CALLERS.forEach((caller, column) => {
        const expected = statuses[column]!
        it(`${DESCRIBE[caller]} → ${expected}`, () => runCell(route, caller, expected))
      })
    })
  }
})

describe('authorization beyond the table', () => {
  it('a non-member learns nothing from validation: a malformed body still gets the missing-statute 404', async () => {
    const outsider = await cellFor('outsider')
    const target = w.users.lezer.user.id
    for (const body of [{ role: 'koning' }, {}, { partyId: 'NIET GELDIG' }]) {
      const here = await http(w.server, 'PATCH', `/api/statutes/${w.statuteId}/members/${target}`, { body, headers: outsider.headers })
      const nowhere = await http(w.server, 'PATCH', `/api/statutes/${w.missingId}/members/${target}`, { body, headers: outsider.headers })
      expect(here.status).toBe(404)
      expect(here.body).toEqual(nowhere.body)
    }
    // A member without the right hears 403 before any validation.
    const redacteur = await cellFor('redacteur')
    const refused = await http(w.server, 'PATCH', `/api/statutes/${w.statuteId}/members/${target}`, { body: { role: 'koning' }, headers: redacteur.headers })
    expect(refused.status).toBe(403)
    expect((await w.server.store.access.getMembership(w.statuteId, target))?.role).toBe('lezer')
  })

  it('ids of another statute do not reach across: invitations, members and parties stay in their statute', async () => {
    const beheerder = await cellFor('beheerder')
    const elsewhere = await freshInvitation(w.otherStatuteId)
    const revoke = await http(w.server, 'DELETE', `/api/statutes/${w.statuteId}/invitations/${elsewhere.id}`, { headers: beheerder.headers })
    expect(revoke.status).toBe(404)
    expect((await invitationRecord(w.otherStatuteId, elsewhere.id))?.revokedAt).toBeNull()

    // The outsider is a beheerder of the other statute, not a member of this one.
    const outsiderId = w.users.outsider.user.id
    for (const [method, body] of [['PATCH', { role: 'lezer' }], ['DELETE', undefined]] as const) {
      const response = await http(w.server, method, `/api/statutes/${w.statuteId}/members/${outsiderId}`, { body, headers: beheerder.headers })
      expect(response.status).toBe(404)
    }
    expect((await w.server.store.access.getMembership(w.otherStatuteId, outsiderId))?.role).toBe('beheerder')

    // A party of the other statute cannot be given to a member here.
    const foreignParty = (await w.server.store.access.listParties(w.otherStatuteId))[0]!
    const target = await freshMember('redacteur')
    const move = await http(w.server, 'PATCH', `/api/statutes/${w.statuteId}/members/${target.id}`, { body: { partyId: foreignParty.id }, headers: beheerder.headers })
    expect(move.status).toBe(400)
    expect((await w.server.store.access.getMembership(w.statuteId, target.id))?.partyId).toBe(w.raad.id)
    const invite = await http(w.server, 'POST', `/api/statutes/${w.statuteId}/invitations`, {
      body: { email: `x.${newId(6)}@samenspel.test`, role: 'lezer', partyId: foreignParty.id },
      headers: beheerder.headers,
    })
    expect(invite.status).toBe(400)
  })

  it("someone else's API token cannot be listed or revoked", async () => {
    const { id, token } = await w.server.auth.createApiToken({ user: w.users.lezer.user, via: 'session' }, 'van Lea', null)
    const redacteur = await cellFor('redacteur')
    const list = await http<{ tokens: Array<{ id: string }> }>(w.server, 'GET', '/api/account/tokens', { headers: redacteur.headers })
    expect(list.body.tokens.map((t) => t.id)).not.toContain(id)
    const revoke = await http(w.server, 'DELETE', `/api/account/tokens/${id}`, { headers: redacteur.headers })
    expect(revoke.status).toBe(404)
    expect((await http(w.server, 'GET', '/api/session', { headers: bearer(token) })).status).toBe(200)
  })

  it('a statute-scoped refusal for an anonymous caller is the same for every statute route, existing or not', async () => {
    const bodies = new Set<string>()
    for (const path of ['', '/members', '/parties', '/invitations', '/audit']) {
      for (const id of [w.statuteId, w.missingId]) {
        const response = await http(w.server, 'GET', `/api/statutes/${id}${path}`)
        expect(response.status).toBe(404)
        bodies.add(response.text)
      }
    }
    expect(bodies.size).toBe(1)
  })
})
