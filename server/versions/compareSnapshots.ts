/**
 * Comparing two versions of a statute per article: added, removed, moved (another place in the
 * reading order or another chapter), changed (with word-level differences of title and text).
 * Articles are matched by their stable id, so renumbering alone is never a change.
 */
import { diffWords } from 'diff'
import type { StatuteSnapshot } from '../../model/snapshot.js'

export type ArticleChange = 'added' | 'removed' | 'moved' | 'changed' | 'moved-and-changed' | 'unchanged'

export interface DiffPart {
  readonly value: string
  readonly added?: boolean
  readonly removed?: boolean
}

export interface ArticleComparison {
  readonly id: string
  readonly change: ArticleChange
  readonly from?: { number: number; label: string; chapter: string; title: string }
  readonly to?: { number: number; label: string; chapter: string; title: string }
  /** Word-level differences of "title\ntext", for changed articles. */
  readonly diff?: readonly DiffPart[]
}

interface Flat {
  readonly id: string
  readonly number: number
  readonly label: string
  readonly chapter: string
  readonly chapterId: string
  readonly title: string
  readonly text: string
}

function flatten(snapshot: StatuteSnapshot): Flat[] {
  return snapshot.chapters.flatMap((chapter) =>
    chapter.articles.map((a) => ({ id: a.id, number: a.number, label: a.label, chapter: chapter.title, chapterId: chapter.id, title: a.title, text: a.body.text })),
  )
}

/**
 * The shared articles that kept their relative order: a longest subsequence of `after` in the same
 * order as in `before`. Only the others moved, so moving one article does not make the articles it
 * passed "moved" too.
 */
function keptInOrder(before: readonly string[], after: readonly string[]): Set<string> {
  const rank = new Map(before.map((id, i) => [id, i]))
  const ranks = after.map((id) => rank.get(id) ?? -1)
  const tails: number[] = []
  const previous: number[] = []
  ranks.forEach((r, i) => {
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (ranks[tails[mid]!]! < r) lo = mid + 1
      else hi = mid
    }
    previous[i] = lo > 0 ? tails[lo - 1]! : -1
    tails[lo] = i
  })
  const kept = new Set<string>()
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i]!) kept.add(after[i]!)
  return kept
}

export function compareSnapshots(from: StatuteSnapshot, to: StatuteSnapshot): ArticleComparison[] {
  const before = flatten(from)
  const after = flatten(to)
  const common = new Set(before.filter((a) => after.some((b) => b.id === a.id)).map((a) => a.id))
  const inPlace = keptInOrder(
    before.filter((a) => common.has(a.id)).map((a) => a.id),
    after.filter((a) => common.has(a.id)).map((a) => a.id),
  )
  const describe = (a: Flat) => ({ number: a.number, label: a.label, chapter: a.chapter, title: a.title })
  const result: ArticleComparison[] = []
  for (const a of after) {
    const old = before.find((b) => b.id === a.id)
    if (!old) {
      result.push({ id: a.id, change: 'added', to: describe(a) })
      continue
    }
    const moved = !inPlace.has(a.id) || old.chapterId !== a.chapterId
    const changed = old.title !== a.title || old.text !== a.text
    const change: ArticleChange = moved && changed ? 'moved-and-changed' : moved ? 'moved' : changed ? 'changed' : 'unchanged'
    result.push({
      id: a.id,
      change,
      from: describe(old),
      to: describe(a),
      ...(changed ? { diff: diffWords(`${old.title}\n${old.text}`, `${a.title}\n${a.text}`).map((p) => ({ value: p.value, ...(p.added ? { added: true } : {}), ...(p.removed ? { removed: true } : {}) })) } : {}),
    })
  }
  for (const b of before) if (!after.some((a) => a.id === b.id)) result.push({ id: b.id, change: 'removed', from: describe(b) })
  return result
}
