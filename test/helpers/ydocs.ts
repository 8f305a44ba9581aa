/**
 * Small helpers for tests that work on Y.Docs directly (no server): exchanging state between
 * documents as two peers would, and typing text the way the editor binding stores it.
 */
import * as Y from 'yjs'
import { articleFragment } from '../../model/statuteDoc.js'
import { readRichText, richTextToPlain } from '../../model/richText.js'

/** Sends every document's missing state to every other one (a full mesh exchange). */
export function syncDocs(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from === to) continue
      Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
    }
  }
}

/** Appends a paragraph with `text` to an article's body (or toelichting); returns its Y.XmlText. */
export function appendParagraph(doc: Y.Doc, articleId: string, text: string, field: 'body' | 'toelichting' = 'body'): Y.XmlText {
  const fragment = articleFragment(doc, articleId, field)
  if (!fragment) throw new Error(`article ${articleId} has no ${field}`)
  const yText = new Y.XmlText()
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    fragment.insert(fragment.length, [paragraph])
    paragraph.insert(0, [yText])
    yText.insert(0, text)
  })
  return yText
}

/** The plain text of an article's body (or toelichting), also for soft-deleted articles. */
export function articleText(doc: Y.Doc, articleId: string, field: 'body' | 'toelichting' = 'body'): string {
  return richTextToPlain(readRichText(articleFragment(doc, articleId, field)))
}

/** An update that appends `text` to the root text `t` of a doc (for storage tests). */
export function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc)
  doc.getText('t').insert(doc.getText('t').length, text)
  return Y.encodeStateAsUpdate(doc, before)
}
