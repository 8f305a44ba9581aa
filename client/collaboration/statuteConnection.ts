/**
 * One statute's live connection: the Y.Doc, offline storage in the browser (IndexedDB), the
 * y-websocket provider and a document-wide undo manager for structure.
 *
 * Created outside React's render path and shared per statute, because StrictMode mounts twice and
 * two providers for one document in one tab would fight.
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { IndexeddbPersistence } from 'y-indexeddb'
import { COLLAB_PATH } from '../../model/protocol.js'
import { STRUCTURE_ORIGIN, structureScope } from '../../model/statuteDoc.js'
import { CloseCode } from '../../model/protocol.js'
import type { Person } from '../identity/identity.js'

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'refused'

export interface ConnectionState {
  readonly status: ConnectionStatus
  /** Whether the document has received the server's state at least once (or had it stored locally). */
  readonly ready: boolean
  /** The server's reason when it refused the connection (close code 44xx). */
  readonly refusal?: { code: number; reason: string }
  /** Increases whenever the server says this person's rights changed. */
  readonly accessVersion: number
}

export class StatuteConnection {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  readonly offline: IndexeddbPersistence
  readonly undoManager: Y.UndoManager
  private state: ConnectionState = { status: 'connecting', ready: false, accessVersion: 0 }
  private readonly listeners = new Set<() => void>()
  private everConnected = false
  private users = 0

  constructor(
    readonly statuteId: string,
    person: Person,
  ) {
    this.offline = new IndexeddbPersistence(`samenspel:${statuteId}`, this.doc)
    const base = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${COLLAB_PATH.replace(/\/$/, '')}`
    // The session cookie authenticates the connection; the server vouches for name, role and party.
    this.provider = new WebsocketProvider(base, statuteId, this.doc, {
      // Tabs must not relay to each other: every change goes through the server, which decides.
      disableBc: true,
    })
    this.provider.awareness.setLocalStateField('user', { name: person.name, color: person.color })
    this.undoManager = new Y.UndoManager(structureScope(this.doc), { trackedOrigins: new Set([STRUCTURE_ORIGIN]), captureTimeout: 300 })

    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.everConnected = true
      if (this.state.status === 'refused') return
      const next: ConnectionStatus =
        status === 'connected' ? 'connected' : !navigator.onLine ? 'offline' : this.everConnected ? 'reconnecting' : 'connecting'
      this.update({ status: next })
    })
    this.provider.on('sync', (synced) => {
      if (synced) this.update({ ready: true })
    })
    this.provider.on('closed', ({ code, reason }) => this.update({ status: 'refused', refusal: { code, reason } }))
    // Rights changed on the server: the connection comes back by itself; tell listeners to re-read.
    this.provider.on('connection-close', (event) => {
      if (event?.code === CloseCode.accessChanged) this.update({ accessVersion: this.state.accessVersion + 1 })
    })
    void this.offline.whenSynced.then(() => {
      // Content kept from an earlier visit is shown at once, also offline.
      if (this.doc.getMap('chapters').size > 0) this.update({ ready: true })
    })
    window.addEventListener('online', this.onNetworkChange)
    window.addEventListener('offline', this.onNetworkChange)
  }

  private readonly onNetworkChange = (): void => {
    if (this.state.status === 'refused' || this.state.status === 'connected') return
    this.update({ status: navigator.onLine ? 'reconnecting' : 'offline' })
  }

  get snapshot(): ConnectionState {
    return this.state
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private update(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch }
    for (const listener of this.listeners) listener()
  }

  /**
   * Runs a discrete structural change (add, move, delete, restore) as its own undo step. Typing in
   * a title still merges into one step per pause, as people expect.
   */
  step<T>(change: () => T): T {
    this.undoManager.stopCapturing()
    const result = change()
    this.undoManager.stopCapturing()
    return result
  }

  /** Counts users so the connection is closed when the last one leaves. */
  retain(): void {
    this.users += 1
  }

  release(): boolean {
    this.users -= 1
    return this.users <= 0
  }

  get userCount(): number {
    return this.users
  }


  destroy(): void {
    window.removeEventListener('online', this.onNetworkChange)
    window.removeEventListener('offline', this.onNetworkChange)
    this.undoManager.destroy()
    this.provider.destroy()
    void this.offline.destroy()
    this.doc.destroy()
  }
}

const connections = new Map<string, StatuteConnection>()

/** The shared connection for a statute; call `releaseConnection` when done. */
export function acquireConnection(statuteId: string, person: Person): StatuteConnection {
  let connection = connections.get(statuteId)
  if (!connection) {
    connection = new StatuteConnection(statuteId, person)
    connections.set(statuteId, connection)
  }
  connection.retain()
  return connection
}

export function releaseConnection(connection: StatuteConnection): void {
  if (!connection.release()) return
  // Delay so StrictMode's unmount-remount does not tear down and rebuild the connection.
  setTimeout(() => {
    if (connection.userCount > 0 || connections.get(connection.statuteId) !== connection) return
    connections.delete(connection.statuteId)
    connection.destroy()
  }, 1000)
}
