/**
 * Accounts, sessions and API tokens in SQLite.
 */
import type Database from 'better-sqlite3'
import type { AccountStore, ApiTokenRecord, SessionRecord, UserRecord } from '../AccessStore.js'
import { statement } from './statements.js'

const USER_COLUMNS = `id, email, name, password_hash AS passwordHash, is_admin AS isAdmin, created_at AS createdAt`
const TOKEN_COLUMNS = `id, user_id AS userId, name, token_hash AS tokenHash, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt`

const SQL = {
  countUsers: `SELECT COUNT(*) AS n FROM users`,
  insertUser: `INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES (@id, @email, @name, @passwordHash, @isAdmin, @createdAt)`,
  getUser: `SELECT ${USER_COLUMNS} FROM users WHERE id = ?`,
  getUserByEmail: `SELECT ${USER_COLUMNS} FROM users WHERE email = ?`,
  listUsers: `SELECT ${USER_COLUMNS} FROM users ORDER BY name`,
  setPassword: `UPDATE users SET password_hash = ? WHERE id = ?`,
  insertSession: `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (@idHash, @userId, @createdAt, @expiresAt)`,
  getSession: `SELECT id_hash AS idHash, user_id AS userId, created_at AS createdAt, expires_at AS expiresAt FROM sessions WHERE id_hash = ?`,
  extendSession: `UPDATE sessions SET expires_at = ? WHERE id_hash = ?`,
  deleteSession: `DELETE FROM sessions WHERE id_hash = ?`,
  deleteSessionsOf: `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`,
  insertToken: `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at) VALUES (@id, @userId, @name, @tokenHash, @createdAt, @lastUsedAt, @revokedAt)`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC`,
  getTokenByHash: `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?`,
  revokeToken: `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
  touchToken: `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`,
} as const

type UserRow = Omit<UserRecord, 'isAdmin'> & { isAdmin: number }
const toUser = (row: UserRow | undefined): UserRecord | undefined => (row ? { ...row, isAdmin: row.isAdmin === 1 } : undefined)

export class SqliteAccounts implements AccountStore {
  constructor(private readonly db: Database.Database) {}

  async countUsers(): Promise<number> {
    return (statement(this.db, SQL.countUsers).get() as { n: number }).n
  }
  async createUser(user: UserRecord): Promise<void> {
    statement(this.db, SQL.insertUser).run({ ...user, isAdmin: user.isAdmin ? 1 : 0 })
  }
  async createFirstAdmin(user: UserRecord): Promise<boolean> {
    // IMMEDIATE: the write lock is taken before the check, so another connection to the same file
    // cannot insert between the count and the insert.
    return this.db.transaction(() => {
      if ((statement(this.db, SQL.countUsers).get() as { n: number }).n > 0) return false
      statement(this.db, SQL.insertUser).run({ ...user, isAdmin: user.isAdmin ? 1 : 0 })
      return true
    }).immediate()
  }
  async getUser(id: string): Promise<UserRecord | undefined> {
    return toUser(statement(this.db, SQL.getUser).get(id) as UserRow | undefined)
  }
  async getUserByEmail(email: string): Promise<UserRecord | undefined> {
    return toUser(statement(this.db, SQL.getUserByEmail).get(email) as UserRow | undefined)
  }
  async listUsers(): Promise<UserRecord[]> {
    return (statement(this.db, SQL.listUsers).all() as UserRow[]).map((row) => toUser(row)!)
  }
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    statement(this.db, SQL.setPassword).run(passwordHash, userId)
  }
  async createSession(session: SessionRecord): Promise<void> {
    statement(this.db, SQL.insertSession).run(session)
  }
  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    return statement(this.db, SQL.getSession).get(idHash) as SessionRecord | undefined
  }
  async extendSession(idHash: string, expiresAt: string): Promise<void> {
    statement(this.db, SQL.extendSession).run(expiresAt, idHash)
  }
  async deleteSession(idHash: string): Promise<void> {
    statement(this.db, SQL.deleteSession).run(idHash)
  }
  async deleteSessionsOf(userId: string, exceptIdHash = ''): Promise<void> {
    statement(this.db, SQL.deleteSessionsOf).run(userId, exceptIdHash)
  }
  async createApiToken(token: ApiTokenRecord): Promise<void> {
    statement(this.db, SQL.insertToken).run(token)
  }
  async listApiTokens(userId: string): Promise<ApiTokenRecord[]> {
    return statement(this.db, SQL.listTokens).all(userId) as ApiTokenRecord[]
  }
  async getApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    return statement(this.db, SQL.getTokenByHash).get(tokenHash) as ApiTokenRecord | undefined
  }
  async revokeApiToken(userId: string, tokenId: string, at: string): Promise<boolean> {
    return statement(this.db, SQL.revokeToken).run(at, tokenId, userId).changes === 1
  }
  async touchApiToken(tokenId: string, at: string): Promise<void> {
    statement(this.db, SQL.touchToken).run(at, tokenId)
  }
}
