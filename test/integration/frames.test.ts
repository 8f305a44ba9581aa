/**
 * Messages framed once and written to many connections (server/collaboration/frames.ts), over real
 * sockets: what arrives is exactly what was sent, in order, also when ws has a frame of its own
 * still queued (then the message must go through ws, not past it).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Blob } from 'node:buffer'
import { WebSocket, WebSocketServer } from 'ws'
import { prepareMessage, sendPrepared } from '../../server/collaboration/frames.js'
import { seededRandom } from '../helpers/prng.js'

interface Pair {
  readonly server: WebSocket
  readonly client: WebSocket
  readonly received: Buffer[]
}

let wss: WebSocketServer | undefined

afterEach(async () => {
  for (const ws of wss?.clients ?? []) ws.terminate()
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()))
  wss = undefined
})

async function connect(count: number): Promise<Pair[]> {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss!.once('listening', () => resolve()))
  const { port } = wss.address() as { port: number }
  const pairs: Pair[] = []
  for (let i = 0; i < count; i++) {
    const accepted = new Promise<WebSocket>((resolve) => wss!.once('connection', (ws) => resolve(ws)))
    const client = new WebSocket(`ws://127.0.0.1:${port}`)
    const received: Buffer[] = []
    client.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(true)
      received.push(data)
    })
    await new Promise<void>((resolve, reject) => client.once('open', () => resolve()).once('error', reject))
    pairs.push({ server: await accepted, client, received })
  }
  return pairs
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('prepared frames', () => {
  it('delivers each message whole to every connection, for every length class of the frame header (random sizes, fixed seed)', async () => {
    const random = seededRandom(0xf4a3e)
    const pairs = await connect(3)
    // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455, 5.2), and their edges.
    const sizes = [0, 1, 125, 126, 65_535, 65_536, 200_000, ...Array.from({ length: 40 }, () => random.int(0, 3000))]
    const messages = sizes.map((size) => Uint8Array.from({ length: size }, () => random.int(0, 255)))
    for (const message of messages) {
      const prepared = prepareMessage(message)
      for (const { server } of pairs) sendPrepared(server, prepared, (error) => expect(error).toBeFalsy())
    }
    await until(() => pairs.every((p) => p.received.length === messages.length))
    const hex = messages.map((m) => Buffer.from(m).toString('hex'))
    for (const { received } of pairs) expect(received.map((b) => b.toString('hex'))).toEqual(hex)
  })

  it('goes through ws when ws still has a frame queued, so that messages keep their order', async () => {
    const [pair] = await connect(1)
    const { server, received } = pair!
    // A Blob is read asynchronously: until it is, ws's sender queues what comes after it.
    server.send(new Blob([Buffer.from('eerst')]) as unknown as Buffer)
    sendPrepared(server, prepareMessage(Buffer.from('daarna')), (error) => expect(error).toBeFalsy())
    sendPrepared(server, prepareMessage(Buffer.from('als laatste')), (error) => expect(error).toBeFalsy())
    await until(() => received.length === 3)
    expect(received.map((b) => b.toString())).toEqual(['eerst', 'daarna', 'als laatste'])
  })

  it('sends nothing to a connection that is closing, and does not throw', async () => {
    const [pair] = await connect(1)
    const { server, client, received } = pair!
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)))
    server.close(1000)
    sendPrepared(server, prepareMessage(Buffer.from('te laat')), () => {})
    expect(await closed).toBe(1000)
    expect(received).toEqual([])
  })
})
