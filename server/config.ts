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
  /** Largest JSON body in bytes. */
  MAX_BODY_BYTES: int(DEFAULT_LIMITS.maxBodyBytes, 1024, 16 * 1024 * 1024),
  /** Compact a statute's update log once it holds this many updates. */
  COMPACT_AFTER_UPDATES: int(500, 10, 1_000_000),
  /** Keep a statute in memory this long after its last connection closes (ms). */
  ROOM_IDLE_MS: int(30_000, 0, 3_600_000),
  /** Ping every connection this often; one that has not answered the previous ping is closed (ms). */
  HEARTBEAT_MS: int(30_000, 50, 600_000),
  /** SQLite's synchronous pragma: FULL survives power loss, NORMAL only process crashes. */
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory of the built client (served as static files). */
  CLIENT_DIR: z.string().default(''),
})

export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly maxMessageBytes: number
  readonly maxBodyBytes: number
  readonly compactAfterUpdates: number
  readonly roomIdleMs: number
  readonly heartbeatMs: number
  readonly sqliteSynchronous: 'FULL' | 'NORMAL'
  readonly logLevel: string
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
    maxBodyBytes: e.MAX_BODY_BYTES,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    roomIdleMs: e.ROOM_IDLE_MS,
    heartbeatMs: e.HEARTBEAT_MS,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    logLevel: e.LOG_LEVEL,
    clientDir: e.CLIENT_DIR ? path.resolve(e.CLIENT_DIR) : path.resolve('dist/client'),
    ...overrides,
  }
}
