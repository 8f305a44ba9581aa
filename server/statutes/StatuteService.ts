/**
 * Creating statutes and reading them as plain JSON. A statute's first content is built here, on
 * the server, exactly once; clients never seed content (that would duplicate it per client).
 */
import * as Y from 'yjs'
import { newId } from '../../model/ids.js'
import { addArticle, addChapter, initStatute, type BodyType } from '../../model/statuteDoc.js'
import { richTextFromParagraphs } from '../../model/richText.js'
import { toSnapshot, type StatuteSnapshot } from '../../model/snapshot.js'
import type { NewStatuteAccess, StatuteRecord, StatuteStore } from '../storage/StatuteStore.js'
import type { RoomRegistry } from '../collaboration/RoomRegistry.js'
import { notFound } from '../errors.js'

export interface NewStatute {
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
}

export class StatuteService {
  constructor(
    private readonly store: StatuteStore,
    private readonly rooms: RoomRegistry,
  ) {}

  /** Builds and stores a new statute; `access` (parties, first members) is stored in the same transaction. */
  async create(input: NewStatute, access?: (statuteId: string) => NewStatuteAccess): Promise<StatuteRecord> {
    const now = new Date().toISOString()
    const record: StatuteRecord = { id: newId(), ...input, createdAt: now, updatedAt: now }
    const doc = new Y.Doc()
    initStatute(doc, input)
    const chapterId = addChapter(doc, { title: 'Algemene bepalingen' })
    addArticle(doc, chapterId, {
      title: 'Doel',
      body: richTextFromParagraphs([
        `Dit statuut legt vast hoe de ${input.organisation ? `organen van ${input.organisation}` : 'betrokkenen'} samenwerken.`,
      ]),
    })
    await this.store.createStatute(record, Y.encodeStateAsUpdate(doc), access?.(record.id))
    doc.destroy()
    return record
  }

  list(): Promise<StatuteRecord[]> {
    return this.store.listStatutes()
  }

  async get(id: string): Promise<StatuteRecord> {
    const record = await this.store.getStatute(id)
    if (!record) throw notFound('Dit statuut bestaat niet.')
    return record
  }

  /** The statute as JSON, from the live document (so it includes edits not yet compacted). */
  async snapshot(id: string): Promise<StatuteRecord & StatuteSnapshot> {
    const record = await this.get(id)
    const room = await this.rooms.open(id)
    if (!room) throw notFound('Dit statuut bestaat niet.')
    try {
      await room.settle()
      return { ...record, ...toSnapshot(room.doc) }
    } finally {
      this.rooms.release(room)
    }
  }
}
