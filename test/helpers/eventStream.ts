/**
 * Reads a statute's Server-Sent Events stream (GET /api/statutes/:id/events) with fetch and a
 * stream reader, collecting the events as they arrive.
 */
import { waitFor } from './clients.js'

export interface SseEvent {
  readonly type: string
  readonly data: unknown
  /** When it arrived (ms since the epoch). */
  readonly at: number
}

export interface EventStream {
  readonly status: number
  readonly contentType: string | null
  readonly events: SseEvent[]
  /** Whether the server ended the stream (not counting close()). */
  readonly ended: boolean
  /** Resolves once the server's greeting arrived (the subscription is in place). */
  connected(): Promise<void>
  close(): void
}

export async function listenToEvents(server: { url: string }, statuteId: string, token: string): Promise<EventStream> {
  const abort = new AbortController()
  const response = await fetch(`${server.url}/api/statutes/${statuteId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal })
  const events: SseEvent[] = []
  let greeted = false
  let ended = false
  if (response.ok && response.body) {
    const reader = response.body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) {
            ended = true
            return
          }
          buffer += decoder.decode(value, { stream: true })
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            // Comment lines (": …") are the greeting and keep-alives.
            if (block.startsWith(':')) {
              greeted = true
              continue
            }
            const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
            const data = /^data: (.*)$/m.exec(block)?.[1]
            events.push({ type, data: data === undefined ? undefined : (JSON.parse(data) as unknown), at: Date.now() })
          }
        }
      } catch {
        // aborted
      }
    })()
  } else {
    await response.text().catch(() => undefined)
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    get ended() {
      return ended
    },
    connected: () => waitFor(() => greeted, 5_000, 'event stream greeting'),
    close: () => abort.abort(),
  }
}
