/**
 * Who is using this browser: the signed-in account, loaded once from the server and shared through
 * React context. The server decides what the person may do; the client only adapts to it.
 */
import { createContext, useContext } from 'react'
import type { User } from '../api/api.js'

export interface Person {
  readonly id: string
  readonly name: string
  readonly email: string
  readonly isAdmin: boolean
  /** Colour of the caret and presence badge, derived from the account id. */
  readonly color: string
}

// Colours with at least 4.5:1 contrast against white text (caret labels).
const COLORS = ['#1d4ed8', '#b91c1c', '#047857', '#7e22ce', '#a16207', '#be185d', '#0f766e', '#4338ca', '#9a3412', '#15803d']

export function colorFor(key: string): string {
  let hash = 0
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return COLORS[hash % COLORS.length]!
}

export function personFor(user: User): Person {
  return { id: user.id, name: user.name, email: user.email, isAdmin: user.isAdmin, color: colorFor(user.id) }
}

export interface SessionState {
  /** undefined while loading; null when nobody is signed in. */
  readonly person: Person | null | undefined
  readonly needsSetup: boolean
  /** Re-reads the session (after signing in, accepting an invitation, …). */
  readonly refresh: () => Promise<void>
  readonly signOut: () => Promise<void>
}

export const SessionContext = createContext<SessionState>({
  person: undefined,
  needsSetup: false,
  refresh: async () => undefined,
  signOut: async () => undefined,
})

export function useSession(): SessionState {
  return useContext(SessionContext)
}

/** The signed-in person; only call below a component that requires a session. */
export function usePerson(): Person {
  const { person } = useSession()
  if (!person) throw new Error('usePerson needs a signed-in person')
  return person
}
