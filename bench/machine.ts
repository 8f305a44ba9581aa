/**
 * The machine the benchmark ran on, and how busy it was with other work. This machine is shared
 * (tests and browsers may run beside the benchmark), so each measurement window also reports the
 * CPU used by processes other than the server and the benchmark: results taken while that is high
 * are not comparable with quiet runs.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

let clockTicks: number | undefined

/** Kernel clock ticks per second (for /proc CPU times); usually 100. */
export function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  return clockTicks
}

/** CPU time all cores have spent busy since boot, in ms (from the first line of /proc/stat). */
export function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number)
  return ((user + nice + system + irq + softirq + steal) * 1000) / ticksPerSecond()
}

/** Static facts about the machine, for the report. */
export function machineInfo(): { cpuModel: string; cores: number; totalMemoryMB: number; node: string; os: string; loadAverage1mAtStart: number } {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage1mAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  }
}

/**
 * Waits (at most `maxWaitMs`) until the machine has been nearly idle for one second, so that a
 * measurement does not start in the middle of someone else's test run. Call it while the
 * benchmark's own processes are idle. Returns how long it waited and the last second's CPU use
 * (100 = one core); the caller reports both, and proceeds anyway when the machine stays busy.
 */
export async function waitForQuiet(maxWaitMs: number, thresholdPercent = 25): Promise<{ waitedMs: number; busyPercent: number }> {
  const start = performance.now()
  for (;;) {
    const before = machineBusyMs()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const busyPercent = Math.round((machineBusyMs() - before) / 10)
    const waitedMs = Math.round(performance.now() - start)
    if (busyPercent <= thresholdPercent || waitedMs >= maxWaitMs) return { waitedMs, busyPercent }
  }
}

/**
 * CPU time (ms) used so far by all processes whose command name is one of `names` (e.g. the
 * PostgreSQL backends and Redis the cluster depends on), and how many there are. Processes that
 * exit between two readings take their CPU with them, so a difference is a lower bound.
 */
export function processesCpuMs(names: readonly string[]): { cpuMs: number; processes: number } {
  let cpuMs = 0
  let processes = 0
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      if (!names.some((name) => comm.startsWith(name))) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      cpuMs += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond()
      processes++
    } catch {
      // The process ended while we looked.
    }
  }
  return { cpuMs, processes }
}

/**
 * How long the disk under `dir` takes to flush a small write (fsync), over `count` writes. Where
 * the project's server flushes updates before relaying them (PostgreSQL's commits; SQLite with
 * SQLITE_SYNCHRONOUS_UPDATES=FULL) a disk that other processes keep busy slows it directly, even
 * when the CPU is idle; each relay run reports this next to the CPU noise.
 */
export function diskFlushMs(dir: string, count = 40): { p50: number; p90: number; max: number } {
  const file = path.join(dir, `.bench-flush-probe-${process.pid}`)
  const fd = fs.openSync(file, 'w')
  const times: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      fs.writeSync(fd, 'samenspel flush probe\n')
      const start = performance.now()
      fs.fsyncSync(fd)
      times.push(performance.now() - start)
    }
  } finally {
    fs.closeSync(fd)
    fs.rmSync(file, { force: true })
  }
  times.sort((a, b) => a - b)
  const at = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 100) / 100
  return { p50: at(0.5), p90: at(0.9), max: at(1) }
}
