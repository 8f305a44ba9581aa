/**
 * Bad input against a real server, one case per test. Each case checks that
 *  - the sender gets a clear error: HTTP 4xx with JSON { code, message }, or a websocket close with a
 *    44xx code and a reason;
 *  - the server keeps running (/healthz) and two other people editing the same statute stay
 *    connected and keep receiving each other's edits and presence;
 *  - nothing stored is lost: after a server restart the statute is exactly what they had.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { CloseCode, MessageType } from '../../model/protocol.js'
import { addChapter, readOutline } from '../../model/statuteDoc.js'
import { api, startTestServer } from '../helpers/server.js'
import { connectClient, synced, waitFor } from '../helpers/clients.js'
import { seededRandom } from '../helpers/prng.js'
import { appendParagraph } from '../helpers/ydocs.js'
import {
  awarenessFrame,
  awarenessPayload,
  caretAt,
  openRawSocket,
  syncUpdateFrame,
  within,
  type RawSocket,
} from '../helpers/rawSocket.js'
import { expectNothingLost, expectUndisturbed, setUpScene, shadowOf, tearDownScene, updateFrom, type Scene } from '../helpers/bystanders.js'

const MAX_MESSAGE_BYTES = 64 * 1024

let scene: Scene | undefined

beforeEach(async () => {
  const server = await startTestServer({ maxMessageBytes: MAX_MESSAGE_BYTES })
  scene = await setUpScene(server)
})

afterEach(async () => {
  await tearDownScene(scene)
  scene = undefined
})

function current(): Scene {
  if (!scene) throw new Error('no scene')
  return scene
}

/** A raw socket to the scene's statute (or another path under /collab/), cleaned up afterwards. */
async function rawSocket(path?: string): Promise<RawSocket> {
  const s = current()
  const raw = openRawSocket(`${s.server.wsUrl}/${path ?? s.statuteId}`)
  s.extra.push({ destroy: () => raw.ws.terminate() })
  return raw
}

/** Opens a raw socket to the statute and waits for the server's first sync message. */
async function connectedRawSocket(): Promise<RawSocket> {
  const raw = await rawSocket()
  await within(raw.opened, 5000, 'the raw socket to open')
  const start = Date.now()
  while (raw.messages.length === 0) {
    if (Date.now() - start > 5000) throw new Error('no sync step 1 from the server')
    await new Promise((r) => setTimeout(r, 5))
  }
  expect(raw.messages[0]![0]).toBe(MessageType.sync)
  return raw
}

async function expectClosedWith(raw: RawSocket, code: number, reason?: RegExp): Promise<void> {
  const close = await within(raw.closed, 5000, `close code ${code}`)
  expect(close.code).toBe(code)
  expect(close.reason.trim().length).toBeGreaterThan(0)
  if (reason) expect(close.reason).toMatch(reason)
}

/** Number of statutes in the list (bad requests must not create any). */
async function statuteCount(): Promise<number> {
  const { status, body } = await api<{ statutes: unknown[] }>(current().server, 'GET', '/api/statutes')
  expect(status).toBe(200)
  return body.statutes.length
}

/** A raw HTTP request; returns status, content type and parsed JSON body. */
async function request(
  method: string,
  path: string,
  init: { body?: string; contentType?: string | null } = {},
): Promise<{ status: number; type: string; body: { code?: unknown; message?: unknown; details?: unknown } }> {
  // Signed in as the administrator, so each case reaches the validation it is about.
  const headers: Record<string, string> = { authorization: `Bearer ${current().server.admin.token}` }
  if (init.contentType) headers['content-type'] = init.contentType
  const response = await fetch(current().server.url + path, {
    method,
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  })
  const text = await response.text()
  let body: { code?: unknown; message?: unknown; details?: unknown }
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    throw new Error(`expected a JSON body, got ${response.status}: ${text.slice(0, 200)}`)
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', body }
}

function expectJsonError(
  response: Awaited<ReturnType<typeof request>>,
  status: number,
  code: string,
): void {
  expect(response.status).toBe(status)
  expect(response.type).toMatch(/^application\/json/)
  expect(response.body.code).toBe(code)
  expect(typeof response.body.message).toBe('string')
  expect((response.body.message as string).length).toBeGreaterThan(0)
}

/** Changes to one person's presence as Bram sees them (removed or replaced), from now on. */
function watchPresenceOf(s: Scene, clientId: number): string[] {
  const seen: string[] = []
  s.b.provider.awareness.on('change', ({ updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    if (removed.includes(clientId)) seen.push('removed')
    if (updated.includes(clientId)) seen.push(`updated to ${JSON.stringify(s.b.provider.awareness.getStates().get(clientId))}`)
  })
  return seen
}

/** The common check after every case: server up, bystanders undisturbed, nothing stored lost. */
async function expectServerAndOthersFine(absent: readonly string[] = []): Promise<void> {
  const s = current()
  await expectUndisturbed(s)
  await expectNothingLost(s, absent)
}

describe('bad websocket input', () => {
  it('a garbage binary frame (random bytes) closes only that connection with 4400', async () => {
    const raw = await connectedRawSocket()
    const garbage = seededRandom(20240601).bytes(512)
    // Whatever the seed gives, the first varint must not be a known type: 2 (auth) is ignored and
    // 3 (query awareness) answered, both legitimately.
    garbage[0] = 0xf7
    raw.ws.send(garbage)
    await expectClosedWith(raw, CloseCode.badMessage)
    await expectServerAndOthersFine()
  })

  it('a text frame closes only that connection with 4400', async () => {
    const raw = await connectedRawSocket()
    raw.ws.send('{"type":"update","text":"hallo"}')
    await expectClosedWith(raw, CloseCode.badMessage, /binar/i)
    await expectServerAndOthersFine(['hallo'])
  })

  it('an unknown message type closes only that connection with 4400', async () => {
    const raw = await connectedRawSocket()
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 99)
    encoding.writeVarUint8Array(encoder, new Uint8Array([1, 2, 3]))
    raw.ws.send(encoding.toUint8Array(encoder))
    await expectClosedWith(raw, CloseCode.badMessage, /99/)
    await expectServerAndOthersFine()
  })

  it('a sync update whose payload is not a Yjs update closes only that connection with 4400', async () => {
    const raw = await connectedRawSocket()
    const payload = seededRandom(7).bytes(300)
    expect(() => Y.decodeUpdate(payload)).toThrow()
    raw.ws.send(syncUpdateFrame(payload))
    await expectClosedWith(raw, CloseCode.badMessage)
    await expectServerAndOthersFine()
  })

  it('a corrupted update that decodes but fails while being applied closes that connection and leaves others consistent', async () => {
    const s = current()
    const valid = updateFrom(s.a.doc, (doc) => appendParagraph(doc, s.articleId, 'Beschadigde bijdrage'))
    // Flip bytes until Yjs accepts the update's shape but throws while integrating it.
    const random = seededRandom(11)
    let corrupted: Uint8Array | undefined
    for (let attempt = 0; attempt < 100_000 && !corrupted; attempt++) {
      const candidate = valid.slice()
      for (let i = random.int(1, 3); i > 0; i--) candidate[random.int(0, candidate.length - 1)] = random.int(0, 255)
      try {
        Y.decodeUpdate(candidate)
      } catch {
        continue
      }
      const probe = shadowOf(s.a.doc)
      try {
        Y.applyUpdate(probe, candidate)
      } catch {
        corrupted = candidate
      }
      probe.destroy()
    }
    expect(corrupted).toBeDefined()
    const raw = await connectedRawSocket()
    raw.ws.send(syncUpdateFrame(corrupted!))
    await expectClosedWith(raw, CloseCode.badMessage)
    await expectServerAndOthersFine()
  })

  it('a truncated frame closes only that connection with 4400 and stores nothing of it', async () => {
    const s = current()
    const raw = await connectedRawSocket()
    const frame = syncUpdateFrame(updateFrom(s.a.doc, (doc) => appendParagraph(doc, s.articleId, 'Afgekapte bijdrage')))
    raw.ws.send(frame.slice(0, Math.floor(frame.length * 0.6)))
    await expectClosedWith(raw, CloseCode.badMessage)
    await expectServerAndOthersFine(['Afgekapte bijdrage'])
  })

  it('a message larger than the configured limit closes that connection with 4413 and stores nothing of it', async () => {
    const s = current()
    expect(s.server.config.maxMessageBytes).toBe(MAX_MESSAGE_BYTES)
    const raw = await connectedRawSocket()
    const update = updateFrom(s.a.doc, (doc) => appendParagraph(doc, s.articleId, 'Te grote bijdrage ' + 'x'.repeat(100 * 1024)))
    const frame = syncUpdateFrame(update)
    expect(frame.byteLength).toBeGreaterThan(100 * 1024)
    raw.ws.send(frame)
    await expectClosedWith(raw, CloseCode.tooLarge)
    await expectServerAndOthersFine(['Te grote bijdrage'])
  })

  it('a connection to an unknown statute is refused with 4404 (and y-websocket stops retrying)', async () => {
    const s = current()
    const raw = await rawSocket('bestaat-niet-0123')
    await expectClosedWith(raw, CloseCode.notFound)
    const client = connectClient(s.server.wsUrl, 'bestaat-niet-0123')
    s.extra.push(client)
    const closed = await within(client.closed, 5000, 'y-websocket to give up')
    expect(closed.code).toBe(CloseCode.notFound)
    expect(closed.reason.length).toBeGreaterThan(0)
    expect(client.provider.shouldConnect).toBe(false)
    expect(s.server.rooms.openRooms.has('bestaat-niet-0123')).toBe(false)
    await expectServerAndOthersFine()
  })

  it('a connection to a malformed statute id (/collab/..%2F..) is refused with 4404', async () => {
    const raw = await rawSocket('..%2F..')
    await expectClosedWith(raw, CloseCode.notFound)
    await expectServerAndOthersFine()
  })

  it('a connection with broken percent-encoding in the id (/collab/%E0%A4%A) is refused with 4404', async () => {
    const raw = await rawSocket('%E0%A4%A')
    await expectClosedWith(raw, CloseCode.notFound)
    await expectServerAndOthersFine()
  })

  it('an upgrade request for an unparsable path (//) is answered with HTTP 400 JSON', async () => {
    const s = current()
    const ws = new WebSocket(s.server.url.replace('http', 'ws') + '//')
    s.extra.push({ destroy: () => ws.terminate() })
    const refusal = await within(
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        ws.on('unexpected-response', (_req, res) => {
          let body = ''
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        })
        ws.on('open', () => reject(new Error('upgrade accepted')))
        ws.on('error', () => undefined)
      }),
      5000,
      'the upgrade to be refused',
    )
    expect(refusal.status).toBe(400)
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 'bad_request', message: expect.any(String) })
    await expectServerAndOthersFine()
  })

  it('a malformed awareness message closes that connection with 4400 and does not remove anyone else\'s presence', async () => {
    const s = current()
    const seenByBram = watchPresenceOf(s, s.a.doc.clientID)
    const raw = await connectedRawSocket()
    // Starts like an entry for Anna's client id, then ends before clock and state.
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, s.a.doc.clientID)
    raw.ws.send(awarenessFrame(encoding.toUint8Array(encoder)))
    await expectClosedWith(raw, CloseCode.badMessage)
    // Give a wrongly relayed removal time to arrive.
    await new Promise((r) => setTimeout(r, 200))
    expect(seenByBram).toEqual([])
    await expectServerAndOthersFine()
  })

  it('an awareness message whose state is not JSON closes that connection with 4400 and applies none of it', async () => {
    const s = current()
    const seenByBram = watchPresenceOf(s, s.a.doc.clientID)
    const raw = await connectedRawSocket()
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 3)
    // Well-formed entries first (one even claims Anna's id with a newer clock), then a broken one.
    encoding.writeVarUint(encoder, 4242)
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarString(encoder, '{"user":{"name":"Indringer"}}')
    encoding.writeVarUint(encoder, s.a.doc.clientID)
    encoding.writeVarUint(encoder, 1000)
    encoding.writeVarString(encoder, '{"user":{"name":"Nep-Anna"}}')
    encoding.writeVarUint(encoder, 4343)
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarString(encoder, '{niet: json')
    raw.ws.send(awarenessFrame(encoding.toUint8Array(encoder)))
    await expectClosedWith(raw, CloseCode.badMessage)
    await new Promise((r) => setTimeout(r, 200))
    expect(s.b.provider.awareness.getStates().has(4242)).toBe(false)
    expect(s.b.provider.awareness.getStates().has(4343)).toBe(false)
    expect(seenByBram).toEqual([])
    const room = s.server.rooms.openRooms.get(s.statuteId)!
    expect(room.awareness.getStates().has(4242)).toBe(false)
    expect(room.awareness.getStates().get(s.a.doc.clientID)).toMatchObject({ user: { name: 'Anna' } })
    await expectServerAndOthersFine()
  })

  it('a well-formed awareness message is still accepted (control case for the two above)', async () => {
    const s = current()
    const raw = await connectedRawSocket()
    raw.ws.send(awarenessFrame(awarenessPayload(5151, 1, '{"user":{"name":"Ruwe client"}}')))
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (s.b.provider.awareness.getStates().get(5151)) resolve()
          else setTimeout(check, 10)
        }
        check()
      }),
      5000,
      'the raw client\'s presence at Bram',
    )
    raw.ws.close(1000)
    await within(raw.closed, 5000, 'close')
    // Its presence goes away with its connection.
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (!s.b.provider.awareness.getStates().has(5151)) resolve()
          else setTimeout(check, 10)
        }
        check()
      }),
      5000,
      'the raw client\'s presence to vanish',
    )
    await expectServerAndOthersFine()
  })

  it('a presence state with a crafted caret reaches the others without it, and without fields the server does not know', async () => {
    const s = current()
    const raw = await connectedRawSocket()
    // Each of these made Tiptap's caret plugin throw in every other member's editor.
    const crafted: unknown[] = [1, { anchor: 1 }, { anchor: { item: { client: 'a', clock: 0 } }, head: {} }, { anchor: { assoc: 0 } }]
    for (const [i, cursor] of crafted.entries()) {
      raw.ws.send(awarenessFrame(awarenessPayload(6000 + i, 1, JSON.stringify({ user: { name: 'Indringer', color: 'red' }, cursor, onbekend: 'x'.repeat(100) }))))
    }
    const caret = caretAt(4)
    raw.ws.send(awarenessFrame(awarenessPayload(6100, 1, JSON.stringify({ user: { name: 'Ruwe client', color: '#123456' }, cursor: caret }))))
    const states = s.b.provider.awareness.getStates()
    await waitFor(() => states.has(6100) && crafted.every((_, i) => states.has(6000 + i)), 5000, "the raw client's states at Bram")
    const admin = s.server.admin.user
    for (const [i] of crafted.entries()) {
      expect(states.get(6000 + i)).toEqual({ user: { name: admin.name, color: '#1d4ed8', role: expect.any(String), party: expect.any(String), userId: admin.id } })
    }
    expect(states.get(6100)).toEqual({ user: expect.objectContaining({ name: admin.name, color: '#123456' }), cursor: caret })
    await expectServerAndOthersFine()
  })

  it('a valid Yjs update with nonsense structure is stored but breaks neither reading nor the others', async () => {
    const s = current()
    const raw = await connectedRawSocket()
    const update = updateFrom(s.a.doc, (doc) => {
      doc.transact(() => {
        doc.getMap<unknown>('chapters').set('rommel', 'geen hoofdstuk')
        doc.getMap<unknown>('articles').set('rommel', Y.Array.from([1, 2, 3]))
        const broken = new Y.Map<unknown>()
        doc.getMap<unknown>('chapters').set('kapot', broken)
        broken.set('position', 12)
        broken.set('title', { geen: 'tekst' })
        doc.getMap<unknown>('statute').set('bodyType', 'koninkrijk')
      })
    })
    raw.ws.send(syncUpdateFrame(update))
    // The others receive it and still read the statute.
    await waitFor(() => readOutline(s.b.doc).chapters.some((c) => c.id === 'kapot'), 5000, 'the nonsense to arrive')
    const response = await api<{ bodyType: string; chapters: Array<{ id: string; title: string }> }>(
      s.server,
      'GET',
      `/api/statutes/${s.statuteId}`,
    )
    expect(response.status).toBe(200)
    expect(response.body.bodyType).toBe('gemeente')
    expect(response.body.chapters.find((c) => c.id === 'kapot')?.title).toBe('')
    // And the structure can still be edited next to it.
    const added = addChapter(s.a.doc, { title: 'Na de rommel' })
    await waitFor(() => readOutline(s.b.doc).chapters.some((c) => c.id === added), 5000, 'the new chapter')
    expect(raw.ws.readyState).toBe(WebSocket.OPEN)
    await expectServerAndOthersFine()
  })

  it('after a refused connection a newly joining client still syncs normally', async () => {
    const s = current()
    const raw = await connectedRawSocket()
    raw.ws.send('tekst')
    await expectClosedWith(raw, CloseCode.badMessage)
    // A second client joins after the refusal and syncs normally.
    const late = connectClient(s.server.wsUrl, s.statuteId, { name: 'Laat' })
    s.extra.push(late)
    await synced(late)
    expect(readOutline(late.doc).chapters[0]!.articles[0]!.id).toBe(s.articleId)
    await expectServerAndOthersFine()
  })
})

describe('bad HTTP input', () => {
  it('garbage JSON to POST /api/statutes gives 400', async () => {
    const before = await statuteCount()
    const response = await request('POST', '/api/statutes', { body: '{"title": "Half', contentType: 'application/json' })
    expectJsonError(response, 400, 'bad_request')
    expect(await statuteCount()).toBe(before)
    await expectServerAndOthersFine()
  })

  it('wrong types ({ title: 5 }) give 400 with details per field', async () => {
    const before = await statuteCount()
    const response = await request('POST', '/api/statutes', { body: JSON.stringify({ title: 5, bodyType: 'kerk' }), contentType: 'application/json' })
    expectJsonError(response, 400, 'bad_request')
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'title', message: expect.any(String) }),
        expect.objectContaining({ path: 'bodyType', message: expect.any(String) }),
      ]),
    )
    expect(response.body.message).toContain('title')
    expect(await statuteCount()).toBe(before)
    await expectServerAndOthersFine()
  })

  it('a missing title gives 400 naming the field', async () => {
    const before = await statuteCount()
    const response = await request('POST', '/api/statutes', { body: JSON.stringify({ organisation: 'Gemeente X' }), contentType: 'application/json' })
    expectJsonError(response, 400, 'bad_request')
    expect(response.body.details).toEqual([expect.objectContaining({ path: 'title' })])
    const blank = await request('POST', '/api/statutes', { body: JSON.stringify({ title: '   ' }), contentType: 'application/json' })
    expectJsonError(blank, 400, 'bad_request')
    expect(blank.body.message).toContain('Geef het statuut een titel.')
    expect(await statuteCount()).toBe(before)
    await expectServerAndOthersFine()
  })

  it('an unknown extra field gives 400 naming the field', async () => {
    const before = await statuteCount()
    const response = await request('POST', '/api/statutes', { body: JSON.stringify({ title: 'Statuut', eigenaar: 'ik' }), contentType: 'application/json' })
    expectJsonError(response, 400, 'bad_request')
    expect(JSON.stringify(response.body.details)).toContain('eigenaar')
    expect(await statuteCount()).toBe(before)
    await expectServerAndOthersFine()
  })

  it('a body over the size limit gives 413', async () => {
    const before = await statuteCount()
    const limit = current().server.config.maxBodyBytes
    const body = JSON.stringify({ title: 'Groot', organisation: 'x'.repeat(limit) })
    const response = await request('POST', '/api/statutes', { body, contentType: 'application/json' })
    expectJsonError(response, 413, 'payload_too_large')
    expect(await statuteCount()).toBe(before)
    await expectServerAndOthersFine()
  })

  it('a wrong content type gives 415 (text/plain, form data, XML)', async () => {
    const before = await statuteCount()
    const json = JSON.stringify({ title: 'Statuut' })
    for (const contentType of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await request('POST', '/api/statutes', { body: json, contentType })
      expectJsonError(response, 415, 'unsupported_media_type')
    }
    // No content type at all (a byte body, so fetch adds none).
    const bare = await fetch(current().server.url + '/api/statutes', {
      method: 'POST',
      headers: { authorization: `Bearer ${current().server.admin.token}` },
      body: new TextEncoder().encode(json),
    })
    expect(bare.status).toBe(415)
    expect(await bare.json()).toMatchObject({ code: 'unsupported_media_type', message: expect.any(String) })
    expect(await statuteCount()).toBe(before)
    await expectServerAndOthersFine()
  })

  it('GET /api/statutes/<unknown id> gives 404', async () => {
    const response = await request('GET', '/api/statutes/bestaat-niet-0123')
    expectJsonError(response, 404, 'not_found')
    expect(current().server.rooms.openRooms.has('bestaat-niet-0123')).toBe(false)
    await expectServerAndOthersFine()
  })

  it('a malformed statute id gives 400', async () => {
    for (const id of ['Hoofdletters', 'met_underscore', 'a'.repeat(65), '..%2F..', '%20']) {
      const response = await request('GET', `/api/statutes/${id}`)
      expectJsonError(response, 400, 'bad_request')
      expect(response.body.details).toEqual([expect.objectContaining({ path: 'id' })])
    }
    await expectServerAndOthersFine()
  })

  it('broken percent-encoding in the URL gives 400 in the usual error shape', async () => {
    const response = await request('GET', '/api/statutes/%E0%A4%A')
    expectJsonError(response, 400, 'bad_request')
    expect(Object.keys(response.body).sort()).toEqual(['code', 'message'])
    await expectServerAndOthersFine()
  })

  it('a path parameter over the router\'s length limit gives 414 in the usual error shape', async () => {
    const response = await request('GET', `/api/statutes/${'a'.repeat(150)}`)
    expectJsonError(response, 414, 'uri_too_long')
    expect(Object.keys(response.body).sort()).toEqual(['code', 'message'])
    await expectServerAndOthersFine()
  })

  it('a version number beyond what can be stored (3000000000) gives 400, not a database error', async () => {
    const id = current().statuteId
    for (const path of [`/api/statutes/${id}/versions/3000000000`, `/api/statutes/${id}/compare?from=3000000000`, `/api/statutes/${id}/export.docx?version=3000000000`]) {
      const response = await request('GET', path)
      expect(response.status, path).toBe(400)
      expect(response.body.code, path).toBe('bad_request')
    }
    // The largest storable number is simply not there.
    expect((await request('GET', `/api/statutes/${id}/versions/2147483647`)).status).toBe(404)
    await expectServerAndOthersFine()
  })

  it('an unknown /api route gives 404 JSON', async () => {
    for (const [method, path] of [
      ['GET', '/api/onbekend'],
      ['GET', '/api'],
      ['DELETE', `/api/statutes/${current().statuteId}`],
      ['POST', '/api/statutes/extra/pad'],
    ] as const) {
      const response = await request(method, path, method === 'POST' ? { body: '{}', contentType: 'application/json' } : {})
      expectJsonError(response, 404, 'not_found')
    }
    await expectServerAndOthersFine()
  })
})
