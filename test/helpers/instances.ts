/**
 * Samenspel instances as child processes (`node --import tsx server/main.ts`), for tests that kill
 * them (SIGKILL, SIGTERM) and restart them, and a small TCP load balancer to put in front.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { TEST_PASSWORD } from './server.js'

export interface Instance {
  readonly name: string
  readonly port: number
  readonly url: string
  readonly wsUrl: string
  readonly pid: number
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** What it printed (stdout and stderr), for failure messages. */
  output(): string
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

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

export const INSTANCE_ADMIN = { email: 'beheer@cluster.test', password: TEST_PASSWORD }

/** Starts an instance and waits until /healthz answers 200. */
export async function startInstance(name: string, env: Record<string, string>, port?: number): Promise<Instance> {
  const chosen = port ?? (await freePort())
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(chosen),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ROOM_IDLE_MS: '500',
      SAMENSPEL_ADMIN_EMAIL: INSTANCE_ADMIN.email,
      SAMENSPEL_ADMIN_PASSWORD: INSTANCE_ADMIN.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let output = ''
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child)
      resolve({ code, signal })
    })
  })
  const url = `http://127.0.0.1:${chosen}`
  let gone = false
  void exited.then(() => (gone = true))
  const deadline = Date.now() + 30_000
  for (;;) {
    if (gone) throw new Error(`instance ${name} exited during start:\n${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`instance ${name} did not become healthy:\n${output}`)
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    )
    if (healthy) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    name,
    port: chosen,
    url,
    wsUrl: `ws://127.0.0.1:${chosen}/collab`,
    pid: child.pid!,
    exited,
    output: () => output,
    kill: (signal) => {
      child.kill(signal)
      return exited
    },
  }
}

/** Signs in as the instances' administrator and creates an API token. */
export async function instanceToken(instance: Instance): Promise<string> {
  const session = await fetch(`${instance.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(INSTANCE_ADMIN),
  })
  if (session.status !== 201 && session.status !== 200) throw new Error(`sign-in failed: ${session.status} ${await session.text()}`)
  const cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const created = await fetch(`${instance.url}/api/account/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: instance.url },
    body: JSON.stringify({ name: 'cluster test' }),
  })
  if (created.status !== 201) throw new Error(`token failed: ${created.status} ${await created.text()}`)
  return ((await created.json()) as { token: string }).token
}

/**
 * A TCP load balancer: each new connection goes to the next backend in turn; a backend that
 * refuses is skipped. Like a real one, it cuts nothing itself: when a backend dies, its
 * connections end and the clients reconnect (through here, to whichever backend is up).
 */
export class Balancer {
  private readonly server: net.Server
  private next = 0
  readonly sockets = new Set<net.Socket>()

  private constructor(private readonly backends: readonly number[]) {
    this.server = net.createServer((client) => this.route(client, 0))
  }

  static async start(backends: readonly number[]): Promise<Balancer & { port: number }> {
    const balancer = new Balancer(backends)
    await new Promise<void>((resolve) => balancer.server.listen(0, '127.0.0.1', () => resolve()))
    return Object.assign(balancer, { port: (balancer.server.address() as net.AddressInfo).port })
  }

  private route(client: net.Socket, attempt: number): void {
    if (attempt >= this.backends.length) {
      client.destroy()
      return
    }
    const port = this.backends[this.next++ % this.backends.length]!
    const upstream = net.connect(port, '127.0.0.1')
    let connected = false
    upstream.once('connect', () => {
      connected = true
      this.sockets.add(client)
      client.pipe(upstream)
      upstream.pipe(client)
    })
    upstream.on('error', () => {
      if (!connected) this.route(client, attempt + 1)
      else client.destroy()
    })
    upstream.on('close', () => {
      if (connected) client.destroy()
    })
    client.on('error', () => upstream.destroy())
    client.on('close', () => {
      this.sockets.delete(client)
      upstream.destroy()
    })
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
