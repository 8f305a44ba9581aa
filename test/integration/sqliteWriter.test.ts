/**
 * SQLite's update writers (server/storage/sqlite/SqliteWriter.ts, writeBatch.js): the update log
 * and the list summaries are written in group commits: by default by a second connection on a
 * worker thread that flushes (writerThread.js), with SQLITE_SYNCHRONOUS_UPDATES=NORMAL on the event
 * loop without a disk flush (InlineWriter). Checkpoints are a thread's of their own
 * (Checkpointer.ts). What both writers must do is tested for both; the rest for the one it
 * concerns. Real SQLite files and real worker threads; the server-level tests real sockets.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { SqliteStore } from '../../server/storage/sqlite/SqliteStore.js'
import { BUSY_RETRY_MS, SqliteWriteError } from '../../server/storage/sqlite/SqliteWriter.js'
import type { StatuteRecord } from '../../server/storage/StatuteStore.js'
import { docFromUpdates, mergeStoredUpdates } from '../../server/collaboration/docState.js'
import { readMeta, readOutline, setMetaField } from '../../model/statuteDoc.js'
import { api, createStatute, startTestServer, tempDataDir, type TestServer } from '../helpers/server.js'
import { connectClient, synced, until, waitFor, type TestClient } from '../helpers/clients.js'
import { mulberry32 } from '../helpers/prng.js'
import { appendParagraph, articleText, textUpdate } from '../helpers/ydocs.js'

function record(id: string): StatuteRecord {
  const now = new Date().toISOString()
  return { id, title: `Statuut ${id}`, organisation: 'Gemeente Testdorp', bodyType: 'gemeente', createdAt: now, updatedAt: now }
}

async function textOf(store: SqliteStore, id: string): Promise<string> {
  const stored = await store.loadDocument(id)
  const doc = docFromUpdates(stored!.updates)
  const text = doc.getText('t').toString()
  doc.destroy()
  return text
}

const open: SqliteStore[] = []
afterEach(async () => {
  for (const store of open.splice(0)) await store.close()
})

type Updates = 'NORMAL' | 'FULL'
const writers: Array<[string, Updates]> = [
  ['event loop, update log flushed by the checkpoint thread (default, SQLITE_SYNCHRONOUS_UPDATES=NORMAL)', 'NORMAL'],
  ['writer thread, update log flushed before the relay (SQLITE_SYNCHRONOUS_UPDATES=FULL)', 'FULL'],
]

async function openStore(
  dataDir = tempDataDir(),
  options: { updatesSynchronous?: Updates; synchronous?: Updates; busyTimeoutMs?: number; checkpointIntervalMs?: number; walRestartBytes?: number } = {},
): Promise<{ store: SqliteStore; dataDir: string }> {
  const store = new SqliteStore(dataDir, options)
  open.push(store)
  await store.migrate()
  return { store, dataDir }
}

describe.each(writers)('SQLite update writer: %s (store)', (_name, updatesSynchronous) => {
  const openStore_ = (dataDir?: string, options: { busyTimeoutMs?: number } = {}) => openStore(dataDir, { updatesSynchronous, ...options })

  it('commits appends of many statutes in the order they were made; close() waits for those still in flight', async () => {
    const { store, dataDir } = await openStore_()
    const statutes = 20
    const docs = Array.from({ length: statutes }, () => new Y.Doc())
    for (let s = 0; s < statutes; s++) await store.createStatute(record(`s${s}`), textUpdate(docs[s]!, '|'))
    // 1000 appends without waiting for any of them, then close at once.
    const random = mulberry32(4711)
    const writes: Array<Promise<void>> = []
    for (let i = 0; i < 1000; i++) {
      const s = Math.floor(random() * statutes)
      writes.push(store.appendUpdate(`s${s}`, textUpdate(docs[s]!, `${i},`)))
    }
    open.splice(open.indexOf(store), 1)
    await store.close()
    expect((await Promise.allSettled(writes)).filter((r) => r.status === 'rejected')).toEqual([])

    const reopened = (await openStore_(dataDir)).store
    for (let s = 0; s < statutes; s++) expect(await textOf(reopened, `s${s}`)).toBe(docs[s]!.getText('t').toString())
    // One log row per append, in the order of the calls (each statute's seqs ascend with its text).
    const raw = new Database(path.join(dataDir, 'samenspel.sqlite'), { readonly: true })
    try {
      expect((raw.prepare('SELECT count(*) AS n FROM statute_updates').get() as { n: number }).n).toBe(1000)
      const rows = raw.prepare('SELECT statute_id AS id, data FROM statute_updates ORDER BY seq').all() as Array<{ id: string; data: Buffer }>
      for (let s = 0; s < statutes; s++) {
        const replay = new Y.Doc()
        const numbers: number[] = []
        replay.getText('t').observe((event) => {
          for (const op of event.delta) if (typeof op.insert === 'string') numbers.push(Number(op.insert.slice(0, -1)))
        })
        for (const row of rows.filter((r) => r.id === `s${s}`)) Y.applyUpdate(replay, new Uint8Array(row.data))
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
        replay.destroy()
      }
    } finally {
      raw.close()
    }
  })

  it('a write that fails (its statute does not exist) fails alone; the others in its transaction are committed', async () => {
    const { store } = await openStore_()
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, 'a'))
    const results = await Promise.allSettled([
      store.appendUpdate('s1', textUpdate(doc, 'b')),
      store.appendUpdate('bestaat-niet', textUpdate(new Y.Doc(), 'x')),
      store.updateStatuteSummary('s1', { title: 'Nieuwe titel', organisation: 'Gemeente Tiel', updatedAt: '2030-01-01T00:00:00.000Z' }),
      store.appendUpdate('s1', textUpdate(doc, 'c')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    const failure = (results[1] as PromiseRejectedResult).reason as SqliteWriteError
    expect(failure).toBeInstanceOf(SqliteWriteError)
    expect(failure.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
    expect(await textOf(store, 's1')).toBe('abc')
    expect(await store.getStatute('s1')).toMatchObject({ title: 'Nieuwe titel', organisation: 'Gemeente Tiel' })
  })

  it('while another connection holds the write lock, the waiting writes fail together with SQLITE_BUSY; afterwards writing works', async () => {
    // The thread waits for the lock up to the busy timeout; the event loop does not wait at all (a
    // minute's timeout here would time the test out if it did), it tries again on a timer for a
    // quarter of a second (BUSY_RETRY_MS).
    const { store, dataDir } = await openStore_(undefined, { busyTimeoutMs: updatesSynchronous === 'FULL' ? 200 : 60_000 })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, 'a'))
    const raw = new Database(path.join(dataDir, 'samenspel.sqlite'))
    try {
      raw.exec('BEGIN IMMEDIATE')
      // Not one statute's problem, but all of theirs: the whole group fails, none is tried alone.
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.appendUpdate('s1', textUpdate(new Y.Doc(), `x${i}`))))
      expect(results.map((r) => r.status)).toEqual(Array(10).fill('rejected'))
      for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ name: 'SqliteWriteError', code: 'SQLITE_BUSY' })
      raw.exec('COMMIT')
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK')
      raw.close()
    }
    await store.appendUpdate('s1', textUpdate(doc, 'b'))
    expect(await textOf(store, 's1')).toBe('ab')
  })

  it('refuses writes once closed, with a clear error', async () => {
    const { store } = await openStore_()
    await store.createStatute(record('s1'), new Uint8Array([0, 0]))
    open.splice(open.indexOf(store), 1)
    await store.close()
    await expect(store.appendUpdate('s1', textUpdate(new Y.Doc(), 'x'))).rejects.toThrow(/gesloten|closed/)
  })
})

/** Bytes in the write-ahead log now (0 if there is none). */
function walBytes(dataDir: string): number {
  const file = path.join(dataDir, 'samenspel.sqlite-wal')
  return fs.existsSync(file) ? fs.statSync(file).size : 0
}

/** The checkpoint thread's statistics and the WAL's size and checkpoint sequence number, for failure messages. */
function walState(store: SqliteStore, dataDir: string): string {
  const file = path.join(dataDir, 'samenspel.sqlite-wal')
  const sequence = fs.existsSync(file) && walBytes(dataDir) >= 16 ? fs.readFileSync(file).readUInt32BE(12) : undefined
  return `${JSON.stringify(store.checkpoints)}, WAL ${walBytes(dataDir)} bytes, sequence ${sequence}`
}

/**
 * Rows of statute_updates in the database file alone, as a copy without its WAL sees them; -1 if
 * the copy was taken while a checkpoint was writing to the file and cannot be read.
 */
function rowsInDatabaseFile(dataDir: string): number {
  const copy = path.join(tempDataDir(), 'copy.sqlite')
  fs.copyFileSync(path.join(dataDir, 'samenspel.sqlite'), copy)
  try {
    const raw = new Database(copy, { readonly: true })
    try {
      return (raw.prepare('SELECT count(*) AS n FROM statute_updates').get() as { n: number }).n
    } finally {
      raw.close()
    }
  } catch {
    return -1
  }
}

describe.each(writers)('SQLite checkpoints with the update writer: %s', (_name, updatesSynchronous) => {
  it("no commit checkpoints by itself: with the checkpoint thread not due, the WAL grows past SQLite's automatic threshold (1,000 pages)", async () => {
    const { store, dataDir } = await openStore(undefined, { updatesSynchronous, checkpointIntervalMs: 10 * 60_000 })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    // One commit each (every one awaited): each writes at least one page to the WAL.
    for (let i = 0; i < 1500; i++) await store.appendUpdate('s1', textUpdate(doc, `${i};`))
    // A commit that checkpointed would have let the log start over at about 1,000 pages (4 MB).
    expect(walBytes(dataDir)).toBeGreaterThan(1500 * 4096)
    expect(store.checkpoints.checkpoints).toBe(0)
    expect(await textOf(store, 's1')).toBe(doc.getText('t').toString())
  })

  it('the checkpoint thread copies the WAL into the database file while writes go on, and is started again after it stops unexpectedly', async () => {
    const { store, dataDir } = await openStore(undefined, { updatesSynchronous, checkpointIntervalMs: 50 })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    const allCopied = () => store.checkpoints.lastLogFrames > 0 && store.checkpoints.lastCheckpointedFrames === store.checkpoints.lastLogFrames
    for (let i = 0; i < 300; i++) await store.appendUpdate('s1', textUpdate(doc, `${i};`))
    // The statistics may be of a checkpoint made while the writes went on; the file itself tells.
    await until(async () => allCopied() && rowsInDatabaseFile(dataDir) === 300, 'a checkpoint of everything written')

    await store.crashCheckpointThreadForTest()
    const before = store.checkpoints.checkpoints
    for (let i = 300; i < 600; i++) await store.appendUpdate('s1', textUpdate(doc, `${i};`))
    await until(async () => store.checkpoints.checkpoints > before && allCopied() && rowsInDatabaseFile(dataDir) === 600, 'a checkpoint by the restarted thread', 10_000)
    expect(store.checkpoints.failures).toBe(0)
    expect(await textOf(store, 's1')).toBe(doc.getText('t').toString())
  })

  it('with pauses in the writing, the WAL is started over after every checkpoint of all of it, and reused rather than grown', async () => {
    const { store, dataDir } = await openStore(undefined, { updatesSynchronous, checkpointIntervalMs: 40 })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    let appended = 0
    let afterFirstBurst = 0
    // Bursts of typing with pauses in between, in which a checkpoint can copy everything.
    for (let burst = 0; burst < 12; burst++) {
      // Counted before the burst: the thread may start the WAL over (and say so) as soon as the
      // burst's last commit is copied, before this test reads the count again.
      const before = store.checkpoints.walRestarts
      for (let i = 0; i < 40; i++, appended++) await store.appendUpdate('s1', textUpdate(doc, `${appended};`))
      await until(async () => store.checkpoints.walRestarts > before, () => `the WAL to start over (burst ${burst}, before ${before}; now ${walState(store, dataDir)})`, 5_000)
      if (burst === 0) afterFirstBurst = walBytes(dataDir)
    }
    expect(store.checkpoints.walRestarts).toBeGreaterThanOrEqual(12)
    expect(store.checkpoints.failures).toBe(0)
    // Started over after every burst, the WAL holds about one burst's worth (the file does not
    // shrink): not the twelve it would hold had it only grown.
    expect(afterFirstBurst).toBeGreaterThan(40 * 4096)
    expect(walBytes(dataDir)).toBeLessThan(3 * afterFirstBurst)
    expect(await textOf(store, 's1')).toBe(doc.getText('t').toString())
  })
})

describe.each(writers)('SQLite WAL under writing without pauses: %s', (_name, updatesSynchronous) => {
  it('once the WAL holds walRestartBytes the checkpoint thread starts it over while writes go on, and the file is reused rather than grown', async () => {
    const limit = 1024 * 1024
    const { store, dataDir } = await openStore(undefined, { updatesSynchronous, checkpointIntervalMs: 40, walRestartBytes: limit })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    // A commit every millisecond (as steady typing by 1,000 people), one after the other, until 32
    // × the limit went through the WAL (two pages a commit: the log's row and its index): the
    // checkpoint thread never finds a moment in which nothing was written since its checkpoint
    // began. Had the WAL only grown, it would end at about that size.
    const written = 32 * limit
    const start = performance.now()
    let appended = 0
    let largest = 0
    while (appended * 2 * 4096 < written) {
      const due = Math.floor(performance.now() - start)
      for (; appended < due && appended * 2 * 4096 < written; appended++) await store.appendUpdate('s1', textUpdate(doc, `${appended};`))
      largest = Math.max(largest, walBytes(dataDir))
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    largest = Math.max(largest, walBytes(dataDir))
    await until(async () => store.checkpoints.walRestarts > 0, () => `a restart of the WAL (${walState(store, dataDir)})`, 5_000)
    // Reused: it stays at the limit plus what came in while the thread was at it, far below what
    // went through (half of it: a bound that holds on a busy machine too, where the thread may get
    // to it late).
    expect(largest).toBeGreaterThan(limit)
    expect(largest).toBeLessThan(written / 2)
    expect(store.checkpoints.failures).toBe(0)
    expect(await textOf(store, 's1')).toBe(doc.getText('t').toString())
  })
})

describe('SQLite update writer on the event loop', () => {
  it('a write lock held by another connection for less than BUSY_RETRY_MS only delays the waiting writes: they are stored once it is gone, in order', async () => {
    const { store, dataDir } = await openStore(undefined, { updatesSynchronous: 'NORMAL' })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    const raw = new Database(path.join(dataDir, 'samenspel.sqlite'))
    try {
      raw.exec('BEGIN IMMEDIATE')
      const heldMs = BUSY_RETRY_MS / 3
      const released = new Promise<number>((resolve) =>
        setTimeout(() => {
          raw.exec('COMMIT')
          resolve(performance.now())
        }, heldMs),
      )
      const first = Array.from({ length: 5 }, (_, i) => store.appendUpdate('s1', textUpdate(doc, `${i};`)))
      // Made while the first batch waits for the lock: joins it, behind it.
      await new Promise((resolve) => setTimeout(resolve, heldMs / 2))
      const later = Array.from({ length: 5 }, (_, i) => store.appendUpdate('s1', textUpdate(doc, `${i + 5};`)))
      const results = await Promise.allSettled([...first, ...later])
      expect(results.filter((r) => r.status === 'rejected')).toEqual([])
      const storedAt = performance.now()
      expect(storedAt).toBeGreaterThanOrEqual(await released)
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK')
      raw.close()
    }
    expect(await textOf(store, 's1')).toBe('<0;1;2;3;4;5;6;7;8;9;')
    const raw2 = new Database(path.join(dataDir, 'samenspel.sqlite'), { readonly: true })
    try {
      const rows = raw2.prepare('SELECT data FROM statute_updates ORDER BY seq').all() as Array<{ data: Buffer }>
      const replay = new Y.Doc()
      // The creation ('<') is the snapshot; the log follows it.
      Y.applyUpdate(replay, new Uint8Array((raw2.prepare("SELECT state FROM statute_snapshots WHERE statute_id = 's1'").get() as { state: Buffer }).state))
      const order = rows.map((row) => {
        const before = replay.getText('t').toString()
        Y.applyUpdate(replay, new Uint8Array(row.data))
        return replay.getText('t').toString().slice(before.length)
      })
      expect(order).toEqual(['0;', '1;', '2;', '3;', '4;', '5;', '6;', '7;', '8;', '9;'])
    } finally {
      raw2.close()
    }
  })

  it("its connection and the main one, both used from the event loop, never wait for each other: appends interleaved with compactions and the main connection's writes all succeed", async () => {
    // A minute's busy timeout: were one connection ever to wait for the other on this thread, it
    // would wait for itself, and the test would time out.
    const { store } = await openStore(undefined, { updatesSynchronous: 'NORMAL', busyTimeoutMs: 60_000 })
    expect(store.quickAppends).toBe(true)
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    await store.accounts.createUser({ id: 'u1', email: 'u1@samenspel.test', name: 'U', passwordHash: 'h', isAdmin: false, createdAt: new Date().toISOString() })
    const random = mulberry32(2611)
    const pending: Array<Promise<unknown>> = []
    for (let i = 0; i < 300; i++) {
      const r = random()
      if (r < 0.7) pending.push(store.appendUpdate('s1', textUpdate(doc, `${i};`)))
      else if (r < 0.8) pending.push(store.compact('s1', mergeStoredUpdates))
      else if (r < 0.9) pending.push(store.updateStatuteSummary('s1', { title: `Titel ${i}`, organisation: 'O', updatedAt: new Date().toISOString() }))
      else pending.push(store.audit.append({ at: new Date().toISOString(), actorId: 'u1', actorLabel: 'U', action: 'test', statuteId: 's1', details: { i }, ip: null }))
      if (random() < 0.3) await Promise.resolve() // let some batches commit in between
    }
    expect((await Promise.allSettled(pending)).filter((r) => r.status === 'rejected')).toEqual([])
    await store.compact('s1', mergeStoredUpdates)
    expect(await textOf(store, 's1')).toBe(doc.getText('t').toString())
  })

  it('has no thread to crash', async () => {
    const { store } = await openStore(undefined, { updatesSynchronous: 'NORMAL' })
    await expect(store.crashWriterThreadForTest()).rejects.toThrow(/no writer thread/)
  })
})

describe('SQLite writer thread (SQLITE_SYNCHRONOUS_UPDATES=FULL)', () => {
  it('when the thread dies, what it had not confirmed is refused, nothing confirmed is missing, and the next write starts a new thread', async () => {
    const { store } = await openStore(undefined, { updatesSynchronous: 'FULL' })
    const doc = new Y.Doc()
    await store.createStatute(record('s1'), textUpdate(doc, '<'))
    const texts = Array.from({ length: 200 }, (_, i) => `${i};`)
    const writes = texts.map((text) => store.appendUpdate('s1', textUpdate(doc, text)))
    await store.crashWriterThreadForTest()
    const results = await Promise.allSettled(writes)
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    for (const r of refused) expect(String(r.reason)).toMatch(/schrijfthread gestopt|writer thread/)
    // Everything confirmed is stored (an update committed just before the crash may be refused and
    // still be stored: the room would store it again, which Yjs ignores).
    const stored = await textOf(store, 's1')
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') expect(stored).toContain(texts[i])
    })
    expect(refused.length).toBeGreaterThan(0)
    // A new thread takes over (an edit of another client, so it does not depend on refused ones).
    await store.appendUpdate('s1', textUpdate(new Y.Doc(), '>'))
    expect(await textOf(store, 's1')).toContain('>')
  })

  it('a process that closes its store waits for the thread to close, then exits by itself', async () => {
    // The thread does not hold the process open while idle; closing must hold it until the end.
    const dataDir = tempDataDir()
    const script = path.join(dataDir, 'close-and-exit.mts')
    const storeModule = pathToFileURL(path.resolve('server/storage/sqlite/SqliteStore.ts')).href
    fs.writeFileSync(
      script,
      `import { SqliteStore } from ${JSON.stringify(storeModule)}
      const store = new SqliteStore(${JSON.stringify(dataDir)}, { updatesSynchronous: 'FULL' })
      await store.migrate()
      const now = new Date().toISOString()
      await store.createStatute({ id: 's1', title: 't', organisation: 'o', bodyType: 'gemeente', createdAt: now, updatedAt: now }, new Uint8Array([0, 0]))
      void store.appendUpdate('s1', new Uint8Array([0, 0]))
      await store.close()
      console.log('gesloten')`,
    )
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 })
    expect(run.stderr).not.toMatch(/unsettled|Error/)
    expect(run.stdout.trim()).toBe('gesloten')
    expect(run.status).toBe(0)
    const reopened = (await openStore(dataDir, { updatesSynchronous: 'FULL' })).store
    expect((await reopened.loadDocument('s1'))?.logLength).toBe(1)
  })

})

let server: TestServer | undefined
const clients: TestClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server?.close()
  server = undefined
})

async function twoEditors(updates: Updates): Promise<{ id: string; a: TestClient; b: TestClient; articleId: string }> {
  server = await startTestServer({ sqliteSynchronousUpdates: updates })
  const id = await createStatute(server)
  const a = connectClient(server.wsUrl, id)
  const b = connectClient(server.wsUrl, id)
  clients.push(a, b)
  await Promise.all([synced(a), synced(b)])
  return { id, a, b, articleId: readOutline(a.doc).chapters[0]!.articles[0]!.id }
}

const type = (client: TestClient, articleId: string, text: string): void => void appendParagraph(client.doc, articleId, text)
const bodyOf = (client: TestClient, articleId: string): string => articleText(client.doc, articleId)

describe.each(writers)('SQLite update writer: %s (server)', (_name, updates) => {
  it('relays nothing while the database is locked by another connection, yet keeps answering; once it is free, the change is stored and relayed', async () => {
    const { id, a, b, articleId } = await twoEditors(updates)
    const raw = new Database(path.join(server!.dataDir, 'samenspel.sqlite'))
    try {
      raw.exec('BEGIN IMMEDIATE')
      type(a, articleId, 'Geschreven terwijl de database bezet is.')
      // The writer thread waits for the lock (busy timeout 5 s); on the event loop the write fails
      // at once and the room tries again a little later. Either way the change waits.
      await new Promise((r) => setTimeout(r, 400))
      // Meanwhile the server itself is not stuck: nothing waits for the lock on the event loop, so
      // requests are answered (reads see the last committed state).
      const list = await api<{ statutes: Array<{ id: string }> }>(server!, 'GET', '/api/statutes')
      expect(list.status).toBe(200)
      expect(list.body.statutes.map((s) => s.id)).toContain(id)
      await new Promise((r) => setTimeout(r, 400))
      expect(bodyOf(b, articleId)).not.toContain('Geschreven terwijl')
      raw.exec('COMMIT')
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK')
      raw.close()
    }
    await waitFor(() => bodyOf(b, articleId).includes('Geschreven terwijl'), 10_000, 'the change to arrive once stored')
    const stored = await server!.store.loadDocument(id)
    const fromDisk = docFromUpdates(stored!.updates)
    expect(articleText(fromDisk, articleId)).toContain('Geschreven terwijl')
    fromDisk.destroy()
  })


  it("the statute list's summary, written while another connection holds the lock, is written once the lock is gone", async () => {
    const { id, a, b } = await twoEditors(updates)
    setMetaField(a.doc, 'title', 'Titel van tijdens de blokkade')
    // Stored and relayed: the summary is due a second from now. Hold the lock across that moment.
    await waitFor(() => readMeta(b.doc).title === 'Titel van tijdens de blokkade', 10_000, 'the title to arrive')
    const raw = new Database(path.join(server!.dataDir, 'samenspel.sqlite'))
    try {
      raw.exec('BEGIN IMMEDIATE')
      await new Promise((r) => setTimeout(r, 1600))
      raw.exec('COMMIT')
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK')
      raw.close()
    }
    const listedTitle = async (): Promise<string | undefined> => (await api<{ statutes: Array<{ id: string; title: string }> }>(server!, 'GET', '/api/statutes')).body.statutes.find((s) => s.id === id)?.title
    await until(async () => (await listedTitle()) === 'Titel van tijdens de blokkade', 'the list to show the new title', 10_000)
  })
})

describe('SQLite writer thread (server)', () => {
  it('a crash of the writer thread while people type loses nothing: the room stores again, and everyone converges', async () => {
    const { id, a, b, articleId } = await twoEditors('FULL')
    const store = server!.store
    expect(store).toBeInstanceOf(SqliteStore)
    const random = mulberry32(1130)
    for (let i = 0; i < 40; i++) {
      type(random() < 0.5 ? a : b, articleId, `regel ${i}`)
      if (i === 15 || i === 30) await (store as SqliteStore).crashWriterThreadForTest()
      await new Promise((r) => setTimeout(r, Math.floor(random() * 15)))
    }
    const expected = Array.from({ length: 40 }, (_, i) => `regel ${i}`)
    const hasAll = (client: TestClient): boolean => {
      const lines = bodyOf(client, articleId).split('\n')
      return expected.every((line) => lines.includes(line))
    }
    await waitFor(() => hasAll(a) && hasAll(b), 15_000, 'both editors to have every line')
    // And all of it is in the database, as a fresh server process would load it.
    server = await server!.restart()
    const fresh = connectClient(server.wsUrl, id)
    clients.push(fresh)
    await synced(fresh)
    expect(hasAll(fresh)).toBe(true)
    expect(fs.existsSync(path.join(server.dataDir, 'samenspel.sqlite'))).toBe(true)
  })
})
