/**
 * Live events per statute (new agreements, phase changes) for the people looking at it. One
 * process for now; with several instances the hub relays through Redis (issue 8).
 */
export interface StatuteEvent {
  readonly type: 'agreements' | 'phase' | 'versions' | 'comments'
  readonly data?: unknown
}

export class EventHub {
  private readonly listeners = new Map<string, Set<(event: StatuteEvent) => void>>()

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
    for (const listener of this.listeners.get(statuteId) ?? []) listener(event)
  }
}
