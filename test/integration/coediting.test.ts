import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addArticle, articleFragment, readOutline } from '../../model/statuteDoc.js'
import { createStatute, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'

function typeInto(doc: Y.Doc, articleId: string, text: string): void {
  const body = articleFragment(doc, articleId, 'body')!
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    body.insert(body.length, [paragraph])
    paragraph.insert(0, [new Y.XmlText(text)])
  })
}

describe('live co-editing through a real server', () => {
  let server: TestServer
  const clients: TestClient[] = []
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    await server.close()
  })

  it('two clients edit one statute concurrently and end identical', async () => {
    const id = await createStatute(server)
    const a = connectClient(server.wsUrl, id, { name: 'Anna' })
    const b = connectClient(server.wsUrl, id, { name: 'Bram' })
    clients.push(a, b)
    await Promise.all([synced(a), synced(b)])
    const firstArticle = readOutline(a.doc).chapters[0]!.articles[0]!.id
    const chapterId = readOutline(a.doc).chapters[0]!.id
    typeInto(a.doc, firstArticle, 'Tekst van Anna.')
    typeInto(b.doc, firstArticle, 'Tekst van Bram.')
    addArticle(a.doc, chapterId, { title: 'Van Anna' })
    addArticle(b.doc, chapterId, { title: 'Van Bram' })
    await waitFor(() => stateOf(a.doc) === stateOf(b.doc) && readOutline(a.doc).chapters[0]!.articles.length === 3, 10_000, 'convergence')
    const titles = readOutline(b.doc).chapters[0]!.articles.map((x) => x.title)
    expect(titles).toHaveLength(3)
    expect(new Set(titles)).toEqual(new Set(['Doel', 'Van Anna', 'Van Bram']))
    const body = articleFragment(b.doc, firstArticle, 'body')!.toString()
    expect(body).toContain('Tekst van Anna.')
    expect(body).toContain('Tekst van Bram.')
  })

  it('keeps everything across a server restart', async () => {
    const id = await createStatute(server)
    const a = connectClient(server.wsUrl, id)
    clients.push(a)
    await synced(a)
    const chapterId = readOutline(a.doc).chapters[0]!.id
    const articleId = addArticle(a.doc, chapterId, { title: 'Informatievoorziening' })
    typeInto(a.doc, articleId, 'Het college informeert de raad actief.')
    const expected = stateOf(a.doc)
    // The server answers the snapshot only after the edits are stored.
    await waitFor(() => server.rooms.openRooms.get(id)?.doc !== undefined && stateOf(server.rooms.openRooms.get(id)!.doc) === expected)
    a.destroy()
    clients.length = 0
    server = await server.restart()
    const b = connectClient(server.wsUrl, id)
    clients.push(b)
    await synced(b)
    expect(stateOf(b.doc)).toBe(expected)
  })
})
