/**
 * The relay between instances through Redis pub/sub (ioredis): one channel per open statute
 * (`<prefix>:room:<id>`, binary) and one for cluster-wide events (`<prefix>:events`, JSON).
 *
 * Two connections, as Redis requires: a subscriber and a publisher. While Redis is unreachable,
 * messages are dropped (not queued without bound) and counted; when the connection is back, every
 * instance is told there was a gap and re-reads its open statutes from storage, which holds every
 * update that was ever relayed.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { ClusterEvent, Relay, RelayStats, RoomSignal } from './Relay.js'

export interface RedisRelayOptions {
  readonly url: string
  readonly prefix: string
  readonly logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void }
}

const KINDS = ['update', 'awareness', 'resync'] as const

export function encodeSignal(instanceId: string, signal: RoomSignal): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, instanceId)
  encoding.writeVarUint(encoder, KINDS.indexOf(signal.kind))
  encoding.writeVarUint8Array(encoder, signal.kind === 'resync' ? new Uint8Array() : signal.data)
  return encoding.toUint8Array(encoder)
}

/** Reads a room message; throws on anything malformed. */
export function decodeSignal(message: Uint8Array): { from: string; signal: RoomSignal } {
  const decoder = decoding.createDecoder(message)
  const from = decoding.readVarString(decoder)
  const kind = KINDS[decoding.readVarUint(decoder)]
  const data = decoding.readVarUint8Array(decoder)
  if (kind === undefined) throw new Error('unknown relay message kind')
  return { from, signal: kind === 'resync' ? { kind } : { kind, data } }
}

export class RedisRelay implements Relay {
  readonly instanceId = randomUUID()
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly rooms = new Map<string, (signal: RoomSignal) => void>()
  private readonly eventHandlers: Array<(event: ClusterEvent) => void> = []
  private readonly gapHandlers: Array<() => void> = []
  private readonly eventsChannel: string
  private counters = { published: 0, received: 0, dropped: 0, gaps: 0 }
  /** Set when the subscriber lost its connection; the next "ready" is a gap. */
  private lostSubscriber = false
  /** Set when the publisher lost its connection: what it dropped meanwhile must be re-read by others. */
  private lostPublisher = false
  private closed = false

  private constructor(private readonly options: RedisRelayOptions) {
    const common = {
      lazyConnect: true,
      connectTimeout: 5000,
      // Fail fast instead of queueing without bound; a gap is repaired from storage.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    }
    this.pub = new Redis(options.url, { ...common, connectionName: `${options.prefix}:pub:${this.instanceId}` })
    this.sub = new Redis(options.url, { ...common, connectionName: `${options.prefix}:sub:${this.instanceId}`, autoResubscribe: false })
    this.eventsChannel = `${options.prefix}:events`
    for (const [name, client] of [['publisher', this.pub], ['subscriber', this.sub]] as const) {
      client.on('error', (error: Error) => this.options.logger.warn({ err: error.message, connection: name }, 'redis error'))
    }
    this.pub.on('close', () => {
      if (!this.closed) this.lostPublisher = true
    })
    this.pub.on('ready', () => {
      if (!this.lostPublisher || this.closed) return
      this.lostPublisher = false
      for (const roomId of this.rooms.keys()) this.publishRoom(roomId, { kind: 'resync' })
    })
    this.sub.on('close', () => {
      if (!this.closed) this.lostSubscriber = true
    })
    this.sub.on('ready', () => void this.onSubscriberReady())
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message))
  }

  /** Connects both connections; rejects with a readable error if Redis cannot be reached. */
  static async connect(options: RedisRelayOptions): Promise<RedisRelay> {
    const relay = new RedisRelay(options)
    try {
      await Promise.all([relay.pub.connect(), relay.sub.connect()])
      await relay.sub.subscribe(relay.eventsChannel)
    } catch (error) {
      relay.closed = true
      relay.pub.disconnect()
      relay.sub.disconnect()
      throw new Error(`Redis op ${redact(options.url)} is niet bereikbaar (REDIS_URL): ${error instanceof Error ? error.message : String(error)}`)
    }
    return relay
  }

  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready'
  }

  private roomChannel(roomId: string): string {
    return `${this.options.prefix}:room:${roomId}`
  }

  async joinRoom(roomId: string, onSignal: (signal: RoomSignal) => void): Promise<void> {
    this.rooms.set(roomId, onSignal)
    // Not reachable now: the room is subscribed (and re-read) when the connection is back.
    if (this.sub.status !== 'ready') return
    await this.sub.subscribe(this.roomChannel(roomId)).catch((error: unknown) => {
      this.lostSubscriber = true
      this.options.logger.warn({ room: roomId, err: String(error) }, 'could not subscribe; will re-read on reconnect')
    })
  }

  async leaveRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId)
    if (this.sub.status !== 'ready') return
    await this.sub.unsubscribe(this.roomChannel(roomId)).catch(() => undefined)
  }

  publishRoom(roomId: string, signal: RoomSignal): void {
    this.send(this.roomChannel(roomId), Buffer.from(encodeSignal(this.instanceId, signal)))
  }

  publishEvent(event: ClusterEvent): void {
    this.send(this.eventsChannel, Buffer.from(JSON.stringify({ from: this.instanceId, event })))
  }

  private send(channel: string, message: Buffer): void {
    if (this.closed) return
    if (this.pub.status !== 'ready') {
      this.counters.dropped += 1
      return
    }
    this.counters.published += 1
    this.pub.publish(channel, message).catch(() => {
      this.counters.dropped += 1
    })
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.eventHandlers.push(handler)
  }

  onGap(handler: () => void): void {
    this.gapHandlers.push(handler)
  }

  private onMessage(channel: string, message: Buffer): void {
    try {
      if (channel === this.eventsChannel) {
        const parsed = JSON.parse(message.toString('utf8')) as { from?: unknown; event?: ClusterEvent }
        if (parsed.from === this.instanceId || !parsed.event || typeof parsed.event.type !== 'string') return
        this.counters.received += 1
        for (const handler of this.eventHandlers) handler(parsed.event)
        return
      }
      const roomId = channel.slice(this.roomChannel('').length)
      const handler = this.rooms.get(roomId)
      if (!handler) return
      const { from, signal } = decodeSignal(new Uint8Array(message.buffer, message.byteOffset, message.byteLength))
      if (from === this.instanceId) return
      this.counters.received += 1
      handler(signal)
    } catch (error) {
      // Garbage on our channels (another program, a newer version) is ignored, never fatal.
      this.options.logger.warn({ channel, err: error instanceof Error ? error.message : String(error) }, 'ignored a malformed relay message')
    }
  }

  /** After a reconnect: subscribe again, and have everyone re-read what may have been missed. */
  private async onSubscriberReady(): Promise<void> {
    if (!this.lostSubscriber || this.closed) return
    this.lostSubscriber = false
    this.counters.gaps += 1
    this.options.logger.info({ rooms: this.rooms.size }, 'redis connection back: re-reading open statutes')
    try {
      await this.sub.subscribe(this.eventsChannel, ...[...this.rooms.keys()].map((id) => this.roomChannel(id)))
    } catch (error) {
      this.lostSubscriber = true
      this.options.logger.warn({ err: String(error) }, 'could not subscribe again')
      return
    }
    for (const handler of this.gapHandlers) handler()
    // Others may have missed what this instance published while it was cut off.
    for (const roomId of this.rooms.keys()) this.publishRoom(roomId, { kind: 'resync' })
  }

  stats(): RelayStats {
    return { ...this.counters }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.rooms.clear()
    await Promise.allSettled([this.sub.quit(), this.pub.quit()])
    this.pub.disconnect()
    this.sub.disconnect()
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'REDIS_URL'
  }
}
