/**
 * Two instances as child processes sharing PostgreSQL and Redis, with people typing through a load
 * balancer and directly at each instance. One instance is killed (SIGKILL) mid-stream and started
 * again; later the other is stopped gracefully (SIGTERM) and started again. Randomized with fixed
 * seeds. Afterwards everyone has the same text, and every update an instance ever relayed to a
 * client is in the database.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readOutline, articleFragment } from '../../model/statuteDoc.js'
import { CloseCode } from '../../model/protocol.js'
import { PgStore } from '../../server/storage/postgres/PgStore.js'
import { docFromUpdates } from '../../server/collaboration/docState.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { appendParagraph } from '../helpers/ydocs.js'
import { freshSchema, type FreshSchema } from '../helpers/postgres.js'
import { seededRandom, type Random } from '../helpers/prng.js'
import { Balancer, instanceToken, startInstance, type Instance } from '../helpers/instances.js'

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

let schema: FreshSchema | undefined
let running: Instance[] = []
let balancer: (Balancer & { port: number }) | undefined
let clients: TestClient[] = []

afterEach(async () => {
  for (const c of clients) c.destroy()
  clients = []
  await balancer?.close()
  await Promise.allSettled(running.map((instance) => instance.kill('SIGKILL')))
  running = []
  await schema?.drop()
})

interface Typist {
  readonly client: TestClient
  readonly via: string
  /** Every update the server sent this client. */
  readonly received: Uint8Array[]
  /** Close codes the server sent. */
  readonly closes: number[]
}

/** One random edit: a new paragraph, a word inserted into one, or a paragraph removed. */
function randomEdit(random: Random, doc: Y.Doc, articles: readonly string[], label: string): void {
  const body = articleFragment(doc, random.pick(articles), 'body')
  if (!body) return
  const roll = random.next()
  if (roll < 0.55 || body.length === 0) {
    const paragraph = new Y.XmlElement('paragraph')
    doc.transact(() => {
      body.insert(random.int(0, body.length), [paragraph])
      paragraph.insert(0, [new Y.XmlText(`${label} `)])
    })
  } else if (roll < 0.9) {
    const paragraph = body.get(random.int(0, body.length - 1))
    const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : undefined
    if (text instanceof Y.XmlText) text.insert(random.int(0, text.length), `${label} `)
  } else {
    body.delete(random.int(0, body.length - 1), 1)
  }
}

async function runScenario(seed: number): Promise<void> {
  const random = seededRandom(seed)
  schema = await freshSchema()
  const env = { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, REDIS_URL, REDIS_PREFIX: `kill-${randomUUID().slice(0, 8)}` }
  // Both start at once against an empty database: migrations and the first administrator race.
  let [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)])
  running = [a!, b!]
  const token = await instanceToken(a!)
  const created = await fetch(`${a!.url}/api/statutes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Statuut onder vuur', organisation: 'Gemeente Killdorp' }),
  })
  expect(created.status).toBe(201)
  const statuteId = ((await created.json()) as { id: string }).id
  balancer = await Balancer.start([a!.port, b!.port])

  const targets = [
    { via: 'A', url: a!.wsUrl },
    { via: 'A', url: a!.wsUrl },
    { via: 'B', url: b!.wsUrl },
    { via: 'B', url: b!.wsUrl },
    { via: 'balancer', url: `ws://127.0.0.1:${balancer.port}/collab` },
    { via: 'balancer', url: `ws://127.0.0.1:${balancer.port}/collab` },
  ]
  const typists: Typist[] = targets.map(({ via, url }) => {
    const client = connectClient(url, statuteId, { token })
    clients.push(client)
    const typist: Typist = { client, via, received: [], closes: [] }
    client.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === client.provider) typist.received.push(update)
    })
    client.provider.on('connection-close', (event) => {
      if (event) typist.closes.push(event.code)
    })
    return typist
  })
  await Promise.all(typists.map((t) => synced(t.client, 20_000)))
  const articles = readOutline(typists[0]!.client.doc).chapters.flatMap((c) => c.articles.map((x) => x.id))

  const ticks = 160
  const killAt = random.int(20, 50)
  const restartAAt = killAt + random.int(15, 30)
  const termAt = random.int(100, 120)
  const restartBAt = termAt + random.int(10, 20)
  for (let tick = 0; tick < ticks; tick++) {
    const typist = random.pick(typists)
    randomEdit(random, typist.client.doc, articles, `s${seed}t${tick}`)
    await new Promise((resolve) => setTimeout(resolve, random.int(2, 25)))
    if (tick === killAt) {
      await a!.kill('SIGKILL')
    } else if (tick === restartAAt) {
      a = await startInstance('A', env, a!.port)
      running.push(a)
    } else if (tick === termAt) {
      const exit = await b!.kill('SIGTERM')
      // A graceful stop: everything was stored and the process says so with exit code 0.
      expect(exit, b!.output()).toEqual({ code: 0, signal: null })
    } else if (tick === restartBAt) {
      b = await startInstance('B', env, b!.port)
      running.push(b)
    }
  }

  // Everyone reconnects and converges.
  await waitFor(() => typists.every((t) => t.client.provider.synced && t.client.provider.wsconnected), 30_000, 'all reconnected')
  const expected = () => stateOf(typists[0]!.client.doc)
  await waitFor(() => typists.every((t) => stateOf(t.client.doc) === expected()), 30_000, 'all typists converge')

  // Clients of the stopped instance were told to come back (1012), not just dropped.
  expect(typists.filter((t) => t.via === 'B').every((t) => t.closes.includes(CloseCode.serviceRestart))).toBe(true)

  // The database holds every update any instance relayed: adding them all to what is stored changes nothing.
  const reader = new PgStore({ connectionString: schema.url, schema: schema.schema })
  try {
    const stored = await reader.loadDocument(statuteId)
    const fromDb = docFromUpdates(stored!.updates)
    const before = { state: stateOf(fromDb), vector: Y.encodeStateVector(fromDb) }
    expect(before.state).toBe(expected())
    for (const typist of typists) {
      expect(typist.received.length).toBeGreaterThan(0)
      Y.applyUpdate(fromDb, Y.mergeUpdates(typist.received))
    }
    expect(stateOf(fromDb)).toBe(before.state)
    expect(Y.encodeStateVector(fromDb)).toEqual(before.vector)
    fromDb.destroy()
  } finally {
    await reader.close()
  }
  // Plenty of the typed labels are there (some paragraphs were removed again on purpose).
  const labels = new Set(expected().match(new RegExp(`s${seed}t\\d+`, 'g')) ?? [])
  expect(labels.size).toBeGreaterThan(ticks / 4)
}

describe('two instances as processes, one killed mid-stream', () => {
  for (const seed of [1130, 2026]) {
    it(`loses nothing and converges (seed ${seed})`, { timeout: 120_000 }, async () => {
      await runScenario(seed)
    })
  }
})
