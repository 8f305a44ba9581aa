/**
 * Storage contracts for people and access: accounts, sessions, API tokens, parties, memberships,
 * invitations and the audit log. Implemented per engine beside the statute store.
 */
import type { Role } from '../../model/roles.js'

export interface UserRecord {
  readonly id: string
  /** Lowercased. */
  readonly email: string
  readonly name: string
  readonly passwordHash: string
  readonly isAdmin: boolean
  readonly createdAt: string
}

export interface SessionRecord {
  readonly idHash: string
  readonly userId: string
  readonly createdAt: string
  readonly expiresAt: string
}

export interface ApiTokenRecord {
  readonly id: string
  readonly userId: string
  readonly name: string
  readonly tokenHash: string
  readonly createdAt: string
  readonly lastUsedAt: string | null
  readonly revokedAt: string | null
}

export interface AccountStore {
  countUsers(): Promise<number>
  createUser(user: UserRecord): Promise<void>
  /**
   * Creates `user` only if no account exists at all, atomically (also across instances sharing the
   * database): true if created, false if some account already existed.
   */
  createFirstAdmin(user: UserRecord): Promise<boolean>
  getUser(id: string): Promise<UserRecord | undefined>
  getUserByEmail(email: string): Promise<UserRecord | undefined>
  listUsers(): Promise<UserRecord[]>
  setPasswordHash(userId: string, passwordHash: string): Promise<void>

  createSession(session: SessionRecord): Promise<void>
  getSession(idHash: string): Promise<SessionRecord | undefined>
  extendSession(idHash: string, expiresAt: string): Promise<void>
  deleteSession(idHash: string): Promise<void>
  /** Signs a person out everywhere except, optionally, one session (after a password change). */
  deleteSessionsOf(userId: string, exceptIdHash?: string): Promise<void>

  createApiToken(token: ApiTokenRecord): Promise<void>
  listApiTokens(userId: string): Promise<ApiTokenRecord[]>
  getApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>
  revokeApiToken(userId: string, tokenId: string, at: string): Promise<boolean>
  touchApiToken(tokenId: string, at: string): Promise<void>
}

export interface PartyRecord {
  readonly id: string
  readonly statuteId: string
  readonly name: string
  /** A sub-party (e.g. a fractie within the raad) names its parent. */
  readonly parentId: string | null
  /** For a party with sub-parties: agreement needs all of them, or a quorum. */
  readonly rule?: 'all' | 'quorum'
  readonly quorum?: number | null
  readonly createdAt: string
}

export interface MembershipRecord {
  readonly statuteId: string
  readonly userId: string
  readonly role: Role
  readonly partyId: string
  /** May record agreement on behalf of the party. */
  readonly canAgree: boolean
  readonly createdAt: string
}

/** A membership with the person's name and e-mail and the party's name, for lists. */
export interface MemberView extends MembershipRecord {
  readonly name: string
  readonly email: string
  readonly partyName: string
}

export interface InvitationRecord {
  readonly id: string
  readonly statuteId: string
  readonly email: string
  readonly role: Role
  readonly partyId: string
  readonly canAgree: boolean
  readonly tokenHash: string
  readonly createdBy: string
  readonly createdAt: string
  readonly expiresAt: string
  readonly acceptedAt: string | null
  readonly revokedAt: string | null
}

/** What may change in a membership; left out (undefined) stays as it is. */
export interface MembershipPatch {
  readonly role?: Role | undefined
  readonly partyId?: string | undefined
  readonly canAgree?: boolean | undefined
}

/** The outcome of changing or removing a membership under the last-beheerder rule. */
export type MembershipOutcome =
  | { readonly ok: true; readonly before: MembershipRecord; /** After a change; absent after removal. */ readonly after?: MembershipRecord }
  | { readonly ok: false; readonly reason: 'not_member' | 'last_beheerder' }

export interface AccessStore {
  listParties(statuteId: string): Promise<PartyRecord[]>
  createParty(party: PartyRecord): Promise<void>
  getMembership(statuteId: string, userId: string): Promise<MembershipRecord | undefined>
  listMembers(statuteId: string): Promise<MemberView[]>
  /** Creates or replaces a membership (no rules applied: new statutes, invitations, tools). */
  putMembership(membership: MembershipRecord): Promise<void>
  /** Removes a membership (no rules applied). */
  deleteMembership(statuteId: string, userId: string): Promise<void>
  /**
   * Changes an existing membership (never creates one: 'not_member'). Refused with
   * 'last_beheerder' when it would leave the statute without a beheerder; checked in the same
   * atomic step as the change, so two beheerders demoting each other at once (on one instance or
   * on several sharing the database) cannot both succeed.
   */
  updateMembership(statuteId: string, userId: string, patch: MembershipPatch): Promise<MembershipOutcome>
  /** Removes a membership under the same rule. */
  removeMembership(statuteId: string, userId: string): Promise<MembershipOutcome>
  /** Statute ids this person is a member of, with the role. */
  listMembershipsOf(userId: string): Promise<Array<{ statuteId: string; role: Role }>>

  createInvitation(invitation: InvitationRecord): Promise<void>
  listInvitations(statuteId: string): Promise<InvitationRecord[]>
  getInvitationByHash(tokenHash: string): Promise<InvitationRecord | undefined>
  /**
   * Uses an open invitation and, in the same transaction, writes the membership it grants: a new
   * one, or an existing one given the invitation's party, right to agree and role, except that a
   * beheerder stays beheerder (checked atomically, so a person promoted to beheerder, or left as
   * the last one, meanwhile is not lowered). Returns what is stored and whether the person was a
   * member already; undefined, with nothing written, if the invitation was used or revoked already
   * (one use only, also with several instances at once). If the membership cannot be written,
   * the invitation stays open, so its link still works.
   */
  acceptInvitation(id: string, at: string, membership: MembershipRecord): Promise<{ membership: MembershipRecord; existed: boolean } | undefined>
  revokeInvitation(statuteId: string, id: string, at: string): Promise<boolean>
}

/** A membership with `patch` applied (undefined fields left as they are). */
export function patchMembership(membership: MembershipRecord, patch: MembershipPatch): MembershipRecord {
  return {
    ...membership,
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.partyId !== undefined ? { partyId: patch.partyId } : {}),
    ...(patch.canAgree !== undefined ? { canAgree: patch.canAgree } : {}),
  }
}

/** Whether going from `before` to `after` (undefined: removed) takes a beheerder away. */
export function losesBeheerder(before: MembershipRecord, after: MembershipRecord | undefined): boolean {
  return before.role === 'beheerder' && after?.role !== 'beheerder'
}

export interface AuditRecord {
  readonly at: string
  readonly actorId: string | null
  /** Who, as a readable label (name or e-mail), kept even if the account goes. */
  readonly actorLabel: string
  readonly statuteId: string | null
  readonly action: string
  readonly details: Record<string, unknown>
  readonly ip: string | null
}

export interface AuditStore {
  append(entry: AuditRecord): Promise<void>
  listForStatute(statuteId: string, limit: number): Promise<Array<AuditRecord & { id: number }>>
  listAll(limit: number): Promise<Array<AuditRecord & { id: number }>>
  /** Failed sign-ins since `since` for this e-mail address and for this IP address. */
  countFailedSignIns(email: string, ip: string, since: string): Promise<{ byEmail: number; byIp: number }>
}
