/**
 * Who is asking. Until accounts exist, a person is a display name they chose in the browser; this
 * module is the one place to replace with real authentication.
 */
import type { IncomingMessage } from 'node:http'

export interface Identity {
  readonly kind: 'guest'
  /** Display name, as the person typed it. */
  readonly name: string
}

const MAX_NAME_LENGTH = 80

/** Reads the display name from the `name` query parameter (y-websocket `params`) or header. */
export function identify(request: IncomingMessage, url: URL): Identity {
  const raw = url.searchParams.get('name') ?? request.headers['x-samenspel-name']
  const name = typeof raw === 'string' ? raw.trim().slice(0, MAX_NAME_LENGTH) : ''
  return { kind: 'guest', name: name.length > 0 ? name : 'Gast' }
}

/** Whether this identity may change the statute's text. Every guest may, until roles exist. */
export function canEdit(_identity: Identity): boolean {
  return true
}
