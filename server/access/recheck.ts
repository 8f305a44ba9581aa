/**
 * Access checked once more after a websocket or event stream was admitted. A change while it was
 * first checked (removed from the statute, a revoked token) had nothing to end yet; checked again
 * once the connection is in place, where a change would end it.
 */
import type { AuthService, Credentials } from '../auth/AuthService.js'
import type { MembershipRecord } from '../storage/AccessStore.js'
import type { AccessService } from './AccessService.js'

/** The membership the same credentials give the same person now; undefined if they no longer do. */
export async function membershipNow(auth: AuthService, access: AccessService, credentials: Credentials, userId: string, statuteId: string): Promise<MembershipRecord | undefined> {
  const principal = await auth.authenticate(credentials).catch(() => undefined)
  if (principal?.user.id !== userId) return undefined
  return access.member(principal, statuteId).catch(() => undefined)
}
