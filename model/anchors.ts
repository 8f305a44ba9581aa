/**
 * Anchoring a comment to a passage: two Yjs relative positions (start, end) in the article body.
 * Relative positions point at characters, not offsets, so the passage follows its words while
 * others type before, inside or after it. If every character of it is deleted, the anchor is
 * "broken" and the thread falls back to its article; it is never lost.
 */
import * as Y from 'yjs'

export interface PassageAnchor {
  /** Y.RelativePosition as JSON (Y.relativePositionToJSON). */
  readonly start: Record<string, unknown>
  readonly end: Record<string, unknown>
}

/** An anchor over characters [from, to) of one text node (a run of text in a paragraph). */
export function anchorInText(text: Y.XmlText | Y.Text, from: number, to: number): PassageAnchor {
  return {
    start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, from)) as Record<string, unknown>,
    // assoc -1: the end sticks to the last character of the passage, not to what is typed after it.
    end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, to, -1)) as Record<string, unknown>,
  }
}

function plain(type: Y.AbstractType<unknown>): string {
  if (type instanceof Y.XmlText || type instanceof Y.Text) {
    return (type.toDelta() as Array<{ insert?: unknown }>).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')
  }
  return ''
}

/**
 * The passage's current text when both ends are in the same text node; null when the anchor is
 * broken (passage deleted) or cannot be read this way.
 */
export function resolveAnchorText(doc: Y.Doc, anchor: PassageAnchor): string | null {
  try {
    const start = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(anchor.start), doc)
    const end = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(anchor.end), doc)
    if (!start || !end || start.type !== end.type || end.index <= start.index) return null
    return plain(start.type).slice(start.index, end.index)
  } catch {
    return null
  }
}
