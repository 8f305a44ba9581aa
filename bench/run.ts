/**
 * Samenspel benchmark: `npm run bench` (add `-- --quick` for a short smoke run).
 *
 * Prints one JSON object to stdout; progress goes to stderr. Servers always run as child processes
 * (bench/serverProcess.ts), and so do the clients (bench/clientWorker.ts), so the clients' work
 * does not show up in server numbers. Options: --quick, --only-relay, --client-workers N,
 * --rate-100x10 N and --rate-1x60 N (inserts per second per client in that shape), --shape 100x10
 * or 1x60 (only that one), --rounds N (of stock and project-sqlite), --targets a,b (only those
 * servers, e.g. stock,project-sqlite), --pin (servers and clients on separate cores).
 * BENCH_SERVER_NODE_ARGS adds node flags to every server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
 *
 * Phases:
 *   1. relay latency (relay.ts), two shapes (100 statutes × 10 clients, 1 statute × 60 clients),
 *      each against three targets (targets.ts): the stock y-websocket server, the project's server
 *      on SQLite, and two project instances on PostgreSQL + Redis; `comparison` sums them up;
 *   2. build large (150-article) statutes, restart the server, open them cold;
 *   3. heap per open large statute, measured in a separate process with forced gc;
 *   4. Word export of a large statute.
 * The machine may be shared: before each measurement the run waits (bounded) for other processes
 * to go quiet, and reports how busy they were, so a noisy result can be recognised as such.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildStatutes, coldOpens } from './coldOpen.js'
import { runHeapProbe } from './heap.js'
import { exportBenchmark } from './exportBench.js'
import { diskFlushMs, machineInfo, waitForQuiet } from './machine.js'
import type { RelayShape } from './relay.js'
import { relayComparison } from './relayComparison.js'
import { killAllServers, pinning, startServerProcess } from './serverProcess.js'
import { median, progress, round } from './stats.js'
import { cleanUpTargets, type TargetKind } from './targets.js'

const quick = process.argv.includes('--quick')
/** Only the relay comparison (no large statutes, heap or export): for working on it. */
const onlyRelay = process.argv.includes('--only-relay')
const began = performance.now()
/**
 * --pin: each server process (all its threads) on the last core, the client workers on the
 * others, so that the clients, which stand in for people at other machines, do not take CPU from
 * the server under test. Off by default: then every process may use every core.
 */
if (process.argv.includes('--pin')) {
  const cores = os.cpus().length
  if (cores < 2) throw new Error('--pin needs at least 2 cores')
  pinning.servers = String(cores - 1)
  pinning.clients = cores === 2 ? '0' : `0-${cores - 2}`
}

/** Kills the children and removes temporary data, PostgreSQL schemas and Redis keys (bounded), then exits. */
function abort(code: number): void {
  killAllServers()
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
  void Promise.race([cleanUpTargets(), new Promise((resolve) => setTimeout(resolve, 5000))]).finally(() => process.exit(code))
}

// Bounded in time whatever happens: a hung phase ends the run instead of blocking forever.
const WATCHDOG_MS = (quick ? 6 : 16) * 60_000
const watchdog = setTimeout(() => {
  progress(`watchdog: no result after ${WATCHDOG_MS / 60_000} min, stopping`)
  abort(2)
}, WATCHDOG_MS)
watchdog.unref()

const tempDirs: string[] = []
// Interrupted: take the children and temporary data along instead of orphaning them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort(130))

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
const QUIET_WAIT_MS = quick ? 2000 : 10_000

/**
 * The relay comparison (relayComparison.ts).
 *
 * 100 × 10 types at 1 insert per second per client, not 5: each client integrates every insert of
 * its room (about 50 µs of CPU per delivery here), so 1000 clients at 5 inserts/s would need some
 * 2.5 cores for the clients alone on a 2-core machine that also runs the server; at 1 insert/s
 * the clients need about half a core (--rate-100x10 N overrides, to reproduce the overload).
 */
const rate100 = Number(argValue('--rate-100x10') ?? 1)
const rate1x60 = Number(argValue('--rate-1x60') ?? 5)
const allShapes: RelayShape[] = [
  { name: '100 statutes x 10 clients', statutes: 100, clientsPerStatute: 10, insertsPerSecond: rate100, charsPerInsert: 2, warmupMs: quick ? 1500 : 3000, measureMs: quick ? 3000 : 8000, drainMs: quick ? 5000 : 10_000 },
  { name: '1 statute x 60 clients', statutes: 1, clientsPerStatute: 60, insertsPerSecond: rate1x60, charsPerInsert: 2, warmupMs: quick ? 1000 : 3000, measureMs: quick ? 3000 : 12_000, drainMs: quick ? 5000 : 10_000 },
]
/** --shape 100x10 or --shape 1x60: only that shape (for working on one of them). */
const onlyShape = argValue('--shape')
const shapes = onlyShape ? allShapes.filter((s) => s.name === { '100x10': allShapes[0]!.name, '1x60': allShapes[1]!.name }[onlyShape]) : allShapes
if (shapes.length === 0) throw new Error(`unknown shape "${onlyShape}" (known: 100x10, 1x60)`)
/**
 * project-sqlite-full (SQLITE_SYNCHRONOUS_UPDATES=FULL: every update flushed to disk on the writer
 * thread before the relay) shows what a flush per relay costs; left out of --quick to keep it short.
 */
const defaultTargets: TargetKind[] = quick ? ['stock', 'project-sqlite', 'project-cluster'] : ['stock', 'project-sqlite', 'project-sqlite-full', 'project-cluster']
/** --targets stock,project-sqlite (comma-separated) measures only those: for working on one of them. */
const knownTargets: readonly TargetKind[] = ['stock', 'project-sqlite', 'project-sqlite-full', 'project-cluster']
const targetKinds: TargetKind[] = argValue('--targets')?.split(',').map((t) => {
  const kind = t.trim() as TargetKind
  if (!knownTargets.includes(kind)) throw new Error(`unknown target "${t}" (known: ${knownTargets.join(', ')})`)
  return kind
}) ?? defaultTargets
const comparisonOptions = {
  quick,
  shapes,
  targets: targetKinds,
  /** Client worker processes (see clientWorker.ts); 2 keeps each well below saturation at these rates. */
  clientWorkers: Number(argValue('--client-workers') ?? 2),
  quietWaitMs: QUIET_WAIT_MS,
  noisyPercent: 25,
  // Bounded: quiet, a round of all four targets takes about 3 minutes, one of stock and project
  // about 1.5; a noisy one longer (repeats, slow drains), so repeats stop after 7 minutes and no
  // round starts after 8.
  repeatBudgetMs: quick ? 0 : 7 * 60_000,
  rounds: Number(argValue('--rounds') ?? (quick ? 1 : 4)),
  extraTargetRounds: quick ? 1 : 2,
  roundBudgetMs: 8 * 60_000,
} as const

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
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
  const machine = { ...machineInfo(), diskFlushMsAtStart: diskFlushMs(os.tmpdir()), cpuPinning: pinning.servers ? { servers: `core ${pinning.servers}`, clients: `cores ${pinning.clients}`, note: 'PostgreSQL and Redis (two-instance target) are not pinned' } : 'none (every process may use every core)' }
  const relay = await relayComparison(comparisonOptions)
  const big = onlyRelay ? {} : await largeStatutes()
  const exportResult = onlyRelay ? undefined : await exportBenchmark(quick)
  const result = {
    benchmark: 'samenspel',
    date: new Date().toISOString(),
    quick,
    onlyRelay,
    machine,
    servers: {
      project: 'node --import tsx server/main.ts (child process); defaults: SQLITE_SYNCHRONOUS_UPDATES=NORMAL (the update log committed on the event loop before the relay, flushed to disk by the checkpoint thread within about a quarter of a second) and SQLITE_SYNCHRONOUS=FULL (every other write flushed to disk), COMPACT_AFTER_UPDATES=500, ROOM_IDLE_MS=30000; LOG_LEVEL=warn',
      stock: 'node --import tsx bench/stockServer.ts (child process): setupWSConnection of @y/websocket-server 0.1.1, no persistence',
      cluster: 'two project children with DATABASE_URL (fresh DATABASE_SCHEMA, dropped afterwards), REDIS_URL (fresh REDIS_PREFIX)',
    },
    comparison: relay.comparison,
    notes: {
      comparison: 'full runs measure stock and project-sqlite in up to four rounds and the other targets in the first two, every other round in reverse target order; ratioP99ByRound gives each round its own ratio; comparison figures pool the latency samples of the quiet rounds (of all rounds when none was quiet: comparable false), CPU is their mean and VmHWM the highest; rounds lists each round, relay.runs every attempt with all details',
      latencyMs: 'time from a local insert until another client of the room has integrated it (Yjs applied it); one sample per (insert, receiver); all clients of a room type',
      firstReceiverLatencyMs: 'per insert, the earliest receiver: least delayed by the client processes handling the other deliveries',
      missingDeliveries: "expected (insert, receiver) pairs (every other client of the room, connected or not) not seen before the drain ended (1 s without arrivals, at most drainMs)",
      serverCpu: 'user + system CPU of the server process(es) over the measurement window, from /proc; 100 % = one core',
      vmHwmMB: "peak resident memory (VmHWM) over the server process's life; each run starts fresh servers, so it covers setup (creating rooms, connecting clients) and the run",
      clientProcesses: 'the clients run in client worker processes (node --max-semi-space-size=32, fewer GC pauses with 1000 documents); their CPU and event-loop delay show whether they, not the server, limited the result',
      otherProcessesCpuPercent: 'CPU of all other processes during the window (PostgreSQL and Redis counted apart as backingServicesCpuPercent), 100 = one core; above ~25 the run is noisy and is repeated once',
      rss: 'server RSS includes the tsx loader (about 30 MB above node dist/server/main.js); the stock server runs under tsx too',
      serverCpuUsPerUpdate: "server CPU in the window divided by the updates typed in it (each relayed to the room's clients): what one update costs the server(s); meaningful when the server kept up (low p99)",
      clock: 'client workers report their own performance.now(); offsets to the coordinator are calibrated over IPC before and after (error ≤ half the best round trip)',
    },
    relay: {
      shapes,
      rates:
        rate100 === 1
          ? '100 x 10 types 1 insert/s per client (1,000 updates/s in, 10,000 deliveries/s), 1 x 60 types 5/s (300 in, 17,700 deliveries/s): each delivery costs a client ~50 µs of CPU, so 100 x 10 at 5/s would need ~2.5 cores for the clients alone on this 2-core machine'
          : `100 x 10 types ${rate100} insert(s)/s per client (--rate-100x10); check clientProcesses for saturation`,
      clientWorkers: comparisonOptions.clientWorkers,
      rounds: comparisonOptions.rounds,
      extraTargetRounds: comparisonOptions.extraTargetRounds,
      runs: relay.runs,
    },
    ...big,
    ...(exportResult ? { export: { ...exportResult, method: 'exportDocx in the bench process (pure function); peak = RSS and heap sampled every 5 ms during the runs' } } : {}),
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
  await cleanUpTargets()
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
  clearTimeout(watchdog)
}
