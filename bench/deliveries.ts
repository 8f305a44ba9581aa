/**
 * Recognising when a sender's insert reaches a receiver, without markers in the text.
 *
 * Every Yjs change carries (clientID, clock). After a sender's insert we note its new clock and the
 * time. A receiver's `afterTransaction` event tells, per client, the clock before and after a
 * remote update was applied; every noted insert of that sender with a clock in that range has just
 * arrived. This needs no decoding of updates, works on real rich text (a Y.XmlText inside an
 * article body, as the editor writes it), and counts an insert only once Yjs has integrated it,
 * i.e. when a person would see it. Cost per delivery: a few map lookups.
 */
import * as Y from 'yjs'
import { distribution, type Distribution } from './stats.js'

interface Sender {
  /** Sender's clock after each noted insert, ascending. */
  readonly clocks: number[]
  readonly times: number[]
  /** Per noted insert: latency at the first and at the last receiver so far (-1: none yet). */
  readonly first: number[]
  readonly last: number[]
}

/** Notes inserts of registered senders and collects their arrival latencies at receivers. */
export class DeliveryTracker {
  private readonly senders = new Map<number, Sender>()
  private readonly samples: number[] = []

  /** Makes `doc`'s inserts trackable (call before `noteInsert`). */
  addSender(doc: Y.Doc): void {
    this.senders.set(doc.clientID, { clocks: [], times: [], first: [], last: [] })
  }

  /** Records that `doc` just made an insert that started at `startedAt` (performance.now()). */
  noteInsert(doc: Y.Doc, startedAt: number): void {
    const sender = this.senders.get(doc.clientID)
    if (!sender) throw new Error('noteInsert for a document that is not a sender')
    sender.clocks.push(Y.getState(doc.store, doc.clientID))
    sender.times.push(startedAt)
    sender.first.push(-1)
    sender.last.push(-1)
  }

  /** Starts timestamping arrivals in `doc`. */
  observe(doc: Y.Doc): void {
    // Per sender, the index of the first noted insert this receiver has not seen yet.
    const seen = new Map<number, number>()
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local) return
      const now = performance.now()
      for (const [client, after] of tr.afterState) {
        if (after <= (tr.beforeState.get(client) ?? 0)) continue
        const sender = this.senders.get(client)
        if (!sender) continue
        let i = seen.get(client) ?? 0
        for (; i < sender.clocks.length && sender.clocks[i]! <= after; i++) {
          const latency = now - sender.times[i]!
          this.samples.push(latency)
          if (sender.first[i]! < 0) sender.first[i] = latency
          sender.last[i] = Math.max(sender.last[i]!, latency)
        }
        seen.set(client, i)
      }
    })
  }

  /** Number of inserts noted so far, over all senders. */
  get inserts(): number {
    let n = 0
    for (const sender of this.senders.values()) n += sender.clocks.length
    return n
  }

  /** Number of (insert, receiver) arrivals seen so far. */
  get deliveries(): number {
    return this.samples.length
  }

  /** Latency distributions: every arrival, and per insert its first and its last arrival. */
  summary(): { all: Distribution; first: Distribution; last: Distribution } {
    const senders = [...this.senders.values()]
    return {
      all: distribution(this.samples),
      first: distribution(senders.flatMap((s) => s.first.filter((v) => v >= 0))),
      last: distribution(senders.flatMap((s) => s.last.filter((v) => v >= 0))),
    }
  }
}
