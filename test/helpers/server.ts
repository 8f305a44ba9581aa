/**
 * A real Samenspel server on a random port with its own temporary data directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'
import { loadConfig, type Config } from '../../server/config.js'
import { startServer, type SamenspelServer } from '../../server/createServer.js'
import type { Role } from '../../model/roles.js'
import type { UserRecord } from '../../server/storage/AccessStore.js'
import { defaultCredentials } from './credentials.js'
import { freshSchema, type FreshSchema } from './postgres.js'

export interface TestUser {
  readonly user: UserRecord
  readonly password: string
  /** A personal API token (Authorization: Bearer, or ?token= on the websocket). */
  readonly token: string
}

export interface TestServer extends SamenspelServer {
  /** The administrator created at start; the default identity of api() and test clients. */
  readonly admin: TestUser
  readonly dataDir: string
  readonly config: Config
  readonly wsUrl: string
  /** Closes this server and starts a new one on the same data directory (and the same port). */
  restart(): Promise<TestServer>
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'samenspel-test-'))
}

/**
 * PostgreSQL schemas of closed test servers. A test may close a server and restart() it later on
 * the same data (as with a data directory), so they are dropped at the end of the test file, unless
 * restarted on; restart() hands the schema to the new server.
 */
const closedSchemas = new Set<FreshSchema>()
if (process.env.VITEST) {
  afterAll(async () => {
    for (const schema of closedSchemas) await schema.drop()
    closedSchemas.clear()
  })
}

/**
 * Starts a test server. With SAMENSPEL_TEST_STORAGE=postgres (and no databaseUrl in `overrides`)
 * it stores in a fresh PostgreSQL schema, kept over restart() and dropped after the server closed
 * (at the end of the test file); otherwise in SQLite in `dataDir`.
 */
export async function startTestServer(overrides: Partial<Config> = {}, dataDir = tempDataDir(), pgSchema?: FreshSchema): Promise<TestServer> {
  const schema = pgSchema ?? (process.env.SAMENSPEL_TEST_STORAGE === 'postgres' && overrides.databaseUrl === undefined ? await freshSchema() : undefined)
  const storage: Partial<Config> = schema ? { databaseUrl: schema.url, databaseSchema: schema.schema, databasePoolSize: 4 } : {}
  const config = loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', roomIdleMs: 200, clientDir: path.resolve('dist/client'), ...storage, ...overrides })
  let server: SamenspelServer
  try {
    server = await startServer(config)
  } catch (error) {
    if (!pgSchema) await schema?.drop()
    throw error
  }
  const port = Number(new URL(server.url).port)
  const admin = await ensureTestUser(server, 'Beheerder Test', 'admin@samenspel.test')
  defaultCredentials.token = admin.token
  // After restart() the schema belongs to the new server: closing this one again must not drop it.
  let handedOver = false
  return {
    ...server,
    admin,
    dataDir,
    config,
    wsUrl: server.url.replace('http', 'ws') + '/collab',
    close: async () => {
      await server.close()
      if (schema && !handedOver) closedSchemas.add(schema)
    },
    restart: async () => {
      handedOver = true
      if (schema) closedSchemas.delete(schema)
      await server.close()
      // The server cut every connection; let this process see its keep-alive sockets close before
      // the new server takes the same port, or fetch may reuse a dead one ("other side closed").
      await new Promise((resolve) => setTimeout(resolve, 100))
      try {
        return await startTestServer({ ...overrides, port }, dataDir, schema)
      } catch (error) {
        await schema?.drop()
        throw error
      }
    },
  }
}

/** Environment variables that point a separate process (e.g. a CLI) at this server's PostgreSQL storage, if any. */
export function storageEnv(config: Config): Record<string, string> {
  return config.databaseUrl ? { DATABASE_URL: config.databaseUrl, DATABASE_SCHEMA: config.databaseSchema } : {}
}

export const TEST_PASSWORD = 'correct horse battery staple'

/** An account with an API token; reuses the account if it exists (after a restart). */
export async function ensureTestUser(server: SamenspelServer, name: string, email: string): Promise<TestUser> {
  const user = (await server.store.accounts.getUserByEmail(email)) ?? (await server.auth.createUser({ name, email, password: TEST_PASSWORD }))
  const { token } = await server.auth.createApiToken({ user, via: 'session' }, 'tests', null)
  return { user, password: TEST_PASSWORD, token }
}

let userCounter = 0

/** A new account with a unique e-mail address. */
export function createTestUser(server: SamenspelServer, name: string): Promise<TestUser> {
  userCounter += 1
  return ensureTestUser(server, name, `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${process.pid}.${userCounter}@samenspel.test`)
}

/** Makes `user` a member of a statute directly in storage (the invitation flow has its own tests). */
export async function addMember(server: SamenspelServer, statuteId: string, user: TestUser, role: Role, partyName = 'Raad', canAgree = false): Promise<void> {
  const party = (await server.store.access.listParties(statuteId)).find((p) => p.name === partyName)
  if (!party) throw new Error(`no party ${partyName}`)
  await server.store.access.putMembership({ statuteId, userId: user.user.id, role, partyId: party.id, canAgree, createdAt: new Date().toISOString() })
}

export interface RequestOptions {
  /** Bearer token to send; default: the administrator's. `null` sends no credentials. */
  readonly token?: string | null
  readonly headers?: Record<string, string>
}

/** JSON request helper; authenticates as the administrator unless told otherwise. */
export async function api<T = unknown>(server: { url: string }, method: string, pathname: string, body?: unknown, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
  const token = options.token === undefined ? defaultCredentials.token : options.token
  const send = () =>
    fetch(server.url + pathname, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
  let response: Response
  try {
    response = await send()
  } catch (error) {
    // A keep-alive socket to a server that was just restarted on the same port: the request never
    // left this process, so sending it once more is safe.
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error
    response = await send()
  }
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
}

export async function createStatute(server: { url: string }, title = 'Statuut samenwerking', organisation = 'Gemeente Testdorp', options: RequestOptions = {}): Promise<string> {
  const { status, body } = await api<{ id: string }>(server, 'POST', '/api/statutes', { title, organisation }, options)
  if (status !== 201) throw new Error(`create failed: ${status} ${JSON.stringify(body)}`)
  return body.id
}
