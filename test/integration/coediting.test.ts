import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addArticle, articleFragment, readOutline } from '../../model/statuteDoc.js'
import { createStatute, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { openRawSocket, syncUpdateFrame, within, type RawSocket } from '../helpers/rawSocket.js'
import { updateFrom } from '../helpers/bystanders.js'
import { appendParagraph } from '../helpers/ydocs.js'

/** Whether any message `socket` received from index `from` on carries `text` (Yjs stores text as UTF-8). */
function received(socket: RawSocket, text: string, from = 0): boolean {
  return socket.messages.slice(from).some((message) => Buffer.from(message).includes(text))
}

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
  const sockets: RawSocket[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    for (const socket of sockets.splice(0)) socket.ws.terminate()
    await server.close()
  })

  async function rawClient(id: string): Promise<RawSocket> {
    const socket = openRawSocket(`${server.wsUrl}/${id}`)
    sockets.push(socket)
    await within(socket.opened, 5000, 'the raw socket to open')
    await waitFor(() => socket.messages.length > 0, 5000, 'sync step 1 from the server')
    return socket
  }

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

  it('relays a change to everyone but its sender; a change that completes parts held back from someone else goes to its sender too', async () => {
    const id = await createStatute(server)
    const observer = connectClient(server.wsUrl, id, { name: 'Olga' })
    clients.push(observer)
    await synced(observer)
    const articleId = readOutline(observer.doc).chapters[0]!.articles[0]!.id
    const [anna, bram] = [await rawClient(id), await rawClient(id)]

    // Anna's own change reaches the observer and Bram, and is not sent back to her.
    const annaFrom = anna.messages.length
    anna.ws.send(syncUpdateFrame(updateFrom(observer.doc, (doc) => appendParagraph(doc, articleId, 'Eigen wijziging van Anna'))))
    await waitFor(() => stateOf(observer.doc).includes('Eigen wijziging van Anna') && received(bram, 'Eigen wijziging van Anna'), 5000, 'Anna\'s change at the others')
    // Relays keep their order: once the observer's next change has reached Anna, nothing of hers is still on its way to her.
    appendParagraph(observer.doc, articleId, 'Daarna van Olga')
    await waitFor(() => received(anna, 'Daarna van Olga', annaFrom), 5000, 'the observer\'s change at Anna')
    expect(received(anna, 'Eigen wijziging van Anna', annaFrom)).toBe(false)

    // Bram sends a change that builds on one he has not sent yet: the server holds it back.
    const base = new Y.Doc()
    Y.applyUpdate(base, Y.encodeStateAsUpdate(observer.doc))
    const before = Y.encodeStateVector(base)
    const paragraph = appendParagraph(base, articleId, 'Basis')
    const basis = Y.encodeStateAsUpdate(base, before)
    const middle = Y.encodeStateVector(base)
    paragraph.insert(paragraph.length, ' met vervolg van Bram')
    const followUp = Y.encodeStateAsUpdate(base, middle)
    bram.ws.send(syncUpdateFrame(followUp))
    await server.rooms.openRooms.get(id)!.settle()
    expect(stateOf(observer.doc)).not.toContain('met vervolg van Bram')
    // Anna sends the part it builds on (as if she had it from him): what the server can now apply
    // includes Bram's held-back change, which Anna does not have, so it goes to her as well.
    const annaBefore = anna.messages.length
    anna.ws.send(syncUpdateFrame(basis))
    await waitFor(() => stateOf(observer.doc).includes('Basis met vervolg van Bram'), 5000, 'both parts at the observer')
    await waitFor(() => received(anna, 'met vervolg van Bram', annaBefore), 5000, 'Bram\'s held-back part at Anna')
    base.destroy()
  })
})
