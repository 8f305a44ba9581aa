/**
 * Rich text as stored in a Y.XmlFragment (by Tiptap's y-tiptap binding) and as plain JSON.
 *
 * The mapping mirrors y-prosemirror: an element's nodeName is the node type, its attributes are
 * the node's attrs; runs of text are one Y.XmlText whose formatting attributes are the marks
 * (`{ bold: {} }`, `{ link: { href } }`). Kept here, without ProseMirror, so that the server can read
 * and write statute text without a browser or an editor schema.
 */
import * as Y from 'yjs'

export interface RichTextMark {
  readonly type: string
  readonly attrs?: Record<string, unknown>
}

/** A node in ProseMirror's JSON form. */
export interface RichTextNode {
  readonly type: string
  readonly attrs?: Record<string, unknown>
  readonly content?: readonly RichTextNode[]
  readonly text?: string
  readonly marks?: readonly RichTextMark[]
}

/** The JSON of a whole body or toelichting: `{ type: 'doc', content: [...] }`. */
export interface RichTextDoc extends RichTextNode {
  readonly type: 'doc'
}

const EMPTY_DOC: RichTextDoc = { type: 'doc', content: [] }

/** Reads a fragment as ProseMirror JSON. Unknown shapes written by a crafted client are skipped. */
export function readRichText(fragment: Y.XmlFragment | undefined): RichTextDoc {
  if (!(fragment instanceof Y.XmlFragment)) return EMPTY_DOC
  return { type: 'doc', content: readChildren(fragment) }
}

function readChildren(parent: Y.XmlFragment | Y.XmlElement): RichTextNode[] {
  const nodes: RichTextNode[] = []
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      nodes.push(...readText(child))
    } else if (child instanceof Y.XmlElement) {
      const attrs = child.getAttributes() as Record<string, unknown>
      const content = readChildren(child)
      nodes.push({
        type: child.nodeName,
        ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
        ...(content.length > 0 ? { content } : {}),
      })
    }
  }
  return nodes
}

interface DeltaOp {
  insert?: unknown
  attributes?: Record<string, unknown>
}

function readText(text: Y.XmlText): RichTextNode[] {
  const nodes: RichTextNode[] = []
  for (const op of text.toDelta() as DeltaOp[]) {
    if (typeof op.insert !== 'string' || op.insert.length === 0) continue
    const marks = Object.entries(op.attributes ?? {}).map(([type, attrs]) => {
      const hasAttrs = attrs !== null && typeof attrs === 'object' && Object.keys(attrs).length > 0
      return hasAttrs ? { type, attrs: attrs as Record<string, unknown> } : { type }
    })
    nodes.push({ type: 'text', text: op.insert, ...(marks.length > 0 ? { marks } : {}) })
  }
  return nodes
}

/**
 * Appends JSON content to a fragment. Used on the server to create statutes (clients never seed
 * content); call inside a transaction.
 */
export function writeRichText(fragment: Y.XmlFragment, doc: RichTextNode): void {
  const children = buildChildren(doc.content ?? [])
  if (children.length > 0) fragment.insert(fragment.length, children)
}

function buildChildren(nodes: readonly RichTextNode[]): Array<Y.XmlElement | Y.XmlText> {
  const result: Array<Y.XmlElement | Y.XmlText> = []
  let pendingText: RichTextNode[] = []
  const flushText = (): void => {
    if (pendingText.length === 0) return
    const yText = new Y.XmlText()
    yText.applyDelta(
      pendingText.map((node) => ({
        insert: node.text ?? '',
        attributes: Object.fromEntries((node.marks ?? []).map((mark) => [mark.type, mark.attrs ?? {}])),
      })),
    )
    result.push(yText)
    pendingText = []
  }
  for (const node of nodes) {
    if (node.type === 'text') {
      pendingText.push(node)
      continue
    }
    flushText()
    const element = new Y.XmlElement(node.type)
    for (const [key, value] of Object.entries(node.attrs ?? {})) {
      if (value !== null && value !== undefined) element.setAttribute(key, value as string)
    }
    const children = buildChildren(node.content ?? [])
    if (children.length > 0) element.insert(0, children)
    result.push(element)
  }
  flushText()
  return result
}

/** One paragraph of plain text as JSON; a convenience for server-side content. */
export function paragraph(text: string): RichTextNode {
  return text.length > 0 ? { type: 'paragraph', content: [{ type: 'text', text }] } : { type: 'paragraph' }
}

/** A document of plain paragraphs. */
export function richTextFromParagraphs(paragraphs: readonly string[]): RichTextDoc {
  return { type: 'doc', content: paragraphs.map(paragraph) }
}

/**
 * Plain text of rich text, as a reader would quote it: one line per paragraph, leden numbered
 * "1.", onderdelen lettered "a." (a nested ordered list), bullets "-".
 */
export function richTextToPlain(doc: RichTextNode): string {
  const lines: string[] = []
  writePlain(doc.content ?? [], lines, 0)
  return lines.join('\n')
}

function inlineText(node: RichTextNode): string {
  if (node.type === 'text') return node.text ?? ''
  if (node.type === 'hardBreak') return '\n'
  return (node.content ?? []).map(inlineText).join('')
}

function listLabel(kind: string, index: number, depth: number): string {
  if (kind === 'bulletList') return '-'
  // Leden are numbered, onderdelen within a lid are lettered (Aanwijzingen voor de regelgeving).
  if (depth % 2 === 0) return `${index}.`
  // a … z, then aa, bb, … (Aanwijzingen voor de regelgeving).
  const letter = String.fromCharCode(97 + ((index - 1) % 26))
  return `${letter.repeat(Math.floor((index - 1) / 26) + 1)}.`
}

function writePlain(nodes: readonly RichTextNode[], lines: string[], depth: number, prefix = ''): void {
  for (const node of nodes) {
    if (node.type === 'orderedList' || node.type === 'bulletList') {
      const start = typeof node.attrs?.start === 'number' ? node.attrs.start : 1
      ;(node.content ?? []).forEach((item, i) => {
        const label = listLabel(node.type, start + i, depth)
        const indent = '  '.repeat(depth)
        writePlain(item.content ?? [], lines, depth + 1, `${indent}${label} `)
      })
    } else if (node.type === 'text' || node.type === 'hardBreak') {
      lines.push(prefix + inlineText(node))
    } else if (node.content && node.content.some((c) => c.type !== 'text' && c.type !== 'hardBreak')) {
      writePlain(node.content, lines, depth, prefix)
    } else {
      lines.push(prefix + inlineText(node))
    }
    prefix = prefix.replace(/\S/g, ' ')
  }
}
