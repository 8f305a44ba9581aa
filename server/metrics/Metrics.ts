/**
 * Operational figures for GET /metrics, in Prometheus' text format (prom-client). One registry per
 * server (tests run several servers in one process), with Node's own process metrics beside ours.
 *
 * "Updates per second" is a counter (`samenspel_updates_total`); Prometheus derives the rate with
 * `rate(samenspel_updates_total[1m])`. For a quick look without Prometheus, the gauge
 * `samenspel_updates_per_second` gives the rate over the last 10 seconds.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { RoomMetrics } from '../collaboration/Room.js'
import type { RoomRegistry } from '../collaboration/RoomRegistry.js'
import type { Relay } from '../cluster/Relay.js'

const RATE_WINDOW_S = 10

/**
 * A histogram counted in plain numbers and read out only when /metrics is read, registered with
 * prom-client as a metric of its own (anything with `get()` in the shape of getMetricsAsJSON).
 * prom-client's own observe() hashes its labels on every call: in a CPU profile of the server
 * under the 100 × 10 benchmark it took some 5–10 µs per stored update, and so did the counter
 * beside it, on the path every relay waits for. The output is the same as prom-client's
 * Histogram without labels (test/unit/plainHistogram.test.ts compares the two).
 */
export class PlainHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  /** Observations per bucket (not cumulative); the last one is above every bound (+Inf). */
  private readonly counts: Float64Array
  private sum = 0
  private count = 0

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(value: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]! += 1
    this.sum += value
    this.count += 1
  }

  /** What prom-client's registry reads (its getMetricsAsJSON shape). */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Array<{ value: number; labels: Record<string, string | number>; metricName: string }> }> {
    const bucket = `${this.name}_bucket`
    let cumulative = 0
    const values = this.bounds.map((le, i) => {
      cumulative += this.counts[i]!
      return { value: cumulative, labels: { le } as Record<string, string | number>, metricName: bucket }
    })
    values.push({ value: this.count, labels: { le: '+Inf' }, metricName: bucket })
    values.push({ value: this.sum, labels: {}, metricName: `${this.name}_sum` })
    values.push({ value: this.count, labels: {}, metricName: `${this.name}_count` })
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }
}

/** Node's process metrics (CPU, memory, event loop, GC), collected once per process. */
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry, prefix: 'samenspel_' })
  }
  return processRegistry
}

export class Metrics implements RoomMetrics {
  readonly registry = new Registry()
  /** samenspel_updates_total's two series, counted here and handed to prom-client when read (see PlainHistogram). */
  private clientUpdates = 0
  private relayUpdates = 0
  private readonly persist: PlainHistogram
  private readonly exports: Histogram<'outcome'>
  /** Updates per second, one slot per second over the last RATE_WINDOW_S seconds. */
  private readonly recent = new Map<number, number>()

  constructor(sources: { rooms: () => RoomRegistry; relay: Relay; storage: string }) {
    new Gauge({
      name: 'samenspel_open_statutes',
      help: 'Statutes loaded in memory on this instance',
      registers: [this.registry],
      collect() {
        this.set(sources.rooms().openRooms.size)
      },
    })
    new Gauge({
      name: 'samenspel_connections',
      help: 'Open websocket connections on this instance',
      registers: [this.registry],
      collect() {
        let total = 0
        for (const room of sources.rooms().openRooms.values()) total += room.connectionCount
        this.set(total)
      },
    })
    const totals = (): { client: number; relay: number } => ({ client: this.clientUpdates, relay: this.relayUpdates })
    new Counter({
      name: 'samenspel_updates_total',
      help: 'Document updates applied: stored from a client here, or received from another instance (what arrived there together comes as one)',
      labelNames: ['source'],
      registers: [this.registry],
      // Each read sets the series to the totals counted here (no second count to keep in step).
      collect() {
        const { client, relay } = totals()
        this.reset()
        this.inc({ source: 'client' }, client)
        this.inc({ source: 'relay' }, relay)
      },
    })
    const recent = this.recent
    new Gauge({
      name: 'samenspel_updates_per_second',
      help: `Updates stored from clients on this instance per second, over the last ${RATE_WINDOW_S} s`,
      registers: [this.registry],
      collect() {
        const now = Math.floor(Date.now() / 1000)
        let sum = 0
        for (const [second, count] of recent) {
          if (second > now - RATE_WINDOW_S) sum += count
          else recent.delete(second)
        }
        this.set(sum / RATE_WINDOW_S)
      },
    })
    this.persist = new PlainHistogram(
      'samenspel_persist_seconds',
      'Time to store one write (the updates of a statute that arrived meanwhile, stored together) before they are relayed',
      [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    )
    this.registry.registerMetric(this.persist as unknown as Parameters<Registry['registerMetric']>[0])
    this.exports = new Histogram({
      name: 'samenspel_export_seconds',
      help: 'Time to build a Word export',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    })
    const relay = sources.relay
    const relayGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read())
        },
      })
    relayGauge('samenspel_relay_published', 'Messages this instance sent to other instances (since start)', () => relay.stats().published)
    relayGauge('samenspel_relay_received', 'Messages this instance received from other instances (since start)', () => relay.stats().received)
    relayGauge('samenspel_relay_dropped', 'Messages that could not be sent to other instances (since start)', () => relay.stats().dropped)
    relayGauge('samenspel_relay_gaps', 'Times the relay lost its connection and statutes were re-read from storage', () => relay.stats().gaps)
    relayGauge('samenspel_relay_connected', '1 when the other instances can be reached (always 1 with one instance)', () => (relay.connected ? 1 : 0))
    new Gauge({ name: 'samenspel_info', help: 'Storage engine and relay of this instance', labelNames: ['storage', 'relay'], registers: [this.registry] })
      .labels(sources.storage, relay.instanceId === 'local' ? 'none' : 'redis')
      .set(1)
  }

  updatesStored(count: number, seconds: number): void {
    this.clientUpdates += count
    this.persist.observe(seconds)
    const second = Math.floor(Date.now() / 1000)
    this.recent.set(second, (this.recent.get(second) ?? 0) + count)
  }

  updateFromRelay(): void {
    this.relayUpdates += 1
  }

  /** Times an export; the outcome label says whether it succeeded. */
  async timeExport<T>(work: () => Promise<T>): Promise<T> {
    const stop = this.exports.startTimer()
    try {
      const result = await work()
      stop({ outcome: 'ok' })
      return result
    } catch (error) {
      stop({ outcome: 'error' })
      throw error
    }
  }

  text(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
