/**
 * Validation at the boundary: zod schemas in, typed values out, or a 400 with every problem named.
 */
import type { z } from 'zod'
import { badRequest } from '../errors.js'

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value)
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
    throw badRequest(details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; '), details)
  }
  return result.data
}
