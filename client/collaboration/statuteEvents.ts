/**
 * One server event stream (SSE) per statute, shared by every part of the page that wants to know
 * about new agreements, comments, phases or versions.
 */
import { useEffect, useRef } from 'react'

type Listener = (type: string) => void
const streams = new Map<string, { source: EventSource; listeners: Set<Listener> }>()
const TYPES = ['agreements', 'comments', 'phase', 'versions'] as const

function subscribe(statuteId: string, listener: Listener): () => void {
  let stream = streams.get(statuteId)
  if (!stream) {
    const source = new EventSource(`/api/statutes/${encodeURIComponent(statuteId)}/events`)
    const created = { source, listeners: new Set<Listener>() }
    for (const type of TYPES) source.addEventListener(type, () => created.listeners.forEach((l) => l(type)))
    // After a dropped stream, everyone catches up on what was missed.
    source.addEventListener('open', () => created.listeners.forEach((l) => l('open')))
    streams.set(statuteId, created)
    stream = created
  }
  stream.listeners.add(listener)
  const current = stream
  return () => {
    current.listeners.delete(listener)
    if (current.listeners.size === 0) {
      current.source.close()
      streams.delete(statuteId)
    }
  }
}

/** Calls `onEvent` for events of the given types (and after reconnecting). */
export function useStatuteEvents(statuteId: string, types: readonly string[], onEvent: () => void): void {
  const callback = useRef(onEvent)
  callback.current = onEvent
  const key = types.join(',')
  useEffect(
    () =>
      subscribe(statuteId, (type) => {
        if (type === 'open' || key.split(',').includes(type)) callback.current()
      }),
    [statuteId, key],
  )
}
