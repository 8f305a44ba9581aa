/**
 * Structure operations of the statute model on a single Y.Doc: inserting at an index, renaming,
 * moving, soft deletion and restoring, and the derived (continuous) numbering.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addArticle,
  addChapter,
  articleFragment,
  deleteItem,
  isDeleted,
  moveArticle,
  moveChapter,
  readOutline,
  renameArticle,
  renameChapter,
  restoreItem,
} from '../../model/statuteDoc.js'
import { toSnapshot } from '../../model/snapshot.js'
import { appendParagraph, articleText } from '../helpers/ydocs.js'

/** The outline as `chapterTitle: [number:articleTitle, …]`, the way a reader sees it. */
function view(doc: Y.Doc): Record<string, string[]> {
  return Object.fromEntries(
    readOutline(doc).chapters.map((c) => [`${c.number} ${c.title}`, c.articles.map((a) => `${a.number} ${a.title}`)]),
  )
}

/** Two chapters: H1 with articles a1..a3, H2 with b1..b2. */
function sample(): { doc: Y.Doc; h1: string; h2: string; ids: Record<string, string> } {
  const doc = new Y.Doc()
  const h1 = addChapter(doc, { title: 'H1' })
  const h2 = addChapter(doc, { title: 'H2' })
  const ids: Record<string, string> = {}
  for (const t of ['a1', 'a2', 'a3']) ids[t] = addArticle(doc, h1, { title: t })
  for (const t of ['b1', 'b2']) ids[t] = addArticle(doc, h2, { title: t })
  return { doc, h1, h2, ids }
}

describe('adding chapters and articles', () => {
  it('appends by default and inserts at a given index', () => {
    const doc = new Y.Doc()
    const first = addChapter(doc, { title: 'Eerste' })
    const last = addChapter(doc, { title: 'Laatste' })
    const middle = addChapter(doc, { title: 'Midden' }, 1)
    const front = addChapter(doc, { title: 'Voorop' }, 0)
    expect(readOutline(doc).chapters.map((c) => c.id)).toEqual([front, first, middle, last])
    expect(readOutline(doc).chapters.map((c) => c.number)).toEqual([1, 2, 3, 4])

    const x = addArticle(doc, middle, { title: 'x' })
    const z = addArticle(doc, middle, { title: 'z' })
    const y = addArticle(doc, middle, { title: 'y' }, 1)
    const w = addArticle(doc, middle, { title: 'w' }, 0)
    expect(readOutline(doc).chapters[2]!.articles.map((a) => a.id)).toEqual([w, x, y, z])
  })

  it('clamps an out-of-range index to the ends', () => {
    const doc = new Y.Doc()
    const a = addChapter(doc, { title: 'A' })
    const b = addChapter(doc, { title: 'B' }, 99)
    const c = addChapter(doc, { title: 'C' }, -5)
    expect(readOutline(doc).chapters.map((ch) => ch.id)).toEqual([c, a, b])
  })

  it('uses a given id and creates empty body and toelichting fragments', () => {
    const doc = new Y.Doc()
    const chapter = addChapter(doc, { id: 'hoofdstuk-1', title: 'Algemeen' })
    const article = addArticle(doc, chapter, { id: 'artikel-1', title: 'Begrippen' })
    expect(chapter).toBe('hoofdstuk-1')
    expect(article).toBe('artikel-1')
    expect(articleFragment(doc, article, 'body')).toBeInstanceOf(Y.XmlFragment)
    expect(articleFragment(doc, article, 'toelichting')).toBeInstanceOf(Y.XmlFragment)
    expect(articleFragment(doc, article, 'body')!.length).toBe(0)
    expect(articleFragment(doc, 'bestaat-niet', 'body')).toBeUndefined()
  })

  it('writes initial body and toelichting text', () => {
    const doc = new Y.Doc()
    const chapter = addChapter(doc, { title: 'Algemeen' })
    const article = addArticle(doc, chapter, {
      title: 'Doel',
      body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'De raad stelt vast.' }] }] },
      toelichting: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Uitleg.' }] }] },
    })
    expect(articleText(doc, article, 'body')).toBe('De raad stelt vast.')
    expect(articleText(doc, article, 'toelichting')).toBe('Uitleg.')
  })
})

describe('renaming', () => {
  it('renames chapters and articles; unknown ids are ignored', () => {
    const { doc, h1, ids } = sample()
    renameChapter(doc, h1, 'Algemene bepalingen')
    renameArticle(doc, ids.a2!, 'Begripsbepalingen')
    renameChapter(doc, 'onbekend', 'x')
    renameArticle(doc, 'onbekend', 'x')
    expect(view(doc)).toEqual({
      '1 Algemene bepalingen': ['1 a1', '2 Begripsbepalingen', '3 a3'],
      '2 H2': ['4 b1', '5 b2'],
    })
  })
})

describe('moving', () => {
  it('moves a chapter; article numbers follow the new chapter order', () => {
    const { doc, h2 } = sample()
    moveChapter(doc, h2, 0)
    expect(view(doc)).toEqual({ '1 H2': ['1 b1', '2 b2'], '2 H1': ['3 a1', '4 a2', '5 a3'] })
    moveChapter(doc, h2, 5) // past the end: last
    expect(view(doc)).toEqual({ '1 H1': ['1 a1', '2 a2', '3 a3'], '2 H2': ['4 b1', '5 b2'] })
  })

  it('moves a chapter to the middle', () => {
    const doc = new Y.Doc()
    const ids = ['A', 'B', 'C', 'D'].map((title) => addChapter(doc, { title }))
    moveChapter(doc, ids[3]!, 1)
    expect(readOutline(doc).chapters.map((c) => c.title)).toEqual(['A', 'D', 'B', 'C'])
    moveChapter(doc, ids[0]!, 2)
    expect(readOutline(doc).chapters.map((c) => c.title)).toEqual(['D', 'B', 'A', 'C'])
  })

  it('moves an article within its chapter', () => {
    const { doc, h1, ids } = sample()
    moveArticle(doc, ids.a3!, h1, 0)
    expect(view(doc)['1 H1']).toEqual(['1 a3', '2 a1', '3 a2'])
    moveArticle(doc, ids.a3!, h1, 2)
    expect(view(doc)['1 H1']).toEqual(['1 a1', '2 a2', '3 a3'])
    moveArticle(doc, ids.a1!, h1, 1)
    expect(view(doc)['1 H1']).toEqual(['1 a2', '2 a1', '3 a3'])
  })

  it('moves an article to another chapter; numbers are continuous across chapters', () => {
    const { doc, h1, h2, ids } = sample()
    moveArticle(doc, ids.a1!, h2, 1)
    expect(view(doc)).toEqual({ '1 H1': ['1 a2', '2 a3'], '2 H2': ['3 b1', '4 a1', '5 b2'] })
    const moved = readOutline(doc).chapters[1]!.articles[1]!
    expect(moved).toMatchObject({ id: ids.a1, chapterId: h2, number: 4 })
    moveArticle(doc, ids.b2!, h1, 0)
    expect(view(doc)).toEqual({ '1 H1': ['1 b2', '2 a2', '3 a3'], '2 H2': ['4 b1', '5 a1'] })
  })

  it('keeps the body of a moved article (nothing is copied)', () => {
    const { doc, h2, ids } = sample()
    appendParagraph(doc, ids.a2!, 'Tekst die meeverhuist.')
    const before = articleFragment(doc, ids.a2!, 'body')
    moveArticle(doc, ids.a2!, h2, 0)
    expect(articleFragment(doc, ids.a2!, 'body')).toBe(before)
    expect(articleText(doc, ids.a2!)).toBe('Tekst die meeverhuist.')
  })

  it('ignores moves of unknown articles and moves into unknown or deleted chapters', () => {
    const { doc, h1, h2, ids } = sample()
    const before = view(doc)
    moveArticle(doc, 'onbekend', h1, 0)
    moveArticle(doc, ids.a1!, 'onbekend', 0)
    moveChapter(doc, 'onbekend', 0)
    deleteItem(doc, 'chapter', h2)
    moveArticle(doc, ids.a1!, h2, 0)
    expect(view(doc)).toEqual({ '1 H1': before['1 H1'] })
    restoreItem(doc, 'chapter', h2)
    expect(view(doc)).toEqual(before)
  })
})

describe('deleting and restoring', () => {
  it('deletes an article softly: it leaves the outline, is listed as deleted, keeps its text and comes back', () => {
    const { doc, ids } = sample()
    appendParagraph(doc, ids.a2!, 'Bewaarde tekst.')
    deleteItem(doc, 'article', ids.a2!)
    expect(isDeleted(doc, 'article', ids.a2!)).toBe(true)
    expect(view(doc)).toEqual({ '1 H1': ['1 a1', '2 a3'], '2 H2': ['3 b1', '4 b2'] })
    expect(readOutline(doc).deleted).toEqual([{ kind: 'article', id: ids.a2, title: 'a2' }])
    expect(articleText(doc, ids.a2!)).toBe('Bewaarde tekst.')
    expect(JSON.stringify(toSnapshot(doc))).not.toContain('Bewaarde tekst.')

    restoreItem(doc, 'article', ids.a2!)
    expect(isDeleted(doc, 'article', ids.a2!)).toBe(false)
    expect(view(doc)).toEqual({ '1 H1': ['1 a1', '2 a2', '3 a3'], '2 H2': ['4 b1', '5 b2'] })
    expect(readOutline(doc).deleted).toEqual([])
    expect(toSnapshot(doc).chapters[0]!.articles[1]!.body.text).toBe('Bewaarde tekst.')
  })

  it('deleting a chapter hides its articles (not listed separately); restoring brings them back', () => {
    const { doc, h1, ids } = sample()
    deleteItem(doc, 'chapter', h1)
    expect(view(doc)).toEqual({ '1 H2': ['1 b1', '2 b2'] })
    expect(readOutline(doc).deleted).toEqual([{ kind: 'chapter', id: h1, title: 'H1' }])
    expect(isDeleted(doc, 'article', ids.a1!)).toBe(false)
    restoreItem(doc, 'chapter', h1)
    expect(view(doc)).toEqual({ '1 H1': ['1 a1', '2 a2', '3 a3'], '2 H2': ['4 b1', '5 b2'] })
    expect(readOutline(doc).deleted).toEqual([])
  })

  it('an article deleted inside a deleted chapter stays deleted when the chapter comes back', () => {
    const { doc, h1, ids } = sample()
    deleteItem(doc, 'article', ids.a1!)
    deleteItem(doc, 'chapter', h1)
    expect(readOutline(doc).deleted).toEqual([
      { kind: 'chapter', id: h1, title: 'H1' },
      { kind: 'article', id: ids.a1, title: 'a1' },
    ])
    restoreItem(doc, 'chapter', h1)
    expect(view(doc)).toEqual({ '1 H1': ['1 a2', '2 a3'], '2 H2': ['3 b1', '4 b2'] })
    expect(readOutline(doc).deleted).toEqual([{ kind: 'article', id: ids.a1, title: 'a1' }])
  })

  it('restoring a deleted article whose chapter is deleted puts it at the end of the last chapter', () => {
    const { doc, h1, h2, ids } = sample()
    appendParagraph(doc, ids.a2!, 'Nog steeds hier.')
    deleteItem(doc, 'article', ids.a2!)
    deleteItem(doc, 'chapter', h1)
    restoreItem(doc, 'article', ids.a2!)
    expect(view(doc)).toEqual({ '1 H2': ['1 b1', '2 b2', '3 a2'] })
    expect(readOutline(doc).chapters[0]!.articles[2]).toMatchObject({ id: ids.a2, chapterId: h2 })
    expect(articleText(doc, ids.a2!)).toBe('Nog steeds hier.')
    // The chapter comes back without it: the article now lives in H2.
    restoreItem(doc, 'chapter', h1)
    expect(view(doc)).toEqual({ '1 H1': ['1 a1', '2 a3'], '2 H2': ['3 b1', '4 b2', '5 a2'] })
  })

  it('restoring an article that is hidden only because its chapter is deleted moves it to the last chapter', () => {
    const { doc, h1, ids } = sample()
    deleteItem(doc, 'chapter', h1)
    restoreItem(doc, 'article', ids.a3!)
    expect(view(doc)).toEqual({ '1 H2': ['1 b1', '2 b2', '3 a3'] })
    restoreItem(doc, 'chapter', h1)
    expect(view(doc)).toEqual({ '1 H1': ['1 a1', '2 a2'], '2 H2': ['3 b1', '4 b2', '5 a3'] })
  })

  it('restoring an article whose chapter is deleted, with no chapter left, keeps it with that chapter', () => {
    const doc = new Y.Doc()
    const only = addChapter(doc, { title: 'Enige' })
    const article = addArticle(doc, only, { title: 'Art' })
    deleteItem(doc, 'article', article)
    deleteItem(doc, 'chapter', only)
    restoreItem(doc, 'article', article)
    expect(isDeleted(doc, 'article', article)).toBe(false)
    expect(readOutline(doc).chapters).toEqual([])
    restoreItem(doc, 'chapter', only)
    expect(view(doc)).toEqual({ '1 Enige': ['1 Art'] })
  })

  it('an article whose chapter never existed is listed as deleted and can be restored into the last chapter', () => {
    const doc = new Y.Doc()
    const chapter = addChapter(doc, { title: 'Enige' })
    const orphan = addArticle(doc, 'weg', { title: 'Wees' })
    expect(view(doc)).toEqual({ '1 Enige': [] })
    expect(readOutline(doc).deleted).toEqual([{ kind: 'article', id: orphan, title: 'Wees' }])
    restoreItem(doc, 'article', orphan)
    expect(readOutline(doc).chapters[0]!.articles).toEqual([expect.objectContaining({ id: orphan, chapterId: chapter, number: 1 })])
  })

  it('deleting and restoring unknown ids does nothing', () => {
    const { doc } = sample()
    const before = JSON.stringify(readOutline(doc))
    deleteItem(doc, 'article', 'onbekend')
    restoreItem(doc, 'chapter', 'onbekend')
    expect(JSON.stringify(readOutline(doc))).toBe(before)
  })
})

describe('continuous numbering', () => {
  it('renumbers articles over all chapters after adds, moves, deletes and restores', () => {
    const { doc, h1, h2, ids } = sample()
    const numbers = (): Array<[string, number]> =>
      readOutline(doc).chapters.flatMap((c) => c.articles.map((a): [string, number] => [a.title, a.number]))

    expect(numbers()).toEqual([['a1', 1], ['a2', 2], ['a3', 3], ['b1', 4], ['b2', 5]])
    addArticle(doc, h1, { title: 'nieuw' }, 0)
    expect(numbers()).toEqual([['nieuw', 1], ['a1', 2], ['a2', 3], ['a3', 4], ['b1', 5], ['b2', 6]])
    deleteItem(doc, 'article', ids.a1!)
    expect(numbers()).toEqual([['nieuw', 1], ['a2', 2], ['a3', 3], ['b1', 4], ['b2', 5]])
    moveArticle(doc, ids.b2!, h1, 1)
    expect(numbers()).toEqual([['nieuw', 1], ['b2', 2], ['a2', 3], ['a3', 4], ['b1', 5]])
    moveChapter(doc, h2, 0)
    expect(numbers()).toEqual([['b1', 1], ['nieuw', 2], ['b2', 3], ['a2', 4], ['a3', 5]])
    deleteItem(doc, 'chapter', h2)
    expect(numbers()).toEqual([['nieuw', 1], ['b2', 2], ['a2', 3], ['a3', 4]])
    restoreItem(doc, 'chapter', h2)
    restoreItem(doc, 'article', ids.a1!)
    // a1 comes back at its old position key, which b2's move (computed among live articles only)
    // happened to reuse; equal keys are ordered by id, so only the numbers are certain here.
    const after = numbers()
    expect(after.map(([, n]) => n)).toEqual([1, 2, 3, 4, 5, 6])
    expect(after.map(([t]) => t)).toEqual(expect.arrayContaining(['b1', 'nieuw', 'b2', 'a1', 'a2', 'a3']))
    expect(after.slice(0, 2)).toEqual([['b1', 1], ['nieuw', 2]])
    expect(new Set(after.slice(2, 4).map(([t]) => t))).toEqual(new Set(['a1', 'b2']))
    expect(after.slice(4)).toEqual([['a2', 5], ['a3', 6]])
    expect(readOutline(doc).chapters.map((c) => c.number)).toEqual([1, 2])
  })

  it('numbers chapters 1..n over the live chapters only', () => {
    const doc = new Y.Doc()
    const ids = ['A', 'B', 'C'].map((title) => addChapter(doc, { title }))
    deleteItem(doc, 'chapter', ids[0]!)
    expect(readOutline(doc).chapters.map((c) => [c.title, c.number])).toEqual([['B', 1], ['C', 2]])
  })
})
