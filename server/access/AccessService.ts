/**
 * Who may do what in which statute. Every route asks this service; it answers 404 to people who
 * are not members (a statute's existence does not leak) and 403 to members without the right.
 */
import { newId } from '../../model/ids.js'
import { DEFAULT_PARTIES, canManage, type Role } from '../../model/roles.js'
import type { AccessStore, AccountStore, InvitationRecord, MembershipRecord, PartyRecord } from '../storage/AccessStore.js'
import type { NewStatuteAccess } from '../storage/StatuteStore.js'
import { badRequest, conflict, forbidden, notFound, AppError } from '../errors.js'
import type { Actor, AuditLog } from '../audit/AuditLog.js'
import type { Principal } from '../auth/AuthService.js'
import { normaliseEmail } from '../auth/AuthService.js'
import { hashSecret, newSecret } from '../auth/tokens.js'

export interface AccessOptions {
  readonly invitationTtlHours: number
}

/** Told when someone's access to a statute changes, so open connections follow at once. */
export type MembershipListener = (statuteId: string, userId: string) => void

const notMember = () => notFound('Dit statuut bestaat niet of u bent er geen lid van.')
const gone = (code: string, message: string) => new AppError(code, 410, message)
const notMemberOfStatute = () => notFound('Deze persoon is geen lid van dit statuut.')
const lastBeheerder = () => conflict('last_beheerder', 'Een statuut heeft minstens één beheerder nodig. Maak eerst iemand anders beheerder.')

export function actorOf(principal: Principal, ip: string | null): Actor {
  return { id: principal.user.id, label: principal.user.email, ip }
}

export class AccessService {
  private readonly listeners = new Set<MembershipListener>()

  constructor(
    private readonly access: AccessStore,
    private readonly accounts: AccountStore,
    private readonly audit: AuditLog,
    private readonly options: AccessOptions,
  ) {}

  onMembershipChanged(listener: MembershipListener): void {
    this.listeners.add(listener)
  }

  private changed(statuteId: string, userId: string): void {
    for (const listener of this.listeners) listener(statuteId, userId)
  }

  /** The caller's membership; 404 for anyone else. */
  async member(principal: Principal | undefined, statuteId: string): Promise<MembershipRecord> {
    if (!principal) throw notMember()
    const membership = await this.access.getMembership(statuteId, principal.user.id)
    if (!membership) throw notMember()
    return membership
  }

  /** The caller's membership if the role passes `allowed`; 404 for non-members, 403 otherwise. */
  async require(principal: Principal | undefined, statuteId: string, allowed: (role: Role) => boolean): Promise<MembershipRecord> {
    const membership = await this.member(principal, statuteId)
    if (!allowed(membership.role)) throw forbidden()
    return membership
  }

  /** Default parties and the creator as beheerder (in the griffie's party), for a new statute. */
  initialAccess(statuteId: string, creatorId: string): NewStatuteAccess {
    const now = new Date().toISOString()
    const parties: PartyRecord[] = DEFAULT_PARTIES.map((name) => ({ id: newId(), statuteId, name, parentId: null, createdAt: now }))
    const griffie = parties.find((p) => p.name === 'Griffie') ?? parties[0]!
    return { parties, members: [{ statuteId, userId: creatorId, role: 'beheerder', partyId: griffie.id, canAgree: true, createdAt: now }] }
  }

  listMembershipsOf(principal: Principal) {
    return this.access.listMembershipsOf(principal.user.id)
  }

  listMembers(statuteId: string) {
    return this.access.listMembers(statuteId)
  }

  listParties(statuteId: string) {
    return this.access.listParties(statuteId)
  }

  async createParty(actor: Actor, statuteId: string, input: { name: string; parentId?: string | null }): Promise<PartyRecord> {
    const parties = await this.access.listParties(statuteId)
    if (parties.some((p) => p.name.toLowerCase() === input.name.trim().toLowerCase())) throw conflict('party_exists', 'Er is al een partij met deze naam.')
    if (input.parentId && !parties.some((p) => p.id === input.parentId)) throw badRequest('De hoofdpartij bestaat niet in dit statuut.')
    const party: PartyRecord = { id: newId(), statuteId, name: input.name.trim(), parentId: input.parentId ?? null, createdAt: new Date().toISOString() }
    await this.access.createParty(party)
    await this.audit.record(actor, 'party.created', statuteId, { partyId: party.id, name: party.name })
    return party
  }

  private async requireParty(statuteId: string, partyId: string): Promise<void> {
    if (!(await this.access.listParties(statuteId)).some((p) => p.id === partyId)) throw badRequest('Deze partij bestaat niet in dit statuut.')
  }

  /** Changes role, party or right to agree. The last beheerder cannot be demoted. */
  async changeMember(actor: Actor, statuteId: string, userId: string, patch: { role?: Role; partyId?: string; canAgree?: boolean }): Promise<MembershipRecord> {
    if (!(await this.access.getMembership(statuteId, userId))) throw notMemberOfStatute()
    if (patch.partyId) await this.requireParty(statuteId, patch.partyId)
    // The store checks the last-beheerder rule in the same atomic step as the change.
    const result = await this.access.updateMembership(statuteId, userId, patch)
    if (!result.ok) throw result.reason === 'not_member' ? notMemberOfStatute() : lastBeheerder()
    const { before, after = before } = result
    await this.audit.record(actor, 'member.changed', statuteId, { userId, from: { role: before.role, partyId: before.partyId, canAgree: before.canAgree }, to: { role: after.role, partyId: after.partyId, canAgree: after.canAgree } })
    // Connections and streams end first: whatever happens to the invitations below, the person's
    // old rights stop at once.
    this.changed(statuteId, userId)
    if (before.role === 'beheerder' && after.role !== 'beheerder') await this.revokeInvitationsBy(actor, statuteId, userId)
    return after
  }

  async removeMember(actor: Actor, statuteId: string, userId: string): Promise<void> {
    const result = await this.access.removeMembership(statuteId, userId)
    if (!result.ok) throw result.reason === 'not_member' ? notMemberOfStatute() : lastBeheerder()
    await this.audit.record(actor, 'member.removed', statuteId, { userId, role: result.before.role })
    this.changed(statuteId, userId)
    await this.revokeInvitationsBy(actor, statuteId, userId)
  }

  /**
   * Revokes the open invitations someone made, when they are no longer a beheerder of the statute
   * (removed or given another role): otherwise a beheerder about to be removed could invite a
   * second address of their own and come back with it. The other beheerders see the revoked
   * invitations in the list and in the audit log, and can invite again. An invitation stored
   * while this runs (made just before the change) is refused when used: openInvitation checks
   * that its maker is still a beheerder.
   */
  private async revokeInvitationsBy(actor: Actor, statuteId: string, userId: string): Promise<void> {
    const now = new Date()
    for (const invitation of await this.access.listInvitations(statuteId)) {
      if (invitation.createdBy !== userId || invitation.acceptedAt || invitation.revokedAt || Date.parse(invitation.expiresAt) <= now.getTime()) continue
      if (await this.access.revokeInvitation(statuteId, invitation.id, now.toISOString())) {
        await this.audit.record(actor, 'invitation.revoked', statuteId, { invitationId: invitation.id, because: 'inviter-no-longer-beheerder', inviter: userId })
      }
    }
  }

  /** Creates an invitation; the one-time token is returned once and only its hash is stored. */
  async invite(actor: Actor, statuteId: string, input: { email: string; role: Role; partyId: string; canAgree: boolean }): Promise<{ invitation: Omit<InvitationRecord, 'tokenHash'>; token: string }> {
    await this.requireParty(statuteId, input.partyId)
    const email = normaliseEmail(input.email)
    const existing = await this.accounts.getUserByEmail(email)
    if (existing && (await this.access.getMembership(statuteId, existing.id))) throw conflict('already_member', 'Deze persoon is al lid van dit statuut.')
    const token = newSecret()
    const now = Date.now()
    const invitation: InvitationRecord = {
      id: newId(),
      statuteId,
      email,
      role: input.role,
      partyId: input.partyId,
      canAgree: input.canAgree,
      tokenHash: hashSecret(token),
      createdBy: actor.id ?? '',
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.invitationTtlHours * 3_600_000).toISOString(),
      acceptedAt: null,
      revokedAt: null,
    }
    await this.access.createInvitation(invitation)
    await this.audit.record(actor, 'invitation.created', statuteId, { invitationId: invitation.id, email, role: input.role, partyId: input.partyId })
    const { tokenHash: _hash, ...visible } = invitation
    return { invitation: visible, token }
  }

  async listInvitations(statuteId: string) {
    return (await this.access.listInvitations(statuteId)).map(({ tokenHash: _hash, ...rest }) => rest)
  }

  async revokeInvitation(actor: Actor, statuteId: string, invitationId: string): Promise<void> {
    if (!(await this.access.revokeInvitation(statuteId, invitationId, new Date().toISOString()))) throw notFound('Deze uitnodiging bestaat niet of is al gebruikt.')
    await this.audit.record(actor, 'invitation.revoked', statuteId, { invitationId })
  }

  /** An invitation that may still be used; 404 for unknown, 410 for used, revoked or expired. */
  async openInvitation(token: string): Promise<InvitationRecord> {
    const invitation = await this.access.getInvitationByHash(hashSecret(token))
    if (!invitation) throw notFound('Deze uitnodiging bestaat niet. Controleer de link.')
    if (invitation.acceptedAt) throw gone('invitation_used', 'Deze uitnodiging is al gebruikt. Meld u aan.')
    if (invitation.revokedAt) throw gone('invitation_revoked', 'Deze uitnodiging is ingetrokken.')
    if (Date.parse(invitation.expiresAt) <= Date.now()) throw gone('invitation_expired', 'Deze uitnodiging is verlopen. Vraag de beheerder om een nieuwe.')
    // Made by someone who is no longer a beheerder here: as good as revoked (revokeInvitationsBy).
    const maker = await this.access.getMembership(invitation.statuteId, invitation.createdBy)
    if (!canManage(maker?.role)) throw gone('invitation_revoked', 'Deze uitnodiging is ingetrokken.')
    return invitation
  }

  /** Uses an invitation (once) for an existing account with the invited e-mail address. */
  async acceptInvitation(invitation: InvitationRecord, userId: string, actor: Actor): Promise<MembershipRecord> {
    const now = new Date().toISOString()
    // Used and turned into a membership in one transaction: if the membership cannot be written,
    // the invitation stays open. Accepting never lowers a beheerder (checked by the store).
    const accepted = await this.access.acceptInvitation(invitation.id, now, {
      statuteId: invitation.statuteId,
      userId,
      role: invitation.role,
      partyId: invitation.partyId,
      canAgree: invitation.canAgree,
      createdAt: now,
    })
    if (!accepted) throw gone('invitation_used', 'Deze uitnodiging is al gebruikt.')
    const { membership, existed } = accepted
    await this.audit.record(actor, 'invitation.accepted', invitation.statuteId, { invitationId: invitation.id, userId, role: membership.role })
    await this.audit.record(actor, existed ? 'member.changed' : 'member.added', invitation.statuteId, { userId, role: membership.role, partyId: membership.partyId })
    this.changed(invitation.statuteId, userId)
    return membership
  }
}
