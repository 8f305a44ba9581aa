/**
 * The storage contract. Collaboration and HTTP code talk only to this interface; SQLite is the
 * default engine, PostgreSQL implements the same contract.
 *
 * A statute's document is stored as one snapshot (a Yjs update holding the merged state) plus an
 * append-only log of updates. Loading replays snapshot + log; compaction folds the log into the
 * snapshot.
 */
import type { StatuteSummary } from '../../model/snapshot.js'
import type { AccessStore, AccountStore, AuditStore, MembershipRecord, PartyRecord } from './AccessStore.js'
import type { AgreementStore } from './AgreementStore.js'
import type { CommentStore } from './CommentStore.js'

/** The stored row of a statute; the same shape the API lists (model/snapshot.ts). */
export type StatuteRecord = StatuteSummary

export interface StoredDocument {
  /** Snapshot first (if any), then the log in order. */
  readonly updates: readonly Uint8Array[]
  /** Number of log entries not yet compacted. */
  readonly logLength: number
}

export interface CompactionResult {
  readonly mergedUpdates: number
  readonly bytesBefore: number
  readonly bytesAfter: number
}

export interface StatuteStore {
  /** Creates tables or brings them up to date. */
  migrate(): Promise<void>
  /** Cheap check that storage answers. */
  ping(): Promise<void>
  /** Stores a new statute with its initial document state, parties and first members, atomically. */
  createStatute(record: StatuteRecord, initialState: Uint8Array, access?: NewStatuteAccess): Promise<void>
  listStatutes(): Promise<StatuteRecord[]>
  getStatute(id: string): Promise<StatuteRecord | undefined>
  /**
   * Keeps the list's title, organisation and time of last change in step with the document.
   * U+0000 in title or organisation is left out (PostgreSQL cannot store it in text).
   */
  updateStatuteSummary(id: string, summary: { title: string; organisation: string; updatedAt: string }): Promise<void>
  loadDocument(id: string): Promise<StoredDocument | undefined>
  /** Appends one update to the log; resolves once it is committed. */
  appendUpdate(id: string, update: Uint8Array): Promise<void>
  /**
   * True when an append is committed on this thread within microseconds (SQLite without a flush):
   * rooms then hand over each change as soon as it is applied. Otherwise an append costs a round
   * trip (a thread, a database server), and rooms gather what a turn of the event loop applied
   * into one write for all statutes (see Room.ts).
   */
  readonly quickAppends?: boolean
  /**
   * Replaces snapshot + log entries by `merge(snapshot + entries)` in one transaction. Entries
   * appended while this runs are not in the merge and stay in the log.
   */
  compact(id: string, merge: (updates: readonly Uint8Array[]) => Uint8Array): Promise<CompactionResult>
  close(): Promise<void>
}

export interface NewStatuteAccess {
  readonly parties: readonly PartyRecord[]
  readonly members: readonly MembershipRecord[]
}

/** Everything the server stores, on one engine. */
export interface Storage extends StatuteStore {
  readonly accounts: AccountStore
  readonly access: AccessStore
  readonly audit: AuditStore
  readonly agreements: AgreementStore
  readonly comments: CommentStore
}

/** `text` without U+0000, which PostgreSQL cannot store in text; both engines store the same. */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text
}
