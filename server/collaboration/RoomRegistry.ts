/**
 * The open statutes of this server process. Loads a statute completely before anyone may sync
 * with it (the y-websocket "load race"), shares one load between concurrent callers, and unloads
 * a statute some time after its last connection closed.
 */
import { docFromUpdates } from './docState.js'
import { Room, type RoomLogger, type RoomMetrics } from './Room.js'
import type { StatuteStore } from '../storage/StatuteStore.js'
import { LocalRelay, type ClusterEvent, type Relay, type RoomSignal } from '../cluster/Relay.js'

export interface RoomRegistryOptions {
  readonly maxMessageBytes: number
  /** See RoomOptions.maxBufferedBytes. */
  readonly maxBufferedBytes?: number
  readonly compactAfterUpdates: number
  readonly roomIdleMs: number
  readonly logger: RoomLogger
  /** Whether a statute's text is frozen (its phase), asked when it is loaded. */
  readonly isFrozen?: (id: string) => Promise<boolean>
  readonly onTextChanged?: (id: string) => void
  /** Other instances (Redis); by default there are none. */
  readonly relay?: Relay
  readonly metrics?: RoomMetrics
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>()
  private readonly loading = new Map<string, Promise<Room | undefined>>()
  private readonly idleTimers = new Map<string, NodeJS.Timeout>()
  private readonly unloading = new Map<string, Promise<void>>()
  private closing = false
  private readonly relay: Relay

  constructor(
    private readonly store: StatuteStore,
    private readonly options: RoomRegistryOptions,
  ) {
    this.relay = options.relay ?? new LocalRelay()
    this.relay.onEvent((event) => this.onClusterEvent(event))
    // Messages may have been lost (Redis was away): every open statute re-reads storage.
    this.relay.onGap(() => {
      for (const room of this.rooms.values()) void room.resync()
    })
  }

  /** Freezes or unfreezes a statute's text here and on every other instance. */
  setFrozen(id: string, frozen: boolean): void {
    this.rooms.get(id)?.setFrozen(frozen)
    this.relay.publishEvent({ type: 'frozen', statuteId: id, frozen })
    // Two phase changes at once may be told in another order than storage committed them:
    // the stored phase decides.
    void this.refreshFrozen(id)
  }

  /** Sets a room's frozen state from the phase in storage. */
  private async refreshFrozen(id: string): Promise<void> {
    if (!this.rooms.has(id) || !this.options.isFrozen) return
    try {
      const frozen = await this.options.isFrozen(id)
      this.rooms.get(id)?.setFrozen(frozen)
    } catch (error) {
      this.options.logger.warn({ room: id, err: error instanceof Error ? error.message : String(error) }, 'could not read the phase')
    }
  }

  /** Ends a person's connections (to one statute, or all) here and on every other instance. */
  disconnectUser(userId: string, statuteId: string | null): void {
    this.disconnectLocally(userId, statuteId)
    this.relay.publishEvent({ type: 'disconnect-user', userId, statuteId })
  }

  private disconnectLocally(userId: string, statuteId: string | null): void {
    if (statuteId === null) for (const room of this.rooms.values()) room.disconnectUser(userId)
    else this.rooms.get(statuteId)?.disconnectUser(userId)
  }

  private onClusterEvent(event: ClusterEvent): void {
    if (event.type === 'frozen') {
      this.rooms.get(event.statuteId)?.setFrozen(event.frozen)
      void this.refreshFrozen(event.statuteId)
    }
    else if (event.type === 'disconnect-user') this.disconnectLocally(event.userId, event.statuteId)
  }

  /** True once closeAll() began: new connections are sent elsewhere. */
  get isClosing(): boolean {
    return this.closing
  }

  /** Open rooms, for metrics and tests. */
  get openRooms(): ReadonlyMap<string, Room> {
    return this.rooms
  }

  /**
   * The room of a statute, loaded from storage if needed; undefined if the statute does not exist.
   * The room stays loaded until the caller hands it back with `release` or connects to it.
   */
  async open(id: string): Promise<Room | undefined> {
    if (this.closing) throw new Error('server is shutting down')
    // A room being unloaded first stores everything it has; only then is it read back.
    await this.unloading.get(id)
    const existing = this.rooms.get(id)
    if (existing) {
      this.cancelIdle(id)
      return existing
    }
    let pending = this.loading.get(id)
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id))
      this.loading.set(id, pending)
    }
    const room = await pending
    if (room) this.cancelIdle(id)
    return room
  }

  /** Says the caller no longer needs the room; it is unloaded after roomIdleMs without connections. */
  release(room: Room): void {
    this.touch(room)
  }

  private cancelIdle(id: string): void {
    clearTimeout(this.idleTimers.get(id))
    this.idleTimers.delete(id)
  }

  private async load(id: string): Promise<Room | undefined> {
    // Listen to the other instances before reading storage: whatever they store after this read
    // arrives as a message, whatever they stored before is in what is read.
    let room: Room | undefined
    const early: RoomSignal[] = []
    await this.relay.joinRoom(id, (signal) => (room ? room.receive(signal) : early.push(signal)))
    let stored
    try {
      stored = await this.store.loadDocument(id)
    } catch (error) {
      await this.relay.leaveRoom(id)
      throw error
    }
    if (!stored) {
      await this.relay.leaveRoom(id)
      return undefined
    }
    const doc = docFromUpdates(stored.updates, (index, error) =>
      this.options.logger.error({ room: id, index, err: error }, 'skipped a stored update that could not be applied'),
    )
    const loaded = new Room(id, doc, this.store, stored.logLength, {
      maxMessageBytes: this.options.maxMessageBytes,
      ...(this.options.maxBufferedBytes !== undefined ? { maxBufferedBytes: this.options.maxBufferedBytes } : {}),
      compactAfterUpdates: this.options.compactAfterUpdates,
      logger: this.options.logger,
      onIdle: (idle) => this.touch(idle),
      onTextChanged: (changed) => this.options.onTextChanged?.(changed.id),
      publish: (signal) => this.relay.publishRoom(id, signal),
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
    })
    if (await this.options.isFrozen?.(id)) loaded.setFrozen(true)
    room = loaded
    for (const signal of early) loaded.receive(signal)
    this.rooms.set(id, loaded)
    return loaded
  }

  /** (Re)starts the idle timer: a room without connections is unloaded after roomIdleMs. */
  private touch(room: Room): void {
    this.cancelIdle(room.id)
    if (room.connectionCount > 0 || this.closing) return
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.id)
      const done = this.unload(room).finally(() => this.unloading.delete(room.id))
      this.unloading.set(room.id, done)
    }, this.options.roomIdleMs)
    timer.unref()
    this.idleTimers.set(room.id, timer)
  }

  private async unload(room: Room): Promise<void> {
    if (room.connectionCount > 0 || this.rooms.get(room.id) !== room) return
    this.rooms.delete(room.id)
    await room.settle()
    await room.compact()
    await room.close()
    await this.relay.leaveRoom(room.id)
  }

  /** Closes every room: pending changes are stored, clients are told to reconnect. */
  async closeAll(): Promise<void> {
    this.closing = true
    for (const timer of this.idleTimers.values()) clearTimeout(timer)
    this.idleTimers.clear()
    await Promise.allSettled([...this.loading.values(), ...this.unloading.values()])
    const rooms = [...this.rooms.values()]
    this.rooms.clear()
    await Promise.all(rooms.map((room) => room.close()))
    await Promise.all(rooms.map((room) => this.relay.leaveRoom(room.id)))
  }
}
