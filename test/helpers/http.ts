/**
 * Plain HTTP requests to a test server with explicit credentials: a session cookie (as a browser
 * sends it, with an Origin header), a Bearer token, or nothing. Unlike `api()` it never falls back to
 * the administrator's token, and it returns headers and Set-Cookie lines too.
 */
import { SESSION_COOKIE } from '../../server/http/requestAuth.js'

export interface HttpResponse<T = unknown> {
  readonly status: number
  readonly headers: Headers
  readonly body: T
  /** The raw text of the body. */
  readonly text: string
  readonly setCookies: string[]
}

export interface HttpOptions {
  readonly body?: unknown
  readonly headers?: Record<string, string>
  /** For event streams: on a 2xx answer read only the first chunk of the body, then close. */
  readonly firstChunkOnly?: boolean
}

export async function http<T = unknown>(server: { url: string }, method: string, pathname: string, options: HttpOptions = {}): Promise<HttpResponse<T>> {
  const abort = new AbortController()
  const response = await fetch(server.url + pathname, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
    signal: abort.signal,
  })
  let text: string
  if (options.firstChunkOnly && response.ok && response.body) {
    const reader = response.body.getReader()
    const first = await reader.read()
    text = new TextDecoder().decode(first.value ?? new Uint8Array())
    abort.abort()
    await reader.cancel().catch(() => undefined)
  } else {
    text = await response.text()
  }
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = text
  }
  return { status: response.status, headers: response.headers, body: body as T, text, setCookies: response.headers.getSetCookie() }
}

/** What a browser page of this server sends with a request: the session cookie and its Origin. */
export function browserHeaders(server: { url: string }, sessionToken: string): Record<string, string> {
  return { cookie: `${SESSION_COOKIE}=${sessionToken}`, origin: server.url }
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

/** The session cookie line among Set-Cookie lines, parsed. */
export function sessionCookie(setCookies: readonly string[]): { value: string; attributes: Map<string, string>; line: string } | undefined {
  const line = setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))
  if (!line) return undefined
  const [pair, ...rest] = line.split(';')
  const value = decodeURIComponent(pair!.slice(SESSION_COOKIE.length + 1))
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const [key, ...val] = part.trim().split('=')
    attributes.set(key!.toLowerCase(), val.join('='))
  }
  return { value, attributes, line }
}

/** Signs in with e-mail and password over HTTP; returns the session token from the cookie. */
export async function signIn(server: { url: string }, email: string, password: string): Promise<string> {
  const response = await http(server, 'POST', '/api/session', { body: { email, password }, headers: { origin: server.url } })
  const cookie = sessionCookie(response.setCookies)
  if (response.status !== 201 || !cookie) throw new Error(`sign-in failed: ${response.status} ${response.text}`)
  return cookie.value
}
