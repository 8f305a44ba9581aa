/**
 * Agreements, phases, adoption, revisions and version comparison against a real server with real
 * y-websocket clients: decisions are bound to the exact text (fingerprint), outdated the moment the
 * text changes, append-only, only by entitled members; adoption freezes the text.
 */
import { listenToEvents } from '../helpers/eventStream.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { articleFingerprint } from '../../model/fingerprint.js'
import { readRichText, richTextFromParagraphs } from '../../model/richText.js'
import { addArticle, addChapter, articleFragment, deleteItem, moveArticle, readOutline, renameArticle } from '../../model/statuteDoc.js'
import type { PartyState } from '../../model/agreements.js'
import type { Role } from '../../model/roles.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js'
import { connectClient, stateOf, synced, waitFor, type TestClient } from '../helpers/clients.js'
import { appendParagraph, articleText } from '../helpers/ydocs.js'
import { openRawDatabase } from '../helpers/rawDatabase.js'
import { freshSchema, type FreshSchema } from '../helpers/postgres.js'

interface PartyView {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly rule: 'all' | 'quorum'
  readonly quorum: number | null
}
interface RecordView {
  readonly id: number
  readonly articleId: string
  readonly partyId: string
  readonly userId: string
  readonly decision: string
  readonly reason: string | null
  readonly fingerprint: string
  readonly createdAt: string
}
interface ArticleView {
  readonly id: string
  readonly number: number
  readonly title: string
  readonly fingerprint: string
  readonly body: { readonly text: string }
  readonly agreements: Record<string, { state: PartyState; record?: RecordView }>
}
interface StatuteView {
  readonly phase: string
  readonly chapters: ReadonlyArray<{ id: string; title: string; articles: readonly ArticleView[] }>
  readonly parties: readonly PartyView[]
  readonly me: { role: Role; partyId: string; canAgree: boolean; canEdit: boolean; canManage: boolean }
}
interface ErrorView {
  readonly code: string
  readonly message: string
  readonly details?: Record<string, unknown>
}

type Server = { url: string }

async function getStatute(server: Server, id: string, token?: string): Promise<StatuteView> {
  const { status, body } = await api<StatuteView>(server, 'GET', `/api/statutes/${id}`, undefined, token === undefined ? {} : { token })
  if (status !== 200) throw new Error(`GET statute: ${status} ${JSON.stringify(body)}`)
  return body
}

const articlesOf = (statute: StatuteView): ArticleView[] => statute.chapters.flatMap((c) => c.articles)
const articleOf = (statute: StatuteView, articleId: string): ArticleView => {
  const found = articlesOf(statute).find((a) => a.id === articleId)
  if (!found) throw new Error(`no article ${articleId}`)
  return found
}
const partyId = (statute: StatuteView, name: string): string => {
  const found = statute.parties.find((p) => p.name === name)
  if (!found) throw new Error(`no party ${name}`)
  return found.id
}
const stateIn = (statute: StatuteView, articleId: string, party: string): PartyState | undefined => articleOf(statute, articleId).agreements[party]?.state

/** Polls GET /api/statutes/:id until `check` holds; returns that statute. */
async function waitForStatute(server: Server, id: string, check: (statute: StatuteView) => boolean, what: string, token?: string): Promise<StatuteView> {
  const start = Date.now()
  let last: StatuteView | undefined
  while (Date.now() - start < 10_000) {
    last = await getStatute(server, id, token)
    if (check(last)) return last
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last?.chapters.map((c) => c.articles.map((a) => [a.title, a.body.text, a.agreements])))}`)
}

function decide(server: Server, id: string, articleId: string, body: Record<string, unknown>, token: string | null) {
  return api<RecordView & ErrorView>(server, 'POST', `/api/statutes/${id}/articles/${articleId}/agreements`, body, { token })
}

/** The fingerprint a client computes from its own document (as the browser does). */
function clientFingerprint(doc: Y.Doc, articleId: string): string {
  const article = readOutline(doc).chapters.flatMap((c) => c.articles).find((a) => a.id === articleId)!
  return articleFingerprint(article.title, readRichText(articleFragment(doc, articleId, 'body')))
}

const listen = (server: Server, id: string, token: string) => listenToEvents(server, id, token)

/**
 * Proves that everything `writer` sent before now was handled by the server: a presence change
 * sent after it reaches `observer`. The marker travels as the type name of a caret, since the
 * server passes on no presence fields but the person and the caret (server/collaboration/presence.ts).
 */
async function roundTrip(writer: TestClient, observer: TestClient, marker: string): Promise<void> {
  writer.provider.awareness.setLocalStateField('cursor', { anchor: { tname: marker }, head: { tname: marker } })
  const seen = (): unknown => (observer.provider.awareness.getStates().get(writer.doc.clientID) as { cursor?: { anchor?: { tname?: string } } } | undefined)?.cursor?.anchor?.tname
  await waitFor(() => seen() === marker, 10_000, `presence marker ${marker}`)
}

/** Counts the connections of a client that ended (the server closed them, e.g. on a phase change). */
function closeCounter(client: TestClient): () => number {
  let closes = 0
  client.provider.on('connection-close', () => (closes += 1))
  return () => closes
}

async function connected(client: TestClient): Promise<TestClient> {
  await waitFor(() => client.provider.wsconnected && client.provider.synced, 10_000, 'client (re)connected and synced')
  return client
}

/** Replaces `from` by `to` in the first paragraph of an article's body. */
function replaceWord(doc: Y.Doc, articleId: string, from: string, to: string): void {
  const paragraph = articleFragment(doc, articleId, 'body')!.get(0) as Y.XmlElement
  const yText = paragraph.get(0) as Y.XmlText
  const index = yText.toString().indexOf(from)
  if (index < 0) throw new Error(`"${from}" not in "${yText.toString()}"`)
  doc.transact(() => {
    yText.delete(index, from.length)
    yText.insert(index, to)
  })
}

describe('agreements through a real server', () => {
  let server: TestServer
  const clients: TestClient[] = []
  const streams: Array<{ close: () => void }> = []
  const client = (id: string, token: string): TestClient => {
    const c = connectClient(server.wsUrl, id, { token })
    clients.push(c)
    return c
  }

  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close()
    for (const c of clients.splice(0)) c.destroy()
    await server.close()
  })

  /** A statute by the administrator (Griffie, may agree), with a redacteur for the College and a commentator for the Raad, both entitled. */
  async function setup() {
    const id = await createStatute(server, 'Statuut instemming', 'Gemeente Asten')
    const college = await createTestUser(server, 'Wout Wethouder')
    const raad = await createTestUser(server, 'Fenna Fractie')
    await addMember(server, id, college, 'redacteur', 'College', true)
    await addMember(server, id, raad, 'commentator', 'Raad', true)
    const statute = await getStatute(server, id)
    const ids = { raad: partyId(statute, 'Raad'), college: partyId(statute, 'College'), griffie: partyId(statute, 'Griffie') }
    const articleId = articlesOf(statute)[0]!.id
    return { id, college, raad, admin: server.admin, statute, parties: ids, articleId }
  }

  it('an edit makes an agreement verouderd, announced on the event stream; a stale fingerprint is refused with the current one', async () => {
    const { id, college, raad, statute, parties, articleId } = await setup()
    const watcher = await createTestUser(server, 'Lotte Lezer')
    await addMember(server, id, watcher, 'lezer', 'Griffie', false)
    const oldFingerprint = articleOf(statute, articleId).fingerprint
    expect(oldFingerprint).toMatch(/^[0-9a-f]{64}$/)

    // The fingerprint the client computes from its document is the server's.
    const editor = client(id, college.token)
    await synced(editor)
    expect(clientFingerprint(editor.doc, articleId)).toBe(oldFingerprint)

    const agreed = await decide(server, id, articleId, { party: parties.college, decision: 'akkoord', fingerprint: oldFingerprint }, college.token)
    expect(agreed.status).toBe(201)
    expect(agreed.body).toMatchObject({ articleId, partyId: parties.college, userId: college.user.id, decision: 'akkoord', fingerprint: oldFingerprint })
    let current = await getStatute(server, id)
    expect(stateIn(current, articleId, parties.college)).toBe('akkoord')
    expect(stateIn(current, articleId, parties.raad)).toBe('open')

    // A third person listens to the live events.
    const stream = await listen(server, id, watcher.token)
    streams.push(stream)
    expect(stream.status).toBe(200)
    expect(stream.contentType).toMatch(/^text\/event-stream/)
    await stream.connected()

    // Someone else (the Raad's commentator cannot edit; the administrator can) changes the text.
    const other = client(id, server.admin.token)
    await synced(other)
    const editedAt = Date.now()
    appendParagraph(other.doc, articleId, 'De griffie ondersteunt de raad.')
    await waitFor(() => stream.events.some((e) => e.type === 'agreements'), 5_000, "an 'agreements' event")
    const event = stream.events.find((e) => e.type === 'agreements')!
    expect(event.at - editedAt).toBeLessThan(5_000)

    current = await waitForStatute(server, id, (s) => stateIn(s, articleId, parties.college) === 'verouderd', 'verouderd')
    const article = articleOf(current, articleId)
    expect(article.body.text).toContain('De griffie ondersteunt de raad.')
    expect(article.fingerprint).not.toBe(oldFingerprint)
    expect(article.agreements[parties.college]!.record).toMatchObject({ decision: 'akkoord', fingerprint: oldFingerprint })
    expect(stateIn(current, articleId, parties.raad)).toBe('open')
    // Both clients compute the server's new fingerprint from their own documents.
    await waitFor(() => articleText(editor.doc, articleId).includes('De griffie ondersteunt de raad.'), 10_000, 'edit reaches the editor')
    expect(clientFingerprint(editor.doc, articleId)).toBe(article.fingerprint)
    expect(clientFingerprint(other.doc, articleId)).toBe(article.fingerprint)

    // Deciding on the text one read before the change: refused, with the current text.
    const stale = await decide(server, id, articleId, { party: parties.raad, decision: 'akkoord', fingerprint: oldFingerprint }, raad.token)
    expect(stale.status).toBe(409)
    expect(stale.body.code).toBe('stale_fingerprint')
    expect(stale.body.details?.currentFingerprint).toBe(article.fingerprint)
    expect(stale.body.details?.currentText).toContain('De griffie ondersteunt de raad.')
    // Nothing was recorded; with the new fingerprint it works.
    expect(stateIn(await getStatute(server, id), articleId, parties.raad)).toBe('open')
    const fresh = await decide(server, id, articleId, { party: parties.raad, decision: 'akkoord', fingerprint: article.fingerprint }, raad.token)
    expect(fresh.status).toBe(201)
    expect(stateIn(await getStatute(server, id), articleId, parties.raad)).toBe('akkoord')
    // A decision is announced on the stream too, with the record.
    await waitFor(() => stream.events.some((e) => e.type === 'agreements' && (e.data as RecordView | null)?.id === fresh.body.id), 5_000, 'decision event')

    // The event stream is for members only.
    const outsider = await createTestUser(server, 'Olaf Outsider')
    const refused = await listen(server, id, outsider.token)
    expect(refused.status).toBe(404)
  })

  it('only entitled members decide, for their own party; objections need a reason', async () => {
    const { id, college, raad, statute, parties, articleId } = await setup()
    const fingerprint = articleOf(statute, articleId).fingerprint
    const collegeNoRight = await createTestUser(server, 'Cor Collegelid')
    const outsider = await createTestUser(server, 'Olaf Outsider')
    const collegeReader = await createTestUser(server, 'Lars Lezer')
    await addMember(server, id, collegeNoRight, 'redacteur', 'College', false)
    await addMember(server, id, collegeReader, 'lezer', 'College', true)

    const table: Array<[string, string | null, string, number]> = [
      ['member of the party with canAgree', college.token, parties.college, 201],
      ['same party without canAgree', collegeNoRight.token, parties.college, 403],
      ['entitled member of another party', raad.token, parties.college, 403],
      ['lezer of the party, even with canAgree', collegeReader.token, parties.college, 403],
      ['commentator with canAgree for the Raad', raad.token, parties.raad, 201],
      ['beheerder for another party than its own', server.admin.token, parties.college, 403],
      ['non-member', outsider.token, parties.college, 404],
      ['anonymous', null, parties.college, 401],
    ]
    for (const [who, token, party, expected] of table) {
      const response = await decide(server, id, articleId, { party, decision: 'akkoord', fingerprint }, token)
      expect({ who, status: response.status }).toEqual({ who, status: expected })
    }
    // Exactly the two accepted decisions were recorded.
    const history = await api<{ history: RecordView[] }>(server, 'GET', `/api/statutes/${id}/articles/${articleId}/agreements`)
    expect(history.body.history.map((r) => [r.partyId, r.userId])).toEqual([
      [parties.college, college.user.id],
      [parties.raad, raad.user.id],
    ])

    // Objections need a reason (also not only whitespace); with one they are recorded.
    expect((await decide(server, id, articleId, { party: parties.college, decision: 'niet-akkoord', fingerprint }, college.token)).status).toBe(400)
    expect((await decide(server, id, articleId, { party: parties.college, decision: 'niet-akkoord', reason: '   ', fingerprint }, college.token)).status).toBe(400)
    const objection = await decide(server, id, articleId, { party: parties.college, decision: 'niet-akkoord', reason: ' De termijn is te kort. ', fingerprint }, college.token)
    expect(objection.status).toBe(201)
    expect(objection.body.reason).toBe('De termijn is te kort.')

    // Unknown party or article.
    expect((await decide(server, id, articleId, { party: 'p'.repeat(21), decision: 'akkoord', fingerprint }, college.token)).status).toBe(400)
    const unknownArticle = await decide(server, id, 'x'.repeat(21), { party: parties.college, decision: 'akkoord', fingerprint }, college.token)
    expect(unknownArticle.status).toBe(404)

    // Once the Raad has fracties it decides through them: a decision for the Raad itself is refused.
    const fractie = await api<PartyView>(server, 'POST', `/api/statutes/${id}/parties`, { name: 'Fractie Groen', parentId: parties.raad })
    expect(fractie.status).toBe(201)
    const parent = await decide(server, id, articleId, { party: parties.raad, decision: 'akkoord', fingerprint }, raad.token)
    expect(parent.status).toBe(400)
  })

  it('history is append-only: every decision, change and withdrawal is a new record; the database refuses UPDATE and DELETE', async () => {
    const { id, college, statute, parties, articleId } = await setup()
    const fingerprint = articleOf(statute, articleId).fingerprint
    const steps: Array<{ decision: string; reason?: string }> = [
      { decision: 'akkoord' },
      { decision: 'niet-akkoord', reason: 'Toch liever een kortere termijn.' },
      { decision: 'ingetrokken' },
      { decision: 'akkoord' },
    ]
    const expectedStates: PartyState[] = ['akkoord', 'niet-akkoord', 'open', 'akkoord']
    for (const [i, step] of steps.entries()) {
      const response = await decide(server, id, articleId, { party: parties.college, fingerprint, ...step }, college.token)
      expect(response.status).toBe(201)
      expect(stateIn(await getStatute(server, id), articleId, parties.college)).toBe(expectedStates[i])
    }
    const { status, body } = await api<{ history: Array<RecordView & { articleText: string; userName: string }> }>(server, 'GET', `/api/statutes/${id}/articles/${articleId}/agreements`)
    expect(status).toBe(200)
    expect(body.history.map((r) => [r.decision, r.reason])).toEqual([
      ['akkoord', null],
      ['niet-akkoord', 'Toch liever een kortere termijn.'],
      ['ingetrokken', null],
      ['akkoord', null],
    ])
    const ids = body.history.map((r) => r.id)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    expect(new Set(ids).size).toBe(4)
    for (const record of body.history) {
      expect(record).toMatchObject({ partyId: parties.college, userId: college.user.id, userName: 'Wout Wethouder', fingerprint })
      expect(record.articleText).toContain('Doel')
    }

    // Straight at the database: its triggers refuse changes and deletions.
    const db = await openRawDatabase(server.config)
    try {
      const count = async () => Number((await db.query('SELECT COUNT(*) AS n FROM agreements WHERE statute_id = ?', id))[0]!.n)
      expect(await count()).toBe(4)
      await expect(db.run("UPDATE agreements SET decision = 'akkoord' WHERE statute_id = ?", id)).rejects.toThrow(/append-only/)
      await expect(db.run('UPDATE agreements SET reason = NULL WHERE id = ?', ids[1])).rejects.toThrow(/append-only/)
      await expect(db.run('DELETE FROM agreements WHERE id = ?', ids[0])).rejects.toThrow(/append-only/)
      await expect(db.run('DELETE FROM agreements')).rejects.toThrow(/append-only/)
      expect(await count()).toBe(4)
      expect((await db.query('SELECT reason FROM agreements WHERE id = ?', ids[1]))[0]!.reason).toBe('Toch liever een kortere termijn.')
    } finally {
      await db.close()
    }
    // The API still reads the same history.
    const again = await api<{ history: RecordView[] }>(server, 'GET', `/api/statutes/${id}/articles/${articleId}/agreements`)
    expect(again.body.history.map((r) => r.id)).toEqual(ids)
  })

  it('adoption: wrong phase, not agreed (open, objected, outdated), then adopted and frozen (also after a restart); a revision unfreezes', async () => {
    const { id, college, raad, statute, parties, articleId } = await setup()
    const admin = server.admin
    const reader = await createTestUser(server, 'Lotte Lezer')
    await addMember(server, id, reader, 'lezer', 'Griffie', false)
    const chapterId = statute.chapters[0]!.id

    // A second article, written by the redacteur of the College.
    const writer = client(id, college.token)
    const observer = client(id, reader.token)
    await Promise.all([synced(writer), synced(observer)])
    const secondId = addArticle(writer.doc, chapterId, { title: 'Overleg', body: richTextFromParagraphs(['Het college en de raad overleggen elk kwartaal.']) })
    let current = await waitForStatute(server, id, (s) => articlesOf(s).length === 2, 'second article')
    const articleIds = [articleId, secondId]
    const adopt = () => api<ErrorView & { number: number; label: string }>(server, 'POST', `/api/statutes/${id}/adoption`, { decisionDate: '2025-03-27', decisionReference: 'RB-2025-14' })
    const setPhase = (phase: string, token: string = admin.token) => api<ErrorView>(server, 'PUT', `/api/statutes/${id}/phase`, { phase }, { token })
    const agreeAll = async (statuteNow: StatuteView, which: ReadonlyArray<[string, string, string]>) => {
      for (const [article, party, token] of which) {
        const response = await decide(server, id, article, { party, decision: 'akkoord', fingerprint: articleOf(statuteNow, article).fingerprint }, token)
        expect(response.status).toBe(201)
      }
    }
    const everyone = (article: string): Array<[string, string, string]> => [
      [article, parties.raad, raad.token],
      [article, parties.college, college.token],
      [article, parties.griffie, admin.token],
    ]

    // Not in the right phase.
    expect(current.phase).toBe('concept')
    let refused = await adopt()
    expect([refused.status, refused.body.code]).toEqual([409, 'wrong_phase'])
    expect((await setPhase('in-bespreking')).status).toBe(200)
    refused = await adopt()
    expect([refused.status, refused.body.code]).toEqual([409, 'wrong_phase'])

    // Outdated: everyone agrees on article 1, then its text changes while still under discussion.
    await agreeAll(current, everyone(articleId))
    appendParagraph(writer.doc, articleId, 'Artikel 1 wordt aangevuld.')
    current = await waitForStatute(server, id, (s) => stateIn(s, articleId, parties.raad) === 'verouderd', 'article 1 outdated')

    // Ter vaststelling: the text is frozen already.
    const writerCloses = closeCounter(writer)
    const observerCloses = closeCounter(observer)
    expect((await setPhase('ter-vaststelling')).status).toBe(200)
    current = await getStatute(server, id, college.token)
    expect(current.phase).toBe('ter-vaststelling')
    expect(current.me.canEdit).toBe(false)
    // The server closed the editor's connection (not the reader's); it reconnects, still frozen.
    await waitFor(() => writerCloses() === 1, 10_000, 'the editor is disconnected')
    await connected(writer)
    expect(observerCloses()).toBe(0)
    const frozenState = await getStatute(server, id)
    appendParagraph(writer.doc, secondId, 'Bewerking tijdens de vaststelling.')
    await roundTrip(writer, observer, 'frozen-1')
    expect(articleOf(await getStatute(server, id), secondId).body.text).not.toContain('Bewerking tijdens de vaststelling.')
    expect(articleText(observer.doc, secondId)).not.toContain('Bewerking tijdens de vaststelling.')

    // Not agreed: article 1 outdated for everyone, article 2 open for everyone.
    refused = await adopt()
    expect([refused.status, refused.body.code]).toEqual([409, 'not_agreed'])
    type Missing = { articleId: string; number: number; party: string; state: PartyState }
    const missingOf = (body: ErrorView) => ((body.details?.missing ?? []) as Missing[]).map((m) => `${m.number}:${m.party}:${m.state}`).sort()
    expect(missingOf(refused.body)).toEqual(['1:College:verouderd', '1:Griffie:verouderd', '1:Raad:verouderd', '2:College:open', '2:Griffie:open', '2:Raad:open'])
    expect(((refused.body.details?.missing ?? []) as Missing[]).every((m) => articleIds.includes(m.articleId))).toBe(true)

    // Decisions are possible while ter vaststelling. Everyone on article 1; on article 2 the griffie objects.
    current = frozenState
    await agreeAll(current, everyone(articleId))
    await agreeAll(current, [everyone(secondId)[0]!, everyone(secondId)[1]!])
    const objection = await decide(server, id, secondId, { party: parties.griffie, decision: 'niet-akkoord', reason: 'Kwartaal is te vaak.', fingerprint: articleOf(current, secondId).fingerprint }, admin.token)
    expect(objection.status).toBe(201)
    refused = await adopt()
    expect([refused.status, refused.body.code]).toEqual([409, 'not_agreed'])
    expect(missingOf(refused.body)).toEqual(['2:Griffie:niet-akkoord'])
    expect(await api(server, 'GET', `/api/statutes/${id}/versions`).then((r) => (r.body as { versions: unknown[] }).versions)).toEqual([])

    // All top-level parties agree on all current texts: adopted.
    await agreeAll(current, [everyone(secondId)[2]!])
    const adopted = await adopt()
    expect(adopted.status).toBe(201)
    expect(adopted.body.number).toBe(1)
    expect(adopted.body.label).toContain('2025-03-27')
    expect(adopted.body.label).toContain('RB-2025-14')
    const versions = await api<{ versions: Array<{ number: number; kind: string; decisionDate: string; decisionReference: string; createdBy: string }> }>(server, 'GET', `/api/statutes/${id}/versions`, undefined, { token: reader.token })
    expect(versions.status).toBe(200)
    expect(versions.body.versions).toHaveLength(1)
    expect(versions.body.versions[0]).toMatchObject({ number: 1, kind: 'adopted', decisionDate: '2025-03-27', decisionReference: 'RB-2025-14', createdBy: admin.user.id })
    const version = await api<{ kind: string; statute: { chapters: Array<{ articles: Array<{ id: string; body: { text: string } }> }> } }>(server, 'GET', `/api/statutes/${id}/versions/1`)
    expect(version.body.kind).toBe('adopted')
    expect(version.body.statute.chapters[0]!.articles.map((a) => a.body.text)).toEqual(articlesOf(frozenState).map((a) => a.body.text))

    current = await getStatute(server, id, college.token)
    expect(current.phase).toBe('vastgesteld')
    expect(current.me.canEdit).toBe(false)
    // Decisions and manual phase changes after adoption are refused.
    const late = await decide(server, id, articleId, { party: parties.college, decision: 'ingetrokken', fingerprint: articleOf(current, articleId).fingerprint }, college.token)
    expect([late.status, late.body.code]).toEqual([409, 'adopted'])
    expect((await setPhase('concept')).body.code).toBe('adopted')

    // The redacteur's edits do not reach the server nor the others.
    await connected(writer)
    appendParagraph(writer.doc, articleId, 'Bewerking na de vaststelling.')
    await roundTrip(writer, observer, 'frozen-2')
    const afterAdoption = await getStatute(server, id)
    expect(articlesOf(afterAdoption).map((a) => [a.body.text, a.fingerprint])).toEqual(articlesOf(frozenState).map((a) => [a.body.text, a.fingerprint]))
    expect(articleText(observer.doc, articleId)).not.toContain('Bewerking na de vaststelling.')

    // Also after a restart: the reconnecting client offers its edits again; they are dropped.
    server = await server.restart()
    await waitFor(() => writerCloses() >= 2 && observerCloses() >= 1, 10_000, 'clients noticed the restart')
    await Promise.all([connected(writer), connected(observer)])
    await roundTrip(writer, observer, 'after-restart')
    const afterRestart = await getStatute(server, id)
    expect(afterRestart.phase).toBe('vastgesteld')
    expect(articlesOf(afterRestart).map((a) => [a.body.text, a.fingerprint])).toEqual(articlesOf(frozenState).map((a) => [a.body.text, a.fingerprint]))
    expect(articleText(observer.doc, articleId)).not.toContain('Bewerking na de vaststelling.')
    expect(articleText(observer.doc, secondId)).not.toContain('Bewerking tijdens de vaststelling.')
    expect((await getStatute(server, id, college.token)).me.canEdit).toBe(false)
    for (const article of articleIds) for (const party of Object.values(parties)) expect(stateIn(afterRestart, article, party)).toBe('akkoord')

    // A new revision: concept again, editable again. (The client that typed while frozen is
    // closed first; its local edits are not part of the adopted text.)
    clients.splice(clients.indexOf(writer), 1)
    writer.destroy()
    expect((await api(server, 'POST', `/api/statutes/${id}/revisions`, undefined, { token: college.token })).status).toBe(403)
    const revision = await api<{ phase: string }>(server, 'POST', `/api/statutes/${id}/revisions`)
    expect([revision.status, revision.body.phase]).toEqual([201, 'concept'])
    expect((await api<ErrorView>(server, 'POST', `/api/statutes/${id}/revisions`)).body.code).toBe('wrong_phase')
    current = await getStatute(server, id, college.token)
    expect(current.phase).toBe('concept')
    expect(current.me.canEdit).toBe(true)
    const reviser = client(id, college.token)
    await synced(reviser)
    appendParagraph(reviser.doc, secondId, 'Herzien: tweemaal per jaar.')
    current = await waitForStatute(server, id, (s) => articleOf(s, secondId).body.text.includes('Herzien: tweemaal per jaar.'), 'revision edit')
    await waitFor(() => articleText(observer.doc, secondId).includes('Herzien: tweemaal per jaar.'), 10_000, 'revision edit reaches the observer')
    for (const party of Object.values(parties)) {
      expect(stateIn(current, articleId, party)).toBe('akkoord')
      expect(stateIn(current, secondId, party)).toBe('verouderd')
    }
    expect(stateOf(reviser.doc)).toBe(stateOf(observer.doc))
    // The adopted version is kept as it was.
    const kept = await api<{ statute: { chapters: Array<{ articles: Array<{ body: { text: string } }> }> } }>(server, 'GET', `/api/statutes/${id}/versions/1`)
    expect(kept.body.statute.chapters[0]!.articles[1]!.body.text).not.toContain('Herzien')
    // And deciding works again.
    expect((await decide(server, id, secondId, { party: parties.college, decision: 'akkoord', fingerprint: articleOf(current, secondId).fingerprint }, college.token)).status).toBe(201)
  })

  it('sub-parties: fracties decide for the raad by the rule all or quorum', async () => {
    const { id, college, statute, parties, articleId } = await setup()
    const fingerprint = articleOf(statute, articleId).fingerprint
    const fracties: Array<{ id: string; member: TestUser }> = []
    for (const name of ['Fractie Rood', 'Fractie Groen', 'Fractie Blauw']) {
      const created = await api<PartyView>(server, 'POST', `/api/statutes/${id}/parties`, { name, parentId: parties.raad })
      expect(created.status).toBe(201)
      expect(created.body.parentId).toBe(parties.raad)
      const member = await createTestUser(server, `Lid ${name}`)
      await addMember(server, id, member, 'commentator', name, true)
      fracties.push({ id: created.body.id, member })
    }
    // Only a beheerder sets the rule.
    expect((await api(server, 'PUT', `/api/statutes/${id}/parties/${parties.raad}/rule`, { rule: 'quorum', quorum: 2 }, { token: college.token })).status).toBe(403)
    const rule = await api(server, 'PUT', `/api/statutes/${id}/parties/${parties.raad}/rule`, { rule: 'quorum', quorum: 2 })
    expect(rule).toEqual({ status: 200, body: { rule: 'quorum', quorum: 2 } })
    let current = await getStatute(server, id)
    expect(current.parties.find((p) => p.id === parties.raad)).toMatchObject({ rule: 'quorum', quorum: 2, parentId: null })
    expect(stateIn(current, articleId, parties.raad)).toBe('open')

    const fractieDecides = async (index: number, decision: string, reason?: string) => {
      const { id: party, member } = fracties[index]!
      const response = await decide(server, id, articleId, { party, decision, fingerprint, ...(reason ? { reason } : {}) }, member.token)
      expect(response.status).toBe(201)
      return getStatute(server, id)
    }
    current = await fractieDecides(0, 'akkoord')
    expect(stateIn(current, articleId, fracties[0]!.id)).toBe('akkoord')
    expect(stateIn(current, articleId, parties.raad)).toBe('open')
    current = await fractieDecides(1, 'niet-akkoord', 'Niet zo.')
    expect(stateIn(current, articleId, parties.raad)).toBe('open') // the quorum is still reachable
    current = await fractieDecides(2, 'akkoord')
    expect(stateIn(current, articleId, parties.raad)).toBe('akkoord') // 2 of 3
    // A fractie member cannot decide for another fractie.
    expect((await decide(server, id, articleId, { party: fracties[1]!.id, decision: 'akkoord', fingerprint }, fracties[0]!.member.token)).status).toBe(403)

    // Rule all: one objection is enough to object.
    expect((await api(server, 'PUT', `/api/statutes/${id}/parties/${parties.raad}/rule`, { rule: 'all' })).status).toBe(200)
    current = await getStatute(server, id)
    expect(current.parties.find((p) => p.id === parties.raad)).toMatchObject({ rule: 'all', quorum: null })
    expect(stateIn(current, articleId, parties.raad)).toBe('niet-akkoord')
    current = await fractieDecides(1, 'akkoord')
    expect(stateIn(current, articleId, parties.raad)).toBe('akkoord')
    current = await fractieDecides(0, 'ingetrokken')
    expect(stateIn(current, articleId, parties.raad)).toBe('open')

    // Quorum 2 again, and two objections make it unreachable.
    await api(server, 'PUT', `/api/statutes/${id}/parties/${parties.raad}/rule`, { rule: 'quorum', quorum: 2 })
    current = await fractieDecides(0, 'niet-akkoord', 'Nee.')
    expect(stateIn(current, articleId, parties.raad)).toBe('akkoord') // Groen and Blauw still agree
    current = await fractieDecides(2, 'niet-akkoord', 'Ook nee.')
    expect(stateIn(current, articleId, parties.raad)).toBe('niet-akkoord')

    // Adoption asks the top-level parties: the raad (via its fracties), college and griffie.
    await api(server, 'PUT', `/api/statutes/${id}/phase`, { phase: 'ter-vaststelling' })
    const refused = await api<ErrorView>(server, 'POST', `/api/statutes/${id}/adoption`, { decisionDate: '2025-01-01', decisionReference: 'X-1' })
    expect(refused.status).toBe(409)
    const missing = (refused.body.details?.missing ?? []) as Array<{ party: string; state: string }>
    expect(missing.map((m) => `${m.party}:${m.state}`).sort()).toEqual(['College:open', 'Griffie:open', 'Raad:niet-akkoord'])
  })

  it('comparing version 1 with the current text shows exactly the known edits', async () => {
    const { id, statute, articleId: doelId } = await setup()
    const editor = client(id, server.admin.token)
    await synced(editor)
    const doc = editor.doc
    const ch1 = statute.chapters[0]!.id
    const verslagId = addArticle(doc, ch1, { title: 'Verslag', body: richTextFromParagraphs(['Het college stuurt de raad jaarlijks een verslag.']) })
    const overlegId = addArticle(doc, ch1, { title: 'Overleg', body: richTextFromParagraphs(['Partijen overleggen elk kwartaal.']) })
    const ch2 = addChapter(doc, { title: 'Slotbepalingen' })
    const informatieId = addArticle(doc, ch2, { title: 'Informatie', body: richTextFromParagraphs(['Het college informeert de raad tijdig.']) })
    const citeertitelId = addArticle(doc, ch2, { title: 'Citeertitel', body: richTextFromParagraphs(['Dit statuut heet Statuut instemming.']) })
    await waitForStatute(server, id, (s) => articlesOf(s).length === 5, 'five articles')

    const created = await api<{ number: number; kind: string; label: string }>(server, 'POST', `/api/statutes/${id}/versions`, { label: 'Versie voor de commissie' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ number: 1, kind: 'named', label: 'Versie voor de commissie' })

    // Known edits: one added, one deleted, one moved to the other chapter, one text changed, one renamed.
    const addedId = addArticle(doc, ch2, { title: 'Inwerkingtreding', body: richTextFromParagraphs(['Dit statuut treedt direct in werking.']) })
    deleteItem(doc, 'article', overlegId)
    moveArticle(doc, doelId, ch2, 1)
    replaceWord(doc, verslagId, 'jaarlijks', 'maandelijks')
    renameArticle(doc, informatieId, 'Verantwoording')
    const after = await waitForStatute(
      server,
      id,
      (s) => {
        const titles = s.chapters.map((c) => c.articles.map((a) => a.title))
        return JSON.stringify(titles) === JSON.stringify([['Verslag'], ['Verantwoording', 'Doel', 'Citeertitel', 'Inwerkingtreding']]) && articleOf(s, verslagId).body.text.includes('maandelijks')
      },
      'the edits on the server',
    )
    expect(articlesOf(after).map((a) => a.number)).toEqual([1, 2, 3, 4, 5])

    type Comparison = { id: string; change: string; from?: { title: string; chapter: string; number: number }; to?: { title: string; chapter: string; number: number }; diff?: Array<{ value: string; added?: boolean; removed?: boolean }> }
    const compared = await api<{ from: number; to: string; articles: Comparison[] }>(server, 'GET', `/api/statutes/${id}/compare?from=1&to=current`)
    expect(compared.status).toBe(200)
    const changes = Object.fromEntries(compared.body.articles.map((a) => [a.id, a.change]))
    expect(changes).toEqual({
      [doelId]: 'moved',
      [verslagId]: 'changed',
      [overlegId]: 'removed',
      [informatieId]: 'changed',
      [citeertitelId]: 'unchanged',
      [addedId]: 'added',
    })
    const byId = new Map(compared.body.articles.map((a) => [a.id, a]))
    const words = (c: Comparison, kind: 'added' | 'removed') => (c.diff ?? []).filter((p) => p[kind]).map((p) => p.value.trim())
    const verslag = byId.get(verslagId)!
    expect(words(verslag, 'removed')).toEqual(['jaarlijks'])
    expect(words(verslag, 'added')).toEqual(['maandelijks'])
    expect(verslag.diff!.filter((p) => !p.removed).map((p) => p.value).join('')).toBe('Verslag\nHet college stuurt de raad maandelijks een verslag.')
    expect(verslag.diff!.filter((p) => !p.added).map((p) => p.value).join('')).toBe('Verslag\nHet college stuurt de raad jaarlijks een verslag.')
    const informatie = byId.get(informatieId)!
    expect(words(informatie, 'removed')).toEqual(['Informatie'])
    expect(words(informatie, 'added')).toEqual(['Verantwoording'])
    expect(informatie.from?.title).toBe('Informatie')
    expect(informatie.to?.title).toBe('Verantwoording')
    expect(byId.get(doelId)).toMatchObject({ from: { chapter: 'Algemene bepalingen', number: 1 }, to: { chapter: 'Slotbepalingen', number: 3 } })
    expect(byId.get(doelId)!.diff).toBeUndefined()
    expect(byId.get(overlegId)).toMatchObject({ from: { title: 'Overleg' } })
    expect(byId.get(overlegId)!.to).toBeUndefined()
    expect(byId.get(addedId)).toMatchObject({ to: { title: 'Inwerkingtreding', chapter: 'Slotbepalingen' } })
    expect(byId.get(addedId)!.from).toBeUndefined()

    // The default target is the current text.
    const byDefault = await api<{ articles: Comparison[] }>(server, 'GET', `/api/statutes/${id}/compare?from=1`)
    expect(byDefault.body.articles.map((a) => [a.id, a.change])).toEqual(compared.body.articles.map((a) => [a.id, a.change]))

    // A version compared with itself: all unchanged.
    const same = await api<{ articles: Comparison[] }>(server, 'GET', `/api/statutes/${id}/compare?from=1&to=1`)
    expect(same.status).toBe(200)
    expect(same.body.articles).toHaveLength(5)
    expect(same.body.articles.every((a) => a.change === 'unchanged' && a.diff === undefined)).toBe(true)
    expect(new Set(same.body.articles.map((a) => a.id))).toEqual(new Set([doelId, verslagId, overlegId, informatieId, citeertitelId]))

    // Unknown versions.
    expect((await api(server, 'GET', `/api/statutes/${id}/compare?from=2&to=current`)).status).toBe(404)
  })

  it('phase and version routes are for beheerders (403 for a redacteur, 404 for a non-member); reading versions is for members', async () => {
    const { id, college } = await setup()
    const outsider = await createTestUser(server, 'Olaf Outsider')
    const writes: Array<[string, string, unknown]> = [
      ['PUT', `/api/statutes/${id}/phase`, { phase: 'in-bespreking' }],
      ['POST', `/api/statutes/${id}/versions`, { label: 'Versie' }],
      ['POST', `/api/statutes/${id}/adoption`, { decisionDate: '2025-01-01', decisionReference: 'X-1' }],
      ['POST', `/api/statutes/${id}/revisions`, undefined],
    ]
    for (const [method, route, body] of writes) {
      expect({ route, status: (await api(server, method, route, body, { token: college.token })).status }).toEqual({ route, status: 403 })
      expect({ route, status: (await api(server, method, route, body, { token: outsider.token })).status }).toEqual({ route, status: 404 })
    }
    // Nothing changed.
    expect((await getStatute(server, id)).phase).toBe('concept')
    expect((await api<{ versions: unknown[] }>(server, 'GET', `/api/statutes/${id}/versions`, undefined, { token: college.token })).body.versions).toEqual([])

    // The beheerder may; members read the versions, non-members do not.
    expect((await api(server, 'PUT', `/api/statutes/${id}/phase`, { phase: 'in-bespreking' })).status).toBe(200)
    expect((await api(server, 'PUT', `/api/statutes/${id}/phase`, { phase: 'vastgesteld' })).status).toBe(400)
    expect((await api(server, 'POST', `/api/statutes/${id}/versions`, { label: 'Versie' })).status).toBe(201)
    const list = await api<{ versions: Array<{ number: number; label: string; kind: string }> }>(server, 'GET', `/api/statutes/${id}/versions`, undefined, { token: college.token })
    expect(list.status).toBe(200)
    expect(list.body.versions.map((v) => [v.number, v.label, v.kind])).toEqual([[1, 'Versie', 'named']])
    expect((await api(server, 'GET', `/api/statutes/${id}/versions/1`, undefined, { token: college.token })).status).toBe(200)
    expect((await api(server, 'GET', `/api/statutes/${id}/versions`, undefined, { token: outsider.token })).status).toBe(404)
    expect((await api(server, 'GET', `/api/statutes/${id}/versions/1`, undefined, { token: outsider.token })).status).toBe(404)
    expect((await api(server, 'GET', `/api/statutes/${id}/compare?from=1`, undefined, { token: outsider.token })).status).toBe(404)
    expect((await getStatute(server, id, college.token)).phase).toBe('in-bespreking')
  })
})

describe('party rule validation', () => {
  it('refuses a quorum larger than the number of sub-parties', async () => {
    const { startTestServer, api, createStatute } = await import('../helpers/server.js')
    const server = await startTestServer()
    try {
      const id = await createStatute(server)
      const parties = await api<{ parties: Array<{ id: string; name: string }> }>(server, 'GET', `/api/statutes/${id}/parties`)
      const raad = parties.body.parties.find((p) => p.name === 'Raad')!
      for (const name of ['Fractie A', 'Fractie B']) expect((await api(server, 'POST', `/api/statutes/${id}/parties`, { name, parentId: raad.id })).status).toBe(201)
      const tooHigh = await api<{ code: string; message: string }>(server, 'PUT', `/api/statutes/${id}/parties/${raad.id}/rule`, { rule: 'quorum', quorum: 3 })
      expect(tooHigh.status).toBe(400)
      expect(tooHigh.body.message).toContain('2')
      expect((await api(server, 'PUT', `/api/statutes/${id}/parties/${raad.id}/rule`, { rule: 'quorum', quorum: 2 })).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('requests at the same moment: adoption, phases and decisions (one instance, and two sharing one PostgreSQL database)', () => {
  const running: TestServer[] = []
  let schema: FreshSchema | undefined
  afterEach(async () => {
    for (const s of running.splice(0)) await s.close()
    await schema?.drop()
    schema = undefined
  })

  /** One server on the project's storage, or two instances on one fresh PostgreSQL schema. */
  async function instances(count: number): Promise<[TestServer, TestServer]> {
    if (count === 1) {
      const server = await startTestServer()
      running.push(server)
      return [server, server]
    }
    schema = await freshSchema()
    const shared = { databaseUrl: schema.url, databaseSchema: schema.schema, databasePoolSize: 4 }
    // One after the other: the second finds the first one's administrator.
    running.push(await startTestServer(shared))
    running.push(await startTestServer(shared))
    return [running[0]!, running[1]!]
  }

  /** A statute "ter vaststelling" whose one article every party agreed to. */
  async function readyForAdoption(server: TestServer) {
    const id = await createStatute(server, 'Statuut gelijktijdig', 'Gemeente Boxtel')
    const college = await createTestUser(server, 'Wout Wethouder')
    const raad = await createTestUser(server, 'Fenna Fractie')
    await addMember(server, id, college, 'redacteur', 'College', true)
    await addMember(server, id, raad, 'commentator', 'Raad', true)
    const statute = await getStatute(server, id)
    const articleId = articlesOf(statute)[0]!.id
    const fingerprint = articleOf(statute, articleId).fingerprint
    const parties = { raad: partyId(statute, 'Raad'), college: partyId(statute, 'College'), griffie: partyId(statute, 'Griffie') }
    const agree = async (party: string, token: string) => expect((await decide(server, id, articleId, { party, decision: 'akkoord', fingerprint }, token)).status).toBe(201)
    await agree(parties.raad, raad.token)
    await agree(parties.college, college.token)
    await agree(parties.griffie, server.admin.token)
    const toTerVaststelling = async () => expect((await api(server, 'PUT', `/api/statutes/${id}/phase`, { phase: 'ter-vaststelling' })).status).toBe(200)
    await toTerVaststelling()
    return { id, articleId, fingerprint, parties, raad, agree, toTerVaststelling }
  }

  const adopt = (server: Server, id: string, reference: string) =>
    api<ErrorView & { number: number }>(server, 'POST', `/api/statutes/${id}/adoption`, { decisionDate: '2025-05-01', decisionReference: reference })
  const adoptedVersions = async (server: Server, id: string) =>
    (await api<{ versions: Array<{ kind: string }> }>(server, 'GET', `/api/statutes/${id}/versions`)).body.versions.filter((v) => v.kind === 'adopted').length
  const after = async <T>(ms: number, work: () => Promise<T>): Promise<T> => {
    await new Promise((resolve) => setTimeout(resolve, ms))
    return work()
  }

  it.each([1, 2])('two adoptions at once (%i instance(s)): one is adopted, the other gets 409 wrong_phase; of two revisions one starts', async (count) => {
    const [one, two] = await instances(count)
    const { id, toTerVaststelling } = await readyForAdoption(one)
    for (let round = 0; round < 3; round += 1) {
      const answers = await Promise.all([adopt(one, id, `A-${round}`), adopt(two, id, `B-${round}`)])
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409])
      expect(answers.find((a) => a.status === 409)!.body.code).toBe('wrong_phase')
      expect(await adoptedVersions(two, id)).toBe(round + 1)
      expect((await getStatute(two, id)).phase).toBe('vastgesteld')

      const revisions = await Promise.all([two, one].map((s) => api<ErrorView>(s, 'POST', `/api/statutes/${id}/revisions`, {})))
      expect(revisions.map((r) => r.status).sort()).toEqual([201, 409])
      expect(revisions.find((r) => r.status === 409)!.body.code).toBe('wrong_phase')
      expect((await getStatute(one, id)).phase).toBe('concept')
      // The text did not change, so the agreements still hold.
      await toTerVaststelling()
    }
  })

  it.each([1, 2])('a phase change racing an adoption (%i instance(s)): exactly one of them happens', async (count) => {
    const [one, two] = await instances(count)
    const { id, toTerVaststelling } = await readyForAdoption(one)
    let adoptions = 0
    for (let round = 0; round < 6; round += 1) {
      const [adoption, phase] = await Promise.all([
        after(round % 3, () => adopt(one, id, `F-${round}`)),
        after(Math.floor(round / 3) * 2, () => api<ErrorView>(two, 'PUT', `/api/statutes/${id}/phase`, { phase: 'in-bespreking' })),
      ])
      if (adoption.status === 201) {
        adoptions += 1
        expect([phase.status, phase.body.code]).toEqual([409, 'adopted'])
        expect((await getStatute(one, id)).phase).toBe('vastgesteld')
        expect((await api(two, 'POST', `/api/statutes/${id}/revisions`, {})).status).toBe(201)
      } else {
        expect([adoption.status, adoption.body.code]).toEqual([409, 'wrong_phase'])
        expect(phase.status).toBe(200)
        expect((await getStatute(one, id)).phase).toBe('in-bespreking')
      }
      expect(await adoptedVersions(one, id)).toBe(adoptions)
      await toTerVaststelling()
    }
  })

  it.each([1, 2])('decisions racing an adoption (%i instance(s)): adopted only if nobody withdrew; no decision is recorded once adopted', async (count) => {
    const [one, two] = await instances(count)
    const { id, articleId, fingerprint, parties, raad, agree, toTerVaststelling } = await readyForAdoption(one)
    let adoptions = 0
    for (let round = 0; round < 6; round += 1) {
      // The griffie adopts on one instance while the raad withdraws (three times) on the other.
      const [adoption, ...withdrawals] = await Promise.all([
        after(round % 3, () => adopt(one, id, `R-${round}`)),
        ...[0, 1, 2].map((i) => after(Math.floor(round / 3) * 3 + i, () => decide(two, id, articleId, { party: parties.raad, decision: 'ingetrokken', fingerprint }, raad.token))),
      ])
      const raadRecords = (await one.store.agreements.listAgreements(id)).filter((r) => r.partyId === parties.raad)
      if (adoption.status === 201) {
        adoptions += 1
        // Adopted means the raad had not withdrawn: every withdrawal came too late and is refused.
        expect(withdrawals.map((w) => [w.status, w.body.code])).toEqual([
          [409, 'adopted'],
          [409, 'adopted'],
          [409, 'adopted'],
        ])
        expect(raadRecords.at(-1)!.decision).toBe('akkoord')
        expect((await api(two, 'POST', `/api/statutes/${id}/revisions`, {})).status).toBe(201)
        await toTerVaststelling()
      } else {
        expect([adoption.status, adoption.body.code]).toEqual([409, 'not_agreed'])
        expect(withdrawals.map((w) => w.status)).toEqual([201, 201, 201])
        expect(raadRecords.at(-1)!.decision).toBe('ingetrokken')
        expect((await getStatute(one, id)).phase).toBe('ter-vaststelling')
        await agree(parties.raad, raad.token)
      }
      expect(await adoptedVersions(one, id)).toBe(adoptions)
    }
  })
})
