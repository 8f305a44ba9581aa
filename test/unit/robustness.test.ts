/**
 * A crafted client can put anything into the shared maps. Reading the statute (outline, snapshot)
 * must never throw, malformed entries must be skipped or given defaults, and the structure
 * operations must keep working on such a document.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import {
  addArticle,
  addChapter,
  articleFragment,
  deleteItem,
  isDeleted,
  moveArticle,
  moveChapter,
  readMeta,
  readOutline,
  restoreItem,
} from '../../model/statuteDoc.js'
import { toSnapshot } from '../../model/snapshot.js'
import { readRichText } from '../../model/richText.js'

/** Builds a document with every kind of nonsense a client could send, using Yjs directly. */
function craftedUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.transact(() => {
    const meta = doc.getMap<unknown>('statute')
    meta.set('title', new Y.Text('geen string'))
    meta.set('organisation', 12)
    meta.set('bodyType', 'republiek')

    const chapters = doc.getMap<unknown>('chapters')
    chapters.set('str', 'hallo')
    chapters.set('num', 42)
    chapters.set('nul', null)
    chapters.set('arr', Y.Array.from([1, 2, 3]))
    chapters.set('txt', new Y.Text('tekst'))
    chapters.set('frag', new Y.XmlFragment())
    const chapter = (fields: Record<string, unknown>): Y.Map<unknown> => {
      const map = new Y.Map<unknown>()
      for (const [k, v] of Object.entries(fields)) map.set(k, v)
      return map
    }
    chapters.set('c-ok', chapter({ title: 'Echt hoofdstuk', position: 'a0' }))
    chapters.set('c-numpos', chapter({ title: 7, position: 12345, deleted: 'ja' }))
    chapters.set('c-textpos', chapter({ title: 'Y.Text-positie', position: new Y.Text('a5') }))
    chapters.set('c-badkey', chapter({ title: 'Ongeldige sleutel', position: 'geen sleutel!' }))
    chapters.set('c-empty', chapter({ title: 'Lege sleutel', position: '' }))
    chapters.set('c-deleted-num', chapter({ title: 'Verwijderd?', position: 'a3', deleted: 1 }))

    const articles = doc.getMap<unknown>('articles')
    articles.set('x', 'tekst')
    articles.set('y', Y.Array.from(['a']))
    articles.set('z', new Y.XmlText('los'))
    const body = new Y.XmlFragment()
    articles.set('art-ok', chapter({ chapterId: 'c-ok', title: 'Goed artikel', position: 'a0', body }))
    const paragraph = new Y.XmlElement('paragraph')
    body.insert(0, [paragraph, new Y.XmlText('losse tekst'), new Y.XmlHook('haak') as unknown as Y.XmlElement])
    paragraph.insert(0, [new Y.XmlText('Inhoud blijft leesbaar.')])
    paragraph.setAttribute('vreemd', 'ja')
    const embed = new Y.XmlText()
    paragraph.insert(1, [embed])
    embed.insertEmbed(0, { plaatje: true })
    articles.set('art-weird', chapter({ chapterId: 5, title: { a: 1 }, position: [1, 2], body: new Y.Text('x'), toelichting: 'string' }))
    articles.set('art-maps', chapter({ chapterId: new Y.Map(), title: 'Kaarten', position: 'a1', body: new Y.Map(), toelichting: new Y.Array() }))
    articles.set('art-elementbody', chapter({ chapterId: 'c-ok', title: 'Element als body', position: 'a1', body: new Y.XmlElement('div') }))
    articles.set('art-badkey', chapter({ chapterId: 'c-ok', title: 'Slechte positie', position: 'geen sleutel!' }))
  })
  return Y.encodeStateAsUpdate(doc)
}

/** A client that receives the crafted state over the network. */
function receivingDoc(): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, craftedUpdate())
  return doc
}

describe('a crafted document', () => {
  // An earlier fallback key for malformed neighbour positions was derived from Date.now() and
  // was itself invalid when Date.now() % 36 === 0; run at exactly such a moment to keep it fixed.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(36 * 5e10))
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('readOutline does not throw and keeps only well-formed items, with defaults', () => {
    const doc = receivingDoc()
    const outline = readOutline(doc)
    const chapterIds = outline.chapters.map((c) => c.id)
    expect(new Set(chapterIds)).toEqual(new Set(['c-ok', 'c-numpos', 'c-textpos', 'c-badkey', 'c-empty', 'c-deleted-num']))
    expect(outline.chapters.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6])
    for (const c of outline.chapters) expect(typeof c.position).toBe('string')
    const numpos = outline.chapters.find((c) => c.id === 'c-numpos')!
    expect(numpos).toMatchObject({ title: '', position: 'a0' })
    expect(outline.chapters.find((c) => c.id === 'c-textpos')!.position).toBe('a0')
    // Only `deleted: true` deletes; "ja" and 1 do not.
    expect(outline.deleted.filter((d) => d.kind === 'chapter')).toEqual([])

    const okArticles = outline.chapters.find((c) => c.id === 'c-ok')!.articles.map((a) => a.id)
    expect(okArticles).toEqual(['art-ok', 'art-elementbody', 'art-badkey'])
    // Articles with a chapter id that is no chapter are listed as deleted (restorable), not dropped.
    expect(new Set(outline.deleted.map((d) => `${d.kind}:${d.id}`))).toEqual(new Set(['article:art-weird', 'article:art-maps']))
    expect(outline.deleted.find((d) => d.id === 'art-weird')!.title).toBe('')
    const numbers = outline.chapters.flatMap((c) => c.articles.map((a) => a.number))
    expect(numbers).toEqual(numbers.map((_, i) => i + 1))
  })

  it('readMeta and toSnapshot do not throw and give readable defaults', () => {
    const doc = receivingDoc()
    expect(readMeta(doc)).toEqual({ title: '', organisation: '', bodyType: 'gemeente' })
    const snapshot = toSnapshot(doc)
    const ok = snapshot.chapters.flatMap((c) => c.articles).find((a) => a.id === 'art-ok')!
    expect(ok.body.text).toContain('Inhoud blijft leesbaar.')
    expect(ok.body.text).toContain('losse tekst')
    expect(ok.body.json.content?.[0]).toMatchObject({ type: 'paragraph', attrs: { vreemd: 'ja' } })
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
    const elementBody = snapshot.chapters.flatMap((c) => c.articles).find((a) => a.id === 'art-elementbody')!
    expect(elementBody.body).toEqual({ text: '', json: { type: 'doc', content: [] } })
  })

  it('articleFragment only returns real fragments', () => {
    const doc = receivingDoc()
    expect(articleFragment(doc, 'art-ok', 'body')).toBeInstanceOf(Y.XmlFragment)
    expect(articleFragment(doc, 'art-weird', 'body')).toBeUndefined()
    expect(articleFragment(doc, 'art-weird', 'toelichting')).toBeUndefined()
    expect(articleFragment(doc, 'art-maps', 'body')).toBeUndefined()
    expect(articleFragment(doc, 'x', 'body')).toBeUndefined()
    expect(articleFragment(doc, 'y', 'body')).toBeUndefined()
    expect(readRichText(articleFragment(doc, 'art-weird', 'body'))).toEqual({ type: 'doc', content: [] })
  })

  it('structure operations keep working next to malformed items', () => {
    const doc = receivingDoc()
    const added = addChapter(doc, { title: 'Nieuw hoofdstuk' })
    const inserted = addChapter(doc, { title: 'Ingevoegd' }, 1)
    const article = addArticle(doc, added, { title: 'Nieuw artikel' })
    const second = addArticle(doc, 'c-ok', { title: 'Tussenin' }, 1)
    moveChapter(doc, 'c-badkey', 0)
    moveArticle(doc, 'art-badkey', added, 0)
    moveArticle(doc, 'art-ok', 'c-badkey', 0)
    deleteItem(doc, 'chapter', 'c-numpos')
    restoreItem(doc, 'article', 'art-weird')
    // Operations on keys that hold no item are no-ops rather than errors.
    moveChapter(doc, 'str', 0)
    deleteItem(doc, 'article', 'x')
    restoreItem(doc, 'chapter', 'arr')
    expect(isDeleted(doc, 'chapter', 'str')).toBe(false)

    const outline = readOutline(doc)
    const where = (articleId: string): string | undefined => outline.chapters.find((c) => c.articles.some((a) => a.id === articleId))?.id
    expect(outline.chapters.map((c) => c.id)).toEqual(expect.arrayContaining([added, inserted, 'c-ok', 'c-badkey']))
    expect(outline.chapters.map((c) => c.id)).not.toContain('c-numpos')
    // Next to malformed neighbours a move cannot always land exactly at the index asked for, but it
    // does give the moved chapter a fresh, well-formed key.
    expect(outline.chapters.find((c) => c.id === 'c-badkey')!.position).toMatch(/^[a-zA-Z][0-9a-zA-Z]*$/)
    expect(where(article)).toBe(added)
    expect(where(second)).toBe('c-ok')
    expect(where('art-badkey')).toBe(added)
    expect(where('art-ok')).toBe('c-badkey')
    // Restored into the last live chapter, so it is readable again.
    expect(where('art-weird')).toBe(outline.chapters.at(-1)!.id)
    const ids = outline.chapters.flatMap((c) => c.articles.map((a) => a.id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(() => toSnapshot(doc)).not.toThrow()
  })

  it('malformed items arriving later, while the outline is observed, do not break reading', () => {
    const doc = new Y.Doc()
    const chapter = addChapter(doc, { title: 'H1' })
    addArticle(doc, chapter, { title: 'A1' })
    const seen: number[] = []
    const reader = (): void => {
      seen.push(readOutline(doc).chapters.length)
    }
    doc.on('update', reader)
    Y.applyUpdate(doc, craftedUpdate())
    expect(seen.length).toBeGreaterThan(0)
    expect(readOutline(doc).chapters.map((c) => c.title)).toContain('H1')
    expect(toSnapshot(doc).chapters.find((c) => c.title === 'H1')!.articles.map((a) => a.title)).toEqual(['A1'])
  })
})
