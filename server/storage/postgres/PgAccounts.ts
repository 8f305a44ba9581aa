/**
 * Accounts, sessions and API tokens in PostgreSQL.
 */
import type { AccountStore, ApiTokenRecord, SessionRecord, UserRecord } from '../AccessStore.js'
import { advisoryXactLock, type PgDatabase } from './pgDatabase.js'

const USER_COLUMNS = `id, email, name, password_hash AS "passwordHash", is_admin AS "isAdmin", created_at AS "createdAt"`
const TOKEN_COLUMNS = `id, user_id AS "userId", name, token_hash AS "tokenHash", created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`

// Text is ordered by code point (COLLATE "C"), as SQLite's default BINARY collation does.
const SQL = {
  countUsers: `SELECT COUNT(*) AS n FROM users`,
  anyUser: `SELECT EXISTS (SELECT 1 FROM users) AS any`,
  insertUser: `INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  getUser: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
  getUserByEmail: `SELECT ${USER_COLUMNS} FROM users WHERE email = $1`,
  listUsers: `SELECT ${USER_COLUMNS} FROM users ORDER BY name COLLATE "C"`,
  setPassword: `UPDATE users SET password_hash = $1 WHERE id = $2`,
  insertSession: `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
  getSession: `SELECT id_hash AS "idHash", user_id AS "userId", created_at AS "createdAt", expires_at AS "expiresAt" FROM sessions WHERE id_hash = $1`,
  extendSession: `UPDATE sessions SET expires_at = $1 WHERE id_hash = $2`,
  deleteSession: `DELETE FROM sessions WHERE id_hash = $1`,
  deleteSessionsOf: `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`,
  insertToken: `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at COLLATE "C" DESC`,
  getTokenByHash: `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1`,
  revokeToken: `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
  touchToken: `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`,
} as const

const userParams = (user: UserRecord) => [user.id, user.email, user.name, user.passwordHash, user.isAdmin, user.createdAt]

export class PgAccounts implements AccountStore {
  constructor(private readonly db: PgDatabase) {}

  async countUsers(): Promise<number> {
    return (await this.db.query<{ n: number }>(SQL.countUsers)).rows[0]!.n
  }
  async createUser(user: UserRecord): Promise<void> {
    await this.db.query(SQL.insertUser, userParams(user))
  }
  async createFirstAdmin(user: UserRecord): Promise<boolean> {
    // The advisory lock serializes this check-then-insert across every instance sharing the
    // database (an empty table has no row to lock).
    return this.db.transaction(async (client) => {
      await advisoryXactLock(client, 'firstAdmin', this.db.schema)
      if ((await client.query<{ any: boolean }>(SQL.anyUser)).rows[0]!.any) return false
      await client.query(SQL.insertUser, userParams(user))
      return true
    })
  }
  async getUser(id: string): Promise<UserRecord | undefined> {
    return (await this.db.query<UserRecord>(SQL.getUser, [id])).rows[0]
  }
  async getUserByEmail(email: string): Promise<UserRecord | undefined> {
    return (await this.db.query<UserRecord>(SQL.getUserByEmail, [email])).rows[0]
  }
  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.query<UserRecord>(SQL.listUsers)).rows
  }
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.query(SQL.setPassword, [passwordHash, userId])
  }
  async createSession(session: SessionRecord): Promise<void> {
    await this.db.query(SQL.insertSession, [session.idHash, session.userId, session.createdAt, session.expiresAt])
  }
  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    return (await this.db.query<SessionRecord>(SQL.getSession, [idHash])).rows[0]
  }
  async extendSession(idHash: string, expiresAt: string): Promise<void> {
    await this.db.query(SQL.extendSession, [expiresAt, idHash])
  }
  async deleteSession(idHash: string): Promise<void> {
    await this.db.query(SQL.deleteSession, [idHash])
  }
  async deleteSessionsOf(userId: string, exceptIdHash = ''): Promise<void> {
    await this.db.query(SQL.deleteSessionsOf, [userId, exceptIdHash])
  }
  async createApiToken(token: ApiTokenRecord): Promise<void> {
    await this.db.query(SQL.insertToken, [token.id, token.userId, token.name, token.tokenHash, token.createdAt, token.lastUsedAt, token.revokedAt])
  }
  async listApiTokens(userId: string): Promise<ApiTokenRecord[]> {
    return (await this.db.query<ApiTokenRecord>(SQL.listTokens, [userId])).rows
  }
  async getApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    return (await this.db.query<ApiTokenRecord>(SQL.getTokenByHash, [tokenHash])).rows[0]
  }
  async revokeApiToken(userId: string, tokenId: string, at: string): Promise<boolean> {
    return (await this.db.query(SQL.revokeToken, [at, tokenId, userId])).rowCount === 1
  }
  async touchApiToken(tokenId: string, at: string): Promise<void> {
    await this.db.query(SQL.touchToken, [at, tokenId])
  }
}
