/**
 * Secrets handed to people (session cookies, API tokens, invitation links) are random and only
 * their SHA-256 is stored, so a copy of the database does not let anyone sign in.
 */
import { createHash, randomBytes } from 'node:crypto'

export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Prefix of personal API tokens, so they are recognisable (and findable by secret scanners). */
export const API_TOKEN_PREFIX = 'ssp_'
