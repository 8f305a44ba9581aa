/**
 * Runs bench/heapProbe.ts in a child process with --expose-gc and returns what it printed.
 * A child of its own because the benchmark process's heap holds clients and samples, and because
 * forcing gc needs a flag the benchmark itself is not started with.
 */
import { spawn } from 'node:child_process'

/** What heapProbe.ts reports. */
export interface HeapProbeResult {
  readonly roomsMeasured: number
  readonly heapUsedBeforeMB: number
  readonly heapUsedAfterMB: number
  readonly heapPerRoomKB: number
  readonly externalPerRoomKB: number
  readonly rssPerRoomKB: number
  readonly heapUsedAfterCloseMB: number
  readonly loadMsPerRoom: number[]
}

/** Opens `ids` (the first one unmeasured, as warm-up) from `dataDir` in a fresh process. */
export function runHeapProbe(dataDir: string, ids: readonly string[], timeoutMs = 90_000): Promise<HeapProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/heapProbe.ts', dataDir, ids.join(',')], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[heap probe] ${chunk.toString('utf8')}`))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      const line = out.trim().split('\n').at(-1) ?? ''
      if (code !== 0) return reject(new Error(`heap probe exited with ${code ?? signal}`))
      try {
        resolve(JSON.parse(line) as HeapProbeResult)
      } catch {
        reject(new Error(`heap probe printed no JSON: ${line.slice(0, 200)}`))
      }
    })
  })
}
