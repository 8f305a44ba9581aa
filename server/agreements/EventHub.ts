/**
 * Live events per statute (new agreements, phase changes, comments) for the people looking at it,
 * on this instance and, through the relay, on every other instance.
 */
import type { Relay } from '../cluster/Relay.js'

export interface StatuteEvent {
  readonly type: 'agreements' | 'phase' | 'versions' | 'comments'
  readonly data?: unknown
}

export class EventHub {
  private readonly listeners = new Map<string, Set<(event: StatuteEvent) => void>>()

  constructor(private readonly relay?: Relay) {
    relay?.onEvent((event) => {
      if (event.type === 'statute-event') this.deliver(event.statuteId, event.event)
    })
  }

  subscribe(statuteId: string, listener: (event: StatuteEvent) => void): () => void {
    let set = this.listeners.get(statuteId)
    if (!set) {
      set = new Set()
      this.listeners.set(statuteId, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(statuteId)
    }
  }

  publish(statuteId: string, event: StatuteEvent): void {
    this.deliver(statuteId, event)
    this.relay?.publishEvent({ type: 'statute-event', statuteId, event })
  }

  private deliver(statuteId: string, event: StatuteEvent): void {
    for (const listener of this.listeners.get(statuteId) ?? []) listener(event)
  }
}
