/**
 * One instance on SQLite with the update log committed without waiting for the disk
 * (SQLITE_SYNCHRONOUS_UPDATES=NORMAL, the weaker of the two settings), as a child process, killed
 * with SIGKILL while people type. Before it starts again, the
 * database file must hold every update the server had relayed to anyone; afterwards everyone
 * reconnects, converges, and what they converged on is stored. Randomized with fixed seeds.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readOutline } from '../../model/statuteDoc.js'
import { SqliteStore } from '../../server/storage/sqlite/SqliteStore.js'
import { docFromUpdates } from '../../server/collaboration/docState.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { tempDataDir } from '../helpers/server.js'
import { seededRandom } from '../helpers/prng.js'
import { instanceToken, startInstance, type Instance } from '../helpers/instances.js'
import { appendParagraph } from '../helpers/ydocs.js'

let running: Instance[] = []
let clients: TestClient[] = []

afterEach(async () => {
  for (const c of clients) c.destroy()
  clients = []
  await Promise.allSettled(running.map((instance) => instance.kill('SIGKILL')))
  running = []
})

/** The statute as stored in `dataDir`, read by a store of its own (the server is not running). */
async function storedDoc(dataDir: string, statuteId: string): Promise<Y.Doc> {
  const store = new SqliteStore(dataDir)
  try {
    const stored = await store.loadDocument(statuteId)
    return docFromUpdates(stored!.updates)
  } finally {
    await store.close()
  }
}

async function runScenario(seed: number): Promise<void> {
  const random = seededRandom(seed)
  const dataDir = tempDataDir()
  const env = { DATA_DIR: dataDir, SQLITE_SYNCHRONOUS_UPDATES: 'NORMAL' }
  let server = await startInstance('S', env)
  running.push(server)
  const token = await instanceToken(server)
  const created = await fetch(`${server.url}/api/statutes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Statuut zonder stroom', organisation: 'Gemeente Killdorp' }),
  })
  expect(created.status).toBe(201)
  const statuteId = ((await created.json()) as { id: string }).id

  const typists = Array.from({ length: 3 }, () => {
    const client = connectClient(server.wsUrl, statuteId, { token })
    clients.push(client)
    const received: Uint8Array[] = []
    client.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === client.provider) received.push(update)
    })
    return { client, received }
  })
  await Promise.all(typists.map((t) => synced(t.client, 20_000)))
  const articles = readOutline(typists[0]!.client.doc).chapters.flatMap((c) => c.articles.map((a) => a.id))

  const killAt = random.int(30, 60)
  for (let tick = 0; tick < killAt; tick++) {
    appendParagraph(random.pick(typists).client.doc, random.pick(articles), `s${seed}t${tick}`)
    await new Promise((resolve) => setTimeout(resolve, random.int(0, 12)))
  }
  const exit = await server.kill('SIGKILL')
  expect(exit.signal).toBe('SIGKILL')

  // Whatever reached anyone had been committed: adding it all to the file changes nothing.
  const fromDisk = await storedDoc(dataDir, statuteId)
  const before = { state: stateOf(fromDisk), vector: Y.encodeStateVector(fromDisk) }
  const relayed = typists.flatMap((t) => t.received)
  expect(relayed.length).toBeGreaterThan(0)
  Y.applyUpdate(fromDisk, Y.mergeUpdates(relayed))
  expect(stateOf(fromDisk)).toBe(before.state)
  expect(Y.encodeStateVector(fromDisk)).toEqual(before.vector)
  fromDisk.destroy()

  // People go on typing while the server is away; it comes back on the same port.
  for (let tick = killAt; tick < killAt + 10; tick++) appendParagraph(random.pick(typists).client.doc, random.pick(articles), `s${seed}t${tick}`)
  server = await startInstance('S', env, server.port)
  running.push(server)
  await waitFor(() => typists.every((t) => t.client.provider.synced && t.client.provider.wsconnected), 30_000, 'all reconnected')
  const expected = (): string => stateOf(typists[0]!.client.doc)
  await waitFor(() => typists.every((t) => stateOf(t.client.doc) === expected()), 30_000, 'all typists converge')
  for (let tick = 0; tick < killAt + 10; tick++) expect(expected()).toContain(`s${seed}t${tick}`)

  // And that is what the file holds once the server has stopped.
  const stop = await server.kill('SIGTERM')
  expect(stop, server.output()).toEqual({ code: 0, signal: null })
  const final = await storedDoc(dataDir, statuteId)
  expect(stateOf(final)).toBe(expected())
  final.destroy()
}

describe('SQLite, update log not flushed (NORMAL), the server killed mid-stream', () => {
  for (const seed of [1130, 2611]) {
    it(`has stored everything it relayed, and loses nothing (seed ${seed})`, { timeout: 120_000 }, async () => {
      await runScenario(seed)
    })
  }
})
