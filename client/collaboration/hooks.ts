/**
 * React hooks over a statute's live document: connection state, outline, presence.
 */
import { useEffect, useState, useSyncExternalStore } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { observeStructure, readMeta, readOutline, type Outline, type StatuteMeta } from '../../model/statuteDoc.js'
import type { Person } from '../identity/identity.js'
import { acquireConnection, releaseConnection, type ConnectionState, type StatuteConnection } from './statuteConnection.js'

export function useStatuteConnection(statuteId: string, person: Person): StatuteConnection {
  const [connection] = useState(() => acquireConnection(statuteId, person))
  useEffect(() => () => releaseConnection(connection), [connection])
  return connection
}

export function useConnectionState(connection: StatuteConnection): ConnectionState {
  return useSyncExternalStore(connection.subscribe, () => connection.snapshot)
}

/** The structure (chapters, articles, numbers) and metadata, re-read after structural changes. */
export function useOutline(connection: StatuteConnection): { outline: Outline; meta: StatuteMeta } {
  const read = () => ({ outline: readOutline(connection.doc), meta: readMeta(connection.doc) })
  const [state, setState] = useState(read)
  useEffect(() => {
    setState(read())
    return observeStructure(connection.doc, () => setState(read()))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection])
  return state
}

export interface PresentPerson {
  readonly clientId: number
  readonly name: string
  readonly color: string
  /** Role and party as the server vouches for them. */
  readonly role?: string
  readonly party?: string
  readonly isSelf: boolean
}

function readPresence(awareness: Awareness): PresentPerson[] {
  const people: PresentPerson[] = []
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: { name?: unknown; color?: unknown; role?: unknown; party?: unknown } }).user
    if (!user || typeof user.name !== 'string') return
    people.push({
      clientId,
      name: user.name,
      color: typeof user.color === 'string' ? user.color : '#444',
      ...(typeof user.role === 'string' ? { role: user.role } : {}),
      ...(typeof user.party === 'string' ? { party: user.party } : {}),
      isSelf: clientId === awareness.clientID,
    })
  })
  return people.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
}

export function usePresence(connection: StatuteConnection): PresentPerson[] {
  const awareness = connection.provider.awareness
  const [people, setPeople] = useState(() => readPresence(awareness))
  useEffect(() => {
    const onChange = (): void => setPeople(readPresence(awareness))
    awareness.on('change', onChange)
    onChange()
    return () => awareness.off('change', onChange)
  }, [awareness])
  return people
}

/** Whether the structure undo manager can undo or redo now. */
export function useUndoState(connection: StatuteConnection): { canUndo: boolean; canRedo: boolean } {
  const manager = connection.undoManager
  const read = () => ({ canUndo: manager.undoStack.length > 0, canRedo: manager.redoStack.length > 0 })
  const [state, setState] = useState(read)
  useEffect(() => {
    const onChange = (): void => setState(read())
    manager.on('stack-item-added', onChange)
    manager.on('stack-item-popped', onChange)
    manager.on('stack-cleared', onChange)
    return () => {
      manager.off('stack-item-added', onChange)
      manager.off('stack-item-popped', onChange)
      manager.off('stack-cleared', onChange)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [manager])
  return state
}
