/**
 * Child process holding a share of the benchmark's clients (bench/relay.ts forks one or more).
 *
 * A thousand y-websocket clients that each decode every update of their room are more work than
 * one event loop does in time; in one process, the bench's own queue would be measured instead of
 * the server. Each worker connects its clients, makes them typists, types, and records inserts and
 * arrivals (arrivals.ts); the coordinator matches them afterwards.
 *
 * Times: the worker reports performance.now() of its own process. The coordinator calibrates the
 * offset to its own clock by ping-pong over IPC (`clock` messages) before and after measuring.
 *
 * Protocol: every request from the coordinator carries an `id`; the worker answers with the same
 * `id` (and `error` if it failed). Requests: clock, connect, states, type, measure, stop, drain,
 * close. See `Request` below.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import * as Y from 'yjs'
import { ArrivalRecorder, type SenderNotes } from './arrivals.js'
import { connectClient, whenSynced, type BenchClient, type Endpoint } from './benchClient.js'
import { round } from './stats.js'
import { makeTypist, startTyping, type Typist } from './typists.js'

/** One client the worker is to open. */
export interface ClientSpec {
  /** Global index: room * clientsPerRoom + position in the room. */
  readonly client: number
  readonly room: string
  readonly endpoint: Endpoint
}

export type Request =
  | { id: number; type: 'clock' }
  | { id: number; type: 'connect'; clients: ClientSpec[]; syncTimeoutMs: number; concurrency: number }
  | { id: number; type: 'states' }
  | { id: number; type: 'type'; insertsPerSecond: number; charsPerInsert: number }
  | { id: number; type: 'measure' }
  | { id: number; type: 'stop' }
  | { id: number; type: 'drain'; quietMs: number; maxMs: number }
  | { id: number; type: 'close' }

/** A websocket close the worker saw (after the first sync or while connecting). */
export interface CloseRecord {
  readonly client: number
  readonly code: number
  readonly reason: string
  /** Whether it happened during the measurement (typing and noting). */
  readonly duringMeasurement: boolean
}

export interface ConnectReply {
  readonly synced: number
  readonly failed: Array<{ client: number; reason: string }>
  readonly connectMs: number
}

export interface StopReply {
  readonly windowMs: number
  readonly cpuMs: number
  readonly eventLoopDelayP50Ms: number
  readonly eventLoopDelayP99Ms: number
  readonly eventLoopDelayMaxMs: number
  readonly gcPauseTotalMs: number
  readonly gcPauseMaxMs: number
  readonly heapUsedMB: number
  readonly rssMB: number
}

export interface DrainReply {
  readonly notes: SenderNotes[]
  readonly arrivals: Float64Array
  readonly drainedMs: number
  readonly closes: CloseRecord[]
  /** Clients whose provider was not connected when the drain ended. */
  readonly disconnectedAtEnd: number
}

interface Held {
  readonly spec: ClientSpec
  readonly client: BenchClient
  typist?: Typist
  notes?: SenderNotes
}

const held: Held[] = []
const recorder = new ArrivalRecorder()
const closes: CloseRecord[] = []
let measuring = false
let stopTyping: (() => void) | undefined
let window: { start: number; cpu: NodeJS.CpuUsage; loop: ReturnType<typeof monitorEventLoopDelay>; gc: PerformanceObserver; pauses: number[] } | undefined

// The event-loop histogram records whole timer intervals, so its values include this resolution;
// it is subtracted to report only the delay beyond it.
const LOOP_RESOLUTION_MS = 5
const loopDelay = (ns: number): number => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS))

/**
 * Resolves at the first sync; rejects at once when the server refuses the connection with a
 * 44xx close (y-websocket does not retry those), else after `timeoutMs`.
 */
function syncedOrRefused(client: BenchClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (event: { code: number; reason: string } | null): void => {
      if (event && event.code >= 4400 && event.code < 4500) reject(new Error(`refused: ${event.code} ${event.reason}`))
    }
    client.provider.on('connection-close', onClose)
    whenSynced(client, timeoutMs).then(resolve, reject).finally(() => client.provider.off('connection-close', onClose))
  })
}

async function connect(specs: ClientSpec[], syncTimeoutMs: number, concurrency: number): Promise<ConnectReply> {
  const start = performance.now()
  const failed: ConnectReply['failed'] = []
  // Opened in batches: a thousand simultaneous handshakes would measure the connection storm.
  for (let i = 0; i < specs.length; i += concurrency) {
    const batch = specs.slice(i, i + concurrency).map((spec) => {
      const client = connectClient(spec.endpoint, spec.room)
      const entry: Held = { spec, client }
      held.push(entry)
      client.provider.on('connection-close', (event: { code: number; reason: string } | null) => {
        if (event) closes.push({ client: spec.client, code: event.code, reason: String(event.reason ?? '').slice(0, 200), duringMeasurement: measuring })
      })
      recorder.observe(client.doc, spec.client)
      return entry
    })
    const results = await Promise.allSettled(batch.map((entry) => syncedOrRefused(entry.client, syncTimeoutMs)))
    results.forEach((result, k) => {
      const entry = batch[k]!
      if (result.status === 'rejected') {
        const close = closes.findLast((c) => c.client === entry.spec.client)
        failed.push({ client: entry.spec.client, reason: close ? `closed ${close.code} ${close.reason}` : String(result.reason instanceof Error ? result.reason.message : result.reason) })
        // Stop its reconnect loop; it stays in `held` so its absence is counted, not hidden.
        entry.client.provider.disconnect()
        return
      }
      entry.typist = makeTypist(entry.client, entry.spec.client)
    })
  }
  return { synced: held.filter((h) => h.typist).length, failed, connectMs: Math.round(performance.now() - start) }
}

function stateVectors(): Array<{ client: number; room: string; sv: Array<[number, number]> }> {
  return held.filter((h) => h.typist).map((h) => ({ client: h.spec.client, room: h.spec.room, sv: [...Y.decodeStateVector(Y.encodeStateVector(h.client.doc))] }))
}

function beginTyping(perSecond: number, chars: number): void {
  const typists = held.flatMap((h) => (h.typist ? [h] : []))
  for (const h of typists) h.notes = { clientId: h.client.doc.clientID, client: h.spec.client, clocks: [], times: [] }
  const byTypist = new Map(typists.map((h) => [h.typist!, h.notes!]))
  stopTyping = startTyping(
    typists.map((h) => h.typist!),
    perSecond,
    chars,
    (typist, startedAt) => {
      // Warm-up inserts are relayed too, but not noted, so they never count as samples.
      if (!measuring) return
      const notes = byTypist.get(typist)!
      notes.clocks.push(Y.getState(typist.client.doc.store, typist.client.doc.clientID))
      notes.times.push(startedAt)
    },
  )
}

function beginMeasuring(): void {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  const pauses: number[] = []
  const gc = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)))
  gc.observe({ entryTypes: ['gc'] })
  measuring = true
  window = { start: performance.now(), cpu: process.cpuUsage(), loop, gc, pauses }
}

function endMeasuring(): StopReply {
  measuring = false
  stopTyping?.()
  stopTyping = undefined
  if (!window) throw new Error('stop before measure')
  const { start, cpu, loop, gc, pauses } = window
  const windowMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  loop.disable()
  gc.disconnect()
  const memory = process.memoryUsage()
  return {
    windowMs: round(windowMs),
    cpuMs: round((used.user + used.system) / 1000),
    eventLoopDelayP50Ms: loopDelay(loop.percentile(50)),
    eventLoopDelayP99Ms: loopDelay(loop.percentile(99)),
    eventLoopDelayMaxMs: loopDelay(loop.max),
    gcPauseTotalMs: round(pauses.reduce((a, b) => a + b, 0)),
    gcPauseMaxMs: round(Math.max(0, ...pauses)),
    heapUsedMB: round(memory.heapUsed / 1048576, 1),
    rssMB: round(memory.rss / 1048576, 1),
  }
}

/** Waits until no arrival for `quietMs` (or `maxMs` in all), then stops recording. */
async function drain(quietMs: number, maxMs: number): Promise<DrainReply> {
  const start = performance.now()
  recorder.lastArrivalAt = Math.max(recorder.lastArrivalAt, start)
  while (performance.now() - recorder.lastArrivalAt < quietMs && performance.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 50))
  }
  recorder.recording = false
  return {
    notes: held.flatMap((h) => (h.notes ? [h.notes] : [])),
    arrivals: recorder.take(),
    drainedMs: Math.round(performance.now() - start),
    closes,
    disconnectedAtEnd: held.filter((h) => h.typist && !h.client.provider.wsconnected).length,
  }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'clock':
      return { now: performance.now() }
    case 'connect':
      return connect(request.clients, request.syncTimeoutMs, request.concurrency)
    case 'states':
      return stateVectors()
    case 'type':
      beginTyping(request.insertsPerSecond, request.charsPerInsert)
      // Recording starts with the warm-up, not with the measurement: workers get `measure` a
      // moment apart, and an insert noted by one must not arrive at another before it records.
      // Warm-up arrivals match no noted insert and are ignored.
      recorder.recording = true
      return {}
    case 'measure':
      beginMeasuring()
      return {}
    case 'stop':
      return endMeasuring()
    case 'drain':
      return drain(request.quietMs, request.maxMs)
    case 'close':
      stopTyping?.()
      for (const h of held) h.client.destroy()
      // Let the close frames go out before the process ends.
      setTimeout(() => process.exit(0), 300)
      return {}
  }
}

// Every WebsocketProvider adds a process 'exit' listener (see benchClient.ts).
process.setMaxListeners(0)
process.on('message', (request: Request) => {
  handle(request).then(
    (result) => process.send?.({ id: request.id, result }),
    (error: unknown) => process.send?.({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  )
})
// The coordinator went away: do not linger with a thousand sockets.
process.on('disconnect', () => process.exit(0))
