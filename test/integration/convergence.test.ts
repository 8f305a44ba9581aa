/**
 * Randomized convergence against a real server, with fixed seeds.
 *
 * Five y-websocket clients edit one statute at random: text inserts and deletes in article bodies,
 * new articles and chapters, moves, deletes and restores. Clients drop off and come back (editing
 * while offline), and the server is restarted in the middle of it all (clients reconnect on their
 * own). At the end everybody must hold the same statute, a fresh client after another restart too,
 * and every marker text anybody typed must still be there, exactly once, in the article it was
 * typed into. Markers sit in paragraphs that no delete ever touches; deleted articles keep their
 * text, so markers in them are checked through articleFragment.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addArticle,
  addChapter,
  articleFragment,
  deleteItem,
  moveArticle,
  moveChapter,
  readOutline,
  renameArticle,
  renameChapter,
  restoreItem,
} from '../../model/statuteDoc.js'
import { toSnapshot, type StatuteSnapshot } from '../../model/snapshot.js'
import { readRichText, richTextToPlain } from '../../model/richText.js'
import { api, createStatute, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { seededRandom, type Random } from '../helpers/prng.js'

const CLIENTS = 5
const STEPS = 1200
/** The server restarts when this many steps are done, while clients keep editing. */
const RESTART_AT = 500
/** Steps until the test waits for the restart to have finished. */
const RESTART_OVERLAP = 40
/** At this step one client waits until the server has acknowledged its edits, then leaves for good. */
const LEAVE_AT = 800

const MARKER = 'marker'
const SCRATCH = 'scratch'
const WORDS = ['raad', 'college', 'griffie', 'burgemeester', 'wethouder', 'fractie', 'motie', 'amendement', 'besluit', 'begroting']

interface Marker {
  readonly text: string
  readonly articleId: string
  readonly client: number
}

interface Editor {
  readonly index: number
  readonly client: TestClient
  online: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Paragraphs of a kind ('marker' or 'scratch') in a fragment, with their index. */
function paragraphsOf(fragment: Y.XmlFragment, kind: string): Array<{ index: number; element: Y.XmlElement }> {
  const found: Array<{ index: number; element: Y.XmlElement }> = []
  fragment.toArray().forEach((child, index) => {
    if (child instanceof Y.XmlElement && child.getAttribute('kind') === kind) found.push({ index, element: child })
  })
  return found
}

function newParagraph(kind: string, text: string): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.setAttribute('kind', kind)
  paragraph.insert(0, [new Y.XmlText(text)])
  return paragraph
}

function fragmentPlain(fragment: Y.XmlFragment | undefined): string {
  return richTextToPlain(readRichText(fragment))
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1
}

/** One random edit by one client on its own document. Returns a label for diagnostics. */
function randomEdit(rand: Random, editor: Editor, seed: number, markers: Marker[], counter: { n: number }): string {
  const doc = editor.client.doc
  const outline = readOutline(doc)
  const chapters = outline.chapters
  const live = chapters.flatMap((c) => c.articles)
  const deletedArticles = outline.deleted.filter((d) => d.kind === 'article').map((d) => d.id)
  // Mostly live articles; sometimes one that was just deleted (someone still typing in it).
  const pickArticle = (): string | undefined => {
    if (deletedArticles.length > 0 && rand.chance(0.1)) return rand.pick(deletedArticles)
    return live.length > 0 ? rand.pick(live).id : undefined
  }
  const roll = rand.next()

  if (roll < 0.3) {
    const articleId = pickArticle()
    const fragment = articleId ? articleFragment(doc, articleId, 'body') : undefined
    if (!articleId || !fragment) return 'skip'
    const text = `[s${seed}-c${editor.index}-m${++counter.n}]`
    fragment.insert(rand.int(0, fragment.length), [newParagraph(MARKER, text)])
    markers.push({ text, articleId, client: editor.index })
    return `marker ${text}`
  }
  if (roll < 0.48) {
    const articleId = pickArticle()
    const fragment = articleId ? articleFragment(doc, articleId, 'body') : undefined
    if (!fragment) return 'skip'
    fragment.insert(rand.int(0, fragment.length), [newParagraph(SCRATCH, `${rand.pick(WORDS)} ${rand.pick(WORDS)}`)])
    return 'scratch paragraph'
  }
  if (roll < 0.75) {
    const articleId = pickArticle()
    const fragment = articleId ? articleFragment(doc, articleId, 'body') : undefined
    const scratch = fragment ? paragraphsOf(fragment, SCRATCH) : []
    if (scratch.length === 0) return 'skip'
    const text = rand.pick(scratch).element.get(0)
    if (!(text instanceof Y.XmlText)) return 'skip'
    const action = rand.next()
    if (action < 0.55 || text.length === 0) {
      text.insert(rand.int(0, text.length), ` ${rand.pick(WORDS)}`)
      return 'insert chars'
    }
    const at = rand.int(0, text.length - 1)
    const length = rand.int(1, Math.min(6, text.length - at))
    if (action < 0.9) {
      text.delete(at, length)
      return 'delete chars'
    }
    text.format(at, length, { bold: {} })
    return 'bold'
  }
  if (roll < 0.79) {
    const articleId = pickArticle()
    const fragment = articleId ? articleFragment(doc, articleId, 'body') : undefined
    const scratch = fragment ? paragraphsOf(fragment, SCRATCH) : []
    if (!fragment || scratch.length === 0) return 'skip'
    fragment.delete(rand.pick(scratch).index, 1)
    return 'delete paragraph'
  }
  if (roll < 0.84) {
    if (chapters.length === 0) return 'skip'
    const chapter = rand.pick(chapters)
    addArticle(doc, chapter.id, { title: `Artikel van c${editor.index}` }, rand.int(0, chapter.articles.length))
    return 'add article'
  }
  if (roll < 0.86) {
    addChapter(doc, { title: `Hoofdstuk van c${editor.index}` }, rand.int(0, chapters.length))
    return 'add chapter'
  }
  if (roll < 0.91) {
    if (live.length === 0) return 'skip'
    const target = rand.pick(chapters)
    moveArticle(doc, rand.pick(live).id, target.id, rand.int(0, target.articles.length))
    return 'move article'
  }
  if (roll < 0.93) {
    if (chapters.length < 2) return 'skip'
    moveChapter(doc, rand.pick(chapters).id, rand.int(0, chapters.length - 1))
    return 'move chapter'
  }
  if (roll < 0.955) {
    if (live.length < 2) return 'skip'
    deleteItem(doc, 'article', rand.pick(live).id)
    return 'delete article'
  }
  if (roll < 0.965) {
    if (chapters.length < 2) return 'skip'
    deleteItem(doc, 'chapter', rand.pick(chapters).id)
    return 'delete chapter'
  }
  if (roll < 0.99) {
    if (outline.deleted.length === 0) return 'skip'
    const item = rand.pick(outline.deleted)
    restoreItem(doc, item.kind, item.id)
    return `restore ${item.kind}`
  }
  if (live.length > 0 && rand.chance(0.5)) renameArticle(doc, rand.pick(live).id, `Hernoemd door c${editor.index}`)
  else if (chapters.length > 0) renameChapter(doc, rand.pick(chapters).id, `Hernoemd door c${editor.index}`)
  return 'rename'
}

/** Whether the server's document holds every change `doc` has (what the server acknowledged). */
function acknowledged(server: TestServer, statuteId: string, doc: Y.Doc): boolean {
  const room = server.rooms.openRooms.get(statuteId)
  if (!room) return false
  const stored = Y.decodeStateVector(Y.encodeStateVector(room.doc))
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if ((stored.get(client) ?? 0) < clock) return false
  }
  return true
}

/** Waits until every client is connected, synced and holds exactly the server's state. */
async function waitForConvergence(server: TestServer, statuteId: string, editors: Editor[], timeoutMs: number): Promise<void> {
  const docs = editors.map((e) => e.client.doc)
  const sameVector = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])
  try {
    await waitFor(
      () => {
        const room = server.rooms.openRooms.get(statuteId)
        if (!room) return false
        if (!editors.every((e) => e.client.provider.wsconnected && e.client.provider.synced)) return false
        const vector = Y.encodeStateVector(room.doc)
        if (!docs.every((d) => sameVector(Y.encodeStateVector(d), vector))) return false
        const state = stateOf(room.doc)
        return docs.every((d) => stateOf(d) === state)
      },
      timeoutMs,
      'all clients to converge with the server',
    )
  } catch (error) {
    const status = editors.map((e) => `c${e.index}: connected=${e.client.provider.wsconnected} synced=${e.client.provider.synced}`)
    throw new Error(`${(error as Error).message}\n${status.join('\n')}`)
  }
}

describe('randomized convergence through a real server', () => {
  let server: TestServer | undefined
  const cleanup: TestClient[] = []

  afterEach(async () => {
    for (const client of cleanup.splice(0)) client.destroy()
    await server?.close()
    server = undefined
  })

  for (const seed of [1, 2022, 777_777]) {
    it(`seed ${seed}: all clients and a fresh client after restarts converge, no marker is lost`, async () => {
      const rand = seededRandom(seed)
      // Frequent compaction, so it also runs while clients edit; a short idle time, so the statute
      // is unloaded and loaded again when everybody happens to be offline.
      server = await startTestServer({ compactAfterUpdates: 40, roomIdleMs: 20 })
      const statuteId = await createStatute(server, `Convergentie ${seed}`)
      const editors: Editor[] = Array.from({ length: CLIENTS }, (_, index) => {
        const client = connectClient(server!.wsUrl, statuteId, { name: `c${index}` })
        cleanup.push(client)
        return { index, client, online: true }
      })
      await Promise.all(editors.map((e) => synced(e.client)))

      const markers: Marker[] = []
      const counter = { n: 0 }
      const createdArticles = new Set(readOutline(editors[0]!.client.doc).chapters.flatMap((c) => c.articles.map((a) => a.id)))
      const log: string[] = []
      let restarting: Promise<TestServer> | undefined
      let restartedAt = -1
      let leaverMarkers = -1

      for (let step = 0; step < STEPS; step++) {
        if (step === RESTART_AT) {
          restarting = server.restart()
          restartedAt = step
        }
        if (restarting && step === restartedAt + RESTART_OVERLAP) {
          server = await restarting
          restarting = undefined
        }
        if (step === LEAVE_AT) {
          // Someone whose edits the server acknowledged leaves for good; their markers must stay.
          const leaver = rand.pick(editors)
          if (!leaver.online) {
            leaver.client.provider.connect()
            leaver.online = true
          }
          await waitFor(() => acknowledged(server!, statuteId, leaver.client.doc), 10_000, `acknowledgement of c${leaver.index}`)
          leaverMarkers = markers.filter((m) => m.client === leaver.index).length
          leaver.client.destroy()
          editors.splice(editors.indexOf(leaver), 1)
          cleanup.splice(cleanup.indexOf(leaver.client), 1)
          log.push(`${step}: c${leaver.index} left`)
        }
        // Connectivity: someone drops off or comes back.
        if (rand.chance(0.05)) {
          const editor = rand.pick(editors)
          if (editor.online) {
            editor.client.provider.disconnect()
            editor.online = false
            log.push(`${step}: c${editor.index} offline`)
          } else {
            editor.client.provider.connect()
            editor.online = true
            log.push(`${step}: c${editor.index} online`)
          }
        }
        const editor = rand.pick(editors)
        const label = randomEdit(rand, editor, seed, markers, counter)
        if (label !== 'skip') log.push(`${step}: c${editor.index} ${label}`)
        for (const article of readOutline(editor.client.doc).chapters.flatMap((c) => c.articles)) createdArticles.add(article.id)
        if (rand.chance(0.35)) await sleep(rand.int(0, 8))
      }
      if (restarting) server = await restarting

      // Everybody back online; wait until all hold the server's state.
      for (const editor of editors) {
        if (!editor.online) editor.client.provider.connect()
        editor.online = true
      }
      await waitForConvergence(server, statuteId, editors, 15_000)
      const converged = stateOf(editors[0]!.client.doc)
      for (const editor of editors) expect(editor.client.doc.store.pendingStructs).toBeNull()
      // The run did what it is meant to do.
      expect(markers.length).toBeGreaterThan(150)
      expect(leaverMarkers).toBeGreaterThan(0)
      for (const kind of ['offline', 'online', 'move article', 'move chapter', 'delete article', 'delete chapter', 'restore', 'delete chars', 'add article', 'add chapter']) {
        expect(log.some((l) => l.includes(kind)), kind).toBe(true)
      }

      // Everybody leaves, so the server can only answer from what it stored; after one more
      // restart a fresh client must hold the same statute.
      for (const editor of editors) editor.client.provider.disconnect()
      server = await server.restart()
      const fresh = connectClient(server.wsUrl, statuteId, { name: 'nieuw' })
      cleanup.push(fresh)
      await synced(fresh)
      expect(stateOf(fresh.doc)).toBe(converged)
      // And the others come back to the same statute, with nothing new to exchange.
      for (const editor of editors) editor.client.provider.connect()
      await waitForConvergence(server, statuteId, [...editors, { index: CLIENTS, client: fresh, online: true }], 15_000)
      expect(stateOf(fresh.doc)).toBe(converged)

      // The JSON API reads the same statute.
      const fromApi = await api<{ chapters: unknown }>(server, 'GET', `/api/statutes/${statuteId}`)
      expect(fromApi.status).toBe(200)
      // The API adds each article's fingerprint and agreement states; the text itself must match.
      type ApiArticle = StatuteSnapshot['chapters'][number]['articles'][number] & { fingerprint?: string; agreements?: unknown }
      const textOnly = (chapters: ReadonlyArray<{ articles: readonly ApiArticle[] }>) =>
        chapters.map((c) => ({ ...c, articles: c.articles.map(({ fingerprint: _f, agreements: _a, ...article }) => article) }))
      expect(textOnly(fromApi.body.chapters as Array<{ articles: ApiArticle[] }>)).toEqual(toSnapshot(fresh.doc).chapters)

      // No marker lost, none duplicated, each still in its own article.
      const doc = fresh.doc
      const outline = readOutline(doc)
      const liveText = new Map(toSnapshot(doc).chapters.flatMap((c) => c.articles.map((a) => [a.id, a.body.text] as const)))
      const missing: string[] = []
      for (const marker of markers) {
        const fragment = articleFragment(doc, marker.articleId, 'body')
        const text = fragmentPlain(fragment)
        if (occurrences(text, marker.text) !== 1) missing.push(`${marker.text} in ${marker.articleId}: ${occurrences(text, marker.text)}x`)
        const visible = liveText.get(marker.articleId)
        if (visible !== undefined && !visible.includes(marker.text)) missing.push(`${marker.text} not in the snapshot text`)
      }
      expect(missing).toEqual([])
      // Markers appear nowhere else.
      const everyBody = [...createdArticles].map((id) => fragmentPlain(articleFragment(doc, id, 'body'))).join('\n')
      for (const marker of markers) expect(occurrences(everyBody, marker.text)).toBe(1)

      // Structure: every article created exists, each live article is listed once, numbers run 1..n.
      for (const id of createdArticles) expect(articleFragment(doc, id, 'body')).toBeInstanceOf(Y.XmlFragment)
      const listed = outline.chapters.flatMap((c) => c.articles)
      expect(new Set(listed.map((a) => a.id)).size).toBe(listed.length)
      expect(listed.map((a) => a.number)).toEqual(listed.map((_, i) => i + 1))
      expect(outline.chapters.map((c) => c.number)).toEqual(outline.chapters.map((_, i) => i + 1))
      for (const chapter of outline.chapters) for (const article of chapter.articles) expect(article.chapterId).toBe(chapter.id)
      for (const item of outline.deleted) expect(listed.some((a) => a.id === item.id)).toBe(false)
    }, 30_000)
  }
})
