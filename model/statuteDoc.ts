/**
 * The statute's Yjs schema. This is the only module that calls getMap/getXmlFragment on a statute
 * document; everything else uses the functions below and the plain outline they return.
 *
 * Shape (schema version 1):
 *   statute   Y.Map   title, organisation, bodyType, schemaVersion
 *   chapters  Y.Map   chapterId → Y.Map { title, position, deleted? }
 *   articles  Y.Map   articleId → Y.Map { chapterId, title, position, body, toelichting, deleted? }
 *
 * Why maps with positions instead of nested Y.Arrays: moving an item in a Y.Array is a delete plus
 * an insert. Two people moving the same article would then create two copies, and text typed into
 * an article while someone else moves it would go into the deleted copy and be lost. Here a move
 * only sets `position` (a fractional index) and `chapterId`, last writer wins per key, and the body
 * is never copied. Deletion only sets `deleted`, so an article deleted while someone types in it
 * keeps that text and can be restored. Order and numbers are derived, never stored.
 */
import * as Y from 'yjs'
import { generateKeyBetween } from 'fractional-indexing'
import { newId } from './ids.js'
import { writeRichText, type RichTextDoc } from './richText.js'
import type { ClauseSource } from './templates.js'

export const SCHEMA_VERSION = 1

/** The origin of local structural transactions; the structure undo manager tracks only these. */
export const STRUCTURE_ORIGIN = Symbol('samenspel-structure')

export const BODY_TYPES = ['gemeente', 'provincie', 'waterschap'] as const
export type BodyType = (typeof BODY_TYPES)[number]

export interface StatuteMeta {
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
}

/** Who adopts the statute: the representative body alone, or jointly with the executive. */
export type AanhefForm = 'vertegenwoordiging' | 'gezamenlijk'

/** The opening and closing of the regulation as exported (editable per statute). */
export interface StatuteFormalities {
  readonly aanhefForm: AanhefForm
  /** The aanhef with considerans, one line per line; empty means the default for the body type. */
  readonly aanhef: string
}

type ItemMap = Y.Map<unknown>

const ROOT = { meta: 'statute', chapters: 'chapters', articles: 'articles' } as const

function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.meta)
}
function chaptersMap(doc: Y.Doc): Y.Map<ItemMap> {
  return doc.getMap<ItemMap>(ROOT.chapters)
}
function articlesMap(doc: Y.Doc): Y.Map<ItemMap> {
  return doc.getMap<ItemMap>(ROOT.articles)
}

/** The shared types a structure undo manager must watch. */
export function structureScope(doc: Y.Doc): Array<Y.AbstractType<unknown>> {
  return [metaMap(doc), chaptersMap(doc), articlesMap(doc)] as Array<Y.AbstractType<unknown>>
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback
}

export function readMeta(doc: Y.Doc): StatuteMeta {
  const meta = metaMap(doc)
  const bodyType = meta.get('bodyType')
  return {
    title: text(meta.get('title')),
    organisation: text(meta.get('organisation')),
    bodyType: BODY_TYPES.includes(bodyType as BodyType) ? (bodyType as BodyType) : 'gemeente',
  }
}

export function readFormalities(doc: Y.Doc): StatuteFormalities {
  const meta = metaMap(doc)
  return { aanhefForm: meta.get('aanhefForm') === 'gezamenlijk' ? 'gezamenlijk' : 'vertegenwoordiging', aanhef: text(meta.get('aanhef')) }
}

export function setMetaField(doc: Y.Doc, field: 'title' | 'organisation' | 'aanhef' | 'aanhefForm', value: string): void {
  doc.transact(() => metaMap(doc).set(field, value), STRUCTURE_ORIGIN)
}

/** One article in reading order, as plain data. */
export interface OutlineArticle {
  readonly id: string
  readonly chapterId: string
  /** Continuous article number over the whole statute (Artikel 1, 2, …). */
  readonly number: number
  readonly title: string
  readonly position: string
}

export interface OutlineChapter {
  readonly id: string
  /** Chapter number (Hoofdstuk 1, 2, …). */
  readonly number: number
  readonly title: string
  readonly position: string
  readonly articles: readonly OutlineArticle[]
}

export interface DeletedItem {
  readonly kind: 'chapter' | 'article'
  readonly id: string
  readonly title: string
}

export interface Outline {
  readonly chapters: readonly OutlineChapter[]
  /** Deleted chapters and articles, restorable. */
  readonly deleted: readonly DeletedItem[]
}

interface RawItem {
  readonly id: string
  readonly title: string
  readonly position: string
  readonly deleted: boolean
  readonly chapterId: string
}

function rawItems(map: Y.Map<ItemMap>): RawItem[] {
  const items: RawItem[] = []
  map.forEach((item, id) => {
    // A crafted client can put anything under a key; only well-formed items count.
    if (!(item instanceof Y.Map)) return
    items.push({
      id,
      title: text(item.get('title')),
      position: text(item.get('position'), 'a0'),
      deleted: item.get('deleted') === true,
      chapterId: text(item.get('chapterId')),
    })
  })
  return items.sort(byPosition)
}

function byPosition(a: { position: string; id: string }, b: { position: string; id: string }): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The statute's structure in reading order, with derived numbers. */
export function readOutline(doc: Y.Doc): Outline {
  const chapters = rawItems(chaptersMap(doc))
  const articles = rawItems(articlesMap(doc))
  const live = chapters.filter((c) => !c.deleted)
  let articleNumber = 0
  const outline: OutlineChapter[] = live.map((chapter, index) => ({
    id: chapter.id,
    number: index + 1,
    title: chapter.title,
    position: chapter.position,
    articles: articles
      .filter((a) => !a.deleted && a.chapterId === chapter.id)
      .map((a) => ({ id: a.id, chapterId: a.chapterId, number: ++articleNumber, title: a.title, position: a.position })),
  }))
  const chapterIds = new Set(chapters.map((c) => c.id))
  const deleted: DeletedItem[] = [
    ...chapters.filter((c) => c.deleted).map((c) => ({ kind: 'chapter' as const, id: c.id, title: c.title })),
    // Articles of a deleted chapter come back with their chapter, so only articles deleted
    // themselves (or whose chapter never existed) are listed.
    ...articles
      .filter((a) => a.deleted || !chapterIds.has(a.chapterId))
      .map((a) => ({ kind: 'article' as const, id: a.id, title: a.title })),
  ]
  return { chapters: outline, deleted }
}

function isValidKey(key: string): boolean {
  try {
    generateKeyBetween(key, null)
    return true
  } catch {
    return false
  }
}

/**
 * A position for the slot at `index` among `siblings` (without `movingId`). Malformed keys written
 * by a crafted client are skipped; equal keys (two people inserted at the same spot) are stepped
 * over, so the new item lands just after them.
 */
function positionAt(siblings: ReadonlyArray<{ id: string; position: string }>, index: number, movingId?: string): string {
  const others = siblings.filter((s) => s.id !== movingId && isValidKey(s.position))
  const clamped = Math.max(0, Math.min(index, others.length))
  const before = others[clamped - 1]?.position
  let next = clamped
  while (before !== undefined && next < others.length && others[next]!.position <= before) next++
  return generateKeyBetween(before ?? null, others[next]?.position ?? null)
}

export interface NewChapter {
  readonly id?: string
  readonly title: string
}

/** Inserts a chapter at `index` among the live chapters (default: at the end). Returns its id. */
export function addChapter(doc: Y.Doc, chapter: NewChapter, index?: number): string {
  const id = chapter.id ?? newId()
  doc.transact(() => {
    const siblings = readOutline(doc).chapters
    const item = new Y.Map<unknown>()
    chaptersMap(doc).set(id, item)
    item.set('title', chapter.title)
    item.set('position', positionAt(siblings, index ?? siblings.length))
  }, STRUCTURE_ORIGIN)
  return id
}

export interface NewArticle {
  readonly id?: string
  readonly title: string
  /** The model clause it was made from, if any. */
  readonly source?: ClauseSource
  readonly body?: RichTextDoc
  readonly toelichting?: RichTextDoc
}

/** Inserts an article into a chapter at `index` (default: at the end). Returns its id. */
export function addArticle(doc: Y.Doc, chapterId: string, article: NewArticle, index?: number): string {
  const id = article.id ?? newId()
  doc.transact(() => {
    const siblings = readOutline(doc).chapters.find((c) => c.id === chapterId)?.articles ?? []
    const item = new Y.Map<unknown>()
    articlesMap(doc).set(id, item)
    item.set('chapterId', chapterId)
    item.set('title', article.title)
    item.set('position', positionAt(siblings, index ?? siblings.length))
    if (article.source) item.set('source', { ...article.source })
    const body = new Y.XmlFragment()
    const toelichting = new Y.XmlFragment()
    item.set('body', body)
    item.set('toelichting', toelichting)
    if (article.body) writeRichText(body, article.body)
    if (article.toelichting) writeRichText(toelichting, article.toelichting)
  }, STRUCTURE_ORIGIN)
  return id
}

function item(doc: Y.Doc, kind: 'chapter' | 'article', id: string): ItemMap | undefined {
  const found = (kind === 'chapter' ? chaptersMap(doc) : articlesMap(doc)).get(id)
  return found instanceof Y.Map ? found : undefined
}

export function renameChapter(doc: Y.Doc, id: string, title: string): void {
  doc.transact(() => item(doc, 'chapter', id)?.set('title', title), STRUCTURE_ORIGIN)
}

export function renameArticle(doc: Y.Doc, id: string, title: string): void {
  doc.transact(() => item(doc, 'article', id)?.set('title', title), STRUCTURE_ORIGIN)
}

/** Moves a chapter to `index` among the live chapters. */
export function moveChapter(doc: Y.Doc, id: string, index: number): void {
  doc.transact(() => {
    const chapter = item(doc, 'chapter', id)
    if (!chapter) return
    chapter.set('position', positionAt(readOutline(doc).chapters, index, id))
  }, STRUCTURE_ORIGIN)
}

/** Moves an article to `index` within chapter `chapterId` (which may be another chapter). */
export function moveArticle(doc: Y.Doc, id: string, chapterId: string, index: number): void {
  doc.transact(() => {
    const article = item(doc, 'article', id)
    const target = readOutline(doc).chapters.find((c) => c.id === chapterId)
    if (!article || !target) return
    article.set('position', positionAt(target.articles, index, id))
    if (article.get('chapterId') !== chapterId) article.set('chapterId', chapterId)
  }, STRUCTURE_ORIGIN)
}

/** Marks a chapter or article deleted. Its content stays in the document and can be restored. */
export function deleteItem(doc: Y.Doc, kind: 'chapter' | 'article', id: string): void {
  doc.transact(() => item(doc, kind, id)?.set('deleted', true), STRUCTURE_ORIGIN)
}

export function restoreItem(doc: Y.Doc, kind: 'chapter' | 'article', id: string): void {
  doc.transact(() => {
    const target = item(doc, kind, id)
    if (!target) return
    target.delete('deleted')
    // An article whose chapter is gone comes back at the end of the last chapter.
    if (kind === 'article') {
      const chapters = readOutline(doc).chapters
      const chapterId = text(target.get('chapterId'))
      if (!chapters.some((c) => c.id === chapterId)) {
        const last = chapters.at(-1)
        if (last) {
          target.set('chapterId', last.id)
          target.set('position', positionAt(last.articles, last.articles.length, id))
        }
      }
    }
  }, STRUCTURE_ORIGIN)
}

/** The model clause an article was made from, if any (plain data; never trusted for access). */
export function readArticleSource(doc: Y.Doc, articleId: string): ClauseSource | undefined {
  const source = item(doc, 'article', articleId)?.get('source') as Partial<ClauseSource> | undefined
  if (!source || typeof source.theme !== 'string' || typeof source.article !== 'string' || typeof source.version !== 'number') return undefined
  return { theme: source.theme, article: source.article, version: source.version, ...(typeof source.variant === 'string' ? { variant: source.variant } : {}) }
}

/** Parameter values the statute was created with (to render model text for comparison). */
export function readTemplateParameters(doc: Y.Doc): Record<string, string | number> {
  const value = metaMap(doc).get('parameters')
  if (!value || typeof value !== 'object') return {}
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'))
}

export function isDeleted(doc: Y.Doc, kind: 'chapter' | 'article', id: string): boolean {
  return item(doc, kind, id)?.get('deleted') === true
}

/** The fragment Tiptap binds to for an article's body or toelichting; undefined if there is none. */
export function articleFragment(doc: Y.Doc, articleId: string, field: 'body' | 'toelichting'): Y.XmlFragment | undefined {
  const fragment = item(doc, 'article', articleId)?.get(field)
  return fragment instanceof Y.XmlFragment ? fragment : undefined
}

/** Writes the metadata of a new statute. Only the server calls this, once per statute. */
export function initStatute(doc: Y.Doc, meta: StatuteMeta, parameters: Readonly<Record<string, string | number>> = {}): void {
  doc.transact(() => {
    const map = metaMap(doc)
    map.set('schemaVersion', SCHEMA_VERSION)
    map.set('title', meta.title)
    map.set('organisation', meta.organisation)
    map.set('bodyType', meta.bodyType)
    if (Object.keys(parameters).length > 0) map.set('parameters', { ...parameters })
  }, STRUCTURE_ORIGIN)
}

/** Calls `listener` after every change to the structure (not to article text). Returns an unsubscribe. */
export function observeStructure(doc: Y.Doc, listener: () => void): () => void {
  const maps = [metaMap(doc), chaptersMap(doc), articlesMap(doc)]
  const handler = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    // Text edits inside article bodies also bubble up as deep events; only structure keys matter.
    if (events.some((e) => e.target instanceof Y.Map)) listener()
  }
  for (const map of maps) map.observeDeep(handler)
  return () => {
    for (const map of maps) map.unobserveDeep(handler)
  }
}

/**
 * Moves an article one place up (`-1`) or down (`1`) in reading order. At the edge of its chapter it
 * crosses into the neighbouring chapter (to its end when going up, its start when going down).
 */
export function moveArticleBy(doc: Y.Doc, id: string, delta: -1 | 1): void {
  const chapters = readOutline(doc).chapters
  const chapterIndex = chapters.findIndex((c) => c.articles.some((a) => a.id === id))
  const chapter = chapters[chapterIndex]
  if (!chapter) return
  const index = chapter.articles.findIndex((a) => a.id === id)
  const target = index + delta
  if (target >= 0 && target < chapter.articles.length) {
    // Among the others, the slot after the neighbour (down) or before it (up).
    moveArticle(doc, id, chapter.id, target)
    return
  }
  const neighbour = chapters[chapterIndex + delta]
  if (!neighbour) return
  moveArticle(doc, id, neighbour.id, delta === -1 ? neighbour.articles.length : 0)
}

/** Moves a chapter one place up (`-1`) or down (`1`). */
export function moveChapterBy(doc: Y.Doc, id: string, delta: -1 | 1): void {
  const chapters = readOutline(doc).chapters
  const index = chapters.findIndex((c) => c.id === id)
  const target = index + delta
  if (index < 0 || target < 0 || target >= chapters.length) return
  moveChapter(doc, id, target)
}
