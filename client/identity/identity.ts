/**
 * Who is using this browser. Until accounts exist, a person is the display name they give,
 * remembered in the browser. Everything else asks this module, so accounts can replace it here.
 */
import { useSyncExternalStore } from 'react'

export interface Person {
  readonly name: string
  /** Colour of the caret and presence badge, derived from the name. */
  readonly color: string
}

const STORAGE_KEY = 'samenspel.name'
const listeners = new Set<() => void>()

// Colours with at least 4.5:1 contrast against white text (caret labels).
const COLORS = ['#1d4ed8', '#b91c1c', '#047857', '#7e22ce', '#a16207', '#be185d', '#0f766e', '#4338ca', '#9a3412', '#15803d']

export function colorFor(name: string): string {
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return COLORS[hash % COLORS.length]!
}

function read(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

let current = read()

export function setDisplayName(name: string): void {
  current = name.trim().slice(0, 80)
  try {
    localStorage.setItem(STORAGE_KEY, current)
  } catch {
    // Without storage the name lasts for this page only.
  }
  for (const listener of listeners) listener()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The current person, or null when no name was given yet. */
export function usePerson(): Person | null {
  const name = useSyncExternalStore(subscribe, () => current)
  return name ? { name, color: colorFor(name) } : null
}

/** Parameters the collaboration connection sends to identify this person. */
export function connectionParams(person: Person): Record<string, string> {
  return { name: person.name }
}
