/**
 * Stable identifiers for chapters, articles and statutes.
 *
 * Uses `crypto.getRandomValues`, which exists in browsers (also outside secure contexts, unlike
 * `randomUUID`) and in Node 20 as a global.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

/** A random id of `length` base-36 characters (default 16, about 82 bits). */
export function newId(length = 16): string {
  const bytes = new Uint8Array(length)
  globalThis.crypto.getRandomValues(bytes)
  let id = ''
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length]
  return id
}

/** Ids as they appear in URLs and room names: lowercase letters, digits, dash; 1 to 64 long. */
export const ID_PATTERN = /^[a-z0-9-]{1,64}$/

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value)
}
