/**
 * Two instances sharing PostgreSQL and Redis, in one test process (real sockets, real PostgreSQL,
 * real Redis): people on different instances co-edit live, see each other's presence, and get the
 * same agreements, comments, phases and access changes; a lost Redis connection is repaired from
 * storage; garbage on Redis channels changes nothing.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { readOutline } from '../../model/statuteDoc.js'
import { CloseCode } from '../../model/protocol.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { appendParagraph, articleText } from '../helpers/ydocs.js'
import { listenToEvents } from '../helpers/eventStream.js'
import { freshSchema, type FreshSchema } from '../helpers/postgres.js'
import { seededRandom } from '../helpers/prng.js'

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

let schema: FreshSchema
let prefix: string
let a: TestServer
let b: TestServer
const clients: TestClient[] = []

function client(server: TestServer, statuteId: string, token?: string): TestClient {
  const created = connectClient(server.wsUrl, statuteId, token === undefined ? {} : { token })
  clients.push(created)
  return created
}

async function startPair(): Promise<void> {
  schema = await freshSchema()
  prefix = `test-${randomUUID().slice(0, 8)}`
  const shared = { databaseUrl: schema.url, databaseSchema: schema.schema, redisUrl: REDIS_URL, redisPrefix: prefix }
  a = await startTestServer(shared)
  b = await startTestServer(shared)
}

beforeEach(startPair)

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await Promise.allSettled([a?.close(), b?.close()])
  await schema?.drop()
})

function firstArticle(c: TestClient): string {
  return readOutline(c.doc).chapters[0]!.articles[0]!.id
}

describe('two instances, one database, one Redis', () => {
  it('relays text and presence between people on different instances', async () => {
    const id = await createStatute(a)
    const onA = client(a, id)
    const onB = client(b, id)
    await Promise.all([synced(onA), synced(onB)])
    const articleId = firstArticle(onA)
    appendParagraph(onA.doc, articleId, 'Via instantie A.')
    appendParagraph(onB.doc, articleId, 'Via instantie B.')
    await waitFor(() => stateOf(onA.doc) === stateOf(onB.doc) && articleText(onA.doc, articleId).includes('Via instantie B.') && articleText(onB.doc, articleId).includes('Via instantie A.'), 10_000, 'both edits on both instances')

    // Presence crosses too, vouched for by the instance the person is connected to.
    onA.provider.awareness.setLocalStateField('user', { name: 'Verzonnen naam', color: '#112233' })
    await waitFor(() => {
      const seen = onB.provider.awareness.getStates().get(onA.doc.clientID) as { user?: { name?: string; color?: string } } | undefined
      return seen?.user?.name === 'Beheerder Test' && seen.user.color === '#112233'
    }, 10_000, 'presence of A on B')
    // Leaving is relayed as well.
    onA.provider.disconnect()
    await waitFor(() => !onB.provider.awareness.getStates().has(onA.doc.clientID), 10_000, 'presence removed on B')
  })

  it('stores each update once, whichever instance received it', async () => {
    const id = await createStatute(a)
    const onA = client(a, id)
    const onB = client(b, id)
    await Promise.all([synced(onA), synced(onB)])
    const articleId = firstArticle(onA)
    const before = (await a.store.loadDocument(id))!.logLength
    for (let i = 0; i < 5; i++) appendParagraph(i % 2 ? onB.doc : onA.doc, articleId, `Regel ${i}`)
    await waitFor(() => stateOf(onA.doc) === stateOf(onB.doc) && articleText(onA.doc, articleId).includes('Regel 4') && articleText(onB.doc, articleId).includes('Regel 0'), 10_000, 'converged')
    await Promise.all([a.rooms.openRooms.get(id)!.settle(), b.rooms.openRooms.get(id)!.settle()])
    // Five client changes: at most five log entries (changes arriving together are stored
    // together), never ten: the receiving instance does not store again.
    const entries = (await a.store.loadDocument(id))!.logLength - before
    expect(entries).toBeGreaterThanOrEqual(2)
    expect(entries).toBeLessThanOrEqual(5)
    // /metrics tells the two apart: stored from a client here (3 on A), or relayed from elsewhere:
    // every entry B stored (its changes that arrived together are one entry) reached A once.
    const metricsOf = async (server: TestServer): Promise<string> => (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.admin.token}` } })).text()
    const [text, textB] = [await metricsOf(a), await metricsOf(b)]
    expect(text).toMatch(/samenspel_info\{storage="postgres",relay="redis"\} 1/)
    expect(text).toMatch(/samenspel_updates_total\{source="client"\} 3\n/)
    expect(textB).toMatch(/samenspel_updates_total\{source="client"\} 2\n/)
    const storedByB = Number(/samenspel_persist_seconds_count (\d+)\n/.exec(textB)?.[1])
    expect(storedByB).toBeGreaterThanOrEqual(1)
    expect(text).toMatch(new RegExp(`samenspel_updates_total\\{source="relay"\\} ${storedByB}\\n`))
    expect(text).toMatch(/samenspel_relay_connected 1\n/)
  })

  it('passes comments, agreements and phase changes to event streams and rooms on the other instance', async () => {
    const id = await createStatute(a)
    const streamOnB = await listenToEvents(b, id, b.admin.token)
    await streamOnB.connected()
    const onA = client(a, id)
    await synced(onA)
    const articleId = firstArticle(onA)
    const started = await api<{ threadId: string }>(a, 'POST', `/api/statutes/${id}/threads`, { articleId, body: 'Graag korter.', mentions: [] })
    expect(started.status).toBe(201)
    await waitFor(() => streamOnB.events.some((e) => e.type === 'comments'), 10_000, 'comment event on B')
    // The thread itself is in the shared database.
    const threads = await api<{ threads: Array<{ id: string }> }>(b, 'GET', `/api/statutes/${id}/threads`)
    expect(threads.body.threads.map((t) => t.id)).toContain(started.body.threadId)

    // An editor connected to B is told when A freezes the text, and cannot change it afterwards.
    const onB = client(b, id)
    await synced(onB)
    const closes: number[] = []
    onB.provider.on('connection-close', (event) => {
      if (event) closes.push(event.code)
    })
    expect((await api(a, 'PUT', `/api/statutes/${id}/phase`, { phase: 'ter-vaststelling' })).status).toBe(200)
    await waitFor(() => streamOnB.events.some((e) => e.type === 'phase'), 10_000, 'phase event on B')
    await waitFor(() => closes.includes(CloseCode.accessChanged), 10_000, 'B closes editors on freeze')
    await synced(onB)
    const frozenText = articleText(onA.doc, articleId)
    appendParagraph(onB.doc, articleId, 'Na bevriezen.')
    await new Promise((resolve) => setTimeout(resolve, 500))
    await b.rooms.openRooms.get(id)?.settle()
    expect(articleText(onA.doc, articleId)).toBe(frozenText)
    streamOnB.close()
  })

  it('ends a removed member’s connection on the other instance', async () => {
    const id = await createStatute(a)
    const editor = await createTestUser(a, 'Wethouder Cluster')
    await addMember(a, id, editor, 'redacteur', 'College')
    const onB = client(b, id, editor.token)
    await synced(onB)
    const removed = await api(a, 'DELETE', `/api/statutes/${id}/members/${editor.user.id}`)
    expect(removed.status).toBe(204)
    // Reconnecting without membership: the server says the statute is unknown (and y-websocket stops).
    const closed = await onB.closed
    expect([CloseCode.accessChanged, CloseCode.notFound]).toContain(closed.code)
    await waitFor(() => onB.provider.wsconnected === false, 10_000, 'disconnected')
  })

  it('ends a removed member’s event stream on the other instance', async () => {
    const id = await createStatute(a)
    const editor = await createTestUser(a, 'Raadslid Stroom')
    await addMember(a, id, editor, 'redacteur', 'Raad')
    const streamOnB = await listenToEvents(b, id, editor.token)
    await streamOnB.connected()
    const adminOnB = await listenToEvents(b, id, a.admin.token)
    await adminOnB.connected()
    const removed = await api(a, 'DELETE', `/api/statutes/${id}/members/${editor.user.id}`)
    expect(removed.status).toBe(204)
    await waitFor(() => streamOnB.ended, 10_000, "the removed member's stream on B to end")
    expect(adminOnB.ended).toBe(false)
    expect(b.events.subscriberCount).toBe(1)
    adminOnB.close()
  })

  it('repairs from storage what a lost Redis connection missed', async () => {
    const id = await createStatute(a)
    const onA = client(a, id)
    const onB = client(b, id)
    await Promise.all([synced(onA), synced(onB)])
    const articleId = firstArticle(onA)
    // Cut B's subscriber connection (as a Redis restart or network failure would), then edit on A
    // at once: B may miss the message, and must find the change in storage after reconnecting.
    const admin = new Redis(REDIS_URL)
    try {
      const list = (await admin.client('LIST')) as string
      const subscriber = list.split('\n').find((line) => line.includes(`name=${prefix}:sub:${b.relay.instanceId}`))
      expect(subscriber).toBeDefined()
      const clientId = /\bid=(\d+)/.exec(subscriber!)![1]!
      await admin.client('KILL', 'ID', clientId)
    } finally {
      admin.disconnect()
    }
    // B notices (its reconnect waits at least 200 ms), and the edit is published meanwhile.
    await waitFor(() => !b.relay.connected, 5000, 'B cut off')
    appendParagraph(onA.doc, articleId, 'Terwijl B even weg was.')
    await waitFor(() => articleText(onB.doc, articleId).includes('Terwijl B even weg was.'), 15_000, 'the change reaches B')
    await waitFor(() => b.relay.stats().gaps >= 1, 10_000, 'gap counted')
    expect(stateOf(onB.doc)).toBe(stateOf(onA.doc))
  })

  it('ignores garbage on its Redis channels', async () => {
    const id = await createStatute(a)
    const onA = client(a, id)
    const onB = client(b, id)
    await Promise.all([synced(onA), synced(onB)])
    const random = seededRandom(8)
    const publisher = new Redis(REDIS_URL)
    try {
      for (let i = 0; i < 30; i++) await publisher.publish(`${prefix}:room:${id}`, Buffer.from(random.bytes(random.int(0, 200))))
      await publisher.publish(`${prefix}:events`, 'niet eens JSON')
      await publisher.publish(`${prefix}:events`, JSON.stringify({ from: 'x', event: { type: 'frozen' } }))
      await publisher.publish(`${prefix}:events`, JSON.stringify({ from: 'x', event: { type: 'disconnect-user' } }))
    } finally {
      publisher.disconnect()
    }
    const articleId = firstArticle(onA)
    appendParagraph(onA.doc, articleId, 'Nog steeds live.')
    await waitFor(() => articleText(onB.doc, articleId).includes('Nog steeds live.'), 10_000, 'relay still works')
    expect((await api(b, 'GET', '/healthz')).status).toBe(200)
  })

  it('converges when both instances load one statute and everyone types at once (seeded)', async () => {
    const id = await createStatute(a)
    const random = seededRandom(20261130)
    const people = Array.from({ length: 6 }, (_, i) => client(i % 2 ? b : a, id))
    await Promise.all(people.map((p) => synced(p)))
    const articles = readOutline(people[0]!.doc).chapters.flatMap((c) => c.articles.map((x) => x.id))
    for (let round = 0; round < 40; round++) {
      const who = random.pick(people)
      appendParagraph(who.doc, random.pick(articles), `ronde ${round} ${random.int(0, 9999)}`)
      if (random.chance(0.3)) await new Promise((resolve) => setTimeout(resolve, random.int(0, 20)))
    }
    await waitFor(() => people.every((p) => stateOf(p.doc) === stateOf(people[0]!.doc)), 20_000, 'all six converge')
    for (const round of [0, 39]) expect(stateOf(people[0]!.doc)).toContain(`ronde ${round} `)
  })
})
