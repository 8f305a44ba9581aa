/**
 * Clients that ask much and read little: a flood of sync requests does not make the server encode
 * the statute once per request, and a connection that stops reading is cut off once more than
 * MAX_BUFFERED_BYTES wait for it, instead of the server buffering for it without end. In both
 * cases the server keeps running, the others keep editing, and nothing stored is lost.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType, SyncMessageType } from '../../model/protocol.js'
import { startTestServer } from '../helpers/server.js'
import { stateOf, waitFor } from '../helpers/clients.js'
import { appendParagraph } from '../helpers/ydocs.js'
import { awarenessFrame, awarenessPayload, openRawSocket, within, type RawSocket } from '../helpers/rawSocket.js'
import { expectNothingLost, expectUndisturbed, setUpScene, tearDownScene, type Scene } from '../helpers/bystanders.js'

const MAX_BUFFERED_BYTES = 256 * 1024

let scene: Scene | undefined

beforeEach(async () => {
  scene = await setUpScene(await startTestServer({ maxBufferedBytes: MAX_BUFFERED_BYTES }))
})

afterEach(async () => {
  await tearDownScene(scene)
  scene = undefined
})

/** A sync step 1 with an empty state vector: "send me everything". */
function askForEverything(): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep1(encoder, new Y.Doc())
  return encoding.toUint8Array(encoder)
}

/** The step-2 replies among a raw socket's messages, as updates. */
function step2Replies(raw: RawSocket): Uint8Array[] {
  const replies: Uint8Array[] = []
  for (const message of raw.messages) {
    const decoder = decoding.createDecoder(message)
    if (decoding.readVarUint(decoder) !== MessageType.sync) continue
    if (decoding.readVarUint(decoder) !== SyncMessageType.step2) continue
    replies.push(decoding.readVarUint8Array(decoder))
  }
  return replies
}

/** Resolves once `raw` has received nothing for `ms` (at most 10 s). */
async function quiet(raw: RawSocket, ms: number): Promise<void> {
  let count = -1
  let since = Date.now()
  await waitFor(() => {
    if (raw.messages.length !== count) {
      count = raw.messages.length
      since = Date.now()
    }
    return Date.now() - since >= ms
  }, 10_000, `${ms} ms without messages`)
}

/** Stops reading and asks for the whole statute every 5 ms (at most 400 times) until `done()`. */
async function askWithoutReading(raw: RawSocket, done: () => boolean): Promise<void> {
  raw.ws.pause()
  const request = askForEverything()
  for (let i = 0; i < 400 && !done(); i++) {
    raw.ws.send(request)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function openedRawSocket(s: Scene): Promise<RawSocket> {
  const raw = openRawSocket(`${s.server.wsUrl}/${s.statuteId}`)
  s.extra.push({ destroy: () => raw.ws.terminate() })
  await within(raw.opened, 5000, 'the raw socket to open')
  return raw
}

/** Makes the statute about `kilobytes` KB of text larger, typed by Anna (stored and relayed). */
async function growStatute(s: Scene, kilobytes: number): Promise<void> {
  const marker = `Groot stuk ${kilobytes} KB.`
  for (let i = 0; i < kilobytes / 16; i++) appendParagraph(s.a.doc, s.articleId, 'Tekst van een lang artikel. '.repeat(16 * 1024 / 28))
  appendParagraph(s.a.doc, s.articleId, marker)
  s.markers.push(marker)
  await waitFor(() => stateOf(s.b.doc).includes(marker), 10_000, 'the large text at Bram')
}

describe('clients that ask much and read little', () => {
  it('5,000 sync requests in a burst get a few replies, not 5,000, and the last holds the whole statute', async () => {
    const s = scene!
    await growStatute(s, 64)
    const raw = await openedRawSocket(s)
    const request = askForEverything()
    for (let i = 0; i < 5000; i++) raw.ws.send(request)
    const room = s.server.rooms.openRooms.get(s.statuteId)!
    // Every reply is made once the queue is through; then wait until nothing more arrives.
    await room.settle()
    await quiet(raw, 300)
    const replies = step2Replies(raw)
    // The burst arrives in a few reads; each read's requests share one reply.
    expect(replies.length).toBeGreaterThan(0)
    expect(replies.length).toBeLessThan(20)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, replies.at(-1)!)
    expect(stateOf(copy)).toBe(stateOf(room.doc))
    expect(raw.ws.readyState).toBe(raw.ws.OPEN)
    await expectUndisturbed(s)
    await expectNothingLost(s)
  })

  it('a connection that stops reading is cut off once more than MAX_BUFFERED_BYTES wait for it; the others carry on', async () => {
    const s = scene!
    await growStatute(s, 256)
    const raw = await openedRawSocket(s)
    const room = s.server.rooms.openRooms.get(s.statuteId)!
    await waitFor(() => room.connectionCount === 3, 5000, 'the raw socket in the room')
    // It stops reading, and keeps asking for the whole statute (about 256 KB a reply).
    await askWithoutReading(raw, () => room.connectionCount < 3)
    await waitFor(() => room.connectionCount === 2, 5000, 'the connection to be cut off')
    // Once it reads again it finds the connection gone (cut, without a close frame).
    raw.ws.resume()
    const closed = await within(raw.closed, 5000, 'the raw socket to close')
    expect(closed.code).toBe(1006)
    await expectUndisturbed(s)
    await expectNothingLost(s)
  })

  it('a connection cut while its own new presence is relayed leaves no presence behind', async () => {
    const s = scene!
    await growStatute(s, 256)
    const raw = await openedRawSocket(s)
    const room = s.server.rooms.openRooms.get(s.statuteId)!
    await waitFor(() => room.connectionCount === 3, 5000, 'the raw socket in the room')
    // The server's end of the raw socket (the administrator's; the bystanders are Anna and Bram).
    const connections = (room as unknown as { connections: Map<WebSocket, { identity: { userId: string } }> }).connections
    const serverSide = [...connections].find(([, c]) => c.identity.userId === s.server.admin.user.id)![0]
    // Replies are written while less than the limit waits; the one that goes over is not cut yet.
    await askWithoutReading(raw, () => serverSide.bufferedAmount > MAX_BUFFERED_BYTES)
    expect(serverSide.bufferedAmount).toBeGreaterThan(MAX_BUFFERED_BYTES)
    expect(room.connectionCount).toBe(3)
    // Now it announces itself: relaying that to everyone, itself included, cuts it.
    raw.ws.send(awarenessFrame(awarenessPayload(7070, 1, '{"user":{"name":"Traag"}}')))
    await waitFor(() => room.connectionCount === 2, 5000, 'the connection to be cut off')
    expect(room.awareness.getStates().has(7070)).toBe(false)
    await waitFor(() => !s.b.provider.awareness.getStates().has(7070), 5000, 'the presence to go at Bram')
    await expectUndisturbed(s)
    await expectNothingLost(s)
  })
})
