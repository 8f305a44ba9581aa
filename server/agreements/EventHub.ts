/**
 * Live events per statute (new agreements, phase changes, comments) for the people looking at it,
 * on this instance and, through the relay, on every other instance.
 *
 * Each subscription belongs to a person. When that person's access changes (removed from the
 * statute, a new role, signed out, a new password, a revoked token) their streams end, here and,
 * through the relay's 'disconnect-user' event, on every other instance, as their websockets do;
 * the browser reconnects and is checked again.
 */
import type { Relay } from '../cluster/Relay.js'

export interface StatuteEvent {
  readonly type: 'agreements' | 'phase' | 'versions' | 'comments'
  readonly data?: unknown
}

export interface EventSubscriber {
  readonly userId: string
  readonly deliver: (event: StatuteEvent) => void
  /** Ends the stream (the person's access changed); the hub has already forgotten the subscriber. */
  readonly end: () => void
}

export class EventHub {
  private readonly subscribers = new Map<string, Set<EventSubscriber>>()

  constructor(private readonly relay?: Relay) {
    relay?.onEvent((event) => {
      if (event.type === 'statute-event') this.deliver(event.statuteId, event.event)
      else if (event.type === 'disconnect-user') this.endFor(event.userId, event.statuteId)
    })
  }

  /** Adds a subscriber to a statute's events; returns the function that removes it. */
  subscribe(statuteId: string, subscriber: EventSubscriber): () => void {
    let set = this.subscribers.get(statuteId)
    if (!set) {
      set = new Set()
      this.subscribers.set(statuteId, set)
    }
    set.add(subscriber)
    return () => this.remove(statuteId, subscriber)
  }

  publish(statuteId: string, event: StatuteEvent): void {
    this.deliver(statuteId, event)
    this.relay?.publishEvent({ type: 'statute-event', statuteId, event })
  }

  /**
   * Ends the streams of one person on this instance, to one statute or (null) to all. The other
   * instances hear of it from the relay event the room registry sends for the same change.
   */
  endFor(userId: string, statuteId: string | null): void {
    const statutes = statuteId === null ? [...this.subscribers.keys()] : [statuteId]
    for (const id of statutes) {
      for (const subscriber of [...(this.subscribers.get(id) ?? [])]) {
        if (subscriber.userId !== userId) continue
        this.remove(id, subscriber)
        subscriber.end()
      }
    }
  }

  /** Open streams, over all statutes (for tests and metrics). */
  get subscriberCount(): number {
    let count = 0
    for (const set of this.subscribers.values()) count += set.size
    return count
  }

  private remove(statuteId: string, subscriber: EventSubscriber): void {
    const set = this.subscribers.get(statuteId)
    if (!set?.delete(subscriber)) return
    if (set.size === 0) this.subscribers.delete(statuteId)
  }

  private deliver(statuteId: string, event: StatuteEvent): void {
    for (const subscriber of this.subscribers.get(statuteId) ?? []) subscriber.deliver(event)
  }
}
