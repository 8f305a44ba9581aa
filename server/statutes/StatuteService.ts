/**
 * Creating statutes and reading them as plain JSON. A statute's first content is built here, on
 * the server, exactly once; clients never seed content (that would duplicate it per client).
 */
import { newId } from '../../model/ids.js'
import type { TemplateTheme } from '../../model/templates.js'
import { composeStatute, type StatuteInput } from './composeStatute.js'
import { toSnapshot, type StatuteSnapshot } from '../../model/snapshot.js'
import type { NewStatuteAccess, StatuteRecord, StatuteStore } from '../storage/StatuteStore.js'
import type { RoomRegistry } from '../collaboration/RoomRegistry.js'
import { notFound } from '../errors.js'

export type NewStatute = StatuteInput

export class StatuteService {
  constructor(
    private readonly store: StatuteStore,
    private readonly rooms: RoomRegistry,
    /** The model clauses currently loaded. */
    private readonly templates: () => readonly TemplateTheme[] = () => [],
  ) {}

  /** Builds and stores a new statute; `access` (parties, first members) is stored in the same transaction. */
  async create(input: NewStatute, access?: (statuteId: string) => NewStatuteAccess): Promise<StatuteRecord> {
    const now = new Date().toISOString()
    const record: StatuteRecord = { id: newId(), title: input.title, organisation: input.organisation, bodyType: input.bodyType, createdAt: now, updatedAt: now }
    const state = composeStatute(input, this.templates())
    await this.store.createStatute(record, state, access?.(record.id))
    return record
  }

  /**
   * Stores a new statute whose first document was built on the server by other means (an imported
   * Word file, see composeImported.ts); `access` as for create.
   */
  async createFromState(input: Omit<NewStatute, 'templates'>, state: Uint8Array, access?: (statuteId: string) => NewStatuteAccess): Promise<StatuteRecord> {
    const now = new Date().toISOString()
    const record: StatuteRecord = { id: newId(), title: input.title, organisation: input.organisation, bodyType: input.bodyType, createdAt: now, updatedAt: now }
    await this.store.createStatute(record, state, access?.(record.id))
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
