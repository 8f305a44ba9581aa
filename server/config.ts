/**
 * Server configuration, read once from the environment and validated. Every setting has a default
 * that suits one machine with SQLite in ./data.
 */
import path from 'node:path'
import { z } from 'zod'
import { DEFAULT_LIMITS } from '../model/protocol.js'

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback)

const schema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Largest websocket message in bytes. */
  MAX_MESSAGE_BYTES: int(DEFAULT_LIMITS.maxMessageBytes, 1024, 64 * 1024 * 1024),
  /**
   * Most bytes waiting to be sent to one websocket (a client that does not read, or reads far
   * slower than the statute changes); past it the connection is cut and the client reconnects.
   */
  MAX_BUFFERED_BYTES: int(16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  /** Largest JSON body in bytes. */
  MAX_BODY_BYTES: int(DEFAULT_LIMITS.maxBodyBytes, 1024, 16 * 1024 * 1024),
  /** Compact a statute's update log once it holds this many updates. */
  COMPACT_AFTER_UPDATES: int(500, 10, 1_000_000),
  /** Keep a statute in memory this long after its last connection closes (ms). */
  ROOM_IDLE_MS: int(30_000, 0, 3_600_000),
  /** Ping every connection this often; one that has not answered the previous ping is closed (ms). */
  HEARTBEAT_MS: int(30_000, 50, 600_000),
  /** postgres://user:password@host:5432/database selects PostgreSQL instead of SQLite in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  /** The PostgreSQL schema Samenspel's tables live in (created if missing). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _').default('public'),
  /** Connections per instance to PostgreSQL. */
  DATABASE_POOL_SIZE: int(10, 1, 200),
  /** redis://host:6379 lets several instances relay live changes, presence and events to each other. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Prefix of this installation's Redis channels (several installations may share one Redis). */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('samenspel'),
  /** Bearer token for GET /metrics (besides administrators' own tokens); unset: administrators only. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** On SIGTERM, wait at most this long for pending changes to be stored before exiting (ms). */
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000),
  /** SQLite's synchronous pragma for accounts, comments, agreements, decisions: FULL survives power loss, NORMAL only process crashes. */
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  /**
   * The same for the update log (typing). NORMAL (default): committed on the event loop before the
   * relay, flushed to disk by the checkpoint thread within about a quarter of a second (a crash of
   * the process loses nothing; what a power cut could take from that moment, every client that has
   * it sends again when it reconnects). FULL: flushed to disk before the relay, on a writer thread
   * (about twice the stock server's relay p99 in the benchmark; see ARCHITECTURE.md).
   */
  SQLITE_SYNCHRONOUS_UPDATES: z.enum(['FULL', 'NORMAL']).default('NORMAL'),
  /** A session ends after this many minutes without use. */
  SESSION_IDLE_MINUTES: int(480, 1, 60 * 24 * 30),
  /** A session ends this many hours after sign-in, however active. */
  SESSION_MAX_HOURS: int(24 * 7, 1, 24 * 365),
  /** Failed sign-ins per e-mail address within the window before sign-in is refused for a while. */
  SIGNIN_MAX_FAILURES: int(5, 1, 1000),
  SIGNIN_WINDOW_MINUTES: int(15, 1, 24 * 60),
  /** An invitation link can be used for this many hours. */
  INVITATION_TTL_HOURS: int(24 * 7, 1, 24 * 90),
  /** The address people use, e.g. https://samenspel.gemeente.nl: invitation links, cookie `Secure`, allowed Origin. */
  PUBLIC_URL: z.string().url().optional(),
  /** Set to true behind a reverse proxy so client addresses come from X-Forwarded-For. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** Unattended installs: the first administrator, created at start if no account exists yet. */
  SAMENSPEL_ADMIN_EMAIL: z.string().email().optional(),
  SAMENSPEL_ADMIN_PASSWORD: z.string().min(10).optional(),
  /** Extra template folders (an organisation's own themes), separated by ':'; read after templates/. */
  TEMPLATE_DIRS: z.string().default(''),
  /** Optional mail server for invitation links, e.g. smtp://user:password@mail.example.nl:587. */
  SMTP_URL: z.string().url().optional(),
  /** Sender of those mails. */
  MAIL_FROM: z.string().min(3).default('Samenspel <samenspel@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory of the built client (served as static files). */
  CLIENT_DIR: z.string().default(''),
})

export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly maxMessageBytes: number
  readonly maxBufferedBytes: number
  readonly maxBodyBytes: number
  readonly compactAfterUpdates: number
  readonly roomIdleMs: number
  readonly heartbeatMs: number
  readonly sqliteSynchronous: 'FULL' | 'NORMAL'
  readonly sqliteSynchronousUpdates: 'FULL' | 'NORMAL'
  /** PostgreSQL instead of SQLite when set. */
  readonly databaseUrl: string | undefined
  readonly databaseSchema: string
  readonly databasePoolSize: number
  /** Relay between instances through Redis when set. */
  readonly redisUrl: string | undefined
  readonly redisPrefix: string
  readonly metricsToken: string | undefined
  readonly shutdownTimeoutMs: number
  readonly logLevel: string
  readonly smtpUrl: string | undefined
  readonly mailFrom: string
  /** Template folders in order: the shipped library first, then the organisation's own. */
  readonly templateDirs: readonly string[]
  readonly sessionIdleMinutes: number
  readonly sessionMaxHours: number
  readonly signInMaxFailures: number
  readonly signInWindowMinutes: number
  readonly invitationTtlHours: number
  readonly publicUrl: string | undefined
  readonly trustProxy: boolean
  readonly adminEmail: string | undefined
  readonly adminPassword: string | undefined
  readonly clientDir: string
}

/** Reads and validates the configuration; throws a readable error naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new Error(`Ongeldige configuratie (invalid configuration): ${problems}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    roomIdleMs: e.ROOM_IDLE_MS,
    heartbeatMs: e.HEARTBEAT_MS,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    sqliteSynchronousUpdates: e.SQLITE_SYNCHRONOUS_UPDATES,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    templateDirs: [path.resolve('templates'), ...e.TEMPLATE_DIRS.split(':').filter(Boolean).map((dir) => path.resolve(dir))],
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    signInMaxFailures: e.SIGNIN_MAX_FAILURES,
    signInWindowMinutes: e.SIGNIN_WINDOW_MINUTES,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY === 'true',
    adminEmail: e.SAMENSPEL_ADMIN_EMAIL,
    adminPassword: e.SAMENSPEL_ADMIN_PASSWORD,
    clientDir: e.CLIENT_DIR ? path.resolve(e.CLIENT_DIR) : path.resolve('dist/client'),
    ...overrides,
  }
}
