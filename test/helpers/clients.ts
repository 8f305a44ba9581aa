/**
 * Real y-websocket clients in Node, speaking to a real server over real sockets.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { toSnapshot } from '../../model/snapshot.js'
import { readOutline } from '../../model/statuteDoc.js'
import { defaultCredentials } from './credentials.js'

export interface TestClient {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** The close event the server sent, if it refused the connection. */
  readonly closed: Promise<{ code: number; reason: string }>
  destroy(): void
}

/**
 * A y-websocket client. It authenticates with `token` (default: the test administrator's); `name`
 * only labels the client in test output, the server shows the account's name.
 */
export function connectClient(wsUrl: string, statuteId: string, options: { name?: string; token?: string | null; doc?: Y.Doc; connect?: boolean } = {}): TestClient {
  const token = options.token === undefined ? defaultCredentials.token : options.token
  const doc = options.doc ?? new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, statuteId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    params: token ? { token } : {},
    maxBackoffTime: 200,
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    provider.on('closed', (event) => resolve({ code: event.code, reason: event.reason }))
  })
  return {
    doc,
    provider,
    closed,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Resolves once the client has completed a sync with the server. */
export function synced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('client did not sync in time')), timeoutMs)
    const handler = (isSynced: boolean): void => {
      if (!isSynced) return
      clearTimeout(timer)
      client.provider.off('sync', handler)
      resolve()
    }
    client.provider.on('sync', handler)
  })
}

/** Polls until `check` returns true. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/**
 * Polls an asynchronous check (an HTTP request, a query) until it holds; `what` names it in the
 * error (a function is asked at the timeout, for the state then).
 */
export async function until(check: () => Promise<boolean>, what: string | (() => string), timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Everything a reader sees of a statute document (text, structure, deleted items), for comparing. */
export function stateOf(doc: Y.Doc): string {
  return JSON.stringify({ snapshot: toSnapshot(doc), deleted: readOutline(doc).deleted })
}
