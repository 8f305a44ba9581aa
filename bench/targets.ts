/**
 * The servers the relay benchmark compares, behind one interface, so the same client code drives
 * them all: how to start one, how to create a room, where a room's clients connect, and how to
 * read each server process's CPU and memory.
 *
 *   stock           @y/websocket-server 0.1.1 (bench/stockServer.ts): relays, stores nothing
 *   project-sqlite  the project's server, one instance, SQLite in a temporary DATA_DIR, defaults
 *                   (every update committed on the event loop before it is relayed, flushed to
 *                   disk by the checkpoint thread within about a quarter of a second)
 *   project-sqlite-full  the same with SQLITE_SYNCHRONOUS_UPDATES=FULL (every update flushed to
 *                   disk on the writer thread before it is relayed)
 *   project-cluster two instances of the project's server on PostgreSQL (one fresh schema) and
 *                   Redis (one fresh prefix); a room's clients alternate between the instances
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { Redis } from 'ioredis'
import { composeStatute } from '../server/statutes/composeStatute.js'
import type { Endpoint } from './benchClient.js'
import { createStatute, requestRaw, startChildServer, startServerProcess, type ChildServer, type ServerProcess } from './serverProcess.js'
import { progress } from './stats.js'

export type TargetKind = 'stock' | 'project-sqlite' | 'project-sqlite-full' | 'project-cluster'

export interface Target {
  readonly kind: TargetKind
  /** The server processes measured (one, or two for the cluster). */
  readonly instances: readonly ChildServer[]
  /** How it was configured, for the report. */
  readonly settings: Record<string, unknown>
  /** Creates room number `index` with the first document of a new statute; returns its name. */
  createRoom(index: number): Promise<string>
  /** Which instance client `position` of a room connects to. */
  instanceOf(position: number): number
  /** Where client `position` of a room connects. */
  endpoint(position: number): Endpoint
  /** Facts about the run gathered from outside the servers (e.g. whether PostgreSQL got tables). */
  diagnostics(): Promise<Record<string, unknown>>
  /**
   * Per instance, from its /metrics: the event-loop delay since the previous call (prom-client
   * starts a new histogram at every scrape) and the persistence histogram; absent for the stock server.
   */
  serverStats?(): Promise<Array<ServerStats | null>>
  /** Stops the servers and removes what the target created; returns how each stopped. */
  stop(): Promise<unknown[]>
}

/** Clean-ups of targets not stopped yet, for an interrupted run (see run.ts). */
const pendingCleanUps = new Set<() => Promise<unknown>>()

/** Removes what running targets created (temporary directories, PostgreSQL schema, Redis keys). */
export async function cleanUpTargets(): Promise<void> {
  const all = [...pendingCleanUps]
  pendingCleanUps.clear()
  await Promise.allSettled(all.map((cleanUp) => cleanUp()))
}

let counter = 0
const unique = (): string => `${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `samenspel-bench-${label}-`))
}

/** The stock y-websocket server; rooms are seeded over HTTP with the same first document as a new statute. */
async function stockTarget(): Promise<Target> {
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles this server too.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const server = await startChildServer('stock', [...nodeArgs, '--import', 'tsx', 'bench/stockServer.ts'])
  const run = unique()
  return {
    kind: 'stock',
    instances: [server],
    settings: { command: 'node --import tsx bench/stockServer.ts (setupWSConnection of @y/websocket-server 0.1.1, no persistence, gc on)' },
    async createRoom(index) {
      const name = `bench-${run}-${index}`
      const first = composeStatute({ title: `Statuut ${index + 1}`, organisation: `Gemeente Bankstad ${index + 1}`, bodyType: 'gemeente' }, [])
      const { status } = await requestRaw(`${server.url}/rooms/${name}`, 'POST', first)
      if (status !== 201) throw new Error(`stock server: seeding room answered ${status}`)
      return name
    },
    instanceOf: () => 0,
    endpoint: () => ({ wsUrl: `ws://127.0.0.1:${server.port}`, params: {} }),
    diagnostics: async () => ({}),
    stop: async () => [await server.stop()],
  }
}

export interface ServerStats {
  readonly p99Ms: number
  readonly maxMs: number
  /**
   * samenspel_persist_seconds as read (cumulative since the server started): per bucket's upper
   * bound (seconds), how many writes took at most that long; relay.ts takes the window's part.
   */
  readonly persistBuckets: ReadonlyArray<{ readonly le: number; readonly count: number }>
}

/**
 * Reads samenspel_nodejs_eventloop_lag_{p99,max}_seconds (which the scrape resets) and the
 * samenspel_persist_seconds buckets from a server's /metrics.
 */
async function readServerStats(server: ServerProcess): Promise<ServerStats | null> {
  try {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })
    if (response.status !== 200) return null
    const text = await response.text()
    const value = (name: string): number => Number(new RegExp(`^samenspel_nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
    const p99 = value('p99')
    const max = value('max')
    const persistBuckets = [...text.matchAll(/^samenspel_persist_seconds_bucket\{le="([^"]+)"\} ([0-9.e+-]+)$/gm)].map((m) => ({ le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), count: Number(m[2]) }))
    return Number.isFinite(p99) && Number.isFinite(max) ? { p99Ms: Math.round(p99 * 1e5) / 100, maxMs: Math.round(max * 1e5) / 100, persistBuckets } : null
  } catch {
    return null
  }
}

function projectRooms(servers: readonly ServerProcess[]): Pick<Target, 'createRoom' | 'instanceOf' | 'endpoint' | 'serverStats'> {
  const first = servers[0]!
  return {
    serverStats: () => Promise.all(servers.map(readServerStats)),
    createRoom: (index) => createStatute(first, `Statuut ${index + 1}`, `Gemeente Bankstad ${index + 1}`),
    instanceOf: (position) => position % servers.length,
    endpoint: (position) => {
      const server = servers[position % servers.length]!
      return { wsUrl: server.wsUrl, params: { token: server.token } }
    },
  }
}

/** updates: SQLITE_SYNCHRONOUS_UPDATES (NORMAL is the default). */
async function sqliteTarget(updates: 'FULL' | 'NORMAL'): Promise<Target> {
  const dataDir = tempDir('relay')
  const removeDir = async (): Promise<void> => fs.rmSync(dataDir, { recursive: true, force: true })
  pendingCleanUps.add(removeDir)
  const server = await startServerProcess(dataDir, { SQLITE_SYNCHRONOUS_UPDATES: updates }).catch(async (error: unknown) => {
    pendingCleanUps.delete(removeDir)
    await removeDir()
    throw error
  })
  return {
    kind: updates === 'NORMAL' ? 'project-sqlite' : 'project-sqlite-full',
    instances: [server],
    settings: { command: 'node --import tsx server/main.ts', storage: 'SQLite in a fresh DATA_DIR', env: `SQLITE_SYNCHRONOUS_UPDATES=${updates}, other defaults (SQLITE_SYNCHRONOUS=FULL, COMPACT_AFTER_UPDATES=500); LOG_LEVEL=warn` },
    ...projectRooms([server]),
    diagnostics: async () => ({}),
    stop: async () => {
      const stopped = await server.stop()
      pendingCleanUps.delete(removeDir)
      await removeDir()
      return [stopped]
    },
  }
}

/** PostgreSQL URLs tried in order (trust auth on this machine). */
const DATABASE_URLS = [process.env.BENCH_DATABASE_URL, 'postgres://127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/test'].filter((u): u is string => !!u)
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The first DATABASE_URL that accepts a connection. */
async function reachableDatabaseUrl(): Promise<string> {
  const problems: string[] = []
  for (const url of DATABASE_URLS) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
    try {
      await client.connect()
      await client.query('select 1')
      return url
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  throw new Error(`no PostgreSQL reachable (${problems.join('; ')})`)
}

async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Drops schemas of earlier benchmark runs whose process is gone (a run killed before cleaning up). */
async function dropStaleSchemas(url: string): Promise<void> {
  await withPg(url, async (client) => {
    const { rows } = await client.query<{ name: string }>("select schema_name as name from information_schema.schemata where schema_name like 'bench\\_%'")
    for (const { name } of rows) {
      const pid = /^bench_(\d+)_\d+_[0-9a-f]{6}$/.exec(name)?.[1]
      if (pid && !fs.existsSync(`/proc/${pid}`)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
    }
  }).catch(() => undefined)
}

/**
 * Two project instances sharing one PostgreSQL schema and one Redis prefix. Both also get the same
 * DATA_DIR: a build that ignores DATABASE_URL then still shares statutes and tokens through one
 * SQLite file, so every client connects and only the relay between instances is missing, which
 * the benchmark reports as missing cross-instance deliveries.
 */
async function clusterTarget(): Promise<Target> {
  const databaseUrl = await reachableDatabaseUrl()
  const run = unique()
  const schema = `bench_${run}`.toLowerCase()
  const redisPrefix = `bench-${run}`
  const dataDir = tempDir('cluster')
  const env = { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, REDIS_URL: REDIS_URL, REDIS_PREFIX: redisPrefix }
  const servers: ServerProcess[] = []
  const cleanUp = async (): Promise<Record<string, unknown>> => {
    const done: Record<string, unknown> = {}
    try {
      await withPg(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
      done.schemaDropped = true
    } catch (error) {
      done.schemaDropped = `failed: ${error instanceof Error ? error.message : String(error)}`
    }
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
    try {
      await redis.connect()
      let cursor = '0'
      let deleted = 0
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000)
        cursor = next
        if (keys.length > 0) deleted += await redis.del(...keys)
      } while (cursor !== '0')
      done.redisKeysDeleted = deleted
    } catch (error) {
      done.redisKeysDeleted = `failed: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      redis.disconnect()
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
    return done
  }
  pendingCleanUps.add(cleanUp)
  await dropStaleSchemas(databaseUrl)
  try {
    // Both at once, as a deployment would: migrations run under an advisory lock and the first
    // administrator is created once across instances (the server's own rules).
    const started = await Promise.allSettled([startServerProcess(dataDir, env, 'server A'), startServerProcess(dataDir, env, 'server B')])
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value)
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failure) throw failure.reason
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()))
    pendingCleanUps.delete(cleanUp)
    await cleanUp()
    throw error
  }
  return {
    kind: 'project-cluster',
    instances: servers,
    settings: {
      command: '2 × node --import tsx server/main.ts',
      env: { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_PREFIX: redisPrefix, DATA_DIR: 'one fresh directory shared by both (used only if the build ignores DATABASE_URL)' },
      clients: "a room's clients alternate between the instances (position % 2)",
    },
    ...projectRooms(servers),
    async diagnostics() {
      const facts: Record<string, unknown> = {}
      try {
        facts.postgresTablesInSchema = await withPg(databaseUrl, async (client) => Number((await client.query('select count(*) as n from information_schema.tables where table_schema = $1', [schema])).rows[0].n))
      } catch (error) {
        facts.postgresTablesInSchema = `failed: ${error instanceof Error ? error.message : String(error)}`
      }
      facts.sqliteFilesInDataDir = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((f) => /\.(db|sqlite)/.test(f)) : []
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
      try {
        await redis.connect()
        const channels = (await redis.call('PUBSUB', 'CHANNELS', `${redisPrefix}*`)) as string[]
        facts.redisChannelsWithPrefix = channels.length
        facts.redisChannelSample = channels.slice(0, 3)
        facts.redisPatternSubscriptions = await redis.call('PUBSUB', 'NUMPAT')
        facts.redisClients = String(await redis.call('CLIENT', 'LIST')).trim().split('\n').length
      } catch (error) {
        facts.redis = `failed: ${error instanceof Error ? error.message : String(error)}`
      } finally {
        redis.disconnect()
      }
      return facts
    },
    stop: async () => {
      const stopped: unknown[] = await Promise.all(servers.map((s) => s.stop()))
      pendingCleanUps.delete(cleanUp)
      stopped.push(await cleanUp())
      return stopped
    },
  }
}

export function startTarget(kind: TargetKind): Promise<Target> {
  progress(`starting ${kind}`)
  if (kind === 'stock') return stockTarget()
  if (kind === 'project-sqlite') return sqliteTarget('NORMAL')
  if (kind === 'project-sqlite-full') return sqliteTarget('FULL')
  return clusterTarget()
}
