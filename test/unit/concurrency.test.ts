/**
 * Concurrent structural edits between two (or three) Y.Docs that exchange updates with
 * encodeStateAsUpdate/applyUpdate, the way clients do through the server.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addArticle,
  addChapter,
  deleteItem,
  moveArticle,
  moveChapter,
  readOutline,
  renameArticle,
  restoreItem,
} from '../../model/statuteDoc.js'
import { toSnapshot } from '../../model/snapshot.js'
import { appendParagraph, articleText, syncDocs } from '../helpers/ydocs.js'

/** Two peers that share a statute with chapters H1 (a1..a3) and H2 (b1). */
function peers(): { a: Y.Doc; b: Y.Doc; h1: string; h2: string; ids: Record<string, string> } {
  const a = new Y.Doc()
  const h1 = addChapter(a, { title: 'H1' })
  const h2 = addChapter(a, { title: 'H2' })
  const ids: Record<string, string> = {}
  for (const t of ['a1', 'a2', 'a3']) ids[t] = addArticle(a, h1, { title: t })
  ids.b1 = addArticle(a, h2, { title: 'b1' })
  const b = new Y.Doc()
  syncDocs(a, b)
  return { a, b, h1, h2, ids }
}

function allArticleIds(doc: Y.Doc): string[] {
  return readOutline(doc).chapters.flatMap((c) => c.articles.map((x) => x.id))
}

function expectConverged(...docs: Y.Doc[]): void {
  const [first, ...rest] = docs.map((d) => JSON.stringify({ snapshot: toSnapshot(d), deleted: readOutline(d).deleted }))
  for (const other of rest) expect(other).toBe(first)
}

describe('concurrent structure edits', () => {
  it('two people moving the same article leaves exactly one copy', () => {
    const { a, b, h1, h2, ids } = peers()
    appendParagraph(a, ids.a1!, 'Tekst van artikel a1.')
    syncDocs(a, b)
    moveArticle(a, ids.a1!, h2, 0) // to another chapter
    moveArticle(b, ids.a1!, h1, 2) // to the end of its own chapter
    syncDocs(a, b)
    expectConverged(a, b)
    const ids1 = allArticleIds(a)
    expect(ids1.filter((id) => id === ids.a1)).toHaveLength(1)
    expect(ids1).toHaveLength(4)
    expect(new Set(ids1)).toEqual(new Set(Object.values(ids)))
    expect(readOutline(a).chapters.flatMap((c) => c.articles.map((x) => x.number))).toEqual([1, 2, 3, 4])
    expect(articleText(b, ids.a1!)).toBe('Tekst van artikel a1.')
  })

  it('the same article moved into two different chapters ends in one of them, once', () => {
    const { a, b, h2, ids } = peers()
    const h3 = addChapter(a, { title: 'H3' })
    syncDocs(a, b)
    moveArticle(a, ids.a2!, h2, 1)
    moveArticle(b, ids.a2!, h3, 0)
    syncDocs(a, b)
    expectConverged(a, b)
    const holders = readOutline(a).chapters.filter((c) => c.articles.some((x) => x.id === ids.a2))
    expect(holders).toHaveLength(1)
    expect([h2, h3]).toContain(holders[0]!.id)
  })

  it('text typed into an article while its chapter is moved is kept', () => {
    const { a, b, h1, ids } = peers()
    moveChapter(a, h1, 1)
    appendParagraph(b, ids.a2!, 'Getypt tijdens de verplaatsing.')
    syncDocs(a, b)
    expectConverged(a, b)
    expect(readOutline(a).chapters.map((c) => c.title)).toEqual(['H2', 'H1'])
    const snapshot = toSnapshot(a)
    const a2 = snapshot.chapters[1]!.articles.find((x) => x.id === ids.a2)!
    expect(a2.body.text).toBe('Getypt tijdens de verplaatsing.')
    expect(a2.number).toBe(3)
  })

  it('text typed into an article while it is moved to another chapter is kept', () => {
    const { a, b, h2, ids } = peers()
    const run = appendParagraph(a, ids.a3!, 'Begin')
    syncDocs(a, b)
    moveArticle(a, ids.a3!, h2, 0)
    const remoteRun = ((b.getMap('articles').get(ids.a3!) as Y.Map<unknown>).get('body') as Y.XmlFragment).get(0) as Y.XmlElement
    ;(remoteRun.get(0) as Y.XmlText).insert(5, ' en vervolg')
    run.insert(0, '>> ')
    syncDocs(a, b)
    expectConverged(a, b)
    expect(articleText(a, ids.a3!)).toBe('>> Begin en vervolg')
    expect(readOutline(a).chapters[1]!.articles.map((x) => x.id)).toEqual([ids.a3, ids.b1])
  })

  it('an article deleted while someone types in it keeps the text, is listed as deleted and can be restored', () => {
    const { a, b, ids } = peers()
    deleteItem(a, 'article', ids.a2!)
    appendParagraph(b, ids.a2!, 'Intussen getypt.')
    syncDocs(a, b)
    expectConverged(a, b)
    for (const doc of [a, b]) {
      expect(allArticleIds(doc)).not.toContain(ids.a2)
      expect(readOutline(doc).deleted).toEqual([{ kind: 'article', id: ids.a2, title: 'a2' }])
      expect(articleText(doc, ids.a2!)).toBe('Intussen getypt.')
    }
    restoreItem(b, 'article', ids.a2!)
    syncDocs(a, b)
    expectConverged(a, b)
    const restored = toSnapshot(a).chapters[0]!.articles
    expect(restored.map((x) => x.id)).toEqual([ids.a1, ids.a2, ids.a3])
    expect(restored[1]!.body.text).toBe('Intussen getypt.')
  })

  it('a chapter deleted while someone adds an article to it: both come back together', () => {
    const { a, b, h1 } = peers()
    deleteItem(a, 'chapter', h1)
    const added = addArticle(b, h1, { title: 'nieuw' })
    appendParagraph(b, added, 'Nieuwe tekst.')
    syncDocs(a, b)
    expectConverged(a, b)
    expect(readOutline(a).chapters.map((c) => c.title)).toEqual(['H2'])
    expect(readOutline(a).deleted).toEqual([{ kind: 'chapter', id: h1, title: 'H1' }])
    restoreItem(a, 'chapter', h1)
    syncDocs(a, b)
    expect(readOutline(b).chapters[0]!.articles.map((x) => x.title)).toEqual(['a1', 'a2', 'a3', 'nieuw'])
    expect(articleText(b, added)).toBe('Nieuwe tekst.')
  })

  it('an article moved into a chapter that another person deleted concurrently is not lost', () => {
    const { a, b, h1, h2, ids } = peers()
    moveArticle(a, ids.a1!, h2, 0)
    deleteItem(b, 'chapter', h2)
    syncDocs(a, b)
    expectConverged(a, b)
    // Hidden with its (deleted) chapter, and back when the chapter is restored.
    expect(allArticleIds(a)).toEqual([ids.a2, ids.a3])
    restoreItem(b, 'chapter', h2)
    syncDocs(a, b)
    expect(allArticleIds(a)).toEqual([ids.a2, ids.a3, ids.a1, ids.b1])
    expect(readOutline(a).chapters.map((c) => c.id)).toEqual([h1, h2])
  })

  it('concurrent inserts at the same place both appear, in the same order everywhere', () => {
    const { a, b, h1 } = peers()
    const c = new Y.Doc()
    syncDocs(a, c)
    const fromA = addArticle(a, h1, { title: 'van A' }, 1)
    const fromB = addArticle(b, h1, { title: 'van B' }, 1)
    const fromC = addArticle(c, h1, { title: 'van C' }, 1)
    syncDocs(a, b, c)
    expectConverged(a, b, c)
    const order = readOutline(a).chapters[0]!.articles.map((x) => x.id)
    expect(order).toHaveLength(6)
    expect(new Set(order.slice(1, 4))).toEqual(new Set([fromA, fromB, fromC]))
    expect(readOutline(a).chapters.flatMap((ch) => ch.articles.map((x) => x.number))).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('concurrent rename and move of the same article both take effect', () => {
    const { a, b, h2, ids } = peers()
    renameArticle(a, ids.a1!, 'Begripsbepalingen')
    moveArticle(b, ids.a1!, h2, 1)
    syncDocs(a, b)
    expectConverged(a, b)
    expect(readOutline(a).chapters[1]!.articles.map((x) => x.title)).toEqual(['b1', 'Begripsbepalingen'])
  })

  it('concurrent delete and move of the same article: deleted, and restorable where it was moved to', () => {
    const { a, b, h2, ids } = peers()
    deleteItem(a, 'article', ids.a3!)
    moveArticle(b, ids.a3!, h2, 0)
    syncDocs(a, b)
    expectConverged(a, b)
    expect(allArticleIds(a)).not.toContain(ids.a3)
    restoreItem(a, 'article', ids.a3!)
    syncDocs(a, b)
    expect(readOutline(b).chapters[1]!.articles.map((x) => x.id)).toEqual([ids.a3, ids.b1])
  })

  it('order of delivery does not matter: updates applied in reverse give the same statute', () => {
    const { a, h1, h2, ids } = peers()
    const updates: Uint8Array[] = []
    a.on('update', (u: Uint8Array) => updates.push(u))
    const base = new Y.Doc()
    Y.applyUpdate(base, Y.encodeStateAsUpdate(a))
    moveChapter(a, h2, 0)
    moveArticle(a, ids.a1!, h2, 1)
    appendParagraph(a, ids.a1!, 'tekst')
    deleteItem(a, 'article', ids.a2!)
    addArticle(a, h1, { title: 'laatste' })
    const reversed = new Y.Doc()
    Y.applyUpdate(reversed, Y.encodeStateAsUpdate(base))
    for (const update of [...updates].reverse()) Y.applyUpdate(reversed, update)
    expectConverged(a, reversed)
  })
})
