/**
 * A commentator may comment but not edit. With a hand-built websocket client (raw `ws`, frames
 * encoded by hand) the commentator fetches the statute, then sends a sync step 2 and an update
 * that would change the text. The server must drop both: another client, the API snapshot and a
 * fresh client after a restart all show the text unchanged. In the same test the same commentator
 * starts a thread on a passage of that text and replies, through the API, and those are kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { anchorInText, resolveAnchorText, type PassageAnchor } from '../../model/anchors.js'
import { MessageType } from '../../model/protocol.js'
import { articleFragment, readMeta, readOutline, renameArticle, setMetaField } from '../../model/statuteDoc.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { openRawSocket, syncUpdateFrame, within, type RawSocket } from '../helpers/rawSocket.js'
import { appendParagraph } from '../helpers/ydocs.js'

let server: TestServer
let statuteId: string
let articleId: string
let commentator: TestUser
let redacteur: TestUser
let lezer: TestUser
const cleanup: Array<{ destroy(): void }> = []

beforeEach(async () => {
  server = await startTestServer()
  statuteId = await createStatute(server, 'Statuut alleen lezen', 'Gemeente Kijkdorp')
  ;[commentator, redacteur, lezer] = await Promise.all([createTestUser(server, 'Cor Commentaar'), createTestUser(server, 'Rik Redactie'), createTestUser(server, 'Lea Lezer')])
  await addMember(server, statuteId, commentator, 'commentator', 'College')
  await addMember(server, statuteId, redacteur, 'redacteur', 'Raad')
  await addMember(server, statuteId, lezer, 'lezer', 'Raad')
  const snapshot = await api<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)
  articleId = snapshot.body.chapters[0]!.articles[0]!.id
})

afterEach(async () => {
  for (const item of cleanup.splice(0)) item.destroy()
  await server.close()
})

function client(user: TestUser): TestClient {
  const c = connectClient(server.wsUrl, statuteId, { token: user.token })
  cleanup.push(c)
  return c
}

/** Every text node in an article body, depth first. */
function textNodes(doc: Y.Doc, article: string): Y.XmlText[] {
  const found: Y.XmlText[] = []
  const visit = (node: Y.XmlFragment | Y.XmlElement): void => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) found.push(child)
      else if (child instanceof Y.XmlElement) visit(child)
    }
  }
  const body = articleFragment(doc, article, 'body')
  if (body) visit(body)
  return found
}

function textWith(doc: Y.Doc, marker: string): Y.XmlText | undefined {
  return textNodes(doc, articleId).find((t) => t.toString().includes(marker))
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** A hand-built collaboration client: a raw socket and its own Y.Doc, filled from the server's frames. */
async function handBuiltClient(user: TestUser): Promise<{ socket: RawSocket; doc: Y.Doc; received: Uint8Array[] }> {
  const socket = openRawSocket(`${server.wsUrl}/${statuteId}`, user.token)
  cleanup.push({ destroy: () => socket.ws.terminate() })
  const doc = new Y.Doc()
  cleanup.push(doc)
  const received: Uint8Array[] = []
  socket.ws.on('message', (data: Buffer) => {
    const bytes = new Uint8Array(data)
    received.push(bytes)
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readVarUint(decoder) !== MessageType.sync) return
    // Applies sync step 2 and updates; answers to sync step 1 are not sent back.
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'server')
  })
  await within(socket.opened, 5000, 'the raw socket to open')
  await waitFor(() => received.length > 0, 5000, 'sync step 1 from the server')
  expect(received[0]![0]).toBe(MessageType.sync)
  // Ask for everything: sync step 1 with an empty state vector.
  socket.ws.send(frame((encoder) => syncProtocol.writeSyncStep1(encoder, new Y.Doc())))
  await waitFor(() => readOutline(doc).chapters.length > 0 && textWith(doc, 'Dit statuut') !== undefined, 5000, 'the statute at the hand-built client')
  return { socket, doc, received }
}

/** The changes `edit` makes to a copy of `base`, as a Yjs update. */
function changesTo(base: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(copy)
  edit(copy)
  const update = Y.encodeStateAsUpdate(copy, before)
  copy.destroy()
  return update
}

/** `base` with `updates` applied (to show that the frames would change the text). */
function appliedTo(base: Y.Doc, updates: readonly Uint8Array[]): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(base))
  for (const update of updates) Y.applyUpdate(copy, update)
  return copy
}

/** Waits until the server answered a query-awareness message: everything sent before is handled. */
async function roundTrip(ws: WebSocket): Promise<void> {
  await within(
    new Promise<void>((resolve) => {
      const onMessage = (data: Buffer): void => {
        if (new Uint8Array(data)[0] !== MessageType.awareness) return
        ws.off('message', onMessage)
        resolve()
      }
      ws.on('message', onMessage)
      ws.send(new Uint8Array([MessageType.queryAwareness]))
    }),
    5000,
    'the answer to a query-awareness message',
  )
}

interface ThreadView {
  id: string
  articleId: string
  anchor: PassageAnchor | null
  quote: string | null
  createdBy: string
  comments: Array<{ authorId: string; body: string }>
}

describe('a commentator with a hand-built websocket client', () => {
  it('cannot change the text with sync-step-2 or update frames, but can start a thread and reply through the API', async () => {
    const editor = client(redacteur)
    const observer = client(lezer)
    await Promise.all([synced(editor), synced(observer)])
    const original = stateOf(editor.doc)
    expect(original).toContain('Dit statuut legt vast')

    const { socket, doc: own, received } = await handBuiltClient(commentator)
    expect(stateOf(own)).toBe(original)
    const ownText = textWith(own, 'Dit statuut')!
    const originalParagraph = ownText.toString()

    // Frame 1, a sync step 2: types into the existing paragraph, adds one, renames the article.
    const step2 = changesTo(own, (doc) => {
      const text = textWith(doc, 'Dit statuut')!
      text.insert(0, 'GEKAAPT-1 ')
      text.insert(text.length, ' GEKAAPT-1b')
      appendParagraph(doc, articleId, 'GEKAAPT-1 nieuwe alinea')
      renameArticle(doc, articleId, 'GEKAAPT-1 titel')
    })
    // Frame 2, an update: deletes the original words, writes new ones and retitles the statute.
    const update = changesTo(own, (doc) => {
      doc.transact(() => {
        const text = textWith(doc, 'Dit statuut')!
        text.delete(0, text.length)
        text.insert(0, 'GEKAAPT-2 alles anders')
        setMetaField(doc, 'title', 'GEKAAPT-2 statuut')
      })
    })
    // They are real changes: applied to a copy, they change the text.
    const wouldBe = appliedTo(own, [step2, update])
    expect(stateOf(wouldBe)).toContain('GEKAAPT-1 nieuwe alinea')
    expect(stateOf(wouldBe)).toContain('GEKAAPT-2 alles anders')
    expect(stateOf(wouldBe)).not.toContain('Dit statuut legt vast')
    expect(readMeta(wouldBe).title).toBe('GEKAAPT-2 statuut')
    wouldBe.destroy()

    socket.ws.send(
      frame((encoder) => {
        encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
        encoding.writeVarUint8Array(encoder, step2)
      }),
    )
    socket.ws.send(syncUpdateFrame(update))
    await roundTrip(socket.ws)
    // Dropped, not punished: a commentator's real client sends its state in sync step 2 too.
    expect(socket.ws.readyState).toBe(WebSocket.OPEN)

    // The same commentator comments through the API: a thread on a passage of its own copy, and a reply.
    const from = originalParagraph.indexOf('statuut')
    expect(from).toBeGreaterThanOrEqual(0)
    const anchor = JSON.parse(JSON.stringify(anchorInText(ownText, from, from + 'statuut'.length))) as PassageAnchor
    const started = await api<{ threadId: string }>(server, 'POST', `/api/statutes/${statuteId}/threads`, { articleId, anchor, quote: 'statuut', body: 'Ik mag alleen reageren.' }, { token: commentator.token })
    expect(started.status).toBe(201)
    const answer = await api(server, 'POST', `/api/statutes/${statuteId}/threads/${started.body.threadId}/comments`, { body: 'Dat klopt.' }, { token: redacteur.token })
    expect(answer.status).toBe(201)
    const reply = await api(server, 'POST', `/api/statutes/${statuteId}/threads/${started.body.threadId}/comments`, { body: 'En dat is genoeg.' }, { token: commentator.token })
    expect(reply.status).toBe(201)

    // A change by the editor after the frames shows that relaying works and orders the check.
    appendParagraph(editor.doc, articleId, 'Na de poging')
    const room = server.rooms.openRooms.get(statuteId)!
    await waitFor(() => stateOf(room.doc).includes('Na de poging'), 5000, "the editor's change at the server")
    await waitFor(() => stateOf(observer.doc).includes('Na de poging') && stateOf(own).includes('Na de poging'), 5000, "the editor's change at the other clients")
    await room.settle()
    const expected = stateOf(editor.doc)
    expect(expected).not.toContain('GEKAAPT')
    expect(expected).toContain('Dit statuut legt vast')
    expect(stateOf(room.doc)).toBe(expected)
    expect(stateOf(observer.doc)).toBe(expected)
    // The hand-built client's own copy was never changed locally, so it too equals the server's.
    expect(stateOf(own)).toBe(expected)
    expect(textWith(editor.doc, 'Dit statuut')!.toString()).toBe(originalParagraph)
    // Nothing of it came back to the hand-built client either.
    expect(received.some((m) => Buffer.from(m).includes(Buffer.from('GEKAAPT')))).toBe(false)

    const readSnapshot = async () => {
      const { status, body } = await api<{ title: string; chapters: Array<{ articles: Array<{ title: string; body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)
      expect(status).toBe(200)
      expect(JSON.stringify(body)).not.toContain('GEKAAPT')
      expect(body.title).toBe('Statuut alleen lezen')
      expect(body.chapters[0]!.articles[0]!.title).not.toContain('GEKAAPT')
      expect(body.chapters[0]!.articles[0]!.body.text).toContain('Dit statuut legt vast')
      expect(body.chapters[0]!.articles[0]!.body.text).toContain('Na de poging')
    }
    await readSnapshot()

    const readThreads = async (): Promise<ThreadView> => {
      const { status, body } = await api<{ threads: ThreadView[] }>(server, 'GET', `/api/statutes/${statuteId}/threads`, undefined, { token: lezer.token })
      expect(status).toBe(200)
      expect(body.threads).toHaveLength(1)
      const thread = body.threads[0]!
      expect(thread).toMatchObject({ id: started.body.threadId, articleId, quote: 'statuut', createdBy: commentator.user.id })
      expect(thread.anchor).toEqual(anchor)
      expect(thread.comments.map((c) => [c.authorId, c.body])).toEqual([
        [commentator.user.id, 'Ik mag alleen reageren.'],
        [redacteur.user.id, 'Dat klopt.'],
        [commentator.user.id, 'En dat is genoeg.'],
      ])
      return thread
    }
    await readThreads()

    // After a restart: the text as the editor left it, the thread with its replies, the anchor intact.
    for (const item of cleanup.splice(0)) item.destroy()
    server = await server.restart()
    const fresh = client(lezer)
    await synced(fresh)
    expect(stateOf(fresh.doc)).toBe(expected)
    await readSnapshot()
    const thread = await readThreads()
    expect(resolveAnchorText(fresh.doc, thread.anchor!)).toBe('statuut')
  })
})
