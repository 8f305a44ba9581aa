/**
 * Constants of the wire protocol between clients and the server, in one place so both sides agree.
 *
 * WebSocket close codes 4400–4499 mirror HTTP 4xx: y-websocket 3.1 does not reconnect after them,
 * so the client can show the reason instead of retrying forever. 4500–4599 and 1012 mean
 * "try again": the client reconnects on its own.
 */
export const CloseCode = {
  /** The message could not be decoded or does not fit the protocol. */
  badMessage: 4400,
  /** Nobody is signed in (or the credentials expired). */
  unauthorized: 4401,
  /** Signed in, but not allowed to do this. */
  forbidden: 4403,
  /** The statute does not exist (or is not visible to this person). */
  notFound: 4404,
  /** A message was larger than the configured limit. */
  tooLarge: 4413,
  /** Too many messages in a short time. */
  tooManyMessages: 4429,
  /** The person's rights in this statute changed; reconnect to get the new ones. */
  accessChanged: 4100,
  /** Something failed on the server; the client may try again. */
  serverError: 4500,
  /** The server is restarting; reconnect. */
  serviceRestart: 1012,
} as const

export type CloseCodeName = keyof typeof CloseCode

/** The websocket path prefix; the room name (statute id) follows it. */
export const COLLAB_PATH = '/collab/'

/** y-websocket message types (first varint of every frame). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const

/** y-protocols sync sub-types (second varint of a sync frame). */
export const SyncMessageType = { step1: 0, step2: 1, update: 2 } as const

/** Default limits; the server reads overrides from its configuration. */
export const DEFAULT_LIMITS = {
  /** Largest websocket message accepted, in bytes. A whole 150-article statute is about 200 KB. */
  maxMessageBytes: 2 * 1024 * 1024,
  /** Largest JSON request body, in bytes. */
  maxBodyBytes: 256 * 1024,
  /** Longest statute or chapter title, in characters. */
  maxTitleLength: 300,
} as const
