/**
 * How server instances tell each other what happened. One instance (the default) needs nothing:
 * `LocalRelay` relays to nobody. With REDIS_URL, `RedisRelay` carries it through Redis pub/sub.
 *
 * Two kinds of traffic:
 * - per statute ("room"): document updates (already stored by the sender), presence, and
 *   "re-read storage" requests after a gap. Only instances that have the statute open listen.
 * - cluster-wide events: live events for event streams, phase freezes, and "disconnect this
 *   person" after an access or credential change.
 *
 * Pub/sub delivers at most once. Nothing is lost by that: every update is in storage before it is
 * published, an instance subscribes before it loads a statute, and after a gap (Redis restarted,
 * connection lost) every instance re-reads its open statutes from storage.
 */
import type { StatuteEvent } from '../agreements/EventHub.js'

export type RoomSignal =
  | { readonly kind: 'update'; readonly data: Uint8Array }
  | { readonly kind: 'awareness'; readonly data: Uint8Array }
  /** Another instance may have missed messages: re-read the statute from storage. */
  | { readonly kind: 'resync' }

export type ClusterEvent =
  | { readonly type: 'statute-event'; readonly statuteId: string; readonly event: StatuteEvent }
  | { readonly type: 'frozen'; readonly statuteId: string; readonly frozen: boolean }
  /** statuteId null: every statute (signed out, password changed, token revoked). */
  | { readonly type: 'disconnect-user'; readonly userId: string; readonly statuteId: string | null }

export interface RelayStats {
  readonly published: number
  readonly received: number
  /** Messages that could not be sent (Redis unreachable); the receivers re-read storage later. */
  readonly dropped: number
  readonly gaps: number
}

export interface Relay {
  /** Random per process start; messages from oneself are ignored. */
  readonly instanceId: string
  /** Whether other instances can be reached (always true for the local relay). */
  readonly connected: boolean
  /** Starts listening to a statute; resolves once subscribed, so nothing published later is missed. */
  joinRoom(roomId: string, onSignal: (signal: RoomSignal) => void): Promise<void>
  leaveRoom(roomId: string): Promise<void>
  publishRoom(roomId: string, signal: RoomSignal): void
  /** Sends an event to the other instances (the caller handles it locally itself). */
  publishEvent(event: ClusterEvent): void
  onEvent(handler: (event: ClusterEvent) => void): void
  /** Called when messages may have been missed; rooms then re-read storage. */
  onGap(handler: () => void): void
  stats(): RelayStats
  close(): Promise<void>
}

/** One instance: there is nobody to tell. */
export class LocalRelay implements Relay {
  readonly instanceId = 'local'
  readonly connected = true
  async joinRoom(): Promise<void> {}
  async leaveRoom(): Promise<void> {}
  publishRoom(): void {}
  publishEvent(): void {}
  onEvent(): void {}
  onGap(): void {}
  stats(): RelayStats {
    return { published: 0, received: 0, dropped: 0, gaps: 0 }
  }
  async close(): Promise<void> {}
}
