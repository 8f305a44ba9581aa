/**
 * Accounts and sessions against a real server: sign-in and its cookie, sign-out, expiry and
 * sliding extension (the clock is moved with fake Date; the server runs in this process), password
 * change, rate limiting and its audit trail, CSRF, API tokens, invitations, the last beheerder,
 * first-run setup, security headers and what the server writes to its log.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../model/protocol.js'
import { newId } from '../../model/ids.js'
import { loadConfig, type Config } from '../../server/config.js'
import { startServer, type SamenspelServer } from '../../server/createServer.js'
import { hashSecret } from '../../server/auth/tokens.js'
import { addMember, createStatute, createTestUser, startTestServer, tempDataDir, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor } from '../helpers/clients.js'
import { openRawSocket, within } from '../helpers/rawSocket.js'
import { bearer, browserHeaders, http, sessionCookie, signIn } from '../helpers/http.js'
import { freshSchema } from '../helpers/postgres.js'

const running: Array<{ close(): Promise<void> }> = []
const cleanup: Array<{ destroy(): void }> = []

afterEach(async () => {
  vi.useRealTimers()
  for (const item of cleanup.splice(0)) item.destroy()
  for (const server of running.splice(0)) await server.close()
})

async function testServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const server = await startTestServer(overrides)
  running.push(server)
  return server
}

/** A server without the test helper's administrator: as a fresh installation starts. */
async function bareServer(overrides: Partial<Config> = {}, dataDir = tempDataDir()): Promise<SamenspelServer & { dataDir: string }> {
  const config = loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', roomIdleMs: 200, clientDir: path.resolve('dist/client'), ...overrides })
  const server = await startServer(config)
  running.push(server)
  return Object.assign(server, { dataDir })
}

const MINUTE = 60_000

/** Freezes Date (only Date: sockets and timers run normally) at the real now; returns it. */
function freezeClock(): number {
  const now = Date.now()
  vi.useFakeTimers({ toFake: ['Date'], now })
  return now
}

function expectError(response: { status: number; body: unknown }, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status)
  expect(response.body).toMatchObject({ code, message: expect.any(String) })
}

// ---------------------------------------------------------------------------------------------

describe('sign-in, sign-out and session lifetime', () => {
  it('sign-in sets an HttpOnly, SameSite=Lax session cookie that authenticates GET /api/session', async () => {
    const server = await testServer()
    const anna = await createTestUser(server, 'Anna')
    const response = await http<{ user: Record<string, unknown>; expiresAt: string }>(server, 'POST', '/api/session', { body: { email: anna.user.email.toUpperCase(), password: anna.password } })
    expect(response.status).toBe(201)
    expect(response.body.user).toEqual({ id: anna.user.id, email: anna.user.email, name: 'Anna', isAdmin: false })
    const cookie = sessionCookie(response.setCookies)!
    expect(cookie).toBeDefined()
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(cookie.attributes.has('httponly')).toBe(true)
    expect(cookie.attributes.get('samesite')?.toLowerCase()).toBe('lax')
    expect(cookie.attributes.get('path')).toBe('/')
    // Plain http here; Secure follows an https PUBLIC_URL.
    expect(cookie.attributes.has('secure')).toBe(false)
    expect(new Date(cookie.attributes.get('expires')!).getTime()).toBeCloseTo(Date.parse(response.body.expiresAt), -4)
    // Only a hash of the session id is stored.
    expect(await server.store.accounts.getSession(hashSecret(cookie.value))).toMatchObject({ userId: anna.user.id })
    expect(await server.store.accounts.getSession(cookie.value)).toBeUndefined()

    const me = await http<{ user: { id: string }; via: string }>(server, 'GET', '/api/session', { headers: browserHeaders(server, cookie.value) })
    expect(me.status).toBe(200)
    expect(me.body).toEqual({ user: { id: anna.user.id, email: anna.user.email, name: 'Anna', isAdmin: false }, via: 'session' })
    expect(me.text).not.toMatch(/hash|password/i)
  })

  it('a wrong password and an unknown e-mail address get the same answer', async () => {
    const server = await testServer()
    const anna = await createTestUser(server, 'Anna')
    const wrong = await http(server, 'POST', '/api/session', { body: { email: anna.user.email, password: 'niet het wachtwoord' } })
    const unknown = await http(server, 'POST', '/api/session', { body: { email: 'niemand@samenspel.test', password: 'niet het wachtwoord' } })
    expectError(wrong, 401, 'unauthorized')
    expect(unknown.status).toBe(wrong.status)
    expect(unknown.body).toEqual(wrong.body)
    expect(wrong.setCookies).toEqual([])
  })

  it('signing out (with Origin) ends the session; without Origin it is refused as cross-site', async () => {
    const server = await testServer()
    const anna = await createTestUser(server, 'Anna')
    const session = await signIn(server, anna.user.email, anna.password)
    const noOrigin = await http(server, 'DELETE', '/api/session', { headers: { cookie: `samenspel_session=${session}` } })
    expectError(noOrigin, 403, 'csrf')
    expect((await http(server, 'GET', '/api/session', { headers: browserHeaders(server, session) })).status).toBe(200)

    const out = await http(server, 'DELETE', '/api/session', { headers: browserHeaders(server, session) })
    expect(out.status).toBe(204)
    const cleared = sessionCookie(out.setCookies)!
    expect(cleared.value).toBe('')
    expect(new Date(cleared.attributes.get('expires')!).getTime()).toBeLessThan(Date.now())
    expectError(await http(server, 'GET', '/api/session', { headers: browserHeaders(server, session) }), 401, 'unauthorized')
    expect(await server.store.accounts.getSession(hashSecret(session))).toBeUndefined()
    // The ended session opens no websocket either.
    const statuteId = await createStatute(server)
    await addMember(server, statuteId, anna, 'redacteur')
    const ws = new WebSocket(`${server.wsUrl}/${statuteId}`, { headers: { cookie: `samenspel_session=${session}` } })
    cleanup.push({ destroy: () => ws.terminate() })
    const code = await within(new Promise<number>((resolve) => ws.on('close', (c: number) => resolve(c))), 5000, 'the refusal')
    expect(code).toBe(CloseCode.unauthorized)
  })

  it('a session ends after the idle time without use', async () => {
    const server = await testServer({ sessionIdleMinutes: 60, sessionMaxHours: 24 })
    const anna = await createTestUser(server, 'Anna')
    const t0 = freezeClock()
    const session = await signIn(server, anna.user.email, anna.password)
    vi.setSystemTime(t0 + 60 * MINUTE)
    expectError(await http(server, 'GET', '/api/session', { headers: browserHeaders(server, session) }), 401, 'unauthorized')
    // An expired session is removed, not just refused: moving the clock back does not revive it.
    expect(await server.store.accounts.getSession(hashSecret(session))).toBeUndefined()
    vi.setSystemTime(t0 + MINUTE)
    expect((await http(server, 'GET', '/api/session', { headers: browserHeaders(server, session) })).status).toBe(401)
    // Nor does it open a websocket once expired.
    const fresh = await signIn(server, anna.user.email, anna.password)
    const statuteId = await createStatute(server)
    await addMember(server, statuteId, anna, 'lezer')
    vi.setSystemTime(t0 + 125 * MINUTE)
    const ws = new WebSocket(`${server.wsUrl}/${statuteId}`, { headers: { cookie: `samenspel_session=${fresh}` } })
    cleanup.push({ destroy: () => ws.terminate() })
    const code = await within(new Promise<number>((resolve) => ws.on('close', (c: number) => resolve(c))), 5000, 'the refusal')
    expect(code).toBe(CloseCode.unauthorized)
  })

  it('use extends a session (sliding), the browser cookie with it, but never past the maximum age', async () => {
    const server = await testServer({ sessionIdleMinutes: 60, sessionMaxHours: 3 })
    const anna = await createTestUser(server, 'Anna')
    const t0 = freezeClock()
    const session = await signIn(server, anna.user.email, anna.password)
    const stored = async () => Date.parse((await server.store.accounts.getSession(hashSecret(session)))!.expiresAt)
    expect(await stored()).toBe(t0 + 60 * MINUTE)
    const use = () => http(server, 'GET', '/api/session', { headers: browserHeaders(server, session) })

    // More than half the idle time left: nothing changes.
    vi.setSystemTime(t0 + 20 * MINUTE)
    const early = await use()
    expect(early.status).toBe(200)
    expect(await stored()).toBe(t0 + 60 * MINUTE)
    expect(sessionCookie(early.setCookies)).toBeUndefined()

    // Less than half left: extended to a full idle period from now, and the browser is told, or
    // its cookie would still expire at the first deadline.
    vi.setSystemTime(t0 + 45 * MINUTE)
    const later = await use()
    expect(later.status).toBe(200)
    expect(await stored()).toBe(t0 + 105 * MINUTE)
    const renewed = sessionCookie(later.setCookies)
    expect(renewed?.value).toBe(session)
    expect(renewed?.attributes.has('httponly')).toBe(true)
    expect(renewed?.attributes.get('samesite')?.toLowerCase()).toBe('lax')
    expect(Math.abs(new Date(renewed!.attributes.get('expires')!).getTime() - (t0 + 105 * MINUTE))).toBeLessThan(1000)

    // Past the first deadline it still works, because it was extended.
    vi.setSystemTime(t0 + 100 * MINUTE)
    expect((await use()).status).toBe(200)
    vi.setSystemTime(t0 + 150 * MINUTE)
    expect((await use()).status).toBe(200)
    // The maximum age (3 hours) caps every extension.
    expect(await stored()).toBe(t0 + 180 * MINUTE)
    vi.setSystemTime(t0 + 179 * MINUTE)
    expect((await use()).status).toBe(200)
    expect(await stored()).toBe(t0 + 180 * MINUTE)
    vi.setSystemTime(t0 + 180 * MINUTE)
    expect((await use()).status).toBe(401)
  })

  it('changing the password signs out other sessions and the old password stops working', async () => {
    const server = await testServer()
    const anna = await createTestUser(server, 'Anna')
    const here = await signIn(server, anna.user.email, anna.password)
    const elsewhere = await signIn(server, anna.user.email, anna.password)
    const newPassword = 'een heel nieuw wachtwoord'

    expectError(await http(server, 'POST', '/api/account/password', { body: { currentPassword: 'fout fout fout', newPassword }, headers: browserHeaders(server, here) }), 400, 'bad_request')
    expectError(await http(server, 'POST', '/api/account/password', { body: { currentPassword: anna.password, newPassword: 'kort' }, headers: browserHeaders(server, here) }), 400, 'bad_request')
    expect((await http(server, 'GET', '/api/session', { headers: browserHeaders(server, elsewhere) })).status).toBe(200)

    const change = await http(server, 'POST', '/api/account/password', { body: { currentPassword: anna.password, newPassword }, headers: browserHeaders(server, here) })
    expect(change.status).toBe(204)
    expect((await http(server, 'GET', '/api/session', { headers: browserHeaders(server, here) })).status).toBe(200)
    expect((await http(server, 'GET', '/api/session', { headers: browserHeaders(server, elsewhere) })).status).toBe(401)
    expectError(await http(server, 'POST', '/api/session', { body: { email: anna.user.email, password: anna.password } }), 401, 'unauthorized')
    expect((await http(server, 'POST', '/api/session', { body: { email: anna.user.email, password: newPassword } })).status).toBe(201)
  })
})

describe('rate limiting and audit of sign-ins', () => {
  it('after signInMaxFailures failures an e-mail address is refused (429, Retry-After) even with the right password; others are not', async () => {
    const server = await testServer({ signInMaxFailures: 3, signInWindowMinutes: 15 })
    const anna = await createTestUser(server, 'Anna')
    const bram = await createTestUser(server, 'Bram')
    const t0 = freezeClock()
    const wrongPasswords = ['geraden wachtwoord 1', 'geraden wachtwoord 2', 'geraden wachtwoord 3']
    for (const password of wrongPasswords) {
      expectError(await http(server, 'POST', '/api/session', { body: { email: anna.user.email, password } }), 401, 'unauthorized')
    }
    const blocked = await http(server, 'POST', '/api/session', { body: { email: anna.user.email, password: anna.password } })
    expectError(blocked, 429, 'too_many_requests')
    expect(blocked.headers.get('retry-after')).toBe(String(15 * 60))
    expect(blocked.setCookies).toEqual([])
    // Another address from the same IP is not blocked yet, for a right or a wrong password.
    expect((await http(server, 'POST', '/api/session', { body: { email: bram.user.email, password: bram.password } })).status).toBe(201)
    expectError(await http(server, 'POST', '/api/session', { body: { email: bram.user.email, password: 'ook geraden' } }), 401, 'unauthorized')

    // The failures are in the audit log, with address and IP and without any password.
    const audit = await http<{ entries: Array<{ action: string; details: Record<string, unknown>; ip: string | null; actorLabel: string }> }>(server, 'GET', '/api/audit', { headers: bearer(server.admin.token) })
    expect(audit.status).toBe(200)
    const failed = audit.body.entries.filter((e) => e.action === 'signin.failed' && e.details.email === anna.user.email)
    expect(failed).toHaveLength(3)
    for (const entry of failed) {
      expect(entry.ip).toBe('127.0.0.1')
      expect(entry.details).toEqual({ email: anna.user.email })
    }
    expect(audit.body.entries.some((e) => e.action === 'signin' && e.actorLabel === bram.user.email)).toBe(true)
    for (const secret of [...wrongPasswords, 'ook geraden', anna.password]) expect(audit.text).not.toContain(secret)

    // When the window has passed, the right password works again.
    vi.setSystemTime(t0 + 16 * MINUTE)
    expect((await http(server, 'POST', '/api/session', { body: { email: anna.user.email, password: anna.password } })).status).toBe(201)
  })
})

describe('CSRF: changes authenticated by cookie must come from our own origin', () => {
  it('refuses a cookie-authenticated POST without Origin/Referer or from another site, accepts our own origin and Bearer tokens', async () => {
    const server = await testServer()
    const anna = await createTestUser(server, 'Anna')
    const session = await signIn(server, anna.user.email, anna.password)
    const cookie = { cookie: `samenspel_session=${session}` }
    const count = async () => (await server.store.listStatutes()).length
    const before = await count()
    const post = (headers: Record<string, string>) => http(server, 'POST', '/api/statutes', { body: { title: 'Statuut via CSRF?' }, headers })

    for (const headers of [cookie, { ...cookie, origin: 'http://evil.example' }, { ...cookie, origin: 'null' }, { ...cookie, referer: 'http://evil.example/pagina' }, { ...cookie, origin: server.url.replace('127.0.0.1', 'localhost') }]) {
      expectError(await post(headers), 403, 'csrf')
    }
    expect(await count()).toBe(before)

    expect((await post({ ...cookie, origin: server.url })).status).toBe(201)
    expect((await post({ ...cookie, referer: `${server.url}/statuten` })).status).toBe(201)
    // A Bearer token is not sent by browsers on their own: no Origin needed, any Origin accepted.
    expect((await post(bearer(anna.token))).status).toBe(201)
    expect((await post({ ...bearer(anna.token), origin: 'http://evil.example' })).status).toBe(201)
    expect(await count()).toBe(before + 4)

    // Reading is allowed cross-site, but no CORS header lets the other site read the answer.
    const read = await http(server, 'GET', '/api/statutes', { headers: { ...cookie, origin: 'http://evil.example' } })
    expect(read.status).toBe(200)
    expect(read.headers.get('access-control-allow-origin')).toBeNull()
    expect(read.headers.get('access-control-allow-credentials')).toBeNull()
  })
})

describe('API tokens', () => {
  it('are created once, used on the API and the websocket, listed without secret, and revoked', async () => {
    const server = await testServer()
    const anna = await createTestUser(server, 'Anna')
    const statuteId = await createStatute(server)
    await addMember(server, statuteId, anna, 'redacteur')
    const session = await signIn(server, anna.user.email, anna.password)

    const created = await http<{ id: string; name: string; token: string; createdAt: string }>(server, 'POST', '/api/account/tokens', { body: { name: 'Exportscript' }, headers: browserHeaders(server, session) })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: expect.any(String), name: 'Exportscript', token: expect.stringMatching(/^ssp_[A-Za-z0-9_-]{43}$/), createdAt: expect.any(String) })
    const { token, id } = created.body

    // On the API.
    const me = await http<{ user: { id: string }; via: string }>(server, 'GET', '/api/session', { headers: bearer(token) })
    expect(me.body).toMatchObject({ user: { id: anna.user.id }, via: 'token' })
    const statutes = await http<{ statutes: Array<{ id: string }> }>(server, 'GET', '/api/statutes', { headers: bearer(token) })
    expect(statutes.body.statutes.map((s) => s.id)).toContain(statuteId)
    // On the websocket (?token=).
    const viaToken = connectClient(server.wsUrl, statuteId, { token })
    cleanup.push(viaToken)
    await synced(viaToken)
    expect(stateOf(viaToken.doc)).toContain('Dit statuut legt vast')

    // Listed without the secret or its hash; the use is recorded.
    const list = await http<{ tokens: Array<Record<string, unknown>> }>(server, 'GET', '/api/account/tokens', { headers: browserHeaders(server, session) })
    const listed = list.body.tokens.find((t) => t.id === id)!
    expect(listed).toMatchObject({ id, name: 'Exportscript', revokedAt: null, lastUsedAt: expect.any(String) })
    expect(listed).not.toHaveProperty('token')
    expect(listed).not.toHaveProperty('tokenHash')
    expect(list.text).not.toContain(token)
    expect(list.text).not.toContain(hashSecret(token))

    // Revoked: the API says invalid_token, the websocket 4401.
    expect((await http(server, 'DELETE', `/api/account/tokens/${id}`, { headers: browserHeaders(server, session) })).status).toBe(204)
    expectError(await http(server, 'GET', '/api/session', { headers: bearer(token) }), 401, 'invalid_token')
    expectError(await http(server, 'GET', '/api/setup', { headers: bearer(token) }), 401, 'invalid_token')
    const refused = openRawSocket(`${server.wsUrl}/${statuteId}`, token)
    cleanup.push({ destroy: () => refused.ws.terminate() })
    expect((await within(refused.closed, 5000, 'the refusal')).code).toBe(CloseCode.unauthorized)
    const again = connectClient(server.wsUrl, statuteId, { token })
    cleanup.push(again)
    expect((await within(again.closed, 5000, 'y-websocket to give up')).code).toBe(CloseCode.unauthorized)

    const afterwards = await http<{ tokens: Array<{ id: string; revokedAt: string | null }> }>(server, 'GET', '/api/account/tokens', { headers: browserHeaders(server, session) })
    expect(afterwards.body.tokens.find((t) => t.id === id)?.revokedAt).toEqual(expect.any(String))
    expectError(await http(server, 'DELETE', `/api/account/tokens/${id}`, { headers: browserHeaders(server, session) }), 404, 'not_found')
    // The session that made it is unaffected.
    expect((await http(server, 'GET', '/api/session', { headers: browserHeaders(server, session) })).status).toBe(200)
  })
})

describe('invitations', () => {
  async function scene() {
    const server = await testServer()
    const statuteId = await createStatute(server, 'Statuut uitnodiging', 'Gemeente Welkom')
    const college = (await server.store.access.listParties(statuteId)).find((p) => p.name === 'College')!
    const invite = async (email: string, role = 'commentator') => {
      const response = await http<{ id: string; link: string; email: string; role: string; expiresAt: string }>(server, 'POST', `/api/statutes/${statuteId}/invitations`, {
        body: { email, role, partyId: college.id, canAgree: true },
        headers: bearer(server.admin.token),
      })
      expect(response.status).toBe(201)
      const token = response.body.link.split('/uitnodiging/')[1]!
      return { ...response.body, token }
    }
    return { server, statuteId, college, invite }
  }

  it('a beheerder invites; the link previews anonymously; accepting creates the account, signs in and grants the invited role and party', async () => {
    const { server, statuteId, invite } = await scene()
    const email = `nieuw.${newId(6)}@samenspel.test`
    const invitation = await invite(email.toUpperCase())
    expect(invitation.link).toMatch(new RegExp(`^${server.url}/uitnodiging/[A-Za-z0-9_-]{43}$`))
    expect(invitation.email).toBe(email)
    expect(invitation).not.toHaveProperty('tokenHash')
    // Only the hash is stored.
    expect(await server.store.access.getInvitationByHash(hashSecret(invitation.token))).toMatchObject({ id: invitation.id })
    expect(JSON.stringify(await server.store.access.listInvitations(statuteId))).not.toContain(invitation.token)

    const preview = await http(server, 'GET', `/api/invitations/${invitation.token}`)
    expect(preview.status).toBe(200)
    expect(preview.body).toEqual({
      statute: { id: statuteId, title: 'Statuut uitnodiging', organisation: 'Gemeente Welkom' },
      email,
      role: 'commentator',
      party: 'College',
      canAgree: true,
      expiresAt: invitation.expiresAt,
      hasAccount: false,
    })

    const accepted = await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Nina Nieuw', password: 'mijn eigen wachtwoord' } })
    expect(accepted.status).toBe(201)
    expect(accepted.body).toEqual({ statuteId })
    const cookie = sessionCookie(accepted.setCookies)!
    expect(cookie.attributes.has('httponly')).toBe(true)
    const me = await http<{ user: { email: string; name: string; isAdmin: boolean } }>(server, 'GET', '/api/session', { headers: browserHeaders(server, cookie.value) })
    expect(me.body.user).toMatchObject({ email, name: 'Nina Nieuw', isAdmin: false })
    const statute = await http<{ me: Record<string, unknown> }>(server, 'GET', `/api/statutes/${statuteId}`, { headers: browserHeaders(server, cookie.value) })
    expect(statute.status).toBe(200)
    expect(statute.body.me).toMatchObject({ role: 'commentator', partyName: 'College', canAgree: true, canEdit: false, canManage: false })
    // The new account signs in with its own password later.
    expect((await http(server, 'POST', '/api/session', { body: { email, password: 'mijn eigen wachtwoord' } })).status).toBe(201)

    // The link works once.
    expectError(await http(server, 'GET', `/api/invitations/${invitation.token}`), 410, 'invitation_used')
    expectError(await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Tweede', password: 'nog een wachtwoord' } }), 410, 'invitation_used')
    expect((await server.store.accounts.listUsers()).filter((u) => u.email === email)).toHaveLength(1)
  })

  it('the same link accepted twice at the same moment makes one account, and no server error', async () => {
    const { server, invite } = await scene()
    const email = `tegelijk.${newId(6)}@samenspel.test`
    const invitation = await invite(email)
    const answers = await Promise.all(
      ['een', 'twee'].map((n) => http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: `Persoon ${n}`, password: `wachtwoord nummer ${n}` } })),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses[0]).toBe(201)
    expect([409, 410]).toContain(statuses[1])
    expect((await server.store.accounts.listUsers()).filter((u) => u.email === email)).toHaveLength(1)
  })

  it('an expired invitation is refused with 410 invitation_expired', async () => {
    const { server, statuteId, college } = await scene()
    const token = `verlopen${newId(24)}`
    const email = `laat.${newId(6)}@samenspel.test`
    const day = 24 * 3_600_000
    await server.store.access.createInvitation({
      id: newId(),
      statuteId,
      email,
      role: 'lezer',
      partyId: college.id,
      canAgree: false,
      tokenHash: hashSecret(token),
      createdBy: server.admin.user.id,
      createdAt: new Date(Date.now() - 8 * day).toISOString(),
      expiresAt: new Date(Date.now() - day).toISOString(),
      acceptedAt: null,
      revokedAt: null,
    })
    expectError(await http(server, 'GET', `/api/invitations/${token}`), 410, 'invitation_expired')
    expectError(await http(server, 'POST', `/api/invitations/${token}/accept`, { body: { name: 'Te Laat', password: 'te laat wachtwoord' } }), 410, 'invitation_expired')
    expect(await server.store.accounts.getUserByEmail(email)).toBeUndefined()
  })

  it('an invitation expires after invitationTtlHours (clock moved)', async () => {
    const server = await testServer({ invitationTtlHours: 2 })
    const statuteId = await createStatute(server)
    const raad = (await server.store.access.listParties(statuteId)).find((p) => p.name === 'Raad')!
    const t0 = freezeClock()
    const created = await http<{ link: string; expiresAt: string }>(server, 'POST', `/api/statutes/${statuteId}/invitations`, { body: { email: 'ttl@samenspel.test', role: 'lezer', partyId: raad.id }, headers: bearer(server.admin.token) })
    expect(Date.parse(created.body.expiresAt)).toBe(t0 + 2 * 60 * MINUTE)
    const token = created.body.link.split('/uitnodiging/')[1]!
    vi.setSystemTime(t0 + 119 * MINUTE)
    expect((await http(server, 'GET', `/api/invitations/${token}`)).status).toBe(200)
    vi.setSystemTime(t0 + 120 * MINUTE)
    expectError(await http(server, 'GET', `/api/invitations/${token}`), 410, 'invitation_expired')
  })

  it('a revoked invitation is refused with 410 invitation_revoked', async () => {
    const { server, statuteId, invite } = await scene()
    const invitation = await invite(`ingetrokken.${newId(6)}@samenspel.test`)
    expect((await http(server, 'DELETE', `/api/statutes/${statuteId}/invitations/${invitation.id}`, { headers: bearer(server.admin.token) })).status).toBe(204)
    expectError(await http(server, 'GET', `/api/invitations/${invitation.token}`), 410, 'invitation_revoked')
    expectError(await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Nee', password: 'toch niet dus' } }), 410, 'invitation_revoked')
    expect(await server.store.accounts.getUserByEmail(invitation.email)).toBeUndefined()
    expectError(await http(server, 'DELETE', `/api/statutes/${statuteId}/invitations/${invitation.id}`, { headers: bearer(server.admin.token) }), 404, 'not_found')
  })

  it('a beheerder removed or given another role loses the open invitations they made; the others\' stay usable', async () => {
    const { server, statuteId, college, invite } = await scene()
    const byAdmin = await invite(`van.de.beheerder.${newId(6)}@samenspel.test`)
    const inviteAs = async (token: string, email: string) => {
      const response = await http<{ id: string; link: string }>(server, 'POST', `/api/statutes/${statuteId}/invitations`, { body: { email, role: 'beheerder', partyId: college.id }, headers: bearer(token) })
      expect(response.status).toBe(201)
      return { id: response.body.id, token: response.body.link.split('/uitnodiging/')[1]! }
    }
    for (const leaves of ['removed', 'demoted'] as const) {
      const bea = await createTestUser(server, `Bea ${leaves}`)
      await addMember(server, statuteId, bea, 'beheerder', 'Griffie')
      // About to go, Bea invites a second address of her own as beheerder.
      const own = await inviteAs(bea.token, `bea.${leaves}.${newId(6)}@prive.test`)
      const change = leaves === 'removed'
        ? await http(server, 'DELETE', `/api/statutes/${statuteId}/members/${bea.user.id}`, { headers: bearer(server.admin.token) })
        : await http(server, 'PATCH', `/api/statutes/${statuteId}/members/${bea.user.id}`, { body: { role: 'redacteur' }, headers: bearer(server.admin.token) })
      expect(change.status, leaves).toBe(leaves === 'removed' ? 204 : 200)
      expectError(await http(server, 'GET', `/api/invitations/${own.token}`), 410, 'invitation_revoked')
      expectError(await http(server, 'POST', `/api/invitations/${own.token}/accept`, { body: { name: 'Bea Terug', password: 'weer binnen wachtwoord' } }), 410, 'invitation_revoked')
      const audit = await http<{ entries: Array<{ action: string; details: Record<string, unknown> }> }>(server, 'GET', '/api/audit', { headers: bearer(server.admin.token) })
      expect(audit.status).toBe(200)
      expect(audit.body.entries.some((e) => e.action === 'invitation.revoked' && e.details.invitationId === own.id && e.details.inviter === bea.user.id), leaves).toBe(true)
    }
    // The administrator's invitation is untouched.
    expect((await http(server, 'GET', `/api/invitations/${byAdmin.token}`)).status).toBe(200)
  })

  it('an invitation stored after its maker stopped being a beheerder (it was made just before) is refused when used', async () => {
    const { server, statuteId, college } = await scene()
    const bea = await createTestUser(server, 'Bea Gelijktijdig')
    await addMember(server, statuteId, bea, 'beheerder', 'Griffie')
    expect((await http(server, 'PATCH', `/api/statutes/${statuteId}/members/${bea.user.id}`, { body: { role: 'lezer' }, headers: bearer(server.admin.token) })).status).toBe(200)
    // As if her request had passed the route's check before the change and were stored after it.
    const token = `gelijktijdig-${newId(24)}`
    await server.store.access.createInvitation({
      id: newId(),
      statuteId,
      email: `bea.${newId(6)}@prive.test`,
      role: 'beheerder',
      partyId: college.id,
      canAgree: true,
      tokenHash: hashSecret(token),
      createdBy: bea.user.id,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      acceptedAt: null,
      revokedAt: null,
    })
    expectError(await http(server, 'GET', `/api/invitations/${token}`), 410, 'invitation_revoked')
    expectError(await http(server, 'POST', `/api/invitations/${token}/accept`, { body: { name: 'Bea Terug', password: 'weer binnen wachtwoord' } }), 410, 'invitation_revoked')
  })

  it('an unknown link is 404; a signed-in person with another e-mail address gets 403 and the link stays usable', async () => {
    const { server, statuteId, invite } = await scene()
    expectError(await http(server, 'GET', `/api/invitations/${'x'.repeat(43)}`), 404, 'not_found')
    const invitation = await invite(`bedoeld.${newId(6)}@samenspel.test`)
    const other = await createTestUser(server, 'Iemand Anders')
    const session = await signIn(server, other.user.email, other.password)
    const wrongPerson = await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: {}, headers: browserHeaders(server, session) })
    expectError(wrongPerson, 403, 'forbidden')
    expect(await server.store.access.getMembership(statuteId, other.user.id)).toBeUndefined()
    expect((await http(server, 'GET', `/api/invitations/${invitation.token}`)).status).toBe(200)
    // The right person can still use it.
    expect((await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Bedoeld', password: 'het goede wachtwoord' } })).status).toBe(201)
  })

  it('for an existing account: 409 when not signed in; signed in with that address it adds the membership', async () => {
    const { server, statuteId, invite } = await scene()
    const existing = await createTestUser(server, 'Al Bekend')
    const invitation = await invite(existing.user.email, 'redacteur')
    const preview = await http<{ hasAccount: boolean }>(server, 'GET', `/api/invitations/${invitation.token}`)
    expect(preview.body.hasAccount).toBe(true)
    const anonymous = await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Overname', password: 'wachtwoord van een ander' } })
    expectError(anonymous, 409, 'account_exists')
    expect(anonymous.setCookies).toEqual([])
    // The account's password is unchanged and the link unused.
    expect((await http(server, 'POST', '/api/session', { body: { email: existing.user.email, password: 'wachtwoord van een ander' } })).status).toBe(401)
    const session = await signIn(server, existing.user.email, existing.password)
    const accepted = await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: {}, headers: browserHeaders(server, session) })
    expect(accepted.status).toBe(201)
    expect(await server.store.access.getMembership(statuteId, existing.user.id)).toMatchObject({ role: 'redacteur' })
  })

  it('accepting anonymously without a name or password is a 400 that leaves the link usable', async () => {
    const { server, invite } = await scene()
    const invitation = await invite(`half.${newId(6)}@samenspel.test`)
    expectError(await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Alleen Naam' } }), 400, 'bad_request')
    expectError(await http(server, 'POST', `/api/invitations/${invitation.token}/accept`, { body: { name: 'Kort', password: 'kort' } }), 400, 'bad_request')
    expect(await server.store.accounts.getUserByEmail(invitation.email)).toBeUndefined()
    expect((await http(server, 'GET', `/api/invitations/${invitation.token}`)).status).toBe(200)
  })
})

describe('the last beheerder', () => {
  it('cannot be demoted or removed (409); with a second beheerder it can', async () => {
    const server = await testServer()
    const statuteId = await createStatute(server)
    const adminId = server.admin.user.id
    const members = `/api/statutes/${statuteId}/members`
    expectError(await http(server, 'PATCH', `${members}/${adminId}`, { body: { role: 'redacteur' }, headers: bearer(server.admin.token) }), 409, 'last_beheerder')
    expectError(await http(server, 'DELETE', `${members}/${adminId}`, { headers: bearer(server.admin.token) }), 409, 'last_beheerder')
    expect(await server.store.access.getMembership(statuteId, adminId)).toMatchObject({ role: 'beheerder' })
    // Other changes to the last beheerder are fine.
    expect((await http(server, 'PATCH', `${members}/${adminId}`, { body: { canAgree: false }, headers: bearer(server.admin.token) })).status).toBe(200)

    const second = await createTestUser(server, 'Tweede Beheerder')
    await addMember(server, statuteId, second, 'beheerder', 'Griffie')
    expect((await http(server, 'PATCH', `${members}/${adminId}`, { body: { role: 'redacteur' }, headers: bearer(server.admin.token) })).status).toBe(200)
    // Now the second one is the last.
    expectError(await http(server, 'DELETE', `${members}/${second.user.id}`, { headers: bearer(second.token) }), 409, 'last_beheerder')
    expectError(await http(server, 'PATCH', `${members}/${second.user.id}`, { body: { role: 'lezer' }, headers: bearer(second.token) }), 409, 'last_beheerder')
    expect(await server.store.access.getMembership(statuteId, second.user.id)).toMatchObject({ role: 'beheerder' })
  })
})

describe('beheerders taking each other away at the same moment (one instance, and two sharing one PostgreSQL database)', () => {
  it.each([1, 2])('removing or demoting each other (%i instance(s)): one succeeds, one beheerder always remains', async (count) => {
    const schema = count === 2 ? await freshSchema() : undefined
    try {
      const shared = schema ? { databaseUrl: schema.url, databaseSchema: schema.schema, databasePoolSize: 4 } : {}
      const one = await testServer(shared)
      const two = schema ? await testServer(shared) : one
      const statuteId = await createStatute(one)
      const members = `/api/statutes/${statuteId}/members`
      const admin = one.admin
      const second = await createTestUser(one, 'Tweede Beheerder')
      for (let round = 0; round < 6; round += 1) {
        await addMember(one, statuteId, admin, 'beheerder', 'Griffie', true)
        await addMember(one, statuteId, second, 'beheerder', 'Griffie')
        const remove = round % 2 === 0
        // Each takes the other away, on a different instance.
        const take = (server: { url: string }, token: string, userId: string) =>
          remove
            ? http(server, 'DELETE', `${members}/${userId}`, { headers: bearer(token) })
            : http(server, 'PATCH', `${members}/${userId}`, { body: { role: 'redacteur' }, headers: bearer(token) })
        const answers = await Promise.all([take(one, admin.token, second.user.id), take(two, second.token, admin.user.id)])
        const succeeded = answers.filter((a) => a.status === (remove ? 204 : 200))
        expect(succeeded, JSON.stringify(answers.map((a) => [a.status, a.body]))).toHaveLength(1)
        // The other is refused: the last beheerder stays, or (if it came after the change) its sender no longer has the right.
        const refused = answers.find((a) => !succeeded.includes(a))!
        if (refused.status === 409) expectError(refused, 409, 'last_beheerder')
        else expect([403, 404]).toContain(refused.status)
        const beheerders = (await two.store.access.listMembers(statuteId)).filter((m) => m.role === 'beheerder')
        expect(beheerders).toHaveLength(1)
      }
    } finally {
      for (const server of running.splice(0)) await server.close()
      await schema?.drop()
    }
  })
})

describe('first-run setup', () => {
  it.each([1, 2])('accounts created at the same moment on a fresh installation (%i instance(s)): exactly one becomes administrator', async (count) => {
    const schema = count === 2 ? await freshSchema() : undefined
    try {
      const shared = schema ? { databaseUrl: schema.url, databaseSchema: schema.schema, databasePoolSize: 4 } : {}
      const servers = schema ? await Promise.all([bareServer(shared), bareServer(shared)]) : [await bareServer()]
      // As the demo does, or a first account through an invitation: createUser, not setup.
      const created = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) => servers[i % servers.length]!.auth.createUser({ email: `eerste${i}@gemeente.test`, name: `Eerste ${i}`, password: 'een sterk wachtwoord' })),
      )
      const admins = created.filter((u) => u.isAdmin)
      expect(admins).toHaveLength(1)
      const stored = await servers[0]!.store.accounts.listUsers()
      expect(stored).toHaveLength(6)
      expect(stored.filter((u) => u.isAdmin).map((u) => u.id)).toEqual([admins[0]!.id])
      // Later accounts are not administrators, unless asked for.
      expect((await servers[0]!.auth.createUser({ email: 'later@gemeente.test', name: 'Later', password: 'een sterk wachtwoord' })).isAdmin).toBe(false)
      expect((await servers[0]!.auth.createUser({ email: 'beheer@gemeente.test', name: 'Beheer', password: 'een sterk wachtwoord', isAdmin: true })).isAdmin).toBe(true)
    } finally {
      for (const server of running.splice(0)) await server.close()
      await schema?.drop()
    }
  })


  it('a fresh installation asks for setup; POST /api/setup creates the administrator and signs in; then 409', async () => {
    const server = await bareServer()
    expect(await http(server, 'GET', '/api/setup')).toMatchObject({ status: 200, body: { needsSetup: true } })
    expect((await http(server, 'GET', '/api/statutes')).status).toBe(401)
    expectError(await http(server, 'POST', '/api/setup', { body: { email: 'griffie@gemeente.test', password: 'kort', name: 'Griffie' } }), 400, 'bad_request')

    const setup = await http<{ user: Record<string, unknown> }>(server, 'POST', '/api/setup', { body: { email: 'Griffie@Gemeente.test', password: 'een sterk wachtwoord', name: 'Griffier' } })
    expect(setup.status).toBe(201)
    expect(setup.body.user).toMatchObject({ email: 'griffie@gemeente.test', name: 'Griffier', isAdmin: true })
    const cookie = sessionCookie(setup.setCookies)!
    expect(cookie.attributes.has('httponly')).toBe(true)
    const me = await http<{ user: { isAdmin: boolean } }>(server, 'GET', '/api/session', { headers: browserHeaders(server, cookie.value) })
    expect(me.body.user.isAdmin).toBe(true)
    expect((await http(server, 'GET', '/api/audit', { headers: browserHeaders(server, cookie.value) })).status).toBe(200)

    expect(await http(server, 'GET', '/api/setup')).toMatchObject({ status: 200, body: { needsSetup: false } })
    const second = await http(server, 'POST', '/api/setup', { body: { email: 'indringer@elders.test', password: 'een sterk wachtwoord', name: 'Indringer' } })
    expectError(second, 409, 'already_set_up')
    expect(second.setCookies).toEqual([])
    expect(await server.store.accounts.countUsers()).toBe(1)
  })

  it('two setup requests at the same moment create one administrator', async () => {
    const server = await bareServer()
    const answers = await Promise.all(
      ['eerste', 'tweede'].map((who) => http(server, 'POST', '/api/setup', { body: { email: `${who}@gemeente.test`, password: 'een sterk wachtwoord', name: who } })),
    )
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409])
    expect(await server.store.accounts.countUsers()).toBe(1)
  })

  it('two instances sharing one PostgreSQL database: setup requests at the same moment create one administrator', async () => {
    const schema = await freshSchema()
    try {
      const shared = { databaseUrl: schema.url, databaseSchema: schema.schema, databasePoolSize: 2 }
      const [one, two] = await Promise.all([bareServer(shared), bareServer(shared)])
      const answers = await Promise.all(
        [one, two].map((server, i) => http(server, 'POST', '/api/setup', { body: { email: `beheer${i}@gemeente.test`, password: 'een sterk wachtwoord', name: `Beheer ${i}` } })),
      )
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409])
      expectError(answers.find((a) => a.status === 409)!, 409, 'already_set_up')
      expect(await one.store.accounts.countUsers()).toBe(1)
      expect(await http(two, 'GET', '/api/setup')).toMatchObject({ body: { needsSetup: false } })
      await Promise.all([one.close(), two.close()])
    } finally {
      await schema.drop()
    }
  })

  it('two instances starting together with SAMENSPEL_ADMIN_EMAIL create the administrator once', async () => {
    const schema = await freshSchema()
    try {
      const shared = { databaseUrl: schema.url, databaseSchema: schema.schema, databasePoolSize: 2, adminEmail: 'beheer@gemeente.test', adminPassword: 'wachtwoord uit de omgeving' }
      const servers = await Promise.all([bareServer(shared), bareServer(shared), bareServer(shared)])
      expect(await servers[0]!.store.accounts.listUsers()).toEqual([expect.objectContaining({ email: 'beheer@gemeente.test', isAdmin: true })])
      const audit = await servers[1]!.store.audit.listAll(10)
      expect(audit.filter((e) => e.action === 'setup.admin')).toHaveLength(1)
      await Promise.all(servers.map((server) => server.close()))
    } finally {
      await schema.drop()
    }
  })

  it('SAMENSPEL_ADMIN_EMAIL/PASSWORD create the administrator at start, only while no account exists', async () => {
    const dataDir = tempDataDir()
    const first = await bareServer({ adminEmail: 'beheer@gemeente.test', adminPassword: 'wachtwoord uit de omgeving' }, dataDir)
    expect(await http(first, 'GET', '/api/setup')).toMatchObject({ body: { needsSetup: false } })
    const signedIn = await http<{ user: { isAdmin: boolean } }>(first, 'POST', '/api/session', { body: { email: 'beheer@gemeente.test', password: 'wachtwoord uit de omgeving' } })
    expect(signedIn.status).toBe(201)
    expect(signedIn.body.user.isAdmin).toBe(true)
    await first.close()

    // A later start with other values changes nothing.
    const second = await bareServer({ adminEmail: 'ander@gemeente.test', adminPassword: 'een ander wachtwoord' }, dataDir)
    expect(await second.store.accounts.countUsers()).toBe(1)
    expect((await http(second, 'POST', '/api/session', { body: { email: 'ander@gemeente.test', password: 'een ander wachtwoord' } })).status).toBe(401)
    expect((await http(second, 'POST', '/api/session', { body: { email: 'beheer@gemeente.test', password: 'wachtwoord uit de omgeving' } })).status).toBe(201)

    // Nor when the first account came from the setup page.
    const viaSetup = await bareServer()
    expect((await http(viaSetup, 'POST', '/api/setup', { body: { email: 'eerst@gemeente.test', password: 'een sterk wachtwoord', name: 'Eerst' } })).status).toBe(201)
    await viaSetup.close()
    const restarted = await bareServer({ adminEmail: 'later@gemeente.test', adminPassword: 'een sterk wachtwoord' }, viaSetup.dataDir)
    expect(await restarted.store.accounts.getUserByEmail('later@gemeente.test')).toBeUndefined()
    expect(await restarted.store.accounts.countUsers()).toBe(1)
  })
})

describe('security headers', () => {
  it('are set on the app shell and on API answers, successful or not', async () => {
    const server = await testServer()
    for (const [pathname, headers] of [
      ['/', {}],
      ['/statuten/abc', {}],
      ['/api/setup', {}],
      ['/api/session', {}],
      ['/api/statutes', bearer(server.admin.token)],
      ['/api/onbekend', {}],
    ] as const) {
      const response = await http(server, 'GET', pathname, { headers })
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp, pathname).toMatch(/(^|;)\s*default-src 'self'/)
      expect(csp, pathname).toMatch(/(^|;)\s*frame-ancestors 'none'/)
      expect(csp, pathname).toMatch(/(^|;)\s*object-src 'none'/)
      expect(response.headers.get('x-content-type-options'), pathname).toBe('nosniff')
      expect(response.headers.get('x-frame-options'), pathname).toMatch(/^(DENY|SAMEORIGIN)$/)
      expect(response.headers.get('referrer-policy'), pathname).toBe('no-referrer')
      expect(response.headers.get('x-powered-by'), pathname).toBeNull()
    }
  })
})

describe('the server log', () => {
  it('holds no password, session id, API token or invitation token (LOG_LEVEL=info, server as its own process)', async () => {
    // Fastify writes its log straight to file descriptor 1, so the server runs as a child process
    // (as in production: `node server/main.ts`) and its whole output is captured.
    const dataDir = tempDataDir()
    const adminPassword = `omgevings-wachtwoord-${newId(8)}`
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', SAMENSPEL_ADMIN_EMAIL: 'log@gemeente.test', SAMENSPEL_ADMIN_PASSWORD: adminPassword },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    cleanup.push({ destroy: () => child.kill('SIGKILL') })
    await waitFor(() => /Samenspel draait op http:\/\/[0-9.]+:\d+/.test(log), 30_000, 'the server to start')
    const server = { url: /Samenspel draait op (http:\/\/[0-9.]+:\d+)/.exec(log)![1]! }
    const secrets: string[] = [adminPassword]

    // A failed and a successful sign-in.
    const wrongPassword = `fout-wachtwoord-${newId(8)}`
    secrets.push(wrongPassword)
    expect((await http(server, 'POST', '/api/session', { body: { email: 'log@gemeente.test', password: wrongPassword } })).status).toBe(401)
    const session = await signIn(server, 'log@gemeente.test', adminPassword)
    secrets.push(session)
    // An API token, used on the API and (in the URL) on the websocket.
    const token = (await http<{ token: string }>(server, 'POST', '/api/account/tokens', { body: { name: 'log' }, headers: browserHeaders(server, session) })).body.token
    secrets.push(token)
    const statute = await http<{ id: string }>(server, 'POST', '/api/statutes', { body: { title: 'Logstatuut' }, headers: bearer(token) })
    expect(statute.status).toBe(201)
    const socket = openRawSocket(`ws${server.url.slice(4)}/collab/${statute.body.id}`, token)
    cleanup.push({ destroy: () => socket.ws.terminate() })
    await within(socket.opened, 5000, 'the websocket to open')
    socket.ws.close(1000)
    // The same URL as a plain GET, as a proxy that does not pass the upgrade on would send it.
    expect((await http(server, 'GET', `/collab/${statute.body.id}?token=${token}`)).status).toBe(404)
    // An invitation: the link is opened in a browser (the app shell), previewed and accepted.
    const raad = (await http<{ parties: Array<{ id: string; name: string }> }>(server, 'GET', `/api/statutes/${statute.body.id}/parties`, { headers: bearer(token) })).body.parties.find((p) => p.name === 'Raad')!
    const invitation = await http<{ link: string }>(server, 'POST', `/api/statutes/${statute.body.id}/invitations`, { body: { email: 'gast@gemeente.test', role: 'lezer', partyId: raad.id }, headers: bearer(token) })
    const invitationToken = invitation.body.link.split('/uitnodiging/')[1]!
    secrets.push(invitationToken)
    await http(server, 'GET', `/uitnodiging/${invitationToken}`)
    expect((await http(server, 'GET', `/api/invitations/${invitationToken}`)).status).toBe(200)
    const guestPassword = `gast-wachtwoord-${newId(8)}`
    secrets.push(guestPassword)
    const accepted = await http(server, 'POST', `/api/invitations/${invitationToken}/accept`, { body: { name: 'Gast', password: guestPassword } })
    expect(accepted.status).toBe(201)
    const guestSession = sessionCookie(accepted.setCookies)!.value
    secrets.push(guestSession)
    // A password change and a sign-out.
    const newPassword = `nieuw-wachtwoord-${newId(8)}`
    secrets.push(newPassword)
    expect((await http(server, 'POST', '/api/account/password', { body: { currentPassword: guestPassword, newPassword }, headers: browserHeaders(server, guestSession) })).status).toBe(204)
    expect((await http(server, 'DELETE', '/api/session', { headers: browserHeaders(server, session) })).status).toBe(204)

    child.kill('SIGTERM')
    expect(await within(exited, 15_000, 'the server to stop')).toBe(0)

    // The log did record these requests (so its silence about secrets means something) ...
    expect(log).toContain('incoming request')
    expect(log).toContain('/api/account/password')
    expect(log).toContain('/api/invitations/')
    expect(log).toContain('/uitnodiging/')
    expect(log).toContain('/collab/')
    // One "incoming request" line per HTTP request above (the websocket upgrade is not logged).
    expect(log.split('\n').filter((line) => line.includes('incoming request')).length).toBe(12)
    // ... and none of the secrets, nor their hashes.
    for (const secret of secrets) {
      expect(log, `secret ${secret.slice(0, 6)}… in the log`).not.toContain(secret)
      expect(log).not.toContain(hashSecret(secret))
    }
  })
})
