/**
 * A bare `ws` client for sending hand-made frames to the collaboration endpoint, plus builders for
 * valid y-websocket frames (lib0 encoding + y-protocols) to start crafted ones from.
 */
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '../../model/protocol.js'
import { defaultCredentials } from './credentials.js'

export interface CloseInfo {
  readonly code: number
  readonly reason: string
}

export interface RawSocket {
  readonly ws: WebSocket
  /** Binary messages received so far. */
  readonly messages: Uint8Array[]
  /** Resolves when the connection is open (rejects if the upgrade fails). */
  readonly opened: Promise<void>
  /** Resolves with the close code and reason the server sent. */
  readonly closed: Promise<CloseInfo>
}

/**
 * Opens a raw websocket to `url` (e.g. `${server.wsUrl}/${id}`), authenticated with the test
 * administrator's token unless `token` is given (`null`: anonymous).
 */
export function openRawSocket(url: string, token: string | null | undefined = defaultCredentials.token): RawSocket {
  const target = new URL(url)
  if (token && !target.searchParams.has('token')) target.searchParams.set('token', token)
  const ws = new WebSocket(target.toString())
  const messages: Uint8Array[] = []
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)))
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
  opened.catch(() => undefined)
  const closed = new Promise<CloseInfo>((resolve) => {
    ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }))
  })
  return { ws, messages, opened, closed }
}

/** Resolves with `promise`'s value, or rejects after `ms` with a message naming `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/** A sync "update" frame carrying `update` (which need not be a valid Yjs update). */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** An awareness frame whose payload is `payload` (which need not be a valid awareness update). */
export function awarenessFrame(payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** A valid awareness update for one client with the given state. */
export function awarenessPayload(clientId: number, clock: number, stateJson: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarString(encoder, stateJson)
  return encoding.toUint8Array(encoder)
}


/**
 * A caret as y-tiptap announces it in presence (`cursor`: anchor and head as
 * `Y.relativePositionToJSON` writes them), at item `clock` of client 1.
 */
export function caretAt(clock: number): { anchor: Record<string, unknown>; head: Record<string, unknown> } {
  const position = { item: { client: 1, clock }, assoc: 0 }
  return { anchor: position, head: { ...position } }
}
