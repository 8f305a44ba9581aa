/**
 * Recognising when a sender's insert reaches a receiver, without markers in the text, across
 * client worker processes.
 *
 * Every Yjs change carries (clientID, clock). After a sender's insert its worker notes the
 * sender's new clock and the time (`SenderNotes`). A receiver's `afterTransaction` event tells, per
 * client, the clock before and after a remote update was applied; its worker records that range
 * and the time (`ArrivalRecorder`). An insert has reached a receiver at the first arrival whose
 * range contains the insert's clock, i.e. once Yjs has integrated it and a person would see it.
 * Matching happens afterwards in the coordinator (`matchArrivals`), because sender and receiver of
 * one room may live in different worker processes; their times are brought onto the
 * coordinator's clock first (see clientWorker.ts for the calibration).
 */
import * as Y from 'yjs'
import { distribution, type Distribution } from './stats.js'

/** The inserts one sender made while measuring: clock after each insert and its start time. */
export interface SenderNotes {
  readonly clientId: number
  /** Global index of the client (room * clientsPerRoom + position). */
  readonly client: number
  readonly clocks: number[]
  readonly times: number[]
}

/** Fields per recorded arrival in the packed array. */
export const ARRIVAL_FIELDS = 5 // receiver (global index), sender clientID, clock before, clock after, time

/** Records remote arrivals in the documents it observes, packed into one growing Float64Array. */
export class ArrivalRecorder {
  private data = new Float64Array(1 << 16)
  private length = 0
  recording = false
  /** performance.now() of the last recorded arrival. */
  lastArrivalAt = 0

  /** Starts recording arrivals in `doc`, which belongs to global client `receiver`. */
  observe(doc: Y.Doc, receiver: number): void {
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local || !this.recording) return
      const now = performance.now()
      for (const [client, after] of tr.afterState) {
        const before = tr.beforeState.get(client) ?? 0
        if (after <= before) continue
        this.push(receiver, client, before, after, now)
      }
    })
  }

  private push(receiver: number, client: number, before: number, after: number, time: number): void {
    if (this.length + ARRIVAL_FIELDS > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    const d = this.data
    let i = this.length
    d[i++] = receiver
    d[i++] = client
    d[i++] = before
    d[i++] = after
    d[i++] = time
    this.length = i
    this.lastArrivalAt = time
  }

  get count(): number {
    return this.length / ARRIVAL_FIELDS
  }

  /** The recorded arrivals (a copy of exactly the used part). */
  take(): Float64Array {
    return this.data.slice(0, this.length)
  }
}

/** How to classify a (sender, receiver) pair, e.g. by the server instance each is connected to. */
export type PairClass = (sender: number, receiver: number) => string

/** What matching found. */
export interface MatchResult {
  readonly inserts: number
  readonly expectedDeliveries: number
  readonly deliveries: number
  /** Every (insert, receiver) pair: what each person waits. */
  readonly all: Distribution
  /** Per insert, the earliest receiver: least delayed by the client processes' own queues. */
  readonly first: Distribution
  /** Per insert, the last receiver: when everyone in the room sees it. */
  readonly last: Distribution
  /** Per class of (sender, receiver) pair (e.g. same or other instance): latencies and how many were expected. */
  readonly byClass: Record<string, { latencyMs: Distribution; expected: number; missing: number }>
  /** The samples behind `all` and `first`, to pool several runs. */
  readonly samples: { readonly all: Float64Array; readonly first: Float64Array }
}

/**
 * Matches arrivals to noted inserts. `notes` and `arrivals` have times on one clock (ms).
 * `roomOf(client)` gives a global client's room and `members(room)` the global clients of a room;
 * every member other than the sender is expected to receive every insert, connected or not, so a
 * client that never connected shows up as missing deliveries.
 */
export function matchArrivals(
  notes: readonly SenderNotes[],
  arrivals: readonly Float64Array[],
  members: (sender: number) => readonly number[],
  classify: PairClass = () => 'all',
): MatchResult {
  const byClientId = new Map<number, { notes: SenderNotes; first: Float64Array; last: Float64Array }>()
  for (const n of notes) byClientId.set(n.clientId, { notes: n, first: new Float64Array(n.clocks.length).fill(Number.NaN), last: new Float64Array(n.clocks.length).fill(Number.NaN) })
  const samples: number[] = []
  const classSamples = new Map<string, number[]>()
  const classExpected = new Map<string, number>()
  let inserts = 0
  let expected = 0
  for (const n of notes) {
    inserts += n.clocks.length
    for (const receiver of members(n.client)) {
      if (receiver === n.client) continue
      expected += n.clocks.length
      const c = classify(n.client, receiver)
      classExpected.set(c, (classExpected.get(c) ?? 0) + n.clocks.length)
      if (!classSamples.has(c)) classSamples.set(c, [])
    }
  }
  for (const packed of arrivals) {
    for (let i = 0; i < packed.length; i += 5) {
      const receiver = packed[i]!
      const sender = byClientId.get(packed[i + 1]!)
      if (!sender) continue
      const before = packed[i + 2]!
      const after = packed[i + 3]!
      const time = packed[i + 4]!
      const { clocks, times } = sender.notes
      // First noted insert with a clock above `before` (clocks ascend).
      let lo = 0
      let hi = clocks.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (clocks[mid]! <= before) lo = mid + 1
        else hi = mid
      }
      const bucket = classSamples.get(classify(sender.notes.client, receiver))
      for (let k = lo; k < clocks.length && clocks[k]! <= after; k++) {
        const latency = time - times[k]!
        samples.push(latency)
        bucket?.push(latency)
        // NaN: no receiver yet (a latency may be slightly negative across processes, so no -1 sentinel).
        if (!(latency >= sender.first[k]!)) sender.first[k] = latency
        if (!(latency <= sender.last[k]!)) sender.last[k] = latency
      }
    }
  }
  const firsts: number[] = []
  const lasts: number[] = []
  for (const s of byClientId.values()) {
    for (let k = 0; k < s.first.length; k++) {
      if (!Number.isNaN(s.first[k]!)) firsts.push(s.first[k]!)
      if (!Number.isNaN(s.last[k]!)) lasts.push(s.last[k]!)
    }
  }
  const byClass: MatchResult['byClass'] = {}
  for (const [c, values] of classSamples) {
    const exp = classExpected.get(c) ?? 0
    byClass[c] = { latencyMs: distribution(values), expected: exp, missing: exp - values.length }
  }
  return {
    inserts,
    expectedDeliveries: expected,
    deliveries: samples.length,
    all: distribution(samples),
    first: distribution(firsts),
    last: distribution(lasts),
    byClass,
    samples: { all: Float64Array.from(samples), first: Float64Array.from(firsts) },
  }
}
