/**
 * Parties, memberships and invitations in PostgreSQL.
 *
 * The last-beheerder rule: updateMembership and removeMembership lock the statute's row first
 * (FOR NO KEY UPDATE), so such changes of one statute run one after the other across instances,
 * and each reads the memberships as the previous one committed them. Under READ COMMITTED a count
 * in the same statement as the change would not be enough: two transactions removing each other
 * would both count two beheerders.
 */
import type pg from 'pg'
import type { Role } from '../../../model/roles.js'
import { losesBeheerder, patchMembership } from '../AccessStore.js'
import type { AccessStore, InvitationRecord, MemberView, MembershipOutcome, MembershipPatch, MembershipRecord, PartyRecord } from '../AccessStore.js'
import type { PgDatabase, Queryable } from './pgDatabase.js'

const PARTY_COLUMNS = `id, statute_id AS "statuteId", name, parent_id AS "parentId", rule, quorum, created_at AS "createdAt"`
const MEMBERSHIP_COLUMNS = `m.statute_id AS "statuteId", m.user_id AS "userId", m.role, m.party_id AS "partyId", m.can_agree AS "canAgree", m.created_at AS "createdAt"`
const INVITATION_COLUMNS = `id, statute_id AS "statuteId", email, role, party_id AS "partyId", can_agree AS "canAgree", token_hash AS "tokenHash",
  created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt", accepted_at AS "acceptedAt", revoked_at AS "revokedAt"`

// Text is ordered by code point (COLLATE "C"), as SQLite's default BINARY collation does.
export const ACCESS_SQL = {
  listParties: `SELECT ${PARTY_COLUMNS} FROM parties WHERE statute_id = $1 ORDER BY created_at COLLATE "C", name COLLATE "C"`,
  insertParty: `INSERT INTO parties (id, statute_id, name, parent_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
  getMembership: `SELECT ${MEMBERSHIP_COLUMNS} FROM memberships m WHERE m.statute_id = $1 AND m.user_id = $2`,
  listMembers: `SELECT ${MEMBERSHIP_COLUMNS}, u.name, u.email, p.name AS "partyName"
                FROM memberships m JOIN users u ON u.id = m.user_id JOIN parties p ON p.id = m.party_id
                WHERE m.statute_id = $1 ORDER BY u.name COLLATE "C"`,
  putMembership: `INSERT INTO memberships (statute_id, user_id, role, party_id, can_agree, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                  ON CONFLICT (statute_id, user_id) DO UPDATE SET role = excluded.role, party_id = excluded.party_id, can_agree = excluded.can_agree`,
  // One statement: the row lock of ON CONFLICT makes the CASE see the latest committed role.
  acceptMembership: `INSERT INTO memberships AS m (statute_id, user_id, role, party_id, can_agree, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (statute_id, user_id) DO UPDATE SET role = CASE WHEN m.role = 'beheerder' THEN m.role ELSE excluded.role END,
                       party_id = excluded.party_id, can_agree = excluded.can_agree
                     RETURNING ${MEMBERSHIP_COLUMNS}, (m.xmax = 0) AS inserted`,
  deleteMembership: `DELETE FROM memberships WHERE statute_id = $1 AND user_id = $2`,
  updateMembership: `UPDATE memberships SET role = $3, party_id = $4, can_agree = $5 WHERE statute_id = $1 AND user_id = $2`,
  lockStatute: `SELECT id FROM statutes WHERE id = $1 FOR NO KEY UPDATE`,
  otherBeheerder: `SELECT EXISTS (SELECT 1 FROM memberships WHERE statute_id = $1 AND role = 'beheerder' AND user_id <> $2) AS other`,
  membershipsOf: `SELECT statute_id AS "statuteId", role FROM memberships WHERE user_id = $1`,
  insertInvitation: `INSERT INTO invitations (id, statute_id, email, role, party_id, can_agree, token_hash, created_by, created_at, expires_at, accepted_at, revoked_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  listInvitations: `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE statute_id = $1 ORDER BY created_at COLLATE "C" DESC`,
  getInvitationByHash: `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1`,
  // Under READ COMMITTED a second concurrent UPDATE waits, re-checks the WHERE clause on the
  // committed row and changes nothing: an invitation is accepted once.
  acceptInvitation: `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`,
  revokeInvitation: `UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND statute_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL`,
} as const

export async function insertParty(db: Queryable, party: PartyRecord): Promise<void> {
  await db.query(ACCESS_SQL.insertParty, [party.id, party.statuteId, party.name, party.parentId, party.createdAt])
}

export async function putMembership(db: Queryable, m: MembershipRecord): Promise<void> {
  await db.query(ACCESS_SQL.putMembership, [m.statuteId, m.userId, m.role, m.partyId, m.canAgree, m.createdAt])
}

/** The membership an accepted invitation grants (see AccessStore.acceptInvitation): one statement. */
async function acceptMembershipOn(db: Queryable, m: MembershipRecord): Promise<{ membership: MembershipRecord; existed: boolean }> {
  const { rows } = (await db.query(ACCESS_SQL.acceptMembership, [m.statuteId, m.userId, m.role, m.partyId, m.canAgree, m.createdAt])) as pg.QueryResult<MembershipRecord & { inserted: boolean }>
  const { inserted, ...membership } = rows[0]!
  return { membership, existed: !inserted }
}

export class PgAccess implements AccessStore {
  constructor(private readonly db: PgDatabase) {}

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.db.query<R>(sql, params)).rows
  }

  async listParties(statuteId: string): Promise<PartyRecord[]> {
    return this.rows<PartyRecord>(ACCESS_SQL.listParties, [statuteId])
  }
  async createParty(party: PartyRecord): Promise<void> {
    await insertParty(this.db, party)
  }
  async getMembership(statuteId: string, userId: string): Promise<MembershipRecord | undefined> {
    return (await this.rows<MembershipRecord>(ACCESS_SQL.getMembership, [statuteId, userId]))[0]
  }
  async listMembers(statuteId: string): Promise<MemberView[]> {
    return this.rows<MemberView>(ACCESS_SQL.listMembers, [statuteId])
  }
  async putMembership(membership: MembershipRecord): Promise<void> {
    await putMembership(this.db, membership)
  }
  async deleteMembership(statuteId: string, userId: string): Promise<void> {
    await this.db.query(ACCESS_SQL.deleteMembership, [statuteId, userId])
  }
  async updateMembership(statuteId: string, userId: string, patch: MembershipPatch): Promise<MembershipOutcome> {
    return this.guarded(statuteId, userId, (before) => patchMembership(before, patch))
  }
  async removeMembership(statuteId: string, userId: string): Promise<MembershipOutcome> {
    return this.guarded(statuteId, userId, () => undefined)
  }
  /** Changes (or, when `next` gives undefined, removes) a membership under the statute's lock and the last-beheerder rule. */
  private async guarded(statuteId: string, userId: string, next: (before: MembershipRecord) => MembershipRecord | undefined): Promise<MembershipOutcome> {
    return this.db.transaction(async (client): Promise<MembershipOutcome> => {
      await client.query(ACCESS_SQL.lockStatute, [statuteId])
      const before = (await client.query<MembershipRecord>(ACCESS_SQL.getMembership, [statuteId, userId])).rows[0]
      if (!before) return { ok: false, reason: 'not_member' }
      const after = next(before)
      if (losesBeheerder(before, after)) {
        const { other } = (await client.query<{ other: boolean }>(ACCESS_SQL.otherBeheerder, [statuteId, userId])).rows[0]!
        if (!other) return { ok: false, reason: 'last_beheerder' }
      }
      if (!after) {
        await client.query(ACCESS_SQL.deleteMembership, [statuteId, userId])
        return { ok: true, before }
      }
      await client.query(ACCESS_SQL.updateMembership, [statuteId, userId, after.role, after.partyId, after.canAgree])
      return { ok: true, before, after }
    })
  }
  async listMembershipsOf(userId: string): Promise<Array<{ statuteId: string; role: Role }>> {
    return this.rows<{ statuteId: string; role: Role }>(ACCESS_SQL.membershipsOf, [userId])
  }
  async createInvitation(i: InvitationRecord): Promise<void> {
    await this.db.query(ACCESS_SQL.insertInvitation, [
      i.id, i.statuteId, i.email, i.role, i.partyId, i.canAgree, i.tokenHash, i.createdBy, i.createdAt, i.expiresAt, i.acceptedAt, i.revokedAt,
    ])
  }
  async listInvitations(statuteId: string): Promise<InvitationRecord[]> {
    return this.rows<InvitationRecord>(ACCESS_SQL.listInvitations, [statuteId])
  }
  async getInvitationByHash(tokenHash: string): Promise<InvitationRecord | undefined> {
    return (await this.rows<InvitationRecord>(ACCESS_SQL.getInvitationByHash, [tokenHash]))[0]
  }
  async acceptInvitation(id: string, at: string, membership: MembershipRecord): Promise<{ membership: MembershipRecord; existed: boolean } | undefined> {
    // One transaction: a membership that cannot be written rolls the invitation back to open.
    return this.db.transaction(async (client) => {
      if ((await client.query(ACCESS_SQL.acceptInvitation, [at, id])).rowCount !== 1) return undefined
      return acceptMembershipOn(client, membership)
    })
  }
  async revokeInvitation(statuteId: string, id: string, at: string): Promise<boolean> {
    return (await this.db.query(ACCESS_SQL.revokeInvitation, [at, id, statuteId])).rowCount === 1
  }
}
