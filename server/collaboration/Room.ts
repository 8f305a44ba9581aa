/**
 * One open statute: its Y.Doc, the people connected to it, and the order in which their changes
 * are stored and relayed.
 *
 * Every change goes through a per-room queue: apply to the document, capture what actually
 * changed (Yjs emits nothing for updates it already has), append that to the store, and only then
 * relay it to the others. A sync-step-1 reply is queued too, so nobody receives state that is not
 * yet on disk. If the server dies between applying and storing, nothing was relayed and the
 * sender still holds the change; its next sync sends it again.
 */
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode, MessageType, SyncMessageType } from '../../model/protocol.js'
import { readMeta } from '../../model/statuteDoc.js'
import type { StatuteStore } from '../storage/StatuteStore.js'
import type { MemberIdentity } from '../../model/roles.js'
import { mergeStoredUpdates as defaultMerge } from './docState.js'
import { currentTurn } from '../eventLoopTurn.js'
import type { RoomSignal } from '../cluster/Relay.js'
import { prepareMessage, sendPrepared, type PreparedMessage } from './frames.js'
import { vouch } from './presence.js'

/** Origin of changes that came from another instance (already stored and relayed there). */
export const REMOTE_ORIGIN = Symbol('remote instance')
/** Origin of changes re-read from storage. */
const STORAGE_ORIGIN = Symbol('storage')

/** What a room reports for /metrics. */
export interface RoomMetrics {
  /** `count` client updates were stored in one write (seconds it took). */
  updatesStored(count: number, seconds: number): void
  /** An update came in from another instance. */
  updateFromRelay(): void
}

export interface RoomLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface RoomOptions {
  readonly maxMessageBytes: number
  /**
   * Most bytes waiting to be sent to one connection before it is cut (DEFAULT_MAX_BUFFERED_BYTES):
   * a client that does not read must not make the server hold everything meant for it.
   */
  readonly maxBufferedBytes?: number
  readonly compactAfterUpdates: number
  /** Called when the last connection leaves. */
  readonly onIdle: (room: Room) => void
  /** Called about a second after the text changed (debounced), e.g. to refresh agreement states. */
  readonly onTextChanged?: (room: Room) => void
  readonly logger: RoomLogger
  /** Tells the other instances (stored updates, vouched presence); absent with one instance. */
  readonly publish?: (signal: RoomSignal) => void
  readonly metrics?: RoomMetrics
}

interface Connection {
  readonly identity: MemberIdentity
  readonly canEdit: boolean
  /** Awareness client ids this connection announced, removed when it closes. */
  readonly awarenessIds: Set<number>
  /** After each send: a failed send ends the connection (one function per connection, not per send). */
  readonly afterSend: (error?: Error) => void
  /**
   * A sync step 1 of this connection waits in the queue for its reply. Further ones are not queued
   * meanwhile: that reply, made when its turn comes, holds everything they would ask for. So a
   * client repeating the 4-byte request cannot make the server encode the whole statute for each.
   */
  syncReplyPending: boolean
}

class ProtocolError extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Rooms with changes to hand to the store, handed over together in one callback. Where an append
 * costs a round trip (SQLite's writer thread, PostgreSQL), that callback comes at the end of this
 * turn of the event loop, so that the store receives every statute's changes at once (one message
 * to the thread, one multi-row INSERT) rather than one by one. Where appends are quick (SQLite
 * without a flush), a statute's first change in a turn is handed over at the end of the current
 * task: stored and relayed as soon as it is applied, as the stock y-websocket server relays it,
 * instead of after the rest of the turn's frames. Its further changes in that turn are merged and
 * go at the turn's end: with many people typing in one statute, most of the work is sending every
 * change to everyone, and one merged relay replaces several.
 */
class HandOffs {
  private readonly due = new Set<() => void>()
  private scheduled = false

  constructor(private readonly schedule: (callback: () => void) => void) {}

  add(handOff: () => void): void {
    this.due.add(handOff)
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => {
      this.scheduled = false
      const due = [...this.due]
      this.due.clear()
      for (const run of due) run()
    })
  }
}

const handOffsAtTaskEnd = new HandOffs(queueMicrotask)
const handOffsAtTurnEnd = new HandOffs(setImmediate)


/** How long after the last change the statute list's summary (title, time) is refreshed. */
const SUMMARY_DELAY_MS = 1000
/** RoomOptions.maxBufferedBytes by default: far above a statute's whole text (a few hundred KB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024

export class Room {
  readonly awareness: awarenessProtocol.Awareness
  private readonly connections = new Map<WebSocket, Connection>()
  /**
   * The person each awareness client id belongs to: whoever announced it first. Kept after they
   * disconnect (until the room unloads), so nobody can claim their id while they reconnect.
   */
  private readonly awarenessOwners = new Map<number, string>()
  private queue: Promise<void> = Promise.resolve()
  private captured: Uint8Array[] = []
  private logLength: number
  /** Applied to the document, not yet handed to the store (and so not yet relayed). */
  private unstored: Uint8Array[] = []
  /**
   * The connection all of `unstored` came from, which has it already and is not sent it back;
   * null when it came from several, or completed parts held back from someone else's update.
   */
  private unstoredFrom: WebSocket | null = null
  /** Entries handed to the store and not yet relayed. */
  private storesInFlight = 0
  /** The turn in which this room last handed a change over at once (see HandOffs). */
  private handedOffAtOnceIn = -1
  /** Resolves when everything handed to the store so far is stored and relayed, in order. */
  private relayed: Promise<void> = Promise.resolve()
  /** The compaction running now, if any. */
  private compaction: Promise<void> | undefined
  private summaryTimer: NodeJS.Timeout | undefined
  private destroyed = false
  /** In the phases 'ter vaststelling' and 'vastgesteld' nobody changes the text. */
  private frozen = false
  /** RoomOptions.maxBufferedBytes, or its default. */
  private readonly maxBufferedBytes: number

  constructor(
    readonly id: string,
    readonly doc: Y.Doc,
    private readonly store: StatuteStore,
    initialLogLength: number,
    private readonly options: RoomOptions,
  ) {
    this.logLength = initialLogLength
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
    this.awareness = new awarenessProtocol.Awareness(doc)
    // The server is not a participant: it holds no awareness state of its own.
    this.awareness.setLocalState(null)
    this.doc.on('update', (update: Uint8Array) => this.captured.push(update))
    this.awareness.on('update', this.relayAwareness)
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Identities of the people connected now. */
  get people(): MemberIdentity[] {
    return [...this.connections.values()].map((c) => c.identity)
  }

  /** Whether Yjs holds back parts of updates applied so far, waiting for what they depend on. */
  private get holdsBackParts(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null
  }

  /** Wires up a freshly upgraded socket and starts the sync handshake. */
  addConnection(ws: WebSocket, identity: MemberIdentity, canEdit: boolean): void {
    const connection: Connection = {
      identity,
      canEdit,
      awarenessIds: new Set(),
      syncReplyPending: false,
      afterSend: (error) => {
        if (error) this.removeConnection(ws)
      },
    }
    this.connections.set(ws, connection)
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(ws, data, isBinary))
    ws.on('close', () => this.removeConnection(ws))
    ws.on('error', (error) => {
      this.options.logger.warn({ room: this.id, err: error }, 'websocket error')
      this.removeConnection(ws)
    })
    // Handshake, queued so the reply reflects only what is stored.
    this.enqueue(ws, async () => {
      await this.allStored()
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      syncProtocol.writeSyncStep1(encoder, this.doc)
      this.send(ws, encoding.toUint8Array(encoder))
      const states = [...this.awareness.getStates().keys()]
      if (states.length > 0) this.send(ws, this.awarenessMessage(states))
    })
  }

  private onMessage(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    try {
      if (!isBinary) throw new ProtocolError(CloseCode.badMessage, 'Alleen binaire berichten (binary frames only)')
      if (data.byteLength > this.options.maxMessageBytes) {
        throw new ProtocolError(CloseCode.tooLarge, `Bericht te groot (${data.byteLength} > ${this.options.maxMessageBytes} bytes)`)
      }
      const message = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      const decoder = decoding.createDecoder(message)
      const type = decoding.readVarUint(decoder)
      if (type === MessageType.sync) this.onSyncMessage(ws, decoder)
      else if (type === MessageType.awareness) this.onAwarenessMessage(ws, decoding.readVarUint8Array(decoder))
      else if (type === MessageType.queryAwareness) this.send(ws, this.awarenessMessage([...this.awareness.getStates().keys()]))
      else if (type === MessageType.auth) return
      else throw new ProtocolError(CloseCode.badMessage, `Onbekend berichttype ${type}`)
    } catch (error) {
      this.reject(ws, error)
    }
  }

  private onSyncMessage(ws: WebSocket, decoder: decoding.Decoder): void {
    const subtype = decoding.readVarUint(decoder)
    if (subtype === SyncMessageType.step1) {
      const stateVector = decoding.readVarUint8Array(decoder)
      // Validate now so a broken state vector is rejected at once, not inside the queue.
      Y.decodeStateVector(stateVector)
      const connection = this.connections.get(ws)
      if (!connection || connection.syncReplyPending) return
      connection.syncReplyPending = true
      this.enqueue(ws, async () => {
        // The reply holds only stored state: what is applied gets stored first (the queue waits).
        await this.allStored()
        connection.syncReplyPending = false
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, MessageType.sync)
        syncProtocol.writeSyncStep2(encoder, this.doc, stateVector)
        this.send(ws, encoding.toUint8Array(encoder))
      })
    } else if (subtype === SyncMessageType.step2 || subtype === SyncMessageType.update) {
      const update = decoding.readVarUint8Array(decoder)
      const connection = this.connections.get(ws)
      // Read-only members' changes, and everyone's while the text is frozen, are dropped here,
      // whatever their client does.
      if (!connection?.canEdit || this.frozen) return
      Y.decodeUpdate(update) // throws on a malformed update before anything is applied
      this.enqueue(ws, () => this.applyAndPersist(ws, update))
    } else {
      throw new ProtocolError(CloseCode.badMessage, `Onbekend sync-bericht ${subtype}`)
    }
  }

  /**
   * Applies a client's update and hands what was new to the store. Applying does not wait for
   * storing: what is applied in one turn of the event loop is stored as one entry, and relayed
   * only once stored (see handOff).
   */
  private applyAndPersist(origin: WebSocket, update: Uint8Array): void {
    // Parts held back from earlier updates may be completed by this one; the sender may not have
    // those, so then the change goes back to the sender too.
    const hadPending = this.holdsBackParts
    this.captured = []
    let failure: unknown
    try {
      Y.applyUpdate(this.doc, update, origin)
    } catch (error) {
      failure = error // whatever did get applied is still stored, so memory and disk agree
    }
    const changes = this.captured
    this.captured = []
    if (changes.length > 0) {
      const from = hadPending ? null : origin
      this.unstoredFrom = this.unstored.length === 0 || this.unstoredFrom === from ? from : null
      this.unstored.push(changes.length === 1 ? changes[0]! : Y.mergeUpdates(changes))
      const now = currentTurn()
      const atOnce = this.store.quickAppends === true && this.handedOffAtOnceIn !== now
      if (atOnce) this.handedOffAtOnceIn = now
      const handOffs = atOnce ? handOffsAtTaskEnd : handOffsAtTurnEnd
      handOffs.add(this.handOffNow)
    }
    // No changes means a duplicate, or an update waiting for parts it depends on.
    if (failure !== undefined) throw failure
  }

  /** handOff, as one stable function, so that a room is due at most once per callback (HandOffs). */
  private readonly handOffNow = (): void => this.handOff()

  /**
   * Sends what was applied (merged into one entry) to the store without waiting for earlier
   * entries: the store commits them together where it can (group commit). Each entry is relayed
   * once it is stored, and in the order it was applied, however the writes finish.
   */
  private handOff(): void {
    if (this.unstored.length === 0) return
    const batch = this.unstored.splice(0)
    const from = this.unstoredFrom
    this.unstoredFrom = null
    const merged = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch)
    const started = performance.now()
    const stored = this.storeUntilDone(merged)
    this.storesInFlight += 1
    this.relayed = this.relayed
      .then(() => stored)
      .then((isStored) => {
        if (!isStored) return
        this.options.metrics?.updatesStored(batch.length, (performance.now() - started) / 1000)
        this.logLength += 1
        this.broadcastUpdate(merged, from)
        this.options.publish?.({ kind: 'update', data: merged })
        this.scheduleSummary()
        // In the background; one at a time (a running compaction will be followed by the next trigger).
        if (this.logLength >= this.options.compactAfterUpdates && !this.compaction) void this.compact()
      })
      // Whatever went wrong here, the next entries are still relayed (and nothing is left rejected).
      .catch((error: unknown) => this.options.logger.error({ room: this.id, err: error }, 'could not relay stored changes'))
      .finally(() => {
        this.storesInFlight -= 1
      })
  }

  /**
   * Appends `update`, trying again (with growing pauses) until it is stored; until then it is not
   * relayed. Gives up only when the room has closed (the server stops; the sender still holds the
   * change and sends it again when it reconnects): false.
   */
  private async storeUntilDone(update: Uint8Array): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.appendUpdate(this.id, update)
        return true
      } catch (error) {
        if (this.destroyed) return false
        this.options.logger.error({ room: this.id, err: error, attempt }, 'could not store changes; trying again')
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** Math.min(attempt, 6), 5000)))
        if (this.destroyed) return false
      }
    }
  }

  /** Resolves once everything applied so far is stored (and relayed). */
  private async allStored(): Promise<void> {
    while (this.unstored.length > 0 || this.storesInFlight > 0) {
      this.handOff()
      await this.relayed
    }
  }

  /**
   * A message from another instance about this statute. Updates were stored there before they
   * were sent; they are applied in order with this room's own changes and passed on to the people
   * connected here.
   */
  receive(signal: RoomSignal): void {
    if (this.destroyed) return
    if (signal.kind === 'awareness') {
      try {
        this.applyRemoteAwareness(signal.data)
      } catch (error) {
        this.options.logger.warn({ room: this.id, err: error instanceof Error ? error.message : String(error) }, 'ignored malformed presence from another instance')
      }
    } else if (signal.kind === 'update') {
      this.enqueueInternal(() => this.applyRemote(signal.data, REMOTE_ORIGIN))
    } else {
      void this.resync()
    }
  }

  /** Re-reads the statute from storage and passes on whatever this room had missed. */
  resync(): Promise<void> {
    return this.enqueueInternal(async () => {
      const stored = await this.store.loadDocument(this.id)
      if (!stored) return
      for (const update of stored.updates) await this.applyRemote(update, STORAGE_ORIGIN)
    })
  }

  private async applyRemote(update: Uint8Array, origin: symbol): Promise<void> {
    // Parts this room held back (waiting for what they depend on) may be completed by this
    // update; those parts were never stored, so what changes is stored here, to be safe.
    const hadPending = this.holdsBackParts
    this.captured = []
    try {
      Y.applyUpdate(this.doc, update, origin)
    } catch (error) {
      this.options.logger.warn({ room: this.id, err: error instanceof Error ? error.message : String(error) }, 'could not apply an update from elsewhere')
    }
    const changes = this.captured
    this.captured = []
    if (changes.length === 0) return
    const effective = changes.length === 1 ? changes[0]! : Y.mergeUpdates(changes)
    if (hadPending && origin === REMOTE_ORIGIN) {
      await this.store.appendUpdate(this.id, effective)
      this.logLength += 1
    }
    if (origin === REMOTE_ORIGIN) this.options.metrics?.updateFromRelay()
    this.broadcastUpdate(effective)
  }

  private applyRemoteAwareness(update: Uint8Array): void {
    // Remember who owns the ids announced elsewhere, so nobody here can speak for them.
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      decoding.readVarUint(decoder)
      const state = JSON.parse(decoding.readVarString(decoder)) as { user?: { userId?: unknown } } | null
      const owner = state?.user?.userId
      if (typeof owner === 'string' && !this.awarenessOwners.has(clientId)) this.awarenessOwners.set(clientId, owner)
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN)
  }

  /** Sends `update` to everyone connected here except `from`, whose change it is (it has it). */
  private broadcastUpdate(update: Uint8Array, from: WebSocket | null = null): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeUpdate(encoder, update)
    // Framed once for everyone (frames.ts).
    const message = prepareMessage(encoding.toUint8Array(encoder))
    for (const [ws, connection] of this.connections) if (ws !== from) this.deliver(ws, connection, message)
  }

  /**
   * Presence is vouched for by the server: whatever name a client announces, the others see the
   * authenticated person's name, role and party. A connection speaks only for the awareness ids it
   * announced itself; y-websocket clients also echo other people's states, and those echoes (and
   * any attempt to speak for someone else) are left out.
   */
  private onAwarenessMessage(ws: WebSocket, update: Uint8Array): void {
    const connection = this.connections.get(ws)
    if (!connection) return
    // Decode the whole message first: a malformed one must change nothing, not even the ids
    // recorded below (on close those are removed for everybody).
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: Array<{ clientId: number; clock: number; state: unknown }> = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) as unknown })
    }
    const own = entries.filter(({ clientId, clock }) => {
      const owner = this.awarenessOwners.get(clientId)
      if (owner !== undefined && owner !== connection.identity.userId) return false
      if (connection.awarenessIds.has(clientId)) return true
      const known = this.awareness.meta.get(clientId)?.clock
      for (const [other, otherConnection] of this.connections) {
        if (other === ws || !otherConnection.awarenessIds.has(clientId)) continue
        if (otherConnection.identity.userId !== connection.identity.userId) return false
        // Another connection of the same person speaks for this id (a second tab). Its state
        // passed on by this one (y-websocket clients echo every state they receive) is not
        // newer, and changes nothing; the id stays where it is, or closing this tab would take
        // the other's presence along.
        if (known !== undefined && clock <= known) return false
        // A newer state: the person's client speaks from this socket now (it reconnected before
        // the old socket was noticed gone), so the id moves over.
        otherConnection.awarenessIds.delete(clientId)
      }
      return true
    })
    if (own.length === 0) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, own.length)
    for (const { clientId, clock, state } of own) {
      encoding.writeVarUint(encoder, clientId)
      encoding.writeVarUint(encoder, clock)
      encoding.writeVarString(encoder, JSON.stringify(vouch(state, connection.identity)))
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encoding.toUint8Array(encoder), ws)
    const announced = own.filter(({ state }) => state !== null).map(({ clientId }) => clientId)
    // Relaying it may have cut this connection (deliver: it does not read). Then what it just
    // announced goes at once, as everything it spoke for did.
    if (!this.connections.has(ws)) {
      if (announced.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, announced, null)
      return
    }
    // Record which ids this socket speaks for, so they vanish when it closes. An echoed removal
    // (state null) of someone who left claims nothing.
    for (const clientId of announced) {
      connection.awarenessIds.add(clientId)
      this.awarenessOwners.set(clientId, connection.identity.userId)
    }
  }

  /** Freezes or unfreezes the text (phase changes); connected clients reconnect to learn it. */
  setFrozen(frozen: boolean): void {
    if (this.frozen === frozen) return
    this.frozen = frozen
    for (const [ws, connection] of [...this.connections]) {
      if (!connection.canEdit) continue
      ws.close(CloseCode.accessChanged, frozen ? 'De tekst is bevroren' : 'De tekst kan weer worden bewerkt')
      this.removeConnection(ws)
    }
  }

  get isFrozen(): boolean {
    return this.frozen
  }

  /** Ends the connections of one person (their access changed); clients reconnect with new rights. */
  disconnectUser(userId: string, code: number = CloseCode.accessChanged, reason = 'Uw rechten zijn gewijzigd'): void {
    for (const [ws, connection] of [...this.connections]) {
      if (connection.identity.userId !== userId) continue
      ws.close(code, reason)
      this.removeConnection(ws)
    }
  }

  private readonly relayAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const payload = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed])
    const message = prepareMessage(this.awarenessFrame(payload))
    for (const [ws, connection] of this.connections) this.deliver(ws, connection, message)
    // Presence announced (or ended) here is passed on to the other instances, vouched already.
    if (origin !== REMOTE_ORIGIN && this.options.publish && !this.destroyed) this.options.publish({ kind: 'awareness', data: payload })
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    return this.awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
  }

  private awarenessFrame(payload: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, payload)
    return encoding.toUint8Array(encoder)
  }

  /** Queues work that is nobody's connection's: its failure is logged, not sent to anyone. */
  private enqueueInternal(task: () => void | Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.destroyed) return
      try {
        await task()
      } catch (error) {
        this.options.logger.error({ room: this.id, err: error }, 'room task failed')
      }
    })
    this.queue = run
    return run
  }

  private enqueue(ws: WebSocket, task: () => void | Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.destroyed) return
      try {
        await task()
      } catch (error) {
        this.reject(ws, error)
      }
    })
  }

  /** Closes one connection with a named code; the room and the others carry on. */
  private reject(ws: WebSocket, error: unknown): void {
    const isProtocol = error instanceof ProtocolError
    const code = isProtocol ? error.closeCode : CloseCode.badMessage
    const reason = isProtocol ? error.message : 'Ongeldig bericht (malformed message)'
    this.options.logger.warn({ room: this.id, code, err: error instanceof Error ? error.message : String(error) }, 'closing connection')
    ws.close(code, reason.slice(0, 120))
    this.removeConnection(ws)
  }

  /** One message to one connection, through the same path as relays (frames.ts). */
  private send(ws: WebSocket, message: Uint8Array): void {
    const connection = this.connections.get(ws)
    if (connection) this.deliver(ws, connection, prepareMessage(message))
  }

  /**
   * Sends `message` to one connection, unless more than maxBufferedBytes already wait to be sent
   * to it: a client that stopped reading (or reads far slower than the statute changes) is cut
   * off, not buffered for without end. It reconnects and syncs what it missed.
   */
  private deliver(ws: WebSocket, connection: Connection, message: PreparedMessage): void {
    const buffered = ws.bufferedAmount
    if (buffered <= this.maxBufferedBytes) {
      sendPrepared(ws, message, connection.afterSend)
      return
    }
    this.options.logger.warn({ room: this.id, user: connection.identity.userId, buffered, limit: this.maxBufferedBytes }, 'cut off a connection that does not read what is sent to it')
    ws.terminate()
    this.removeConnection(ws)
  }

  private removeConnection(ws: WebSocket): void {
    const connection = this.connections.get(ws)
    if (!connection) return
    this.connections.delete(ws)
    awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessIds], null)
    if (ws.readyState === ws.OPEN) ws.close(1000)
    if (this.connections.size === 0) this.options.onIdle(this)
  }

  private scheduleSummary(): void {
    if (this.summaryTimer) return
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined
      void this.writeSummary()
    }, SUMMARY_DELAY_MS)
  }

  /**
   * Writes the list's summary; false if that failed. A failure (the database locked by another
   * process a moment, which the update log does not wait for) is tried again a little later.
   */
  private async writeSummary(): Promise<boolean> {
    this.options.onTextChanged?.(this)
    const meta = readMeta(this.doc)
    try {
      await this.store.updateStatuteSummary(this.id, { title: meta.title, organisation: meta.organisation, updatedAt: new Date().toISOString() })
      return true
    } catch (error) {
      this.options.logger.error({ room: this.id, err: error }, 'could not update statute summary; trying again')
      if (!this.destroyed) this.scheduleSummary()
      return false
    }
  }

  /**
   * Folds the update log into the snapshot. If a compaction is running (storage may be slow, or
   * shared with other instances), this waits for it and then compacts what arrived since, so that
   * afterwards everything stored before the call is folded in.
   */
  async compact(merge: (updates: readonly Uint8Array[]) => Uint8Array = defaultMerge): Promise<void> {
    while (this.compaction) await this.compaction
    const run = this.runCompaction(merge).finally(() => {
      if (this.compaction === run) this.compaction = undefined
    })
    this.compaction = run
    await run
  }

  private async runCompaction(merge: (updates: readonly Uint8Array[]) => Uint8Array): Promise<void> {
    try {
      const result = await this.store.compact(this.id, merge)
      this.logLength = Math.max(0, this.logLength - result.mergedUpdates)
      this.options.logger.info({ room: this.id, ...result }, 'compacted update log')
    } catch (error) {
      this.options.logger.error({ room: this.id, err: error }, 'compaction failed; the log is kept')
    }
  }

  /** Waits until every queued change is stored and relayed. */
  async settle(): Promise<void> {
    await this.queue
    await this.allStored()
  }

  /** Stores what is pending, closes every connection with `code`, and frees the document. */
  async close(code: number = CloseCode.serviceRestart, reason = 'Server wordt herstart'): Promise<void> {
    await this.settle()
    this.destroyed = true
    if (this.summaryTimer) {
      clearTimeout(this.summaryTimer)
      this.summaryTimer = undefined
      // A few tries, a moment apart: closing should not wait long for a database someone holds.
      for (let attempt = 1; attempt <= 5 && !(await this.writeSummary()); attempt++) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    for (const ws of [...this.connections.keys()]) {
      this.connections.delete(ws)
      ws.close(code, reason)
    }
    this.awareness.destroy()
    this.doc.destroy()
  }
}


