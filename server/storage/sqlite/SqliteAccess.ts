/**
 * Parties, memberships and invitations in SQLite. The last-beheerder rule is checked and applied
 * in one IMMEDIATE transaction: no other connection to the file writes in between.
 */
import type Database from 'better-sqlite3'
import { canManage, type Role } from '../../../model/roles.js'
import { losesBeheerder, patchMembership } from '../AccessStore.js'
import type { AccessStore, InvitationRecord, MemberView, MembershipOutcome, MembershipPatch, MembershipRecord, PartyRecord } from '../AccessStore.js'
import { statement } from './statements.js'

const INVITATION_COLUMNS = `id, statute_id AS statuteId, email, role, party_id AS partyId, can_agree AS canAgree, token_hash AS tokenHash,
  created_by AS createdBy, created_at AS createdAt, expires_at AS expiresAt, accepted_at AS acceptedAt, revoked_at AS revokedAt`

export const ACCESS_SQL = {
  listParties: `SELECT id, statute_id AS statuteId, name, parent_id AS parentId, rule, quorum, created_at AS createdAt FROM parties WHERE statute_id = ? ORDER BY created_at, name`,
  insertParty: `INSERT INTO parties (id, statute_id, name, parent_id, created_at) VALUES (@id, @statuteId, @name, @parentId, @createdAt)`,
  getMembership: `SELECT statute_id AS statuteId, user_id AS userId, role, party_id AS partyId, can_agree AS canAgree, created_at AS createdAt
                  FROM memberships WHERE statute_id = ? AND user_id = ?`,
  listMembers: `SELECT m.statute_id AS statuteId, m.user_id AS userId, m.role, m.party_id AS partyId, m.can_agree AS canAgree, m.created_at AS createdAt,
                       u.name, u.email, p.name AS partyName
                FROM memberships m JOIN users u ON u.id = m.user_id JOIN parties p ON p.id = m.party_id
                WHERE m.statute_id = ? ORDER BY u.name`,
  putMembership: `INSERT INTO memberships (statute_id, user_id, role, party_id, can_agree, created_at)
                  VALUES (@statuteId, @userId, @role, @partyId, @canAgree, @createdAt)
                  ON CONFLICT (statute_id, user_id) DO UPDATE SET role = excluded.role, party_id = excluded.party_id, can_agree = excluded.can_agree`,
  deleteMembership: `DELETE FROM memberships WHERE statute_id = ? AND user_id = ?`,
  updateMembership: `UPDATE memberships SET role = @role, party_id = @partyId, can_agree = @canAgree WHERE statute_id = @statuteId AND user_id = @userId`,
  otherBeheerder: `SELECT EXISTS (SELECT 1 FROM memberships WHERE statute_id = ? AND role = 'beheerder' AND user_id <> ?) AS other`,
  membershipsOf: `SELECT statute_id AS statuteId, role FROM memberships WHERE user_id = ?`,
  insertInvitation: `INSERT INTO invitations (id, statute_id, email, role, party_id, can_agree, token_hash, created_by, created_at, expires_at, accepted_at, revoked_at)
                     VALUES (@id, @statuteId, @email, @role, @partyId, @canAgree, @tokenHash, @createdBy, @createdAt, @expiresAt, @acceptedAt, @revokedAt)`,
  listInvitations: `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE statute_id = ? ORDER BY created_at DESC`,
  getInvitationByHash: `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE token_hash = ?`,
  acceptInvitation: `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
  revokeInvitation: `UPDATE invitations SET revoked_at = ? WHERE id = ? AND statute_id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
} as const

type WithFlag<T> = Omit<T, 'canAgree'> & { canAgree: number }
const flag = <T extends { canAgree: boolean }>(row: WithFlag<T>): T => ({ ...row, canAgree: row.canAgree === 1 }) as unknown as T

export class SqliteAccess implements AccessStore {
  constructor(private readonly db: Database.Database) {}

  async listParties(statuteId: string): Promise<PartyRecord[]> {
    return statement(this.db, ACCESS_SQL.listParties).all(statuteId) as PartyRecord[]
  }
  async createParty(party: PartyRecord): Promise<void> {
    statement(this.db, ACCESS_SQL.insertParty).run(party)
  }
  async getMembership(statuteId: string, userId: string): Promise<MembershipRecord | undefined> {
    const row = statement(this.db, ACCESS_SQL.getMembership).get(statuteId, userId) as WithFlag<MembershipRecord> | undefined
    return row ? flag<MembershipRecord>(row) : undefined
  }
  async listMembers(statuteId: string): Promise<MemberView[]> {
    return (statement(this.db, ACCESS_SQL.listMembers).all(statuteId) as Array<WithFlag<MemberView>>).map((row) => flag<MemberView>(row))
  }
  async putMembership(membership: MembershipRecord): Promise<void> {
    statement(this.db, ACCESS_SQL.putMembership).run({ ...membership, canAgree: membership.canAgree ? 1 : 0 })
  }
  /** The membership an accepted invitation grants (see AccessStore.acceptInvitation), inside its transaction. */
  private writeAcceptedMembership(membership: MembershipRecord): { membership: MembershipRecord; existed: boolean } {
    const row = statement(this.db, ACCESS_SQL.getMembership).get(membership.statuteId, membership.userId) as WithFlag<MembershipRecord> | undefined
    const before = row ? flag<MembershipRecord>(row) : undefined
    const stored: MembershipRecord = { ...membership, role: before && canManage(before.role) ? before.role : membership.role, createdAt: before?.createdAt ?? membership.createdAt }
    statement(this.db, ACCESS_SQL.putMembership).run({ ...stored, canAgree: stored.canAgree ? 1 : 0 })
    return { membership: stored, existed: before !== undefined }
  }
  async deleteMembership(statuteId: string, userId: string): Promise<void> {
    statement(this.db, ACCESS_SQL.deleteMembership).run(statuteId, userId)
  }
  async updateMembership(statuteId: string, userId: string, patch: MembershipPatch): Promise<MembershipOutcome> {
    return this.guarded(statuteId, userId, (before) => patchMembership(before, patch))
  }
  async removeMembership(statuteId: string, userId: string): Promise<MembershipOutcome> {
    return this.guarded(statuteId, userId, () => undefined)
  }
  /** Changes (or, when `next` gives undefined, removes) a membership under the last-beheerder rule. */
  private guarded(statuteId: string, userId: string, next: (before: MembershipRecord) => MembershipRecord | undefined): MembershipOutcome {
    return this.db.transaction((): MembershipOutcome => {
      const row = statement(this.db, ACCESS_SQL.getMembership).get(statuteId, userId) as WithFlag<MembershipRecord> | undefined
      if (!row) return { ok: false, reason: 'not_member' }
      const before = flag<MembershipRecord>(row)
      const after = next(before)
      if (losesBeheerder(before, after) && (statement(this.db, ACCESS_SQL.otherBeheerder).get(statuteId, userId) as { other: number }).other === 0) {
        return { ok: false, reason: 'last_beheerder' }
      }
      if (!after) {
        statement(this.db, ACCESS_SQL.deleteMembership).run(statuteId, userId)
        return { ok: true, before }
      }
      statement(this.db, ACCESS_SQL.updateMembership).run({ ...after, canAgree: after.canAgree ? 1 : 0 })
      return { ok: true, before, after }
    }).immediate()
  }
  async listMembershipsOf(userId: string): Promise<Array<{ statuteId: string; role: Role }>> {
    return statement(this.db, ACCESS_SQL.membershipsOf).all(userId) as Array<{ statuteId: string; role: Role }>
  }
  async createInvitation(invitation: InvitationRecord): Promise<void> {
    statement(this.db, ACCESS_SQL.insertInvitation).run({ ...invitation, canAgree: invitation.canAgree ? 1 : 0 })
  }
  async listInvitations(statuteId: string): Promise<InvitationRecord[]> {
    return (statement(this.db, ACCESS_SQL.listInvitations).all(statuteId) as Array<WithFlag<InvitationRecord>>).map((row) => flag<InvitationRecord>(row))
  }
  async getInvitationByHash(tokenHash: string): Promise<InvitationRecord | undefined> {
    const row = statement(this.db, ACCESS_SQL.getInvitationByHash).get(tokenHash) as WithFlag<InvitationRecord> | undefined
    return row ? flag<InvitationRecord>(row) : undefined
  }
  async acceptInvitation(id: string, at: string, membership: MembershipRecord): Promise<{ membership: MembershipRecord; existed: boolean } | undefined> {
    // One IMMEDIATE transaction: the write lock is taken before reading, so no change to this
    // membership slips in between, and a membership that cannot be written rolls the invitation
    // back to open.
    return this.db
      .transaction(() => (statement(this.db, ACCESS_SQL.acceptInvitation).run(at, id).changes === 1 ? this.writeAcceptedMembership(membership) : undefined))
      .immediate()
  }
  async revokeInvitation(statuteId: string, id: string, at: string): Promise<boolean> {
    return statement(this.db, ACCESS_SQL.revokeInvitation).run(at, id, statuteId).changes === 1
  }
}
