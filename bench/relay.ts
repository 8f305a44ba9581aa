/**
 * Relay latency under typing load, for any target (targets.ts): rooms with clients that type into
 * the first article, every other client of the room timestamping each insert's arrival.
 *
 * The clients live in client worker processes (clientWorker.ts), so that the bench's own work of
 * decoding every relayed update is spread over event loops and reported per process; this process
 * only coordinates, reads the servers' CPU and memory from /proc and matches inserts to arrivals
 * (arrivals.ts) on its own clock.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { matchArrivals, type MatchResult, type SenderNotes } from './arrivals.js'
import type { ClientSpec, CloseRecord, ConnectReply, DrainReply, Request, StopReply } from './clientWorker.js'
import { machineBusyMs, processesCpuMs } from './machine.js'
import { progress, round, type Distribution } from './stats.js'
import { pinning, pinProcess, trackChild } from './serverProcess.js'
import type { ServerStats, Target } from './targets.js'

/** One load shape and its timing. */
export interface RelayShape {
  readonly name: string
  readonly statutes: number
  readonly clientsPerStatute: number
  /** Typing rate per client (inserts per second). */
  readonly insertsPerSecond: number
  readonly charsPerInsert: number
  readonly warmupMs: number
  readonly measureMs: number
  /** Longest wait after typing stops for the last inserts to arrive (the wait ends after 1 s without arrivals). */
  readonly drainMs: number
}

/** One server process's share of the work during the measurement window. */
export interface ServerFigures {
  readonly pid: number
  readonly cpuMs: number
  /** 100 = one core, over the measurement window. */
  readonly cpuPercent: number
  /** Started, before any room or client. */
  readonly rssBeforeClientsMB: number
  /** Sampled every 250 ms during the measurement window. */
  readonly rssMaxMB: number
  /** Peak resident memory of the process's life (VmHWM); the process served only this run. */
  readonly vmHwmMB: number
}

export interface RelayResult {
  readonly target: Target['kind']
  /** How the target was started (command, environment such as the DATABASE_URL used). */
  readonly targetSettings: Record<string, unknown>
  readonly shape: RelayShape & { clients: number; clientWorkers: number }
  readonly setup: {
    roomsCreatedMs: number
    clientsSynced: number
    clientsFailed: number
    failedSample: Array<{ client: number; reason: string }>
    connectMs: number
    /** Rooms in which every connected client had every client's first paragraph before typing began. */
    roomsConverged: number
  }
  readonly insertsMeasured: number
  readonly serverLoad: { updatesInPerS: number; messagesOutPerS: number }
  readonly expectedDeliveries: number
  readonly deliveries: number
  /** Expected deliveries that had not arrived when the drain ended (0 when all is well). */
  readonly missingDeliveries: number
  readonly latencyMs: Distribution
  readonly firstReceiverLatencyMs: Distribution
  readonly lastReceiverLatencyMs: Distribution
  /** Split by whether sender and receiver are connected to the same server instance. */
  readonly byInstancePair?: MatchResult['byClass']
  readonly servers: ServerFigures[]
  /** Sum over the instances (CPU) and sum of their peaks (memory). */
  readonly serversCombined: { cpuMs: number; cpuPercent: number; vmHwmMB: number }
  readonly clientProcesses: Array<StopReply & { cpuPercent: number; drainedMs: number }>
  /** Whether a client process was busy enough (≥ 85 % of a core) to delay deliveries itself. */
  readonly clientSaturated: boolean
  readonly coordinatorCpuPercent: number
  /** PostgreSQL and Redis processes on this machine during the window (100 = one core). */
  readonly backingServicesCpuPercent: number
  readonly otherProcessesCpuPercent: number
  readonly closes: { total: number; duringMeasurement: number; byCode: Record<string, number>; sample: CloseRecord[] }
  readonly clientsDisconnectedAtEnd: number
  readonly clock: { calibrationRttMs: number; offsetDriftMs: number }
  readonly diagnostics: Record<string, unknown>
  /** The servers' own event-loop delay during the window (p99 and max, ms; null for the stock server or when unreadable). */
  readonly serverEventLoopDelay: Array<{ p99Ms: number; maxMs: number } | null> | null
  /**
   * How long the servers took to store a write before relaying it, during the window (from their
   * samenspel_persist_seconds histogram: the upper bound of the bucket holding p50 and p99, ms).
   */
  readonly serverPersistMs: Array<PersistQuantiles | null> | null
  readonly durationS: number
  /** Latency samples (every delivery; first receiver per insert), for pooling runs; not for the JSON. */
  readonly samples: MatchResult['samples']
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** A client worker process and a way to call it. */
export interface WorkerHandle {
  readonly child: ChildProcess
  call<T>(request: WithoutId<Request>, timeoutMs?: number): Promise<T>
  /** performance.now() of the worker minus that of this process (ms). */
  offset: number
}

const MB = (kb: number): number => round(kb / 1024, 1)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** How long before the window the servers' /metrics are scraped (see runRelay). */
const SCRAPE_SETTLE_MS = 1000

/**
 * Forks `count` client worker processes. Started before the servers, so their start-up (tsx)
 * overlaps with the servers'; `runRelay` uses them, `closeClientWorkers` ends them.
 */
export function startClientWorkers(count: number): WorkerHandle[] {
  return Array.from({ length: count }, (_, i) => startWorker(i))
}

/** Closes the workers' clients and ends the processes (SIGKILL if one does not answer). */
export async function closeClientWorkers(workers: readonly WorkerHandle[]): Promise<void> {
  await Promise.all(workers.map((w) => w.call({ type: 'close' }, 10_000).catch(() => w.child.kill('SIGKILL'))))
  await Promise.all(
    workers.map((w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return undefined
      return new Promise((resolve) => {
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 5000)
        w.child.once('exit', () => resolve(clearTimeout(timer)))
      })
    }),
  )
}

function startWorker(index: number): WorkerHandle {
  const child = fork('bench/clientWorker.ts', [], {
    // A larger young generation: with 1000 documents, scavenges were a quarter of the worker's time.
    // BENCH_WORKER_NODE_ARGS adds flags (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
    execArgv: ['--import', 'tsx', '--max-semi-space-size=32', ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  trackChild(child)
  pinProcess(child.pid, pinning.clients)
  const forward = (chunk: Buffer): void => {
    process.stderr.write(chunk.toString('utf8').replace(/^(?=.)/gm, `[client worker ${index}] `))
  }
  child.stdout?.on('data', forward)
  child.stderr?.on('data', forward)
  let next = 0
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id)
    pending.delete(message.id)
    if (message.error !== undefined) waiter?.reject(new Error(`client worker ${index}: ${message.error}`))
    else waiter?.resolve(message.result)
  })
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`client worker ${index} exited (${code ?? signal})`))
    pending.clear()
  })
  return {
    child,
    offset: 0,
    call<T>(request: WithoutId<Request>, timeoutMs = 120_000): Promise<T> {
      const id = ++next
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`client worker ${index}: no answer to ${request.type} within ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer)
            resolve(value as T)
          },
          reject: (error) => {
            clearTimeout(timer)
            reject(error)
          },
        })
        child.send({ ...request, id })
      })
    },
  }
}

export interface PersistQuantiles {
  readonly writes: number
  /** Upper bounds of the histogram buckets that hold the median and the 99th percentile (ms; null above the last bucket). */
  readonly p50AtMostMs: number | null
  readonly p99AtMostMs: number | null
}

/** The window's part of a cumulative Prometheus histogram (after minus before), as bucket bounds of p50 and p99. */
function persistQuantiles(before: ServerStats['persistBuckets'], after: ServerStats['persistBuckets']): PersistQuantiles | null {
  const counts = after.map((bucket) => ({ le: bucket.le, count: bucket.count - (before.find((b) => b.le === bucket.le)?.count ?? 0) }))
  const total = counts.find((bucket) => bucket.le === Number.POSITIVE_INFINITY)?.count ?? 0
  if (total <= 0) return null
  const bound = (q: number): number | null => {
    const le = counts.find((bucket) => bucket.count >= q * total)?.le
    return le === undefined || !Number.isFinite(le) ? null : round(le * 1000, 2)
  }
  return { writes: total, p50AtMostMs: bound(0.5), p99AtMostMs: bound(0.99) }
}

/**
 * The worker's clock offset: ping-pong over IPC, keeping the exchange with the shortest round trip
 * (its midpoint is closest to the moment the worker read its clock). Returns that round trip.
 */
async function calibrate(worker: WorkerHandle): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 25; i++) {
    const sent = performance.now()
    const { now } = await worker.call<{ now: number }>({ type: 'clock' })
    const received = performance.now()
    if (received - sent < best) {
      best = received - sent
      worker.offset = now - (sent + received) / 2
    }
  }
  return best
}

/** Creates rooms a few at a time. */
async function createRooms(target: Target, count: number): Promise<string[]> {
  const rooms: string[] = new Array(count)
  let nextIndex = 0
  await Promise.all(
    Array.from({ length: Math.min(8, count) }, async () => {
      while (nextIndex < count) {
        const index = nextIndex++
        rooms[index] = await target.createRoom(index)
      }
    }),
  )
  return rooms
}

/** Compares the state vectors of every connected client of each room. */
function convergedRooms(states: Array<Array<{ client: number; room: string; sv: Array<[number, number]> }>>): { converged: number; rooms: number } {
  const byRoom = new Map<string, string[]>()
  for (const list of states) {
    for (const { room, sv } of list) {
      const key = JSON.stringify([...sv].sort((a, b) => a[0] - b[0]))
      const keys = byRoom.get(room) ?? []
      keys.push(key)
      byRoom.set(room, keys)
    }
  }
  let converged = 0
  for (const keys of byRoom.values()) if (keys.every((k) => k === keys[0])) converged++
  return { converged, rooms: byRoom.size }
}

/**
 * Runs one shape against a started target with fresh client `workers` (one per room when there
 * are enough rooms, else the room's clients spread over them). The caller closes the workers.
 */
export async function runRelay(target: Target, shape: RelayShape, workers: readonly WorkerHandle[]): Promise<RelayResult> {
  const began = performance.now()
  const label = `${target.kind} ${shape.name}`
  const perRoom = shape.clientsPerStatute
  const rssBeforeKb = target.instances.map((s) => s.memory().rssKb)
  const roomsStart = performance.now()
  const rooms = await createRooms(target, shape.statutes)
  const roomsCreatedMs = Math.round(performance.now() - roomsStart)
  // Whole rooms per worker when there are enough rooms (no clock offsets within a room); one busy
  // room is spread over the workers.
  const workerCount = workers.length
  const assignments: ClientSpec[][] = Array.from({ length: workerCount }, () => [])
  rooms.forEach((room, r) => {
    for (let p = 0; p < perRoom; p++) {
      const client = r * perRoom + p
      // A split room goes in blocks (not alternating), so a worker's clients are not all on the
      // same cluster instance (instances alternate by position).
      const worker = shape.statutes >= workerCount ? r % workerCount : Math.floor((p * workerCount) / perRoom)
      assignments[worker]!.push({ client, room, endpoint: target.endpoint(p) })
    }
  })
  const rttBefore = await Promise.all(workers.map(calibrate))
  const offsetsBefore = workers.map((w) => w.offset)
  progress(`${label}: ${shape.statutes} rooms, connecting ${shape.statutes * perRoom} clients in ${workerCount} client process(es)`)
  const connected = await Promise.all(workers.map((w, i) => w.call<ConnectReply>({ type: 'connect', clients: assignments[i]!, syncTimeoutMs: 30_000, concurrency: 50 }, 300_000)))
  const failed = connected.flatMap((c) => c.failed)
  if (failed.length > 0) progress(`${label}: ${failed.length} clients did not sync, e.g. ${failed[0]!.reason}`)
  // Every client's paragraph everywhere before typing starts (bounded: a missing relay must not hang the run).
  let convergence = { converged: 0, rooms: 0 }
  const convergeDeadline = Date.now() + 20_000
  for (;;) {
    const states = await Promise.all(workers.map((w) => w.call<Array<{ client: number; room: string; sv: Array<[number, number]> }>>({ type: 'states' })))
    convergence = convergedRooms(states)
    if (convergence.converged === convergence.rooms || Date.now() > convergeDeadline) break
    await sleep(200)
  }
  if (convergence.converged < convergence.rooms) progress(`${label}: only ${convergence.converged}/${convergence.rooms} rooms converged before typing; measuring anyway`)

  await Promise.all(workers.map((w) => w.call({ type: 'type', insertsPerSecond: shape.insertsPerSecond, charsPerInsert: shape.charsPerInsert })))
  progress(`${label}: warm-up ${shape.warmupMs / 1000} s`)
  // Scraping /metrics (below) costs the project's server some 5–18 ms of its event loop (Node's
  // process metrics: open file descriptors, handles, CPU); the stock server has nothing to scrape.
  // Scraped right before the window, that pause fell into it, for the project alone: in one round
  // the first 100 ms of the window held 572 of the 1,486 samples slower than 8 ms (p99 10.4 ms).
  // So the scrape comes a second before the warm-up ends, and the window opens on a server that
  // has caught up.
  await sleep(Math.max(0, shape.warmupMs - SCRAPE_SETTLE_MS))
  // Scraping /metrics starts the servers' event-loop histograms afresh, so the next scrape covers
  // the settling second and the window; the persistence histogram is cumulative, so the part from
  // here to the end of the window is after − before.
  const statsBefore = (await target.serverStats?.()) ?? null
  await sleep(Math.min(shape.warmupMs, SCRAPE_SETTLE_MS))

  progress(`${label}: measuring ${shape.measureMs / 1000} s`)
  const rssMaxKb = target.instances.map((s) => s.memory().rssKb)
  const serverCpuStart = target.instances.map((s) => s.cpuMs())
  const backingStart = processesCpuMs(['postgres', 'redis-server'])
  const machineStart = machineBusyMs()
  const selfStart = process.cpuUsage()
  const sampler = setInterval(() => target.instances.forEach((s, i) => (rssMaxKb[i] = Math.max(rssMaxKb[i]!, s.memory().rssKb))), 250)
  const windowStart = performance.now()
  await Promise.all(workers.map((w) => w.call({ type: 'measure' })))
  await sleep(shape.measureMs)
  const stopped = await Promise.all(workers.map((w) => w.call<StopReply>({ type: 'stop' })))
  const serverStats = (await target.serverStats?.()) ?? null
  const serverEventLoopDelay = serverStats?.map((d) => (d ? { p99Ms: d.p99Ms, maxMs: d.maxMs } : null)) ?? null
  const serverPersistMs = serverStats?.map((d, i) => (d ? persistQuantiles(statsBefore?.[i]?.persistBuckets ?? [], d.persistBuckets) : null)) ?? null
  const windowMs = performance.now() - windowStart
  clearInterval(sampler)
  const serverCpu = target.instances.map((s, i) => s.cpuMs() - serverCpuStart[i]!)
  const backingCpu = processesCpuMs(['postgres', 'redis-server']).cpuMs - backingStart.cpuMs
  const machineBusy = machineBusyMs() - machineStart
  const self = process.cpuUsage(selfStart)
  const selfCpu = (self.user + self.system) / 1000

  const drained = await Promise.all(workers.map((w) => w.call<DrainReply>({ type: 'drain', quietMs: 1000, maxMs: shape.drainMs }, shape.drainMs + 60_000)))
  const rttAfter = await Promise.all(workers.map(calibrate))
  const diagnostics = await target.diagnostics()
  const memory = target.instances.map((s) => s.memory())

  // Onto this process's clock: worker time minus its offset (the mean of both calibrations).
  const offsets = workers.map((w, i) => (offsetsBefore[i]! + w.offset) / 2)
  const notes: SenderNotes[] = drained.flatMap((d, i) => d.notes.map((n) => ({ ...n, times: n.times.map((t) => t - offsets[i]!) })))
  const arrivals = drained.map((d, i) => {
    const a = d.arrivals
    for (let k = 4; k < a.length; k += 5) a[k] = a[k]! - offsets[i]!
    return a
  })
  const members = (sender: number): number[] => {
    const room = Math.floor(sender / perRoom)
    return Array.from({ length: perRoom }, (_, p) => room * perRoom + p)
  }
  const instances = target.instances.length
  const classify = (sender: number, receiver: number): string => (target.instanceOf(sender % perRoom) === target.instanceOf(receiver % perRoom) ? 'sameInstance' : 'otherInstance')
  const match = matchArrivals(notes, arrivals, members, instances > 1 ? classify : undefined)

  const closes = drained.flatMap((d) => d.closes)
  const byCode: Record<string, number> = {}
  for (const c of closes) byCode[c.code] = (byCode[c.code] ?? 0) + 1
  const workerCpu = stopped.reduce((sum, s) => sum + s.cpuMs, 0)
  const serverFigures: ServerFigures[] = target.instances.map((s, i) => ({
    pid: s.pid,
    cpuMs: Math.round(serverCpu[i]!),
    cpuPercent: round((serverCpu[i]! / windowMs) * 100, 1),
    rssBeforeClientsMB: MB(rssBeforeKb[i]!),
    rssMaxMB: MB(Math.max(rssMaxKb[i]!, memory[i]!.rssKb)),
    vmHwmMB: MB(memory[i]!.hwmKb),
  }))
  const totalServerCpu = serverCpu.reduce((a, b) => a + b, 0)
  const clientProcesses = stopped.map((s, i) => ({ ...s, cpuPercent: round((s.cpuMs / s.windowMs) * 100, 1), drainedMs: drained[i]!.drainedMs }))
  const result: RelayResult = {
    target: target.kind,
    targetSettings: target.settings,
    shape: { ...shape, clients: shape.statutes * perRoom, clientWorkers: workerCount },
    setup: {
      roomsCreatedMs,
      clientsSynced: connected.reduce((n, c) => n + c.synced, 0),
      clientsFailed: failed.length,
      failedSample: failed.slice(0, 3),
      connectMs: Math.max(...connected.map((c) => c.connectMs)),
      roomsConverged: convergence.converged,
    },
    insertsMeasured: match.inserts,
    serverLoad: {
      updatesInPerS: round(match.inserts / (windowMs / 1000), 1),
      // Both servers send each update to every connection of the room, the sender included.
      messagesOutPerS: round((match.inserts * perRoom) / (windowMs / 1000), 1),
    },
    expectedDeliveries: match.expectedDeliveries,
    deliveries: match.deliveries,
    missingDeliveries: match.expectedDeliveries - match.deliveries,
    latencyMs: match.all,
    firstReceiverLatencyMs: match.first,
    lastReceiverLatencyMs: match.last,
    ...(instances > 1 ? { byInstancePair: match.byClass } : {}),
    servers: serverFigures,
    serversCombined: { cpuMs: Math.round(totalServerCpu), cpuPercent: round((totalServerCpu / windowMs) * 100, 1), vmHwmMB: round(serverFigures.reduce((n, s) => n + s.vmHwmMB, 0), 1) },
    clientProcesses,
    clientSaturated: clientProcesses.some((c) => c.cpuPercent >= 85),
    coordinatorCpuPercent: round((selfCpu / windowMs) * 100, 1),
    backingServicesCpuPercent: round((Math.max(0, backingCpu) / windowMs) * 100, 1),
    otherProcessesCpuPercent: round((Math.max(0, machineBusy - totalServerCpu - workerCpu - selfCpu - backingCpu) / windowMs) * 100, 1),
    closes: { total: closes.length, duringMeasurement: closes.filter((c) => c.duringMeasurement).length, byCode, sample: closes.slice(0, 3) },
    clientsDisconnectedAtEnd: drained.reduce((n, d) => n + d.disconnectedAtEnd, 0),
    clock: {
      calibrationRttMs: round(Math.max(...rttBefore, ...rttAfter), 3),
      offsetDriftMs: round(Math.max(...workers.map((w, i) => Math.abs(w.offset - offsetsBefore[i]!))), 3),
    },
    diagnostics,
    serverEventLoopDelay,
    serverPersistMs,
    durationS: round((performance.now() - began) / 1000, 1),
    samples: match.samples,
  }
  return result
}
