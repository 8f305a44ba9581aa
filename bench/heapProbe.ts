/**
 * Child script: heap cost of one open statute in the server's own data structures.
 *
 *   node --expose-gc --import tsx bench/heapProbe.ts <dataDir> <id,id,...>
 *
 * Uses the server's SqliteStore and RoomRegistry directly (no sockets, no HTTP), in a process of
 * its own so that nothing else lives on the heap. The first statute is opened before measuring,
 * so that one-time costs (compiled code, prepared statements, lazily built tables) are not charged
 * to the statutes measured. Prints one JSON line to stdout.
 */
import { DEFAULT_LIMITS } from '../model/protocol.js'
import { RoomRegistry } from '../server/collaboration/RoomRegistry.js'
import type { Room } from '../server/collaboration/Room.js'
import { SqliteStore } from '../server/storage/sqlite/SqliteStore.js'

const gc = (globalThis as { gc?: () => void }).gc
const [dataDir, idList] = process.argv.slice(2)
if (!gc || !dataDir || !idList) {
  process.stderr.write('usage: node --expose-gc --import tsx bench/heapProbe.ts <dataDir> <id,id,...>\n')
  process.exit(2)
}
const ids = idList.split(',')

/** Full collections with turns of the event loop in between, so finalisers and weak maps settle. */
async function collect(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 4; i++) {
    gc!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage()
}

const quietLogger = { info: () => undefined, warn: () => undefined, error: (obj: object, msg?: string) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`) }
const store = new SqliteStore(dataDir)
await store.migrate()
const registry = new RoomRegistry(store, {
  maxMessageBytes: DEFAULT_LIMITS.maxMessageBytes,
  compactAfterUpdates: 500,
  // Long enough that nothing is unloaded while we measure.
  roomIdleMs: 3_600_000,
  logger: quietLogger,
})

await registry.open(ids[0]!)
const before = await collect()
let rooms: Array<Room | undefined> = []
const loadMs: number[] = []
for (const id of ids.slice(1)) {
  const start = performance.now()
  rooms.push(await registry.open(id))
  loadMs.push(performance.now() - start)
}
if (rooms.some((room) => room === undefined)) throw new Error('a statute could not be opened')
const after = await collect()
const measured = rooms.length
rooms = []
await registry.closeAll()
await store.close()
// After closing every room (the warm-up one too) the heap should drop to about `before` minus one
// room; much more than that would point at a leak.
const closed = await collect()

const kb = (bytes: number): number => Math.round(bytes / 102.4) / 10
process.stdout.write(
  JSON.stringify({
    roomsMeasured: measured,
    heapUsedBeforeMB: Math.round(before.heapUsed / 104857.6) / 10,
    heapUsedAfterMB: Math.round(after.heapUsed / 104857.6) / 10,
    heapPerRoomKB: kb((after.heapUsed - before.heapUsed) / measured),
    externalPerRoomKB: kb((after.external - before.external) / measured),
    rssPerRoomKB: kb((after.rss - before.rss) / measured),
    heapUsedAfterCloseMB: Math.round(closed.heapUsed / 104857.6) / 10,
    loadMsPerRoom: loadMs.map((ms) => Math.round(ms * 10) / 10),
  }) + '\n',
)
