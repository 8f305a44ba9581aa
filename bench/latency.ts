/**
 * Relay latency: clients type into the first article of their statute and every other client of
 * that statute timestamps the moment each insert arrives (see deliveries.ts for how).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { waitUntil, type BenchClient } from './benchClient.js'
import { DeliveryTracker } from './deliveries.js'
import { machineBusyMs } from './machine.js'
import type { ServerProcess } from './serverProcess.js'
import { progress, round, type Distribution } from './stats.js'
import { connectTypists, startTyping } from './typists.js'

/** One latency scenario's parameters. */
export interface LatencyParams {
  readonly name: string
  readonly statutes: number
  readonly clientsPerStatute: number
  /** Typing rate per client (inserts per second). */
  readonly insertsPerSecond: number
  readonly charsPerInsert: number
  readonly warmupMs: number
  readonly measureMs: number
  /** Longest wait after typing stops for the last inserts to arrive. */
  readonly drainMs: number
}

/** What one scenario measured. */
export interface LatencyResult {
  readonly params: LatencyParams & { readonly clients: number }
  readonly insertsMeasured: number
  /** Updates the server received per second, and messages it sent per second (including the echo to the sender). */
  readonly serverLoad: { updatesInPerS: number; messagesOutPerS: number }
  readonly expectedDeliveries: number
  /** Deliveries that had not arrived when the drain wait ended (should be 0). */
  readonly missingDeliveries: number
  /** Every (insert, receiver) pair: what each person waits. */
  readonly latencyMs: Distribution
  /**
   * Per insert, the first receiver to have it. The bench process handles 59 deliveries of each
   * insert one after another; the first one is least delayed by that queue, so this is the closest
   * to the server's own relay time (plus one client's decoding).
   */
  readonly firstReceiverLatencyMs: Distribution
  /** Per insert, the last receiver to have it: when everyone in the statute sees it. */
  readonly lastReceiverLatencyMs: Distribution
  readonly server: { cpuPercent: number; rssIdleMB: number; rssMaxMB: number; rssEndMB: number; vmHwmMB: number }
  readonly benchProcess: {
    cpuPercent: number
    eventLoopDelayP50Ms: number
    eventLoopDelayP99Ms: number
    eventLoopDelayMaxMs: number
    /** Garbage-collection pauses of the bench process: they delay every receiver at once. */
    gcPauseTotalMs: number
    gcPauseMaxMs: number
    heapUsedEndMB: number
  }
  /** CPU used by all other processes on the machine meanwhile (100 = one core); high means a noisy run. */
  readonly otherProcessesCpuPercent: number
}

const MB = (kb: number): number => round(kb / 1024, 1)

// The event-loop histogram records whole timer intervals, so its values include this resolution;
// it is subtracted to report only the delay beyond it.
const LOOP_RESOLUTION_MS = 5
const loopDelay = (ns: number): number => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS))

/** Runs one scenario against `server`; all clients are destroyed before it returns. */
export async function runLatencyScenario(server: ServerProcess, params: LatencyParams): Promise<LatencyResult> {
  const tracker = new DeliveryTracker()
  const clients: BenchClient[] = []
  let stopTyping: (() => void) | undefined
  let sampler: NodeJS.Timeout | undefined
  let gcObserver: PerformanceObserver | undefined
  try {
    const rssIdleKb = server.memory().rssKb
    progress(`${params.name}: creating ${params.statutes} statutes, ${params.statutes * params.clientsPerStatute} clients`)
    const typists = (await connectTypists(server, params.statutes, params.clientsPerStatute, clients)).flat()
    for (const typist of typists) {
      tracker.addSender(typist.client.doc)
      tracker.observe(typist.client.doc)
    }
    let measuring = false
    stopTyping = startTyping(typists, params.insertsPerSecond, params.charsPerInsert, (typist, startedAt) => {
      // Warm-up inserts are relayed too, but not noted, so they never count as samples.
      if (measuring) tracker.noteInsert(typist.client.doc, startedAt)
    })
    progress(`${params.name}: warm-up ${params.warmupMs / 1000} s`)
    await sleep(params.warmupMs)

    progress(`${params.name}: measuring ${params.measureMs / 1000} s`)
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
    loop.enable()
    const gcPauses: number[] = []
    gcObserver = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)))
    gcObserver.observe({ entryTypes: ['gc'] })
    const serverCpuStart = server.cpuMs()
    const benchCpuStart = process.cpuUsage()
    const machineStart = machineBusyMs()
    let rssMaxKb = 0
    sampler = setInterval(() => (rssMaxKb = Math.max(rssMaxKb, server.memory().rssKb)), 250)
    const windowStart = performance.now()
    measuring = true
    await sleep(params.measureMs)
    measuring = false
    stopTyping()
    // Rates use the real window: timers may fire late on a busy machine.
    const windowMs = performance.now() - windowStart
    const serverCpu = server.cpuMs() - serverCpuStart
    const benchCpu = process.cpuUsage(benchCpuStart)
    const machineBusy = machineBusyMs() - machineStart
    const benchCpuMs = (benchCpu.user + benchCpu.system) / 1000
    loop.disable()
    gcObserver.disconnect()
    clearInterval(sampler)

    const inserts = tracker.inserts
    const expected = inserts * (params.clientsPerStatute - 1)
    // Missing arrivals after the drain are reported (missingDeliveries), not thrown.
    await waitUntil(() => tracker.deliveries >= expected, params.drainMs, 'last inserts').catch(() => undefined)
    const memory = server.memory()
    const latency = tracker.summary()
    return {
      params: { ...params, clients: typists.length },
      insertsMeasured: inserts,
      serverLoad: {
        updatesInPerS: round(inserts / (windowMs / 1000), 1),
        // Room.broadcastUpdate sends each update to every connection of the statute, sender included.
        messagesOutPerS: round((inserts * params.clientsPerStatute) / (windowMs / 1000), 1),
      },
      expectedDeliveries: expected,
      missingDeliveries: expected - tracker.deliveries,
      latencyMs: latency.all,
      firstReceiverLatencyMs: latency.first,
      lastReceiverLatencyMs: latency.last,
      server: { cpuPercent: round((serverCpu / windowMs) * 100, 1), rssIdleMB: MB(rssIdleKb), rssMaxMB: MB(Math.max(rssMaxKb, memory.rssKb)), rssEndMB: MB(memory.rssKb), vmHwmMB: MB(memory.hwmKb) },
      benchProcess: {
        cpuPercent: round((benchCpuMs / windowMs) * 100, 1),
        eventLoopDelayP50Ms: loopDelay(loop.percentile(50)),
        eventLoopDelayP99Ms: loopDelay(loop.percentile(99)),
        eventLoopDelayMaxMs: loopDelay(loop.max),
        gcPauseTotalMs: round(gcPauses.reduce((a, b) => a + b, 0)),
        gcPauseMaxMs: round(Math.max(0, ...gcPauses)),
        heapUsedEndMB: round(process.memoryUsage().heapUsed / 1048576, 1),
      },
      otherProcessesCpuPercent: round((Math.max(0, machineBusy - serverCpu - benchCpuMs) / windowMs) * 100, 1),
    }
  } finally {
    stopTyping?.()
    clearInterval(sampler)
    gcObserver?.disconnect()
    for (const client of clients) client.destroy()
    // Let the close frames go out before the next phase starts.
    await sleep(300)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
