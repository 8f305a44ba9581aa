/**
 * Validation at the boundary: zod schemas in, typed values out, or a 400 with every problem named.
 *
 * Every request body, path and query goes through `parse`, so this is also where text with control
 * characters is refused (tab, line feed and carriage return are fine): they are invisible, and
 * PostgreSQL cannot store U+0000 in text at all.
 */
import type { z } from 'zod'
import { badRequest } from '../errors.js'
import { CONTROL_CHARACTER } from '../controlCharacters.js'

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const control = findControlCharacter(value)
  if (control !== undefined) {
    const message = 'Deze tekst bevat een onzichtbaar teken dat niet is toegestaan (een stuurteken). Haal het weg en probeer het opnieuw.'
    // A path through deeply nested JSON can be long; the start of it says enough.
    const path = control.length > MAX_PATH_IN_MESSAGE ? `${control.slice(0, MAX_PATH_IN_MESSAGE)}…` : control
    throw badRequest(path ? `${path}: ${message}` : message, [{ path, message }])
  }
  const result = schema.safeParse(value)
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
    throw badRequest(details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; '), details)
  }
  return result.data
}


const MAX_PATH_IN_MESSAGE = 200

/**
 * The path (as zod names it, `a.0.b`; '' for the value itself) of the first string or object key in
 * `value` holding a control character; undefined if there is none. Walks without recursion and
 * builds only the path it reports, so deeply nested JSON costs neither stack nor quadratic memory.
 */
export function findControlCharacter(value: unknown): string | undefined {
  // Every value visited is a node: its key and its parent node, so a path is built only when needed.
  const keys: Array<string | number> = []
  const parents: number[] = []
  const pathOf = (node: number): string => {
    const parts: Array<string | number> = []
    for (let at = node; at > 0; at = parents[at]!) parts.push(keys[at]!)
    return parts.reverse().join('.')
  }
  const visit = (parent: number, key: string | number, child: unknown) => {
    keys.push(key)
    parents.push(parent)
    pending.push([child, keys.length - 1])
  }
  keys.push('')
  parents.push(-1)
  const pending: Array<[unknown, number]> = [[value, 0]]
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [current, node] = item
    if (typeof current === 'string') {
      if (CONTROL_CHARACTER.test(current)) return pathOf(node)
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) visit(node, i, current[i])
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
      const entries = Object.entries(current)
      for (const [key] of entries) {
        if (CONTROL_CHARACTER.test(key)) {
          visit(node, key, undefined)
          return pathOf(keys.length - 1)
        }
      }
      for (let i = entries.length - 1; i >= 0; i -= 1) visit(node, entries[i]![0], entries[i]![1])
    }
  }
  return undefined
}
