/**
 * Group commit for PostgreSQL's update log: appends that arrive in the same turn of the event loop
 * (from different statutes) are written with one `writeAll` (one multi-row INSERT, one round trip,
 * one commit). SQLite groups its writes on its writer thread instead (sqlite/writerThread.js). Each promise resolves only after that write. If the batch fails,
 * its entries are written one by one, so one bad entry (e.g. its statute is gone) does not fail
 * the others.
 */
export class GroupCommit<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = []

  constructor(
    private readonly writeAll: (items: readonly T[]) => void | Promise<void>,
    private readonly writeOne: (item: T) => void | Promise<void>,
    private readonly maxBatch = Number.POSITIVE_INFINITY,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      if (this.pending.length === 1) setImmediate(() => void this.flush())
    })
  }

  /** Writes everything still waiting (e.g. before closing). */
  async flushAll(): Promise<void> {
    while (this.pending.length > 0) await this.flush()
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch)
    if (this.pending.length > 0) setImmediate(() => void this.flush())
    if (batch.length === 0) return
    try {
      await this.writeAll(batch.map((entry) => entry.item))
    } catch {
      for (const entry of batch) {
        try {
          await this.writeOne(entry.item)
          entry.resolve()
        } catch (error) {
          entry.reject(error)
        }
      }
      return
    }
    for (const entry of batch) entry.resolve()
  }
}
