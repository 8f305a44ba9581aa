/**
 * A real Samenspel server on a random port with its own temporary data directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, type Config } from '../../server/config.js'
import { startServer, type SamenspelServer } from '../../server/createServer.js'

export interface TestServer extends SamenspelServer {
  readonly dataDir: string
  readonly config: Config
  readonly wsUrl: string
  /** Closes this server and starts a new one on the same data directory (and the same port). */
  restart(): Promise<TestServer>
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'samenspel-test-'))
}

export async function startTestServer(overrides: Partial<Config> = {}, dataDir = tempDataDir()): Promise<TestServer> {
  const config = loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', roomIdleMs: 200, clientDir: path.resolve('dist/client'), ...overrides })
  const server = await startServer(config)
  const port = Number(new URL(server.url).port)
  return {
    ...server,
    dataDir,
    config,
    wsUrl: server.url.replace('http', 'ws') + '/collab',
    restart: async () => {
      await server.close()
      return startTestServer({ ...overrides, port }, dataDir)
    },
  }
}

/** JSON request helper. */
export async function api<T = unknown>(server: { url: string }, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(server.url + pathname, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
}

export async function createStatute(server: { url: string }, title = 'Statuut samenwerking', organisation = 'Gemeente Testdorp'): Promise<string> {
  const { status, body } = await api<{ id: string }>(server, 'POST', '/api/statutes', { title, organisation })
  if (status !== 201) throw new Error(`create failed: ${status} ${JSON.stringify(body)}`)
  return body.id
}
