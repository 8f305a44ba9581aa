/**
 * Turning stored updates into a document and back. Shared by loading and compaction.
 */
import * as Y from 'yjs'

/** Rebuilds a document from stored updates (snapshot first). A damaged entry is skipped, not fatal. */
export function docFromUpdates(updates: readonly Uint8Array[], onBadUpdate?: (index: number, error: unknown) => void): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    updates.forEach((update, index) => {
      try {
        Y.applyUpdate(doc, update)
      } catch (error) {
        onBadUpdate?.(index, error)
      }
    })
  })
  return doc
}

/** Folds updates into one: replays them into a fresh document (which also garbage-collects). */
export function mergeStoredUpdates(updates: readonly Uint8Array[]): Uint8Array {
  const doc = docFromUpdates(updates)
  const merged = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return merged
}
