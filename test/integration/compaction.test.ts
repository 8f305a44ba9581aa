/**
 * Background compaction while people keep typing: no update is lost, before or after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { articleFragment, readOutline } from '../../model/statuteDoc.js'
import { createStatute, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'

describe('compaction under load', () => {
  let server: TestServer
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await server?.close()
  })

  it('compacts repeatedly while three clients type, and loses nothing', async () => {
    server = await startTestServer({ compactAfterUpdates: 10 })
    const id = await createStatute(server)
    for (const name of ['a', 'b', 'c']) clients.push(connectClient(server.wsUrl, id, { name }))
    await Promise.all(clients.map((c) => synced(c)))
    const articleId = readOutline(clients[0]!.doc).chapters[0]!.articles[0]!.id
    const paragraphs = clients.map((c) => {
      const body = articleFragment(c.doc, articleId, 'body')!
      const paragraph = new Y.XmlElement('paragraph')
      const text = new Y.XmlText()
      body.insert(body.length, [paragraph])
      paragraph.insert(0, [text])
      return text
    })
    for (let i = 0; i < 60; i++) {
      paragraphs.forEach((text, k) => text.insert(text.length, `${'abc'[k]}${i};`))
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5))
    }
    await waitFor(() => new Set(clients.map((c) => stateOf(c.doc))).size === 1, 15_000, 'clients converge')
    const expected = stateOf(clients[0]!.doc)
    const room = server.rooms.openRooms.get(id)!
    await waitFor(() => stateOf(room.doc) === expected, 15_000, 'server has everything')
    await room.settle()
    await room.compact()
    const stored = await server.store.loadDocument(id)
    // 180 inserts were stored one by one; compaction folded nearly all of them into the snapshot.
    expect(stored!.logLength).toBeLessThan(10)

    for (const c of clients.splice(0)) c.destroy()
    server = await server.restart()
    const fresh = connectClient(server.wsUrl, id)
    clients.push(fresh)
    await synced(fresh)
    expect(stateOf(fresh.doc)).toBe(expected)
    const text = articleFragment(fresh.doc, articleId, 'body')!.toString()
    for (let i = 0; i < 60; i++) for (const k of 'abc') expect(text).toContain(`${k}${i};`)
  })
})
