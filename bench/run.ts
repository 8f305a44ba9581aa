/**
 * Samenspel benchmark: `npm run bench` (add `-- --quick` for a short smoke run).
 *
 * Prints one JSON object to stdout; progress goes to stderr. The server always runs as a child
 * process (bench/serverProcess.ts) so the clients' work does not show up in server numbers.
 *
 * Phases:
 *   1. relay latency, two shapes: many small statutes, and one busy statute;
 *   2. build large (150-article) statutes, restart the server, open them cold;
 *   3. heap per open large statute, measured in a separate process with forced gc.
 * The machine may be shared: before each measurement the run waits (bounded) for other processes
 * to go quiet, and reports how busy they were, so a noisy result can be recognised as such.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildStatutes, coldOpens } from './coldOpen.js'
import { runHeapProbe } from './heap.js'
import { exportBenchmark } from './exportBench.js'
import { runLatencyScenario, type LatencyParams, type LatencyResult } from './latency.js'
import { machineInfo, waitForQuiet } from './machine.js'
import { killAllServers, startServerProcess } from './serverProcess.js'
import { median, progress, round } from './stats.js'

const quick = process.argv.includes('--quick')
const began = performance.now()

// Bounded in time whatever happens: a hung phase ends the run instead of blocking forever.
const WATCHDOG_MS = 6 * 60_000
const watchdog = setTimeout(() => {
  progress(`watchdog: no result after ${WATCHDOG_MS / 60_000} min, stopping`)
  killAllServers()
  process.exit(2)
}, WATCHDOG_MS)
watchdog.unref()

const tempDirs: string[] = []
// Interrupted: take the server children and temporary data along instead of orphaning them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllServers()
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
    process.exit(130)
  })
}

const typing = { insertsPerSecond: 5, charsPerInsert: 2, warmupMs: quick ? 1000 : 3000, measureMs: quick ? 3000 : 12_000, drainMs: 5000 }
const scenarios: LatencyParams[] = [
  { name: '10 statutes x 6 clients', statutes: 10, clientsPerStatute: 6, ...typing },
  { name: '1 statute x 60 clients', statutes: 1, clientsPerStatute: 60, ...typing },
]
const large = {
  articlesPerStatute: 150,
  chapters: 10,
  // One extra statute: the heap probe opens it first, unmeasured, as warm-up.
  statutesBuilt: quick ? 4 : 21,
  restarts: quick ? 2 : 3,
  opensPerRestart: quick ? 1 : 5,
}

function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `samenspel-bench-${label}-`))
  tempDirs.push(dir)
  return dir
}

function dirBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0)
}

/** Before each measurement: wait this long at most for other processes to go quiet. */
const QUIET_WAIT_MS = quick ? 2000 : 20_000
/** CPU of other processes (100 = one core) above which a latency run is repeated once. */
const NOISY_PERCENT = 25

type QuietWait = Awaited<ReturnType<typeof waitForQuiet>>
type Attempt = LatencyResult & { quietWait: QuietWait }

/** One attempt at a scenario on a fresh server, so its peak memory (VmHWM) is this run's alone. */
async function latencyAttempt(params: LatencyParams): Promise<Attempt> {
  const server = await startServerProcess(tempDir('latency'))
  try {
    const quietWait = await waitForQuiet(QUIET_WAIT_MS, NOISY_PERCENT)
    if (quietWait.busyPercent > NOISY_PERCENT) progress(`machine still busy (${quietWait.busyPercent}% of a core); measuring anyway`)
    const result = { ...(await runLatencyScenario(server, params)), quietWait }
    const { p50, p95, p99, count } = result.latencyMs
    progress(`${params.name}: p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms (${count} samples, others used ${result.otherProcessesCpuPercent}% CPU)`)
    return result
  } finally {
    await server.stop()
  }
}

/**
 * Runs each scenario; one that other processes disturbed is run once more and the quieter run is
 * kept. The other run is summarised in the report, so nothing is silently thrown away.
 */
async function relayLatency(): Promise<Array<Attempt & { discardedAttempt?: object }>> {
  const results: Array<Attempt & { discardedAttempt?: object }> = []
  for (const params of scenarios) {
    const first = await latencyAttempt(params)
    if (first.otherProcessesCpuPercent <= NOISY_PERCENT) {
      results.push(first)
      continue
    }
    progress(`${params.name}: other processes were busy, repeating once`)
    const second = await latencyAttempt(params)
    const [kept, dropped] = second.otherProcessesCpuPercent < first.otherProcessesCpuPercent ? [second, first] : [first, second]
    results.push({ ...kept, discardedAttempt: { latencyMs: dropped.latencyMs, otherProcessesCpuPercent: dropped.otherProcessesCpuPercent } })
  }
  return results
}

async function largeStatutes() {
  const dataDir = tempDir('large')
  progress(`building ${large.statutesBuilt} statutes of ${large.articlesPerStatute} articles`)
  const builder = await startServerProcess(dataDir)
  let built
  try {
    built = await buildStatutes(builder, large.statutesBuilt, large.articlesPerStatute, large.chapters)
  } finally {
    // SIGTERM: the server stores what is pending before it exits; the cold opens start from disk.
    await builder.stop()
  }
  // The same statutes serve both measurements: cold opens happen in server processes that have
  // since exited, so they leave nothing behind in the heap probe's fresh process.
  const quietWait = await waitForQuiet(QUIET_WAIT_MS)
  const phase = await coldOpens(dataDir, built, large.restarts, large.opensPerRestart)
  progress('measuring heap per open statute')
  const heap = await runHeapProbe(dataDir, built.map((s) => s.id))
  const syncMs = phase.runs.map((r) => r.syncMs)
  const stateBytes = built.map((s) => s.stateBytes)
  return {
    coldOpen: {
      params: { ...large, textCharsPerStatute: median(built.map((s) => s.textChars)), storedAs: `creation snapshot + one log entry per added chapter and article (${large.chapters - 1 + large.articlesPerStatute}), not compacted (below COMPACT_AFTER_UPDATES)` },
      syncMsMedian: round(median(syncMs)),
      syncMsMedianFirstAfterStart: round(median(phase.runs.filter((r) => r.order === 1).map((r) => r.syncMs))),
      syncMsMedianLaterOpens: round(median(phase.runs.filter((r) => r.order > 1).map((r) => r.syncMs))),
      connectMsMedian: round(median(phase.runs.map((r) => r.connectMs))),
      stateBytes: { median: median(stateBytes), min: Math.min(...stateBytes), max: Math.max(...stateBytes) },
      sqliteBytesPerStatute: Math.round(dirBytes(dataDir) / built.length),
      buildMsMedian: median(built.map((s) => s.buildMs)),
      runs: phase.runs,
      serverStartMs: phase.serverStartMs,
      serverStops: phase.serverStops,
      serverRssAfterOpensMB: phase.serverRssAfterOpensMB,
      quietWait,
    },
    serverHeapPerOpenStatute: {
      params: { statutesOpened: heap.roomsMeasured, warmUpStatutes: 1, method: 'RoomRegistry.open on SqliteStore in a child process; gc() before and after; (after - before) / n' },
      heapPerStatuteKB: heap.heapPerRoomKB,
      externalPerStatuteKB: heap.externalPerRoomKB,
      rssPerStatuteKB: heap.rssPerRoomKB,
      heapUsedBeforeMB: heap.heapUsedBeforeMB,
      heapUsedAfterMB: heap.heapUsedAfterMB,
      heapUsedAfterCloseMB: heap.heapUsedAfterCloseMB,
      loadMsPerStatuteMedian: round(median(heap.loadMsPerRoom)),
    },
  }
}

async function main(): Promise<void> {
  const machine = machineInfo()
  const relay = await relayLatency()
  const big = await largeStatutes()
  const exportResult = await exportBenchmark(quick)
  const result = {
    benchmark: 'samenspel',
    date: new Date().toISOString(),
    quick,
    machine,
    server: {
      command: 'node --import tsx server/main.ts (child process)',
      settings: 'defaults: SQLITE_SYNCHRONOUS=FULL, COMPACT_AFTER_UPDATES=500, ROOM_IDLE_MS=30000; LOG_LEVEL=warn',
    },
    notes: {
      latencyMs: 'time from a local insert until another client of the statute has integrated it; one sample per (insert, receiver)',
      firstReceiverLatencyMs: 'per insert, the earliest receiver: least delayed by the bench process handling the other deliveries',
      otherProcessesCpuPercent: 'CPU of all other processes during the window, 100 = one core; above ~25 the run is noisy',
      rss: 'server RSS includes the tsx loader; idle it was about 30 MB above node dist/server/main.js when compared by hand',
    },
    relayLatency: relay.map((r) => ({
      scenario: r.params.name,
      params: r.params,
      latencyMs: r.latencyMs,
      firstReceiverLatencyMs: r.firstReceiverLatencyMs,
      lastReceiverLatencyMs: r.lastReceiverLatencyMs,
      samples: r.latencyMs.count,
      insertsMeasured: r.insertsMeasured,
      serverLoad: r.serverLoad,
      expectedDeliveries: r.expectedDeliveries,
      missingDeliveries: r.missingDeliveries,
      serverProcess: r.server,
      benchProcess: r.benchProcess,
      otherProcessesCpuPercent: r.otherProcessesCpuPercent,
      quietWait: r.quietWait,
      ...(r.discardedAttempt ? { discardedAttempt: r.discardedAttempt } : {}),
    })),
    ...big,
    export: { ...exportResult, method: 'exportDocx in the bench process (pure function); peak = RSS and heap sampled every 5 ms during the runs' },
    loadAverage1mAtEnd: round(os.loadavg()[0]!, 2),
    durationS: round((performance.now() - began) / 1000, 1),
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
}

try {
  await main()
} catch (error) {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exitCode = 1
} finally {
  killAllServers()
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
  clearTimeout(watchdog)
}
