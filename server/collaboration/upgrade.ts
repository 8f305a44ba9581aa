/**
 * Accepts websocket connections at /collab/<statute-id>.
 *
 * The statute is loaded completely *before* the upgrade is completed, so the first sync reply
 * can never come from an empty document. Refusals are sent as a close frame with a 44xx code
 * after accepting: a plain HTTP error would make y-websocket retry forever, a close code tells the
 * client (and the person) why.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CloseCode, COLLAB_PATH } from '../../model/protocol.js'
import { isId } from '../../model/ids.js'
import { fastifyCookie } from '@fastify/cookie'
import { canEditText, type MemberIdentity } from '../../model/roles.js'
import type { AuthService } from '../auth/AuthService.js'
import type { AccessService } from '../access/AccessService.js'
import { membershipNow } from '../access/recheck.js'
import { bearerToken, isSameOrigin, SESSION_COOKIE } from '../http/requestAuth.js'
import type { Room, RoomLogger } from './Room.js'
import type { RoomRegistry } from './RoomRegistry.js'

export interface CollaborationServer {
  readonly wss: WebSocketServer
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  close(): Promise<void>
}

export interface CollaborationOptions {
  readonly maxMessageBytes: number
  readonly logger: RoomLogger
  readonly heartbeatMs?: number
  readonly auth: AuthService
  readonly access: AccessService
  readonly allowedOrigins: readonly string[]
}

export function createCollaborationServer(registry: RoomRegistry, options: CollaborationOptions): CollaborationServer {
  // ws itself stops reading a frame larger than this hard ceiling; messages between the configured
  // limit and the ceiling are read and refused by the room with a clear 4413.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes * 4 })

  // Connections that stop answering pings (a laptop lid closed, a dropped network) are ended, so
  // their presence disappears for the others and their room can unload.
  const alive = new WeakSet<WebSocket>()
  wss.on('connection', (ws: WebSocket) => {
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
  })
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, options.heartbeatMs ?? 30_000)
  heartbeat.unref()

  const refuse = (request: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void => {
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => ws.close(code, reason))
  }

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy())
    // Nothing in this listener may throw: an exception here is uncaught and ends the process.
    let url: URL
    try {
      url = new URL(request.url ?? '/', 'http://localhost')
    } catch {
      // An unparsable request target, e.g. "//".
      const body = JSON.stringify({ code: 'bad_request', message: 'Ongeldige URL.' })
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
      return
    }
    if (!url.pathname.startsWith(COLLAB_PATH)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    let statuteId = ''
    try {
      statuteId = decodeURIComponent(url.pathname.slice(COLLAB_PATH.length))
    } catch {
      // Broken percent-encoding (e.g. "%E0%A4%A"): not an id, refused below like any malformed id.
    }
    if (!isId(statuteId)) {
      refuse(request, socket, head, CloseCode.notFound, 'Onbekend statuut (unknown statute)')
      return
    }
    // Shutting down: come back in a moment (to this instance after its restart, or another one).
    if (registry.isClosing) {
      refuse(request, socket, head, CloseCode.serviceRestart, 'Server wordt herstart')
      return
    }
    void admit(request, url, statuteId).then(
      (admitted) => {
        if ('refusal' in admitted) {
          refuse(request, socket, head, admitted.refusal[0], admitted.refusal[1])
          return
        }
        const { room, identity, canEdit, stillAdmitted } = admitted
        if (socket.destroyed) {
          registry.release(room)
          return
        }
        let connected = false
        wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
          connected = true
          wss.emit('connection', ws, request)
          room.addConnection(ws, identity, canEdit)
          // The person's access may have changed while it was checked, before there was a
          // connection to end: checked once more, now that a change would end it.
          void stillAdmitted().then((admittedStill) => {
            if (!admittedStill && ws.readyState === ws.OPEN) ws.close(CloseCode.accessChanged, 'Uw rechten zijn gewijzigd')
          })
        })
        // ws answered the handshake with an HTTP error (no key, wrong version): nobody holds the room.
        if (!connected) registry.release(room)
      },
      (error: unknown) => {
        options.logger.error({ room: statuteId, err: error }, 'could not open statute')
        if (!socket.destroyed) refuse(request, socket, head, CloseCode.serverError, 'Statuut kon niet worden geladen')
      },
    )
  }

  type Admission = { room: Room; identity: MemberIdentity; canEdit: boolean; stillAdmitted: () => Promise<boolean> } | { refusal: [number, string] }

  /** Who is connecting, whether they are a member, and the loaded room. */
  const admit = async (request: IncomingMessage, url: URL, statuteId: string): Promise<Admission> => {
    const token = url.searchParams.get('token') ?? bearerToken(request.headers.authorization)
    const sessionToken = token ? undefined : fastifyCookie.parse(request.headers.cookie ?? '')[SESSION_COOKIE]
    // A browser always sends Origin on a websocket; a cookie-authenticated one from another site
    // is cross-site websocket hijacking.
    if (sessionToken && request.headers.origin && !isSameOrigin(request.headers, options.allowedOrigins)) {
      return { refusal: [CloseCode.forbidden, 'Verbinding van een andere website geweigerd'] }
    }
    const credentials = token ? { bearerToken: token } : { sessionToken }
    const principal = await options.auth.authenticate(credentials)
    if (!principal) return { refusal: [CloseCode.unauthorized, 'Niet aangemeld (not signed in)'] }
    const membership = await options.access.member(principal, statuteId).catch(() => undefined)
    // Non-members hear the same as for a statute that does not exist.
    if (!membership) return { refusal: [CloseCode.notFound, 'Onbekend statuut (unknown statute)'] }
    const party = (await options.access.listParties(statuteId)).find((p) => p.id === membership.partyId)
    const room = await registry.open(statuteId)
    if (!room) return { refusal: [CloseCode.notFound, 'Onbekend statuut (unknown statute)'] }
    const identity: MemberIdentity = { userId: principal.user.id, name: principal.user.name, role: membership.role, party: party?.name ?? '' }
    // Whether the credentials and the membership still hold as they were admitted.
    const stillAdmitted = async (): Promise<boolean> => {
      const now = await membershipNow(options.auth, options.access, credentials, principal.user.id, statuteId)
      return now !== undefined && now.role === membership.role && now.partyId === membership.partyId
    }
    return { room, identity, canEdit: canEditText(membership.role), stillAdmitted }
  }

  return {
    wss,
    handleUpgrade,
    close: async () => {
      clearInterval(heartbeat)
      // Rooms have sent their close frames (1012: reconnect); give the clients a moment to answer so
      // they see that code rather than a dropped connection, then cut whatever is left.
      const open = [...wss.clients].filter((client) => client.readyState !== client.CLOSED)
      await Promise.race([
        Promise.all(open.map((client) => new Promise<void>((resolve) => client.once('close', () => resolve())))),
        new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
      ])
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
