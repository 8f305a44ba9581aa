/**
 * The storage contract, run against every engine (SQLite now; PostgreSQL joins this list).
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteStore } from '../../server/storage/sqlite/SqliteStore.js'
import type { StatuteStore } from '../../server/storage/StatuteStore.js'
import { docFromUpdates, mergeStoredUpdates } from '../../server/collaboration/docState.js'
import { tempDataDir } from '../helpers/server.js'

const engines: Array<[string, () => Promise<StatuteStore>]> = [['sqlite', async () => new SqliteStore(tempDataDir())]]

function record(id: string) {
  const now = new Date().toISOString()
  return { id, title: `Statuut ${id}`, organisation: 'Gemeente Test', bodyType: 'gemeente' as const, createdAt: now, updatedAt: now }
}

/** An update that appends `text` to the root text of a doc with a given client id. */
function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc)
  doc.getText('t').insert(doc.getText('t').length, text)
  return Y.encodeStateAsUpdate(doc, before)
}

describe.each(engines)('storage contract: %s', (_name, open) => {
  let store: StatuteStore
  afterEach(async () => store?.close())

  it('migrates twice without harm, creates, lists and reads statutes', async () => {
    store = await open()
    await store.migrate()
    await store.migrate()
    await store.createStatute(record('a1'), new Uint8Array([0, 0]))
    await store.createStatute(record('b2'), new Uint8Array([0, 0]))
    expect((await store.listStatutes()).map((s) => s.id).sort()).toEqual(['a1', 'b2'])
    expect(await store.getStatute('a1')).toMatchObject({ title: 'Statuut a1', bodyType: 'gemeente' })
    expect(await store.getStatute('nope')).toBeUndefined()
    expect(await store.loadDocument('nope')).toBeUndefined()
    await expect(store.createStatute(record('a1'), new Uint8Array([0, 0]))).rejects.toThrow()
  })

  it('replays snapshot and log in order, and compaction keeps the same state', async () => {
    store = await open()
    await store.migrate()
    const doc = new Y.Doc()
    const initial = textUpdate(doc, 'begin ')
    await store.createStatute(record('s1'), initial)
    for (let i = 0; i < 20; i++) await store.appendUpdate('s1', textUpdate(doc, `${i} `))
    const loaded = await store.loadDocument('s1')
    expect(loaded?.logLength).toBe(20)
    expect(docFromUpdates(loaded!.updates).getText('t').toString()).toBe(doc.getText('t').toString())

    const result = await store.compact('s1', mergeStoredUpdates)
    expect(result.mergedUpdates).toBe(20)
    const compacted = await store.loadDocument('s1')
    expect(compacted?.logLength).toBe(0)
    expect(docFromUpdates(compacted!.updates).getText('t').toString()).toBe(doc.getText('t').toString())

    // Appends after compaction land in the log again and are replayed after the snapshot.
    await store.appendUpdate('s1', textUpdate(doc, 'einde'))
    const after = await store.loadDocument('s1')
    expect(after?.logLength).toBe(1)
    expect(docFromUpdates(after!.updates).getText('t').toString()).toBe(doc.getText('t').toString())
    expect(doc.getText('t').toString()).toMatch(/^begin 0 1 .* 19 einde$/)
  })

  it('a failing merge leaves snapshot and log untouched', async () => {
    store = await open()
    await store.migrate()
    const doc = new Y.Doc()
    await store.createStatute(record('s2'), textUpdate(doc, 'a'))
    await store.appendUpdate('s2', textUpdate(doc, 'b'))
    await expect(
      store.compact('s2', () => {
        throw new Error('merge failed')
      }),
    ).rejects.toThrow('merge failed')
    const loaded = await store.loadDocument('s2')
    expect(loaded?.logLength).toBe(1)
    expect(docFromUpdates(loaded!.updates).getText('t').toString()).toBe('ab')
  })

  it('keeps the list summary in step', async () => {
    store = await open()
    await store.migrate()
    await store.createStatute(record('s3'), new Uint8Array([0, 0]))
    await store.updateStatuteSummary('s3', { title: 'Nieuwe titel', organisation: 'Gemeente Tiel', updatedAt: '2030-01-01T00:00:00.000Z' })
    expect(await store.getStatute('s3')).toMatchObject({ title: 'Nieuwe titel', organisation: 'Gemeente Tiel', updatedAt: '2030-01-01T00:00:00.000Z' })
  })
})
