/**
 * Accounts and authentication: sign-in with rate limiting, sessions, personal API tokens, first-run
 * setup. Every HTTP request and websocket connection is resolved to a Principal here.
 */
import { newId } from '../../model/ids.js'
import type { AccountStore, AuditStore, UserRecord } from '../storage/AccessStore.js'
import { badRequest, conflict, tooManyRequests, unauthorized } from '../errors.js'
import type { AuditLog } from '../audit/AuditLog.js'
import { DUMMY_HASH, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js'
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './tokens.js'

export interface AuthOptions {
  /** A session ends after this long without use (minutes). */
  readonly sessionIdleMinutes: number
  /** A session ends this long after sign-in, whatever happens (hours). */
  readonly sessionMaxHours: number
  /** Failed sign-ins per e-mail address within the window before sign-in is refused. */
  readonly signInMaxFailures: number
  readonly signInWindowMinutes: number
}

export interface Principal {
  readonly user: UserRecord
  readonly via: 'session' | 'token'
  /** Hash of the session id, when signed in with a cookie. */
  readonly sessionIdHash?: string
  /** Set when this use extended the session (sliding expiry): its new end. */
  readonly renewedUntil?: Date
}

export interface Credentials {
  /** Session cookie value. */
  readonly sessionToken?: string
  /** Bearer token (API token). */
  readonly bearerToken?: string
}

/** Failures by one IP address (over all e-mail addresses) before it is refused too. */
const IP_FAILURE_FACTOR = 6

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

const alreadySetUp = () => conflict('already_set_up', 'Samenspel is al ingericht. Meld u aan.')

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw badRequest(`Kies een wachtwoord van minstens ${PASSWORD_MIN_LENGTH} tekens.`)
  if (password.length > 200) throw badRequest('Het wachtwoord is te lang (maximaal 200 tekens).')
}

export class AuthService {
  private readonly credentialListeners = new Set<(userId: string) => void>()

  /** Told when someone signs out, changes the password or revokes a token, so open connections re-authenticate. */
  onCredentialsChanged(listener: (userId: string) => void): void {
    this.credentialListeners.add(listener)
  }

  private credentialsChanged(userId: string): void {
    for (const listener of this.credentialListeners) listener(userId)
  }

  constructor(
    private readonly accounts: AccountStore,
    private readonly auditStore: AuditStore,
    private readonly audit: AuditLog,
    private readonly options: AuthOptions,
  ) {}

  async needsSetup(): Promise<boolean> {
    return (await this.accounts.countUsers()) === 0
  }

  /**
   * Creates an account. The first account of an installation is always an administrator: decided
   * by the store's createFirstAdmin (atomic, also across instances), never by counting first.
   */
  async createUser(input: { email: string; name: string; password: string; isAdmin?: boolean }): Promise<UserRecord> {
    checkPassword(input.password)
    const email = normaliseEmail(input.email)
    const taken = () => conflict('email_taken', 'Er bestaat al een account met dit e-mailadres.')
    if (await this.accounts.getUserByEmail(email)) throw taken()
    const user = await this.newUserRecord({ ...input, isAdmin: input.isAdmin === true })
    try {
      // The count only spares a transaction once accounts exist; an account created by someone
      // else in between makes createFirstAdmin refuse, and this one is then a plain account.
      if (!user.isAdmin && (await this.accounts.countUsers()) === 0) {
        const admin = { ...user, isAdmin: true }
        if (await this.accounts.createFirstAdmin(admin)) return admin
      }
      await this.accounts.createUser(user)
    } catch (error) {
      // Another request created this address while the password was being hashed.
      if (await this.accounts.getUserByEmail(email)) throw taken()
      throw error
    }
    return user
  }

  /** A new account's record (password checked and hashed); not stored yet. */
  private async newUserRecord(input: { email: string; name: string; password: string; isAdmin: boolean }): Promise<UserRecord> {
    checkPassword(input.password)
    return {
      id: newId(),
      email: normaliseEmail(input.email),
      name: input.name.trim(),
      passwordHash: await hashPassword(input.password),
      isAdmin: input.isAdmin,
      createdAt: new Date().toISOString(),
    }
  }

  /** First run: creates the first administrator, only while no account exists. */
  async setup(input: { email: string; name: string; password: string }, ip: string | null): Promise<UserRecord> {
    // The early check spares hashing a password for nothing; the store decides atomically (also
    // between instances sharing one database): of requests arriving together, one creates the
    // administrator and the others are told the installation is set up.
    if (!(await this.needsSetup())) throw alreadySetUp()
    const user = await this.newUserRecord({ ...input, isAdmin: true })
    if (!(await this.accounts.createFirstAdmin(user))) throw alreadySetUp()
    await this.audit.record({ id: user.id, label: user.email, ip }, 'setup.admin', null, { email: user.email })
    return user
  }

  /** Checks the password; refuses when too many recent failures; records both outcomes. */
  async signIn(emailInput: string, password: string, ip: string): Promise<{ user: UserRecord; sessionToken: string; expiresAt: Date }> {
    const email = normaliseEmail(emailInput)
    const since = new Date(Date.now() - this.options.signInWindowMinutes * 60_000).toISOString()
    const failures = await this.auditStore.countFailedSignIns(email, ip, since)
    if (failures.byEmail >= this.options.signInMaxFailures || failures.byIp >= this.options.signInMaxFailures * IP_FAILURE_FACTOR) {
      throw tooManyRequests(
        `Te veel mislukte pogingen. Probeer het over ${this.options.signInWindowMinutes} minuten opnieuw.`,
        this.options.signInWindowMinutes * 60,
      )
    }
    const user = await this.accounts.getUserByEmail(email)
    // Always run scrypt, so the answer takes as long whether or not the account exists.
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)
    if (!user || !valid) {
      await this.audit.record({ id: user?.id ?? null, label: email, ip }, 'signin.failed', null, { email })
      throw unauthorized('Het e-mailadres of het wachtwoord klopt niet.')
    }
    const session = await this.startSession(user)
    await this.audit.record({ id: user.id, label: user.email, ip }, 'signin', null, {})
    return { user, ...session }
  }

  async startSession(user: UserRecord): Promise<{ sessionToken: string; expiresAt: Date }> {
    const sessionToken = newSecret()
    const now = Date.now()
    const expiresAt = new Date(Math.min(now + this.options.sessionIdleMinutes * 60_000, now + this.options.sessionMaxHours * 3_600_000))
    await this.accounts.createSession({ idHash: hashSecret(sessionToken), userId: user.id, createdAt: new Date(now).toISOString(), expiresAt: expiresAt.toISOString() })
    return { sessionToken, expiresAt }
  }

  async signOut(principal: Principal, ip: string | null): Promise<void> {
    if (principal.sessionIdHash) await this.accounts.deleteSession(principal.sessionIdHash)
    await this.audit.record({ id: principal.user.id, label: principal.user.email, ip }, 'signout', null)
    this.credentialsChanged(principal.user.id)
  }

  /** Resolves credentials to a person; undefined when absent, expired, revoked or unknown. */
  async authenticate(credentials: Credentials): Promise<Principal | undefined> {
    if (credentials.bearerToken) {
      if (!credentials.bearerToken.startsWith(API_TOKEN_PREFIX)) return undefined
      const token = await this.accounts.getApiTokenByHash(hashSecret(credentials.bearerToken))
      if (!token || token.revokedAt) return undefined
      const user = await this.accounts.getUser(token.userId)
      if (!user) return undefined
      const now = new Date()
      // Recording use at most once a minute keeps reads cheap.
      if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) > 60_000) await this.accounts.touchApiToken(token.id, now.toISOString())
      return { user, via: 'token' }
    }
    if (credentials.sessionToken) {
      const idHash = hashSecret(credentials.sessionToken)
      const session = await this.accounts.getSession(idHash)
      if (!session) return undefined
      const now = Date.now()
      if (Date.parse(session.expiresAt) <= now) {
        await this.accounts.deleteSession(idHash)
        return undefined
      }
      const user = await this.accounts.getUser(session.userId)
      if (!user) return undefined
      // Sliding expiry, never past the maximum age: extend once less than half the idle time is left.
      const idleMs = this.options.sessionIdleMinutes * 60_000
      if (Date.parse(session.expiresAt) - now < idleMs / 2) {
        const cap = Date.parse(session.createdAt) + this.options.sessionMaxHours * 3_600_000
        const next = Math.min(now + idleMs, cap)
        if (next > Date.parse(session.expiresAt)) {
          await this.accounts.extendSession(idHash, new Date(next).toISOString())
          return { user, via: 'session', sessionIdHash: idHash, renewedUntil: new Date(next) }
        }
      }
      return { user, via: 'session', sessionIdHash: idHash }
    }
    return undefined
  }

  async changePassword(principal: Principal, current: string, next: string, ip: string | null): Promise<void> {
    checkPassword(next)
    if (!(await verifyPassword(current, principal.user.passwordHash))) throw badRequest('Het huidige wachtwoord klopt niet.')
    await this.accounts.setPasswordHash(principal.user.id, await hashPassword(next))
    // Other sessions end: whoever knew the old password is signed out.
    await this.accounts.deleteSessionsOf(principal.user.id, principal.sessionIdHash)
    await this.audit.record({ id: principal.user.id, label: principal.user.email, ip }, 'password.changed', null)
    this.credentialsChanged(principal.user.id)
  }

  async createApiToken(principal: Principal, name: string, ip: string | null): Promise<{ id: string; name: string; token: string; createdAt: string }> {
    const token = newSecret(API_TOKEN_PREFIX)
    const record = { id: newId(), userId: principal.user.id, name: name.trim(), tokenHash: hashSecret(token), createdAt: new Date().toISOString(), lastUsedAt: null, revokedAt: null }
    await this.accounts.createApiToken(record)
    await this.audit.record({ id: principal.user.id, label: principal.user.email, ip }, 'token.created', null, { tokenId: record.id, name: record.name })
    return { id: record.id, name: record.name, token, createdAt: record.createdAt }
  }

  async listApiTokens(principal: Principal) {
    return (await this.accounts.listApiTokens(principal.user.id)).map(({ tokenHash: _hash, ...rest }) => rest)
  }

  async revokeApiToken(principal: Principal, tokenId: string, ip: string | null): Promise<boolean> {
    const revoked = await this.accounts.revokeApiToken(principal.user.id, tokenId, new Date().toISOString())
    if (revoked) {
      await this.audit.record({ id: principal.user.id, label: principal.user.email, ip }, 'token.revoked', null, { tokenId })
      this.credentialsChanged(principal.user.id)
    }
    return revoked
  }

  /** Unattended installs: creates the first administrator from the environment if no account exists. */
  async ensureAdmin(email: string | undefined, password: string | undefined): Promise<UserRecord | undefined> {
    if (!email || !password || !(await this.needsSetup())) return undefined
    const user = await this.newUserRecord({ email, password, name: email.split('@')[0] ?? 'Beheerder', isAdmin: true })
    // Several instances starting together: only one creates it.
    if (!(await this.accounts.createFirstAdmin(user))) return undefined
    await this.audit.record({ id: user.id, label: 'environment', ip: null }, 'setup.admin', null, { email: user.email, via: 'environment' })
    return user
  }
}
