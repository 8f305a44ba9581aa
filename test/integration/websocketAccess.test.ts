/**
 * Access control on the collaboration websocket, against a real server with real sockets:
 *  - who may connect (anonymous, bad token, non-member, cross-site cookie);
 *  - read-only members (commentator, lezer) receive the statute but cannot change it, even with a
 *    hand-built client that sends valid Yjs updates the server must drop;
 *  - presence is vouched for by the server and cannot be spoofed or taken over;
 *  - a change of membership ends the open connection, and the new rights hold after reconnecting.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { CloseCode, MessageType } from '../../model/protocol.js'
import { articleFragment, readMeta, readOutline, renameArticle, setMetaField } from '../../model/statuteDoc.js'
import { SESSION_COOKIE } from '../../server/http/requestAuth.js'
import { api, addMember, createStatute, createTestUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { awarenessFrame, awarenessPayload, caretAt, openRawSocket, syncUpdateFrame, within, type CloseInfo, type RawSocket } from '../helpers/rawSocket.js'
import { updateFrom } from '../helpers/bystanders.js'
import { appendParagraph } from '../helpers/ydocs.js'
import { signIn } from '../helpers/http.js'

let server: TestServer
let statuteId: string
let articleId: string
let people: Record<'redacteur' | 'commentator' | 'lezer' | 'outsider', TestUser>
const cleanup: Array<{ destroy(): void }> = []

beforeEach(async () => {
  server = await startTestServer()
  // The administrator creates the statute and is its beheerder (party Griffie).
  statuteId = await createStatute(server, 'Statuut toegang', 'Gemeente Slotstad')
  const [redacteur, commentator, lezer, outsider] = await Promise.all([
    createTestUser(server, 'Rik Redactie'),
    createTestUser(server, 'Cor Commentaar'),
    createTestUser(server, 'Lea Lezer'),
    createTestUser(server, 'Otto Buiten'),
  ])
  people = { redacteur, commentator, lezer, outsider }
  await addMember(server, statuteId, redacteur, 'redacteur', 'Raad')
  await addMember(server, statuteId, commentator, 'commentator', 'College')
  await addMember(server, statuteId, lezer, 'lezer', 'Raad')
  // The outsider is a beheerder elsewhere, not a member here.
  await createStatute(server, 'Statuut elders', 'Gemeente Elders', { token: outsider.token })
  const snapshot = await api<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)
  articleId = snapshot.body.chapters[0]!.articles[0]!.id
})

afterEach(async () => {
  for (const item of cleanup.splice(0)) item.destroy()
  await server.close()
})

// ---------------------------------------------------------------------------------------------
// Helpers

function client(user: TestUser | null, id = statuteId): TestClient {
  const c = connectClient(server.wsUrl, id, { token: user ? user.token : null })
  cleanup.push(c)
  return c
}

function raw(token: string | null, id = statuteId): RawSocket {
  const socket = openRawSocket(`${server.wsUrl}/${id}`, token)
  cleanup.push({ destroy: () => socket.ws.terminate() })
  return socket
}

/** A raw socket that the server admitted: open, and its sync step 1 has arrived. */
async function admitted(user: TestUser): Promise<RawSocket> {
  const socket = raw(user.token)
  await within(socket.opened, 5000, 'the raw socket to open')
  await waitFor(() => socket.messages.length > 0, 5000, 'sync step 1 from the server')
  expect(socket.messages[0]![0]).toBe(MessageType.sync)
  return socket
}

async function refusal(socket: RawSocket): Promise<CloseInfo> {
  return within(socket.closed, 5000, 'the connection to be refused')
}

/**
 * Sends "query awareness" and waits for the answer. The server handles one socket's messages in
 * order and drops a read-only member's updates on arrival, so once this answer is in, every frame
 * sent before it has been dealt with.
 */
async function roundTrip(socket: WebSocket): Promise<void> {
  await within(
    new Promise<void>((resolve) => {
      const onMessage = (data: Buffer | ArrayBuffer): void => {
        const bytes = new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
        if (bytes[0] !== MessageType.awareness) return
        socket.off('message', onMessage)
        resolve()
      }
      socket.on('message', onMessage)
      socket.send(new Uint8Array([MessageType.queryAwareness]))
    }),
    5000,
    'the answer to a query-awareness message',
  )
}

/** The `ws` socket under a y-websocket provider (the tests give it the `ws` package). */
function socketOf(c: TestClient): WebSocket {
  const ws = c.provider.ws as unknown as WebSocket | null
  if (!ws) throw new Error('client has no socket')
  return ws
}

function syncStep2Frame(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep2(encoder, doc, stateVector)
  return encoding.toUint8Array(encoder)
}

/**
 * Two valid frames that would change the statute, built on `base` (a synced copy): a sync step 2
 * that adds a paragraph and renames the article, and an update that retitles the statute and
 * empties the article's original text.
 */
function hostileFrames(base: Y.Doc, marker: string): Uint8Array[] {
  const step2Doc = new Y.Doc()
  Y.applyUpdate(step2Doc, Y.encodeStateAsUpdate(base))
  const serverState = Y.encodeStateVector(step2Doc)
  appendParagraph(step2Doc, articleId, `${marker} (stap 2)`)
  renameArticle(step2Doc, articleId, `${marker} titel`)
  const step2 = syncStep2Frame(step2Doc, serverState)
  step2Doc.destroy()
  const update = updateFrom(base, (doc) => {
    doc.transact(() => {
      setMetaField(doc, 'title', `${marker} statuut`)
      const body = articleFragment(doc, articleId, 'body')!
      body.delete(0, body.length)
    })
  })
  expect(update.byteLength).toBeGreaterThan(0)
  return [step2, syncUpdateFrame(update)]
}

function expectMarkerIn(doc: Y.Doc, marker: string): void {
  const state = stateOf(doc)
  expect(state).toContain(`${marker} (stap 2)`)
  expect(state).toContain(`${marker} titel`)
  expect(readMeta(doc).title).toBe(`${marker} statuut`)
}

/** After a restart: a fresh client and the API both show `expected` (and no `absent` text). */
async function expectStoredAfterRestart(expected: string, absent: readonly string[]): Promise<void> {
  for (const item of cleanup.splice(0)) item.destroy()
  server = await server.restart()
  const fresh = client(server.admin)
  await synced(fresh)
  expect(stateOf(fresh.doc)).toBe(expected)
  const { status, body } = await api(server, 'GET', `/api/statutes/${statuteId}`)
  expect(status).toBe(200)
  const text = JSON.stringify(body)
  for (const marker of absent) expect(text).not.toContain(marker)
}

/** Every presence change of `clientId` seen by `observer` from now on. */
function watchPresence(observer: TestClient, clientId: number): Array<'removed' | Record<string, unknown>> {
  const seen: Array<'removed' | Record<string, unknown>> = []
  observer.provider.awareness.on('change', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    if (removed.includes(clientId)) seen.push('removed')
    if (added.includes(clientId) || updated.includes(clientId)) seen.push(observer.provider.awareness.getStates().get(clientId) as Record<string, unknown>)
  })
  return seen
}

function presenceOf(observer: TestClient, clientId: number): { user?: Record<string, unknown> } | undefined {
  return observer.provider.awareness.getStates().get(clientId) as { user?: Record<string, unknown> } | undefined
}

// ---------------------------------------------------------------------------------------------

describe('who may connect', () => {
  it('an anonymous connection is refused with 4401, to an existing statute and an unknown one alike, and y-websocket stops retrying', async () => {
    const existing = await refusal(raw(null))
    const unknown = await refusal(raw(null, 'bestaat-niet-0123'))
    expect(existing.code).toBe(CloseCode.unauthorized)
    expect(existing.reason.length).toBeGreaterThan(0)
    expect(unknown).toEqual(existing)
    const provider = client(null)
    const closed = await within(provider.closed, 5000, 'y-websocket to give up')
    expect(closed.code).toBe(CloseCode.unauthorized)
    expect(provider.provider.shouldConnect).toBe(false)
    expect(stateOf(provider.doc)).not.toContain('Statuut toegang')
  })

  it('an unknown or malformed token is refused with 4401', async () => {
    for (const token of [`ssp_${'A'.repeat(43)}`, 'geen-token', `${people.redacteur.token}x`]) {
      const closed = await refusal(raw(token))
      expect(closed.code, token).toBe(CloseCode.unauthorized)
    }
    // A session cookie value is not an API token either.
    const session = await signIn(server, people.redacteur.user.email, people.redacteur.password)
    expect((await refusal(raw(session))).code).toBe(CloseCode.unauthorized)
  })

  it('a non-member is refused with 4404 and the same reason as for a statute that does not exist', async () => {
    // The room the set-up's API read loaded is unloaded again first.
    await waitFor(() => !server.rooms.openRooms.has(statuteId), 5000, 'the room to unload')
    const here = await refusal(raw(people.outsider.token))
    const nowhere = await refusal(raw(people.outsider.token, 'bestaat-niet-0123'))
    const memberToNowhere = await refusal(raw(people.redacteur.token, 'bestaat-niet-0123'))
    expect(here.code).toBe(CloseCode.notFound)
    expect(here).toEqual(nowhere)
    expect(here).toEqual(memberToNowhere)
    // No room was loaded for the non-member.
    expect(server.rooms.openRooms.has(statuteId)).toBe(false)
  })

  it('a cookie-authenticated upgrade from another site is refused with 4403; from our own origin it is accepted', async () => {
    const session = await signIn(server, people.redacteur.user.email, people.redacteur.password)
    const open = (origin: string): RawSocket => {
      const ws = new WebSocket(`${server.wsUrl}/${statuteId}`, { headers: { cookie: `${SESSION_COOKIE}=${session}` }, origin })
      const messages: Uint8Array[] = []
      ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)))
      ws.on('error', () => undefined)
      const socket: RawSocket = {
        ws,
        messages,
        opened: new Promise((resolve) => ws.once('open', () => resolve())),
        closed: new Promise((resolve) => ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }))),
      }
      cleanup.push({ destroy: () => ws.terminate() })
      return socket
    }

    const evil = await refusal(open('http://evil.example'))
    expect(evil.code).toBe(CloseCode.forbidden)
    expect(evil.reason.length).toBeGreaterThan(0)

    const own = open(server.url)
    await within(own.opened, 5000, 'the same-origin socket to open')
    await waitFor(() => own.messages.length > 0, 5000, 'sync step 1')
    expect(own.messages[0]![0]).toBe(MessageType.sync)
    await roundTrip(own.ws)
    expect(own.ws.readyState).toBe(WebSocket.OPEN)

    // The check is about ambient credentials: a token the page put in the URL itself is accepted.
    const withToken = new WebSocket(`${server.wsUrl}/${statuteId}?token=${people.redacteur.token}`, { origin: 'http://evil.example' })
    cleanup.push({ destroy: () => withToken.terminate() })
    await within(new Promise((resolve) => withToken.once('open', resolve)), 5000, 'the token socket to open')
  })
})

describe('read-only members', () => {
  for (const role of ['commentator', 'lezer'] as const) {
    it(`a ${role} receives the statute and live edits, but its own edits reach nobody`, async () => {
      const editor = client(people.redacteur)
      const reader = client(people[role])
      await Promise.all([synced(editor), synced(reader)])
      expect(stateOf(reader.doc)).toBe(stateOf(editor.doc))
      expect(readMeta(reader.doc).title).toBe('Statuut toegang')

      appendParagraph(editor.doc, articleId, 'Live van de redacteur')
      await waitFor(() => stateOf(reader.doc).includes('Live van de redacteur'), 5000, 'the edit to reach the reader')

      // Its editor would let it type locally; the server drops the update.
      appendParagraph(reader.doc, articleId, `Stiekem van de ${role}`)
      await roundTrip(socketOf(reader))
      await server.rooms.openRooms.get(statuteId)!.settle()
      expect(stateOf(server.rooms.openRooms.get(statuteId)!.doc)).not.toContain(`Stiekem van de ${role}`)
      expect(stateOf(editor.doc)).not.toContain(`Stiekem van de ${role}`)
      expect(reader.provider.wsconnected).toBe(true)
    })

    it(`a hand-built client of a ${role} sending valid sync-step-2 and update frames changes nothing, also after a restart`, async () => {
      const editor = client(people.redacteur)
      await synced(editor)
      const before = stateOf(editor.doc)
      const marker = `Gekaapt door ${role}`
      const socket = await admitted(people[role])
      for (const frame of hostileFrames(editor.doc, marker)) socket.ws.send(frame)
      await roundTrip(socket.ws)
      // Dropped without closing: a reader's real client sends its state in sync step 2 too.
      expect(socket.ws.readyState).toBe(WebSocket.OPEN)

      // A change to the document after the frames, as a marker that relaying works.
      appendParagraph(editor.doc, articleId, 'Na de aanval')
      const room = server.rooms.openRooms.get(statuteId)!
      await waitFor(() => stateOf(room.doc).includes('Na de aanval'), 5000, 'the editor\'s change to be stored')
      await room.settle()
      const expected = stateOf(editor.doc)
      expect(stateOf(room.doc)).toBe(expected)
      expect(expected).not.toContain(marker)
      expect(readMeta(editor.doc).title).toBe('Statuut toegang')
      expect(before).toContain('Dit statuut legt vast')
      expect(expected).toContain('Dit statuut legt vast')
      // What the raw socket received after the frames: no update carrying its own text.
      expect(socket.messages.some((m) => Buffer.from(m).includes(Buffer.from(marker)))).toBe(false)

      await expectStoredAfterRestart(expected, [marker])
      const { body } = await api<{ title: string; chapters: Array<{ articles: Array<{ title: string; body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)
      expect(body.title).toBe('Statuut toegang')
      expect(body.chapters[0]!.articles[0]!.title).toBe('Doel')
      expect(body.chapters[0]!.articles[0]!.body.text).toContain('Dit statuut legt vast')
    })
  }

  it('the same frames from a redacteur do change the statute (control)', async () => {
    const observer = client(people.lezer)
    await synced(observer)
    const marker = 'Bijdrage van de redacteur'
    const socket = await admitted(people.redacteur)
    for (const frame of hostileFrames(observer.doc, marker)) socket.ws.send(frame)
    await waitFor(() => readMeta(observer.doc).title === `${marker} statuut` && stateOf(observer.doc).includes(`${marker} (stap 2)`), 5000, 'the redacteur\'s frames to reach the lezer')
    expectMarkerIn(observer.doc, marker)
    expect(stateOf(observer.doc)).not.toContain('Dit statuut legt vast')
    await server.rooms.openRooms.get(statuteId)!.settle()
    const expected = stateOf(observer.doc)
    await expectStoredAfterRestart(expected, ['Dit statuut legt vast'])
    const { body } = await api<{ title: string }>(server, 'GET', `/api/statutes/${statuteId}`)
    expect(body.title).toBe(`${marker} statuut`)
  })
})

describe('presence', () => {
  it('shows the account name, role and party, whatever name the client announces', async () => {
    const observer = client(people.redacteur)
    const speaker = client(people.commentator)
    await Promise.all([synced(observer), synced(speaker)])
    speaker.provider.awareness.setLocalStateField('user', { name: 'Nep Naam', role: 'beheerder', party: 'Griffie', userId: server.admin.user.id, color: '#123456' })
    await waitFor(() => presenceOf(observer, speaker.doc.clientID) !== undefined, 5000, 'the presence to arrive')
    expect(presenceOf(observer, speaker.doc.clientID)?.user).toEqual({
      name: people.commentator.user.name,
      role: 'commentator',
      party: 'College',
      userId: people.commentator.user.id,
      color: '#123456',
    })
    // The server's own copy says the same.
    const room = server.rooms.openRooms.get(statuteId)!
    expect((room.awareness.getStates().get(speaker.doc.clientID) as { user: unknown }).user).toMatchObject({ name: people.commentator.user.name, role: 'commentator' })
  })

  it("a client cannot remove or overwrite another person's presence by using that person's client id", async () => {
    const anna = client(people.redacteur)
    const observer = client(people.commentator)
    await Promise.all([synced(anna), synced(observer)])
    anna.provider.awareness.setLocalStateField('user', { name: 'Anna', color: '#00aa00' })
    await waitFor(() => presenceOf(observer, anna.doc.clientID) !== undefined, 5000, "Anna's presence at the observer")
    const original = presenceOf(observer, anna.doc.clientID)
    const seen = watchPresence(observer, anna.doc.clientID)

    const attacker = await admitted(people.lezer)
    const clock = anna.provider.awareness.meta.get(anna.doc.clientID)!.clock
    attacker.ws.send(awarenessFrame(awarenessPayload(anna.doc.clientID, clock + 5, JSON.stringify({ user: { name: 'Overgenomen' } }))))
    attacker.ws.send(awarenessFrame(awarenessPayload(anna.doc.clientID, clock + 10, 'null')))
    await roundTrip(attacker.ws)
    // Closing the attacker's socket must not take Anna's presence along either.
    attacker.ws.close(1000)
    await within(attacker.closed, 5000, 'the attacker to close')
    // Anna's own next change still arrives, so relaying works and nothing was lost in between.
    anna.provider.awareness.setLocalStateField('cursor', caretAt(1))
    await waitFor(() => seen.length > 0, 5000, "Anna's cursor at the observer")

    expect(seen.filter((s) => s === 'removed')).toEqual([])
    for (const state of seen) expect((state as { user: { userId: string } }).user.userId).toBe(people.redacteur.user.id)
    expect(presenceOf(observer, anna.doc.clientID)?.user).toEqual(original?.user)
    const room = server.rooms.openRooms.get(statuteId)!
    expect((room.awareness.getStates().get(anna.doc.clientID) as { user: { name: string } }).user.name).toBe(people.redacteur.user.name)
  })

  it("the same person in two tabs: each tab's echo of the other's presence changes nothing, and closing one leaves the other's presence", async () => {
    const tabA = client(people.redacteur)
    const tabB = client(people.redacteur)
    const observer = client(people.commentator)
    await Promise.all([synced(tabA), synced(tabB), synced(observer)])
    const room = server.rooms.openRooms.get(statuteId)!
    tabA.provider.awareness.setLocalStateField('user', { name: 'Anna', color: '#00aa00' })
    tabB.provider.awareness.setLocalStateField('user', { name: 'Anna', color: '#0000aa' })
    // Each tab has received the other's state, and y-websocket passed it back to the server.
    await waitFor(() => presenceOf(tabB, tabA.doc.clientID) !== undefined && presenceOf(tabA, tabB.doc.clientID) !== undefined, 5000, 'each tab to see the other')
    tabA.provider.awareness.setLocalStateField('cursor', caretAt(1))
    await waitFor(() => (presenceOf(tabB, tabA.doc.clientID) as { cursor?: unknown } | undefined)?.cursor !== undefined, 5000, "tab A's cursor at tab B")
    // Tab B closes. Tab A's presence stays, at the server and for the others: not even a moment
    // away (the server removes what a closed socket spoke for in one message, which the observer
    // has once tab B's presence is gone there).
    const seenOfA = watchPresence(observer, tabA.doc.clientID)
    tabB.destroy()
    await waitFor(() => presenceOf(observer, tabB.doc.clientID) === undefined, 5000, "tab B's presence to go at the observer")
    expect(seenOfA).not.toContain('removed')
    expect(room.awareness.getStates().has(tabA.doc.clientID)).toBe(true)
    expect(presenceOf(observer, tabA.doc.clientID)?.user?.userId).toBe(people.redacteur.user.id)
  })

  it("a client cannot take over a person's client id while that person is briefly disconnected", async () => {
    const anna = client(people.redacteur)
    const observer = client(people.commentator)
    await Promise.all([synced(anna), synced(observer)])
    anna.provider.awareness.setLocalStateField('user', { name: 'Anna', color: '#00aa00' })
    await waitFor(() => presenceOf(observer, anna.doc.clientID) !== undefined, 5000, "Anna's presence at the observer")

    // Anna's network drops; the others see her go.
    anna.provider.disconnect()
    await waitFor(() => presenceOf(observer, anna.doc.clientID) === undefined, 5000, "Anna's presence to go")
    const seen = watchPresence(observer, anna.doc.clientID)

    // Someone who saw her client id claims it, with a clock far ahead of hers.
    const attacker = await admitted(people.lezer)
    const clock = anna.provider.awareness.meta.get(anna.doc.clientID)!.clock
    attacker.ws.send(awarenessFrame(awarenessPayload(anna.doc.clientID, clock + 1000, JSON.stringify({ user: { name: 'Anna' } }))))
    await roundTrip(attacker.ws)

    // Anna comes back and moves her cursor.
    anna.provider.connect()
    await synced(anna)
    anna.provider.awareness.setLocalStateField('cursor', caretAt(2))
    await waitFor(() => (presenceOf(observer, anna.doc.clientID)?.user?.userId as string | undefined) === people.redacteur.user.id, 5000, "Anna's own presence at the observer")
    for (const state of seen) {
      if (state !== 'removed') expect((state as { user: { userId: string } }).user.userId).toBe(people.redacteur.user.id)
    }
  })
})

describe('membership changes while connected', () => {
  function watchCloses(c: TestClient): number[] {
    const codes: number[] = []
    c.provider.on('connection-close', (event) => codes.push(event?.code ?? -1))
    return codes
  }

  it('a redacteur made lezer is disconnected with 4100, reconnects, and from then on its edits are dropped', async () => {
    const rik = client(people.redacteur)
    const observer = client(people.commentator)
    await Promise.all([synced(rik), synced(observer)])
    rik.provider.awareness.setLocalStateField('user', { name: 'Rik' })
    appendParagraph(rik.doc, articleId, 'Nog als redacteur')
    await waitFor(() => stateOf(observer.doc).includes('Nog als redacteur'), 5000, 'the redacteur\'s edit')
    const closes = watchCloses(rik)

    const patch = await api(server, 'PATCH', `/api/statutes/${statuteId}/members/${people.redacteur.user.id}`, { role: 'lezer' })
    expect(patch.status).toBe(200)
    await waitFor(() => closes.includes(CloseCode.accessChanged), 5000, 'the 4100 close')
    expect(closes[0]).toBe(CloseCode.accessChanged)
    // It reconnects on its own (4100 is not a permanent refusal) and syncs again.
    await waitFor(() => rik.provider.wsconnected && rik.provider.synced, 10_000, 'the reconnect')
    expect(rik.provider.shouldConnect).toBe(true)
    // The others see the person again, now as lezer, from their next presence change on (a
    // y-websocket client announces itself again with its old clock, which the others already saw).
    rik.provider.awareness.setLocalStateField('cursor', caretAt(3))
    await waitFor(() => presenceOf(observer, rik.doc.clientID)?.user?.role === 'lezer', 5000, 'the new role in presence')

    appendParagraph(rik.doc, articleId, 'Na de degradatie')
    await roundTrip(socketOf(rik))
    const hostile = await admitted(people.redacteur)
    for (const frame of hostileFrames(observer.doc, 'Degradatie omzeild')) hostile.ws.send(frame)
    await roundTrip(hostile.ws)
    const room = server.rooms.openRooms.get(statuteId)!
    await room.settle()
    expect(stateOf(room.doc)).not.toContain('Na de degradatie')
    expect(stateOf(room.doc)).not.toContain('Degradatie omzeild')
    expect(stateOf(observer.doc)).not.toContain('Na de degradatie')
    const expected = stateOf(observer.doc)
    expect(expected).toContain('Nog als redacteur')
    await expectStoredAfterRestart(expected, ['Na de degradatie', 'Degradatie omzeild'])
  })

  it('a lezer made redacteur is disconnected with 4100 and may edit after reconnecting (control)', async () => {
    const lea = client(people.lezer)
    const observer = client(people.commentator)
    await Promise.all([synced(lea), synced(observer)])
    const closes = watchCloses(lea)
    const patch = await api(server, 'PATCH', `/api/statutes/${statuteId}/members/${people.lezer.user.id}`, { role: 'redacteur' })
    expect(patch.status).toBe(200)
    await waitFor(() => closes.includes(CloseCode.accessChanged), 5000, 'the 4100 close')
    await waitFor(() => lea.provider.wsconnected && lea.provider.synced, 10_000, 'the reconnect')
    appendParagraph(lea.doc, articleId, 'Nu als redacteur')
    await waitFor(() => stateOf(observer.doc).includes('Nu als redacteur'), 5000, 'the promoted member\'s edit')
  })

  it('a removed member is disconnected with 4100 and refused with 4404 when reconnecting', async () => {
    const rik = client(people.redacteur)
    const observer = client(people.commentator)
    await Promise.all([synced(rik), synced(observer)])
    const closes = watchCloses(rik)
    const removal = await api(server, 'DELETE', `/api/statutes/${statuteId}/members/${people.redacteur.user.id}`)
    expect(removal.status).toBe(204)
    const closed = await within(rik.closed, 10_000, 'the final refusal')
    expect(closes[0]).toBe(CloseCode.accessChanged)
    expect(closed.code).toBe(CloseCode.notFound)
    expect(rik.provider.shouldConnect).toBe(false)
    // Nothing typed afterwards reaches anyone.
    appendParagraph(rik.doc, articleId, 'Na verwijdering')
    await new Promise((r) => setTimeout(r, 200))
    expect(stateOf(observer.doc)).not.toContain('Na verwijdering')
    expect((await refusal(raw(people.redacteur.token))).code).toBe(CloseCode.notFound)
  })
})
