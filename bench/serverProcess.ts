/**
 * The Samenspel server as a separate child process, so that the benchmark's own clients (which
 * decode every relayed update) do not share an event loop, heap or CPU accounting with it.
 *
 * The child is `node --import tsx server/main.ts` started directly (not through npx), so the pid
 * we hold is the server's own and /proc/<pid> describes the server, not a wrapper.
 *
 * Every route and websocket needs credentials: the child creates its administrator from
 * SAMENSPEL_ADMIN_EMAIL / SAMENSPEL_ADMIN_PASSWORD (only while no account exists, so a restart on
 * the same data keeps it); after each start we sign in once and create a personal API token, which
 * the benchmark then uses as `Authorization: Bearer` on HTTP and `?token=` on websockets.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { ticksPerSecond } from './machine.js'

/** A running project server child process. */
export interface ServerProcess extends ChildServer {
  /** Base URL for y-websocket; the provider appends `/<statute id>`. */
  readonly wsUrl: string
  /** The benchmark administrator's API token for this run (Bearer on HTTP, ?token= on websockets). */
  readonly token: string
  readonly dataDir: string
}

const live = new Set<ChildProcess>()

/**
 * CPU pinning (`--pin`): which cores the servers and the client workers may use, as taskset
 * lists (e.g. servers '1', clients '0'). Unset, the operating system spreads every process over
 * every core. Pinned, each server (all its threads) gets one core to itself and the clients the
 * other, as if the people typing sat at other machines.
 */
export const pinning: { servers?: string; clients?: string } = {}

/** Restricts every thread of `pid` (and threads it starts later) to `cpus`. */
export function pinProcess(pid: number | undefined, cpus: string | undefined): void {
  if (pid === undefined || cpus === undefined) return
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' })
}

/** Counts `child` (e.g. a client worker) among the children `killAllServers` takes along. */
export function trackChild(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
}

/** Kills every server child still running; registered on exit so none outlives the benchmark. */
export function killAllServers(): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}
process.on('exit', killAllServers)

/** A port that was free a moment ago on 127.0.0.1 (the small race is acceptable for a bench). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port
      probe.close(() => resolve(port))
    })
  })
}

/** The benchmark's administrator, created by the server child from its environment. */
const BENCH_ADMIN = { email: 'bench@samenspel.test', password: 'benchmark-wachtwoord-2024' } as const

/** One HTTP request to the server with a JSON body; no keep-alive, so no socket lingers. */
export function requestJson<T>(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; setCookies: string[] }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      url,
      { method, agent: false, timeout: 10_000, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          try {
            resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T, setCookies: res.headers['set-cookie'] ?? [] })
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)))
          }
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** One HTTP request with a binary body (e.g. a Yjs update); the answer's status and text. */
export function requestRaw(url: string, method: string, body: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, timeout: 10_000, headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)))
    req.on('error', reject)
    req.end(body)
  })
}

function readStatus(pid: number): { rssKb: number; hwmKb: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN)
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') }
}

function readCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name may contain spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1000) / ticksPerSecond()
}

/** A server child process (the project's or the stock y-websocket server), as the benchmark sees it. */
export interface ChildServer {
  readonly pid: number
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string
  readonly port: number
  /** From spawning the child until its health URL answered (ms). */
  readonly healthyAfterMs: number
  /** Resident memory now and at its peak (VmHWM), in KB, from /proc. */
  memory(): { rssKb: number; hwmKb: number }
  /** User + system CPU time the process has used so far, in ms. */
  cpuMs(): number
  /** SIGTERM, then waits for exit; SIGKILL after 15 s. */
  stop(): Promise<{ exitCode: number | null; signal: string | null; ms: number; killed: boolean }>
}

/**
 * Starts `node <nodeArgs>` (directly, so the pid is the server's own) with PORT/HOST set to a free
 * port on 127.0.0.1, forwards its output to our stderr prefixed with `label`, and waits until
 * GET /healthz answers 200.
 */
export async function startChildServer(label: string, nodeArgs: readonly string[], env: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort()
  const spawnedAt = performance.now()
  const child = spawn(process.execPath, [...nodeArgs], {
    cwd: process.cwd(),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  pinProcess(child.pid, pinning.servers)
  // Server log lines (warnings and errors only) go to our stderr, never to our stdout.
  const forward = (chunk: Buffer): void => {
    process.stderr.write(chunk.toString('utf8').replace(/^(?=.)/gm, `[${label}] `))
  }
  child.stdout?.on('data', forward)
  child.stderr?.on('data', forward)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    })
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not start ${label}`)
  const url = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 20_000
  let up = false
  let earlyExit = false
  void exited.then(() => (earlyExit = true))
  while (!up && !earlyExit && Date.now() < deadline) {
    try {
      up = (await requestJson(`${url}/healthz`, 'GET')).status === 200
    } catch {
      // Not listening yet.
    }
    if (!up) await new Promise((r) => setTimeout(r, 50))
  }
  if (!up) {
    child.kill('SIGKILL')
    throw new Error(`${label} did not become healthy (${earlyExit ? 'it exited' : 'timeout'})`)
  }
  let last = { rssKb: 0, hwmKb: 0 }
  let lastCpu = 0
  return {
    pid,
    url,
    port,
    healthyAfterMs: Math.round(performance.now() - spawnedAt),
    // After the child exited, /proc no longer has it: the last value read stands.
    memory: () => {
      try {
        last = readStatus(pid)
      } catch {
        // exited
      }
      return last
    },
    cpuMs: () => {
      try {
        lastCpu = readCpuMs(pid)
      } catch {
        // exited
      }
      return lastCpu
    },
    stop: async () => {
      const start = performance.now()
      child.kill('SIGTERM')
      let killed = false
      const timer = setTimeout(() => {
        killed = true
        child.kill('SIGKILL')
      }, 15_000)
      const { code, signal } = await exited
      clearTimeout(timer)
      return { exitCode: code, signal, ms: Math.round(performance.now() - start), killed }
    },
  }
}

/**
 * Starts the project's server on a free port with `dataDir` (and `extraEnv`, e.g. DATABASE_URL),
 * waits until /healthz answers and creates the benchmark administrator's API token.
 */
export async function startServerProcess(dataDir: string, extraEnv: Record<string, string> = {}, label = 'server'): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the servers.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = await startChildServer(label, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SAMENSPEL_ADMIN_EMAIL: BENCH_ADMIN.email,
    SAMENSPEL_ADMIN_PASSWORD: BENCH_ADMIN.password,
    ...extraEnv,
  })
  let token: string
  try {
    token = await createApiToken(child.url)
  } catch (error) {
    await child.stop()
    throw error
  }
  return { ...child, wsUrl: `ws://127.0.0.1:${child.port}/collab`, token, dataDir }
}

/**
 * Signs in as the benchmark administrator (the session cookie, with our Origin as a browser page
 * would send it) and creates an API token with that session.
 */
async function createApiToken(url: string): Promise<string> {
  const signIn = await requestJson<unknown>(`${url}/api/session`, 'POST', BENCH_ADMIN, { origin: url })
  const cookie = signIn.setCookies.map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('samenspel_session='))
  if (signIn.status !== 201 || !cookie) throw new Error(`POST /api/session answered ${signIn.status}: ${JSON.stringify(signIn.body)}`)
  const created = await requestJson<{ token: string }>(`${url}/api/account/tokens`, 'POST', { name: 'benchmark' }, { cookie, origin: url })
  if (created.status !== 201 || !created.body?.token) throw new Error(`POST /api/account/tokens answered ${created.status}: ${JSON.stringify(created.body)}`)
  return created.body.token
}

/** Creates a statute through the JSON API and returns its id. */
export async function createStatute(server: ServerProcess, title: string, organisation: string): Promise<string> {
  const { status, body } = await requestJson<{ id: string }>(`${server.url}/api/statutes`, 'POST', { title, organisation }, { authorization: `Bearer ${server.token}` })
  if (status !== 201) throw new Error(`POST /api/statutes answered ${status}: ${JSON.stringify(body)}`)
  return body.id
}
