/**
 * A real y-websocket client in Node (the `ws` package), the same provider the browser uses.
 * Kept separate from test/helpers so the benchmark does not depend on test code.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

/** One connected (or connecting) client with its own document. */
export interface BenchClient {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** Closes the socket and frees the document (which also stops its awareness timer). */
  destroy(): void
}

// Every WebsocketProvider adds a process 'exit' listener; 60+ clients would trip Node's
// "possible EventEmitter memory leak" warning, which is noise here, not a leak.
process.setMaxListeners(0)

/** Where a client connects: the y-websocket base URL (the room is appended) and query parameters. */
export interface Endpoint {
  readonly wsUrl: string
  readonly params: Readonly<Record<string, string>>
}

/**
 * Opens a client for room `room` (a statute id on the project's server, a document name on the
 * stock one); it starts connecting at once. `server` is either an endpoint or a project server
 * (authenticated with its API token as `?token=`, as the server accepts it on websockets).
 */
export function connectClient(server: Endpoint | { readonly wsUrl: string; readonly token: string }, room: string): BenchClient {
  const doc = new Y.Doc()
  const params = 'params' in server ? { ...server.params } : { token: server.token }
  const provider = new WebsocketProvider(server.wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params,
    maxBackoffTime: 500,
  })
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Resolves when the provider has completed its first sync with the server. */
export function whenSynced(client: BenchClient, timeoutMs = 30_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.provider.off('sync', handler)
      reject(new Error(`client did not sync within ${timeoutMs} ms`))
    }, timeoutMs)
    const handler = (isSynced: boolean): void => {
      if (!isSynced) return
      clearTimeout(timer)
      client.provider.off('sync', handler)
      resolve()
    }
    client.provider.on('sync', handler)
  })
}

/** Resolves when the websocket is open (the server completes the upgrade only after loading). */
export function whenConnected(client: BenchClient, timeoutMs = 30_000): Promise<void> {
  if (client.provider.wsconnected) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.provider.off('status', handler)
      reject(new Error(`client did not connect within ${timeoutMs} ms`))
    }, timeoutMs)
    const handler = (event: { status: string }): void => {
      if (event.status !== 'connected') return
      clearTimeout(timer)
      client.provider.off('status', handler)
      resolve()
    }
    client.provider.on('status', handler)
  })
}

/** Polls `check` every 20 ms until it holds; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Whether two documents hold the same updates (equal state vectors). */
export function sameState(a: Y.Doc, b: Y.Doc): boolean {
  // Compared as maps: the encoded vectors list clients in insertion order, which differs per doc.
  const left = Y.decodeStateVector(Y.encodeStateVector(a))
  const right = Y.decodeStateVector(Y.encodeStateVector(b))
  if (left.size !== right.size) return false
  for (const [client, clock] of left) if (right.get(client) !== clock) return false
  return true
}
