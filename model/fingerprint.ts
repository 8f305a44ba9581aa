/**
 * The fingerprint of an article's text: what an agreement is about. Two texts have the same
 * fingerprint exactly when a reader sees the same title and body.
 *
 * Canonical form (version 1), serialised as JSON with sorted keys:
 *   { v: 1, title, body }  where
 *   - title is trimmed, inner whitespace collapsed, Unicode NFC;
 *   - body is the ProseMirror JSON of the body with text in NFC, adjacent text nodes with the same
 *     marks merged, empty text nodes dropped, marks sorted by type, attributes with null values
 *     dropped, keys sorted.
 * The fingerprint is the lowercase hex SHA-256 of the UTF-8 bytes of that JSON (lib0's pure-JS
 * SHA-256, so browser and server compute it the same way, also outside secure contexts).
 */
import { digest } from 'lib0/hash/sha256'
import type { RichTextNode } from './richText.js'

export const FINGERPRINT_VERSION = 1

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const sorted: { [key: string]: Json } = {}
    for (const key of Object.keys(value).sort()) {
      const v = value[key]
      if (v === null || v === undefined) continue
      sorted[key] = sortKeys(v)
    }
    return sorted
  }
  return typeof value === 'string' ? value.normalize('NFC') : value
}

function marksKey(node: RichTextNode): string {
  return JSON.stringify(sortKeys(([...(node.marks ?? [])].sort((a, b) => a.type.localeCompare(b.type)) as unknown) as Json))
}

function canonicalNode(node: RichTextNode): Json {
  const result: { [key: string]: Json } = { type: node.type }
  if (node.attrs && Object.values(node.attrs).some((v) => v !== null && v !== undefined)) result.attrs = node.attrs as Json
  if (node.type === 'text') {
    result.text = (node.text ?? '').normalize('NFC')
    if (node.marks && node.marks.length > 0) result.marks = JSON.parse(marksKey(node)) as Json
    return result
  }
  const children: Json[] = []
  let previous: { node: RichTextNode; text: string } | null = null
  const flush = (): void => {
    if (previous && previous.text.length > 0) children.push(canonicalNode({ ...previous.node, text: previous.text }))
    previous = null
  }
  for (const child of node.content ?? []) {
    if (child.type === 'text') {
      if (previous && marksKey(previous.node) === marksKey(child)) previous.text += child.text ?? ''
      else {
        flush()
        previous = { node: child, text: child.text ?? '' }
      }
      continue
    }
    flush()
    children.push(canonicalNode(child))
  }
  flush()
  if (children.length > 0) result.content = children
  return result
}

/** The canonical JSON string of an article's title and body (see the module comment). */
export function canonicalArticleText(title: string, body: RichTextNode): string {
  const normalisedTitle = title.normalize('NFC').replace(/\s+/g, ' ').trim()
  return JSON.stringify(sortKeys({ v: FINGERPRINT_VERSION, title: normalisedTitle, body: canonicalNode(body) }))
}

/** The fingerprint (hex SHA-256 of the canonical form) of an article's title and body. */
export function articleFingerprint(title: string, body: RichTextNode): string {
  const bytes = digest(new TextEncoder().encode(canonicalArticleText(title, body)))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
