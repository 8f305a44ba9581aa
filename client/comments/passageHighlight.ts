/**
 * Highlights the passages that open comment threads are about, inside one article's editor.
 * Anchors are Yjs relative positions; y-tiptap maps them to editor positions through the sync
 * binding, so highlights follow their words as people type.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import type { PassageAnchor } from '../../model/anchors.js'

export interface HighlightedPassage {
  readonly threadId: string
  readonly anchor: PassageAnchor
  readonly active: boolean
}

export const passageHighlightKey = new PluginKey<DecorationSet>('samenspelPassages')

interface SyncState {
  doc: Y.Doc
  type: Y.XmlFragment
  binding: { mapping: Map<unknown, unknown> } | null
}

/** The editor range of an anchor, or null when its passage is gone. */
export function resolvePassage(state: EditorState, anchor: PassageAnchor): { from: number; to: number } | null {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined
  if (!sync?.binding) return null
  try {
    const from = relativePositionToAbsolutePosition(sync.doc, sync.type, Y.createRelativePositionFromJSON(anchor.start), sync.binding.mapping as never)
    const to = relativePositionToAbsolutePosition(sync.doc, sync.type, Y.createRelativePositionFromJSON(anchor.end), sync.binding.mapping as never)
    return from !== null && to !== null && to > from ? { from, to } : null
  } catch {
    return null
  }
}

/** The anchor of the current selection, or null when nothing (or nothing in text) is selected. */
export function anchorForSelection(state: EditorState, from: number, to: number): PassageAnchor | null {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined
  if (!sync?.binding || to <= from) return null
  const start = absolutePositionToRelativePosition(from, sync.type, sync.binding.mapping as never)
  const end = absolutePositionToRelativePosition(to, sync.type, sync.binding.mapping as never)
  return { start: Y.relativePositionToJSON(start) as Record<string, unknown>, end: Y.relativePositionToJSON(end) as Record<string, unknown> }
}

export function passageHighlight(getPassages: () => readonly HighlightedPassage[]) {
  return Extension.create({
    name: 'samenspelPassages',
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key: passageHighlightKey,
          state: {
            init: () => DecorationSet.empty,
            apply: (_tr, _old, _oldState, state) => {
              const decorations = getPassages().flatMap((passage) => {
                const range = resolvePassage(state, passage.anchor)
                return range
                  ? [Decoration.inline(range.from, range.to, { class: passage.active ? 'comment-passage comment-passage--active' : 'comment-passage', 'data-thread': passage.threadId })]
                  : []
              })
              return DecorationSet.create(state.doc, decorations)
            },
          },
          props: { decorations: (state) => passageHighlightKey.getState(state) },
        }),
      ]
    },
  })
}
