/**
 * Version comparison on plain snapshots: which articles were added, removed, moved or changed.
 * Moving one article must not make the articles it passed "moved" as well.
 */
import { describe, expect, it } from 'vitest'
import type { StatuteSnapshot } from '../../model/snapshot.js'
import { richTextFromParagraphs } from '../../model/richText.js'
import { compareSnapshots } from '../../server/versions/compareSnapshots.js'

type Layout = Record<string, Array<[id: string, title: string, text: string]>>

function snapshot(layout: Layout): StatuteSnapshot {
  let number = 0
  return {
    title: 'Statuut',
    organisation: 'Gemeente',
    bodyType: 'gemeente',
    chapters: Object.entries(layout).map(([chapterId, articles], index) => ({
      id: chapterId,
      number: index + 1,
      label: `Hoofdstuk ${index + 1}`,
      title: `Hoofdstuk ${chapterId}`,
      articles: articles.map(([id, title, text]) => {
        number += 1
        return { id, number, label: `Artikel ${number}`, title, body: { text, json: richTextFromParagraphs([text]) }, toelichting: { text: '', json: richTextFromParagraphs([]) } }
      }),
    })),
  }
}

const changes = (from: StatuteSnapshot, to: StatuteSnapshot) => Object.fromEntries(compareSnapshots(from, to).map((c) => [c.id, c.change]))

const a = ['a', 'Doel', 'Tekst a.'] as [string, string, string]
const b = ['b', 'Verslag', 'Tekst b.'] as [string, string, string]
const c = ['c', 'Overleg', 'Tekst c.'] as [string, string, string]
const d = ['d', 'Informatie', 'Tekst d.'] as [string, string, string]
const e = ['e', 'Citeertitel', 'Tekst e.'] as [string, string, string]

describe('compareSnapshots', () => {
  const v1 = snapshot({ h1: [a, b, c], h2: [d, e] })

  it('a version compared with itself is unchanged throughout', () => {
    expect(changes(v1, v1)).toEqual({ a: 'unchanged', b: 'unchanged', c: 'unchanged', d: 'unchanged', e: 'unchanged' })
  })

  it('moving the first article to the end marks only that article as moved', () => {
    expect(changes(v1, snapshot({ h1: [b, c], h2: [d, e, a] }))).toEqual({ a: 'moved', b: 'unchanged', c: 'unchanged', d: 'unchanged', e: 'unchanged' })
    // Within one chapter as well.
    expect(changes(v1, snapshot({ h1: [b, c, a], h2: [d, e] }))).toEqual({ a: 'moved', b: 'unchanged', c: 'unchanged', d: 'unchanged', e: 'unchanged' })
  })

  it('moving an article to another chapter without passing anyone is still a move', () => {
    expect(changes(v1, snapshot({ h1: [a, b], h2: [c, d, e] }))).toEqual({ a: 'unchanged', b: 'unchanged', c: 'moved', d: 'unchanged', e: 'unchanged' })
  })

  it('swapping two neighbours marks exactly one of them as moved', () => {
    const result = changes(v1, snapshot({ h1: [b, a, c], h2: [d, e] }))
    expect(Object.values(result).filter((x) => x === 'moved')).toHaveLength(1)
    expect(['a', 'b'].filter((id) => result[id] === 'moved')).toHaveLength(1)
    expect([result.c, result.d, result.e]).toEqual(['unchanged', 'unchanged', 'unchanged'])
  })

  it('added, removed and changed articles do not make others move; a moved and changed article is both', () => {
    const f = ['f', 'Inwerkingtreding', 'Tekst f.'] as [string, string, string]
    const result = changes(v1, snapshot({ h1: [f, b], h2: [d, [a[0], a[1], 'Tekst a, gewijzigd.'], e] }))
    expect(result).toEqual({ f: 'added', b: 'unchanged', d: 'unchanged', a: 'moved-and-changed', e: 'unchanged', c: 'removed' })
  })

  it('renumbering alone is not a change', () => {
    const result = compareSnapshots(v1, snapshot({ h1: [b, c], h2: [d, e] }))
    expect(result.find((x) => x.id === 'b')).toMatchObject({ change: 'unchanged', from: { number: 2 }, to: { number: 1 } })
    expect(result.find((x) => x.id === 'a')).toMatchObject({ change: 'removed' })
  })
})
