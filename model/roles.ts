/**
 * Roles of members in a statute, and what each may do. Shared by the server (which enforces) and
 * the client (which only adapts the interface to it).
 */
export const ROLES = ['beheerder', 'redacteur', 'commentator', 'lezer'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return ROLES.includes(value as Role)
}

/** Beheerders manage members, parties, phases and versions (usually the griffie). */
export function canManage(role: Role | undefined): boolean {
  return role === 'beheerder'
}

/** Who may change the statute's text. */
export function canEditText(role: Role | undefined): boolean {
  return role === 'beheerder' || role === 'redacteur'
}

/** Who may write comments (every member except readers). */
export function canComment(role: Role | undefined): boolean {
  return role !== undefined && role !== 'lezer'
}

/** The parties every new statute starts with; a beheerder can add more (a fractie, the organisation). */
export const DEFAULT_PARTIES = ['Raad', 'College', 'Griffie'] as const

/** Public facts about a person in a statute, as the server vouches for them in presence. */
export interface MemberIdentity {
  readonly userId: string
  readonly name: string
  readonly role: Role
  readonly party: string
}
