/**
 * Two well-behaved people editing a statute while someone else sends the server bad input. After
 * the bad input they must still be connected and still exchange edits, and everything they stored
 * must come back after a server restart.
 */
import { expect } from 'vitest'
import * as Y from 'yjs'
import { readOutline } from '../../model/statuteDoc.js'
import { toSnapshot } from '../../model/snapshot.js'
import { addMember, api, createStatute, createTestUser, type TestServer } from './server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from './clients.js'
import { appendParagraph } from './ydocs.js'

export interface Scene {
  server: TestServer
  readonly statuteId: string
  readonly articleId: string
  readonly a: TestClient
  readonly b: TestClient
  /** Connection closes and disconnects either bystander saw since the scene was set up. */
  readonly drops: string[]
  /** Text markers the bystanders typed (all must survive). */
  readonly markers: string[]
  /** Clients and sockets to clean up (the bystanders too). */
  readonly extra: Array<{ destroy(): void }>
}

let counter = 0

function watchDrops(client: TestClient, name: string, drops: string[]): void {
  client.provider.on('connection-close', (event) => drops.push(`${name}: close ${event?.code ?? 'local'}`))
  client.provider.on('status', ({ status }) => {
    if (status === 'disconnected') drops.push(`${name}: disconnected`)
  })
}

/** Starts the scene: a statute, two synced clients, and one edit that is stored. */
export async function setUpScene(server: TestServer): Promise<Scene> {
  const statuteId = await createStatute(server)
  // Two redacteuren with their own accounts: presence shows the names the server vouches for.
  const anna = await createTestUser(server, 'Anna')
  const bram = await createTestUser(server, 'Bram')
  await addMember(server, statuteId, anna, 'redacteur', 'Griffie')
  await addMember(server, statuteId, bram, 'redacteur', 'College')
  const a = connectClient(server.wsUrl, statuteId, { name: 'Anna', token: anna.token })
  const b = connectClient(server.wsUrl, statuteId, { name: 'Bram', token: bram.token })
  await Promise.all([synced(a), synced(b)])
  const articleId = readOutline(a.doc).chapters[0]!.articles[0]!.id
  a.provider.awareness.setLocalStateField('user', { name: 'Anna' })
  const scene: Scene = { server, statuteId, articleId, a, b, drops: [], markers: [], extra: [a, b] }
  await exchangeEdits(scene)
  // Both see each other's presence.
  await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID), 5000, 'presence of Anna at Bram')
  watchDrops(a, 'Anna', scene.drops)
  watchDrops(b, 'Bram', scene.drops)
  return scene
}

/** Each bystander types a unique marker; both must receive the other's (so both are stored). */
export async function exchangeEdits(scene: Scene): Promise<void> {
  const fromA = `Anna schrijft ${++counter}.`
  const fromB = `Bram schrijft ${++counter}.`
  appendParagraph(scene.a.doc, scene.articleId, fromA)
  appendParagraph(scene.b.doc, scene.articleId, fromB)
  scene.markers.push(fromA, fromB)
  const has = (doc: Y.Doc, text: string): boolean => JSON.stringify(toSnapshot(doc)).includes(text)
  await waitFor(() => has(scene.b.doc, fromA) && has(scene.a.doc, fromB), 5000, 'edits to reach the other client')
}

/** The server is up, the bystanders never lost their connection, and they still edit together. */
export async function expectUndisturbed(scene: Scene): Promise<void> {
  const health = await api<{ status: string }>(scene.server, 'GET', '/healthz')
  expect(health).toEqual({ status: 200, body: { status: 'ok' } })
  expect(scene.a.provider.wsconnected).toBe(true)
  expect(scene.b.provider.wsconnected).toBe(true)
  await exchangeEdits(scene)
  expect(scene.drops).toEqual([])
  // Presence is undisturbed too.
  expect(scene.b.provider.awareness.getStates().get(scene.a.doc.clientID)).toMatchObject({ user: { name: 'Anna' } })
}

/**
 * Everything the bystanders stored comes back after a restart (read by a fresh client and by the
 * API), and nothing else: `absent` lists text that must not have been stored.
 */
export async function expectNothingLost(scene: Scene, absent: readonly string[] = []): Promise<void> {
  await waitFor(() => stateOf(scene.a.doc) === stateOf(scene.b.doc), 5000, 'bystanders to agree')
  const expected = stateOf(scene.a.doc)
  for (const marker of scene.markers) expect(expected).toContain(marker)
  for (const text of absent) expect(expected).not.toContain(text)
  for (const other of scene.extra.splice(0)) other.destroy()
  scene.server = await scene.server.restart()
  const fresh = connectClient(scene.server.wsUrl, scene.statuteId, { name: 'Nieuw' })
  scene.extra.push(fresh)
  await synced(fresh)
  expect(stateOf(fresh.doc)).toBe(expected)
  const { status, body } = await api<{ chapters: unknown }>(scene.server, 'GET', `/api/statutes/${scene.statuteId}`)
  expect(status).toBe(200)
  const text = JSON.stringify(body)
  for (const marker of scene.markers) expect(text).toContain(marker)
  for (const t of absent) expect(text).not.toContain(t)
}

/** Tears the scene down (idempotent). */
export async function tearDownScene(scene: Scene | undefined): Promise<void> {
  if (!scene) return
  for (const other of scene.extra.splice(0)) other.destroy()
  await scene.server.close()
}

/** A document holding the same state as `source`, to make updates that fit the server's state. */
export function shadowOf(source: Y.Doc): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source))
  return doc
}

/** The update that `edit` produces on a copy of `source`. */
export function updateFrom(source: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = shadowOf(source)
  const before = Y.encodeStateVector(doc)
  edit(doc)
  const update = Y.encodeStateAsUpdate(doc, before)
  doc.destroy()
  return update
}
