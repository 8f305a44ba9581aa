/**
 * Comment threads against a real server: who may start, reply, edit, delete, resolve and reopen;
 * mentions and the unread state per person; live 'comments' events on the SSE stream; threads on
 * passages whose anchors follow the words while others type through the server (and break, but
 * stay, when the passage is deleted); threads that outlive a deleted or moved article; input
 * validation; and the list as an integration reads it (quote, status, comments).
 */
import { listenToEvents, type SseEvent } from '../helpers/eventStream.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { anchorInText, resolveAnchorText, type PassageAnchor } from '../../model/anchors.js'
import { addChapter, addArticle, articleFragment, deleteItem, moveArticle, readOutline } from '../../model/statuteDoc.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js'
import { connectClient, synced, until, waitFor, type TestClient } from '../helpers/clients.js'
import { appendParagraph } from '../helpers/ydocs.js'

let server: TestServer
let statuteId: string
let articleId: string
type Person = 'beheerder' | 'redacteur' | 'commentator' | 'commentator2' | 'lezer' | 'outsider'
let people: Record<Person, TestUser>
const cleanup: Array<{ destroy(): void }> = []

beforeEach(async () => {
  server = await startTestServer()
  // The administrator creates the statute and is its beheerder.
  statuteId = await createStatute(server, 'Statuut reacties', 'Gemeente Praatdorp')
  const [redacteur, commentator, commentator2, lezer, outsider] = await Promise.all([
    createTestUser(server, 'Rik Redactie'),
    createTestUser(server, 'Cor Commentaar'),
    createTestUser(server, 'Cato Commentaar'),
    createTestUser(server, 'Lea Lezer'),
    createTestUser(server, 'Otto Buiten'),
  ])
  people = { beheerder: server.admin, redacteur, commentator, commentator2, lezer, outsider }
  await addMember(server, statuteId, redacteur, 'redacteur', 'Raad')
  await addMember(server, statuteId, commentator, 'commentator', 'College')
  await addMember(server, statuteId, commentator2, 'commentator', 'Raad')
  await addMember(server, statuteId, lezer, 'lezer', 'Raad')
  // The outsider is a member elsewhere, not here.
  await createStatute(server, 'Statuut elders', 'Gemeente Elders', { token: outsider.token })
  const snapshot = await api<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)
  articleId = snapshot.body.chapters[0]!.articles[0]!.id
})

afterEach(async () => {
  for (const item of cleanup.splice(0)) item.destroy()
  await server.close()
})

// ---------------------------------------------------------------------------------------------
// Helpers

interface CommentView {
  id: string
  threadId: string
  authorId: string
  authorName: string
  body: string
  mentions: string[]
  createdAt: string
  editedAt: string | null
  deletedAt: string | null
}

interface ThreadView {
  id: string
  statuteId: string
  articleId: string
  anchor: PassageAnchor | null
  quote: string | null
  status: 'open' | 'resolved'
  createdBy: string
  createdAt: string
  resolvedBy: string | null
  resolvedAt: string | null
  comments: CommentView[]
  unread: boolean
  mentionsMe: boolean
  mine: boolean
}

const threadsPath = (id = statuteId) => `/api/statutes/${id}/threads`

function as(person: Person) {
  return { token: people[person].token }
}

async function threadsOf(person: Person, id = statuteId): Promise<ThreadView[]> {
  const { status, body } = await api<{ threads: ThreadView[] }>(server, 'GET', threadsPath(id), undefined, as(person))
  expect(status).toBe(200)
  return body.threads
}

async function threadOf(person: Person, threadId: string): Promise<ThreadView> {
  const thread = (await threadsOf(person)).find((t) => t.id === threadId)
  expect(thread, `thread ${threadId} as ${person}`).toBeDefined()
  return thread!
}

async function startThread(person: Person, input: Record<string, unknown>): Promise<{ threadId: string; commentId: string }> {
  const { status, body } = await api<{ threadId: string; commentId: string }>(server, 'POST', threadsPath(), { articleId, ...input }, as(person))
  expect(status, JSON.stringify(body)).toBe(201)
  expect(body.threadId).toMatch(/^[a-z0-9]{16}$/)
  expect(body.commentId).toMatch(/^[a-z0-9]{16}$/)
  return body
}

async function replyTo(person: Person, threadId: string, input: Record<string, unknown>): Promise<string> {
  const { status, body } = await api<{ commentId: string }>(server, 'POST', `${threadsPath()}/${threadId}/comments`, input, as(person))
  expect(status, JSON.stringify(body)).toBe(201)
  return body.commentId
}

function setStatus(person: Person, threadId: string, status: 'open' | 'resolved') {
  return api<{ status?: string; code?: string }>(server, 'PUT', `${threadsPath()}/${threadId}/status`, { status }, as(person))
}

/** Timestamps are in milliseconds; a short pause keeps "before" and "after" apart. */
const tick = () => new Promise((r) => setTimeout(r, 5))

function client(person: Person): TestClient {
  const c = connectClient(server.wsUrl, statuteId, { token: people[person].token })
  cleanup.push(c)
  return c
}

/** The text node of the paragraph in an article body that contains `marker`. */
function textWith(doc: Y.Doc, article: string, marker: string): Y.XmlText | undefined {
  const body = articleFragment(doc, article, 'body')
  if (!body) return undefined
  for (const node of body.toArray()) {
    if (!(node instanceof Y.XmlElement)) continue
    for (const child of node.toArray()) if (child instanceof Y.XmlText && child.toString().includes(marker)) return child
  }
  return undefined
}

async function waitForText(doc: Y.Doc, article: string, marker: string, what = marker): Promise<Y.XmlText> {
  await waitFor(() => textWith(doc, article, marker) !== undefined, 5000, `"${what}" to arrive`)
  return textWith(doc, article, marker)!
}

/** Inserts `text` into a client's text node just before `before` or just after `after`. */
function typeAt(text: Y.XmlText, where: { before: string } | { after: string }, typed: string): void {
  const content = text.toString()
  const index = 'before' in where ? content.indexOf(where.before) : content.indexOf(where.after) + where.after.length
  expect(index, JSON.stringify(where)).toBeGreaterThanOrEqual(0)
  text.insert(index, typed)
}

/** The event stream of a statute, as one of the test people; closed after the test. */
async function listen(person: Person, id = statuteId) {
  const stream = await listenToEvents(server, id, people[person].token)
  cleanup.push({ destroy: stream.close })
  return stream
}

const commentEvents = (events: readonly SseEvent[]) => events.filter((e) => e.type === 'comments').map((e) => (e.data as { threadId: string }).threadId)

// ---------------------------------------------------------------------------------------------

/** The first article of another statute (threads need an article of their own statute). */
async function firstArticleOf(server: TestServer, statuteId: string): Promise<string> {
  const snapshot = await api<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)
  return snapshot.body.chapters[0]!.articles[0]!.id
}

describe('starting threads', () => {
  it('a commentator, a redacteur and a beheerder each start a thread on an article; everyone sees them', async () => {
    const started: Array<[Person, string]> = []
    for (const person of ['commentator', 'redacteur', 'beheerder'] as const) {
      const { threadId, commentId } = await startThread(person, { body: `Vraag van de ${person}.` })
      started.push([person, threadId])
      const thread = await threadOf(person, threadId)
      expect(thread).toMatchObject({ statuteId, articleId, anchor: null, quote: null, status: 'open', createdBy: people[person].user.id, resolvedBy: null, resolvedAt: null, mine: true, unread: false })
      expect(thread.comments).toHaveLength(1)
      expect(thread.comments[0]).toMatchObject({ id: commentId, threadId, authorId: people[person].user.id, authorName: people[person].user.name, body: `Vraag van de ${person}.`, mentions: [], editedAt: null, deletedAt: null })
    }
    // A lezer reads them all (and has started none).
    const seen = await threadsOf('lezer')
    expect(seen.map((t) => t.id)).toEqual(started.map(([, id]) => id))
    for (const thread of seen) expect(thread.mine).toBe(false)
  })

  it('each of them can also start a thread on a passage, with its anchor and quote', async () => {
    const writer = client('redacteur')
    await synced(writer)
    const text = appendParagraph(writer.doc, articleId, 'De griffier ondersteunt de raad en zijn commissies.')
    for (const person of ['commentator', 'redacteur', 'beheerder'] as const) {
      const anchor = anchorInText(text, 3, 11) // "griffier"
      const { threadId } = await startThread(person, { anchor, quote: 'griffier', body: 'Welke griffier?' })
      const thread = await threadOf('lezer', threadId)
      expect(thread.anchor).toEqual(JSON.parse(JSON.stringify(anchor)))
      expect(thread.quote).toBe('griffier')
    }
  })

  it('a thread on a passage follows its words while others type before, inside and after it through the server', async () => {
    const passage = 'De raad stelt jaarlijks de begroting vast.'
    const writer = client('redacteur')
    const colleague = client('beheerder')
    const commentator = client('commentator')
    await Promise.all([synced(writer), synced(colleague), synced(commentator)])
    appendParagraph(writer.doc, articleId, `Voorwoord. ${passage} Slotwoord.`)

    // The commentator selects the passage in its own (read-only) copy and starts a thread.
    const own = await waitForText(commentator.doc, articleId, passage)
    const from = own.toString().indexOf(passage)
    const anchor = JSON.parse(JSON.stringify(anchorInText(own, from, from + passage.length))) as PassageAnchor
    expect(resolveAnchorText(commentator.doc, anchor)).toBe(passage)
    const { threadId } = await startThread('commentator', { anchor, quote: passage, body: 'Ook de meerjarenraming?' })

    // Two editors type at once, each in its own copy: before, directly before, inside, directly after, after.
    const a = await waitForText(writer.doc, articleId, passage)
    const b = await waitForText(colleague.doc, articleId, passage)
    typeAt(a, { before: 'Voorwoord.' }, 'Inleiding. ')
    typeAt(b, { before: 'De raad' }, '[')
    typeAt(b, { after: 'De raad' }, ' (de gemeenteraad)')
    typeAt(a, { after: 'de begroting' }, ' en de jaarrekening')
    typeAt(a, { after: 'vast.' }, ']')
    typeAt(b, { after: 'Slotwoord.' }, ' Einde.')
    const expected = 'De raad (de gemeenteraad) stelt jaarlijks de begroting en de jaarrekening vast.'
    const whole = `Inleiding. Voorwoord. [${expected}] Slotwoord. Einde.`
    await waitFor(() => textWith(writer.doc, articleId, whole) !== undefined && textWith(colleague.doc, articleId, whole) !== undefined, 5000, 'both editors to converge')
    // The commentator's live copy follows along.
    await waitFor(() => resolveAnchorText(commentator.doc, anchor) === expected, 5000, 'the passage at the commentator')

    // A fresh client (a lezer) reads the anchor from the API and resolves it in its own copy.
    const thread = await threadOf('lezer', threadId)
    const fresh = client('lezer')
    await synced(fresh)
    await waitForText(fresh.doc, articleId, whole, 'the edited paragraph')
    expect(resolveAnchorText(fresh.doc, thread.anchor!)).toBe(expected)
    // The quote is what was selected when the thread was started.
    expect(thread.quote).toBe(passage)
  })

  it('a lezer gets 403 starting or replying; reading and marking read is allowed', async () => {
    const { threadId } = await startThread('commentator', { body: 'Eerste vraag.' })
    const started = await api<{ code: string }>(server, 'POST', threadsPath(), { articleId, body: 'Mag ik?' }, as('lezer'))
    expect(started.status).toBe(403)
    expect(started.body.code).toBe('forbidden')
    const replied = await api<{ code: string }>(server, 'POST', `${threadsPath()}/${threadId}/comments`, { body: 'Mag ik?' }, as('lezer'))
    expect(replied.status).toBe(403)
    expect((await api(server, 'PUT', `${threadsPath()}/${threadId}/status`, { status: 'resolved' }, as('lezer'))).status).toBe(403)
    expect((await api(server, 'POST', `${threadsPath()}/${threadId}/read`, undefined, as('lezer'))).status).toBe(204)
    const threads = await threadsOf('lezer')
    expect(threads).toHaveLength(1)
    expect(threads[0]!.comments.map((c) => c.body)).toEqual(['Eerste vraag.'])
  })

  it('a non-member gets 404, exactly as for a statute that does not exist', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Binnen.' })
    const unknown = 'bestaat-niet-0123'
    const pairs: Array<[string, string, unknown]> = [
      ['GET', '/threads', undefined],
      ['POST', '/threads', { articleId, body: 'Van buiten.' }],
      ['POST', `/threads/${threadId}/comments`, { body: 'Van buiten.' }],
      ['PUT', `/threads/${threadId}/status`, { status: 'resolved' }],
      ['POST', `/threads/${threadId}/read`, undefined],
      ['PATCH', `/comments/${commentId}`, { body: 'Overschreven.' }],
      ['DELETE', `/comments/${commentId}`, undefined],
      ['GET', '/events', undefined],
    ]
    for (const [method, suffix, body] of pairs) {
      const here = await api(server, method, `/api/statutes/${statuteId}${suffix}`, body, as('outsider'))
      const nowhere = await api(server, method, `/api/statutes/${unknown}${suffix}`, body, as('outsider'))
      const memberToNowhere = await api(server, method, `/api/statutes/${unknown}${suffix}`, body, as('commentator'))
      expect(here.status, `${method} ${suffix}`).toBe(404)
      expect(here).toEqual(nowhere)
      expect(here).toEqual(memberToNowhere)
    }
    // Nothing changed.
    const [thread] = await threadsOf('commentator')
    expect(thread!.status).toBe('open')
    expect(thread!.comments.map((c) => [c.body, c.deletedAt])).toEqual([['Binnen.', null]])
    // Anonymous callers learn nothing either.
    const anonymous = await api(server, 'GET', threadsPath(), undefined, { token: null })
    expect(anonymous).toEqual(await api(server, 'GET', threadsPath(), undefined, as('outsider')))
  })
})

describe('replies, edits and deletions', () => {
  it('members reply; the thread lists its comments in order with their authors', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Is dit artikel nodig?' })
    await tick()
    const second = await replyTo('commentator2', threadId, { body: 'Ja, voor de duidelijkheid.' })
    await tick()
    const third = await replyTo('redacteur', threadId, { body: 'Ik pas het aan.' })
    const thread = await threadOf('beheerder', threadId)
    expect(thread.comments.map((c) => [c.id, c.authorName, c.body])).toEqual([
      [commentId, people.commentator.user.name, 'Is dit artikel nodig?'],
      [second, people.commentator2.user.name, 'Ja, voor de duidelijkheid.'],
      [third, people.redacteur.user.name, 'Ik pas het aan.'],
    ])
    expect(thread.comments.every((c) => c.threadId === threadId)).toBe(true)
  })

  it('authors edit their own comments; editing or deleting someone else\'s is 403, also for a beheerder', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Eerste versie.' })
    const reply = await replyTo('commentator2', threadId, { body: 'Antwoord.' })
    const edited = await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Tweede versie.' }, as('commentator'))
    expect(edited.status).toBe(204)
    for (const person of ['commentator2', 'redacteur', 'beheerder'] as const) {
      expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: `Van ${person}.` }, as(person))).status, person).toBe(403)
      expect((await api(server, 'DELETE', `/api/statutes/${statuteId}/comments/${commentId}`, undefined, as(person))).status, person).toBe(403)
    }
    expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${reply}`, { body: 'Van Cor.' }, as('commentator'))).status).toBe(403)
    const thread = await threadOf('lezer', threadId)
    expect(thread.comments[0]).toMatchObject({ id: commentId, body: 'Tweede versie.', deletedAt: null })
    expect(thread.comments[0]!.editedAt).not.toBeNull()
    expect(thread.comments[0]!.editedAt! >= thread.comments[0]!.createdAt).toBe(true)
    expect(thread.comments[1]).toMatchObject({ id: reply, body: 'Antwoord.', editedAt: null, deletedAt: null })
  })

  it('a deleted own comment stays in the thread with deletedAt and an empty body; it cannot be edited or deleted again', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Weg ermee.', mentions: [people.redacteur.user.id] })
    const reply = await replyTo('redacteur', threadId, { body: 'Blijft staan.' })
    expect((await threadOf('redacteur', threadId)).mentionsMe).toBe(true)
    const removed = await api(server, 'DELETE', `/api/statutes/${statuteId}/comments/${commentId}`, undefined, as('commentator'))
    expect(removed.status).toBe(204)
    const thread = await threadOf('lezer', threadId)
    expect(thread.comments).toHaveLength(2)
    expect(thread.comments[0]).toMatchObject({ id: commentId, authorId: people.commentator.user.id, body: '', mentions: [] })
    expect(thread.comments[0]!.deletedAt).not.toBeNull()
    expect(thread.comments[1]).toMatchObject({ id: reply, body: 'Blijft staan.', deletedAt: null })
    expect(thread.status).toBe('open')
    // The mention went with it.
    expect((await threadOf('redacteur', threadId)).mentionsMe).toBe(false)
    expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Toch weer.' }, as('commentator'))).status).toBe(400)
    expect((await api(server, 'DELETE', `/api/statutes/${statuteId}/comments/${commentId}`, undefined, as('commentator'))).status).toBe(400)
    expect((await threadOf('commentator', threadId)).comments[0]!.body).toBe('')
  })

  it('unknown threads and comments are 404, also ids of another statute', async () => {
    const other = await createStatute(server, 'Ander statuut', 'Gemeente Anders')
    // An article id of this statute is refused there (404); its own article is fine.
    expect((await api(server, 'POST', threadsPath(other), { articleId, body: 'Elders.' })).status).toBe(404)
    const foreign = await api<{ threadId: string; commentId: string }>(server, 'POST', threadsPath(other), { articleId: await firstArticleOf(server, other), body: 'Elders.' })
    expect(foreign.status).toBe(201)
    for (const [threadId, commentId] of [['onbekend0000001', 'onbekend0000002'], [foreign.body.threadId, foreign.body.commentId]] as const) {
      expect((await api(server, 'POST', `${threadsPath()}/${threadId}/comments`, { body: 'Hier?' })).status).toBe(404)
      expect((await setStatus('beheerder', threadId, 'resolved')).status).toBe(404)
      expect((await api(server, 'POST', `${threadsPath()}/${threadId}/read`)).status).toBe(404)
      expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Hier?' })).status).toBe(404)
      expect((await api(server, 'DELETE', `/api/statutes/${statuteId}/comments/${commentId}`)).status).toBe(404)
    }
    const [thread] = await threadsOf('beheerder', other)
    expect(thread!.status).toBe('open')
    expect(thread!.comments.map((c) => [c.body, c.deletedAt])).toEqual([['Elders.', null]])
    expect(await threadsOf('beheerder')).toEqual([])
  })
})

describe('resolving and reopening', () => {
  it('the thread author, a redacteur and a beheerder resolve and reopen; another commentator and a lezer cannot', async () => {
    const { threadId } = await startThread('commentator', { body: 'Klopt de verwijzing?' })
    for (const person of ['commentator2', 'lezer'] as const) {
      const refused = await setStatus(person, threadId, 'resolved')
      expect(refused.status, person).toBe(403)
    }
    expect((await threadOf('lezer', threadId)).status).toBe('open')

    const steps: Array<[Person, 'open' | 'resolved']> = [
      ['commentator', 'resolved'],
      ['redacteur', 'open'],
      ['beheerder', 'resolved'],
      ['commentator', 'open'],
      ['redacteur', 'resolved'],
    ]
    for (const [person, status] of steps) {
      const result = await setStatus(person, threadId, status)
      expect(result, `${person} → ${status}`).toEqual({ status: 200, body: { status } })
      const thread = await threadOf('lezer', threadId)
      expect(thread.status).toBe(status)
      if (status === 'resolved') {
        expect(thread.resolvedBy).toBe(people[person].user.id)
        expect(thread.resolvedAt).not.toBeNull()
      } else {
        expect(thread.resolvedBy).toBeNull()
        expect(thread.resolvedAt).toBeNull()
      }
    }
    // Once resolved, the other commentator still cannot reopen it.
    expect((await setStatus('commentator2', threadId, 'open')).status).toBe(403)
    expect((await threadOf('lezer', threadId)).status).toBe('resolved')
  })
})

describe('mentions', () => {
  it('mentioning members puts the thread in their "voor mij" list, and only theirs', async () => {
    const { threadId } = await startThread('commentator', { body: '@Cato wat vind jij?', mentions: [people.commentator2.user.id] })
    const quiet = await startThread('commentator', { body: 'Niemand genoemd.' })
    expect((await threadOf('commentator2', threadId)).mentionsMe).toBe(true)
    expect((await threadOf('commentator2', quiet.threadId)).mentionsMe).toBe(false)
    for (const person of ['commentator', 'redacteur', 'lezer', 'beheerder'] as const) expect((await threadOf(person, threadId)).mentionsMe, person).toBe(false)

    // A reply can mention someone else, a lezer included (a member); the same id twice counts once.
    await replyTo('redacteur', threadId, { body: '@Lea ter info.', mentions: [people.lezer.user.id, people.lezer.user.id] })
    const thread = await threadOf('lezer', threadId)
    expect(thread.mentionsMe).toBe(true)
    expect(thread.comments[1]!.mentions).toEqual([people.lezer.user.id])
    // Editing a mention away takes the thread out of that list.
    const first = thread.comments[0]!.id
    expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${first}`, { body: 'Laat maar.' }, as('commentator'))).status).toBe(204)
    expect((await threadOf('commentator2', threadId)).mentionsMe).toBe(false)
    expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${first}`, { body: '@Rik?', mentions: [people.redacteur.user.id] }, as('commentator'))).status).toBe(204)
    expect((await threadOf('redacteur', threadId)).mentionsMe).toBe(true)
  })

  it('mentioning someone who is not a member (or does not exist) is 400, when starting, replying and editing', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Begin.' })
    for (const stranger of [people.outsider.user.id, 'bestaat0niet000']) {
      const started = await api<{ code: string }>(server, 'POST', threadsPath(), { articleId, body: 'Hallo', mentions: [people.redacteur.user.id, stranger] }, as('commentator'))
      expect(started.status).toBe(400)
      expect(started.body.code).toBe('bad_request')
      expect((await api(server, 'POST', `${threadsPath()}/${threadId}/comments`, { body: 'Hallo', mentions: [stranger] }, as('commentator'))).status).toBe(400)
      expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Hallo', mentions: [stranger] }, as('commentator'))).status).toBe(400)
    }
    // Nothing was stored.
    const threads = await threadsOf('beheerder')
    expect(threads).toHaveLength(1)
    expect(threads[0]!.comments.map((c) => [c.body, c.mentions])).toEqual([['Begin.', []]])
  })
})

describe('unread', () => {
  it('a thread with a reply from someone else is unread for me until I mark it read', async () => {
    const { threadId } = await startThread('commentator', { body: 'Graag reactie.' })
    // My own thread with only my own comment is not unread for me; for others it is new.
    expect((await threadOf('commentator', threadId)).unread).toBe(false)
    expect((await threadOf('redacteur', threadId)).unread).toBe(true)
    expect((await threadOf('lezer', threadId)).unread).toBe(true)

    await tick()
    await replyTo('redacteur', threadId, { body: 'Hier is mijn reactie.' })
    expect((await threadOf('commentator', threadId)).unread).toBe(true)
    // Replying means having read it.
    expect((await threadOf('redacteur', threadId)).unread).toBe(false)

    await tick()
    expect((await api(server, 'POST', `${threadsPath()}/${threadId}/read`, undefined, as('commentator'))).status).toBe(204)
    expect((await threadOf('commentator', threadId)).unread).toBe(false)
    // Per person: the lezer has still not read it.
    expect((await threadOf('lezer', threadId)).unread).toBe(true)

    await tick()
    await replyTo('commentator2', threadId, { body: 'En nog iets.' })
    expect((await threadOf('commentator', threadId)).unread).toBe(true)
    expect((await threadOf('redacteur', threadId)).unread).toBe(true)
    await tick()
    expect((await api(server, 'POST', `${threadsPath()}/${threadId}/read`, undefined, as('lezer'))).status).toBe(204)
    expect((await threadOf('lezer', threadId)).unread).toBe(false)
  })

  it('my own edits and resolutions do not make a thread unread for me', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Eerste.' })
    await tick()
    await replyTo('redacteur', threadId, { body: 'Tweede.' })
    await tick()
    expect((await api(server, 'POST', `${threadsPath()}/${threadId}/read`, undefined, as('commentator'))).status).toBe(204)
    expect((await threadOf('commentator', threadId)).unread).toBe(false)
    await tick()
    expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Eerste, verbeterd.' }, as('commentator'))).status).toBe(204)
    expect((await threadOf('commentator', threadId)).unread).toBe(false)
    await tick()
    expect((await setStatus('commentator', threadId, 'resolved')).status).toBe(200)
    expect((await threadOf('commentator', threadId)).unread).toBe(false)
    // Someone else's activity still counts: the redacteur reopens it.
    await tick()
    expect((await setStatus('redacteur', threadId, 'open')).status).toBe(200)
    await tick()
    await replyTo('redacteur', threadId, { body: 'Toch nog open.' })
    expect((await threadOf('commentator', threadId)).unread).toBe(true)
  })
})

describe('live events', () => {
  it("a member listening on the event stream gets a 'comments' event for a new thread, a reply, an edit, a deletion and a resolution", async () => {
    const stream = await listen('lezer')
    expect(stream.status).toBe(200)
    expect(stream.contentType).toMatch(/^text\/event-stream/)
    await stream.connected()

    const { threadId, commentId } = await startThread('commentator', { body: 'Live?' })
    await waitFor(() => commentEvents(stream.events).length >= 1, 5000, "a 'comments' event for the new thread")
    expect(commentEvents(stream.events)).toEqual([threadId])

    const second = await startThread('redacteur', { body: 'Nog een draad.' })
    await replyTo('commentator2', threadId, { body: 'Ja, live.' })
    await waitFor(() => commentEvents(stream.events).length >= 3, 5000, "'comments' events for a thread and a reply")
    expect((await api(server, 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Live!' }, as('commentator'))).status).toBe(204)
    expect((await api(server, 'DELETE', `/api/statutes/${statuteId}/comments/${commentId}`, undefined, as('commentator'))).status).toBe(204)
    expect((await setStatus('redacteur', second.threadId, 'resolved')).status).toBe(200)
    await waitFor(() => commentEvents(stream.events).length >= 6, 5000, "'comments' events for the edit, the deletion and the resolution")
    expect(commentEvents(stream.events)).toEqual([threadId, second.threadId, threadId, threadId, threadId, second.threadId])

    // Refused actions and marking read send nothing.
    expect((await setStatus('commentator2', second.threadId, 'open')).status).toBe(403)
    expect((await api(server, 'POST', threadsPath(), { articleId, body: 'Mag niet.' }, as('lezer'))).status).toBe(403)
    expect((await api(server, 'POST', `${threadsPath()}/${threadId}/read`, undefined, as('beheerder'))).status).toBe(204)
    // A marker event after them proves they were processed first.
    const marker = await startThread('beheerder', { body: 'Markering.' })
    await waitFor(() => commentEvents(stream.events).includes(marker.threadId), 5000, 'the marker event')
    expect(commentEvents(stream.events)).toHaveLength(7)
  })

  it('events of one statute do not reach listeners of another', async () => {
    const other = await createStatute(server, 'Ander statuut', 'Gemeente Anders')
    const here = await listen('lezer')
    const there = await listen('beheerder', other)
    await Promise.all([here.connected(), there.connected()])
    const { threadId } = await startThread('commentator', { body: 'Alleen hier.' })
    const elsewhere = await api<{ threadId: string }>(server, 'POST', threadsPath(other), { articleId: await firstArticleOf(server, other), body: 'Alleen daar.' })
    await waitFor(() => commentEvents(here.events).length > 0 && commentEvents(there.events).length > 0, 5000, 'both events')
    expect(commentEvents(here.events)).toEqual([threadId])
    expect(commentEvents(there.events)).toEqual([elsewhere.body.threadId])
  })
})

describe('threads outlive the text they are about', () => {
  it('deleting an article or moving it to another chapter keeps its threads, their articleId and their replies (also after a restart)', async () => {
    const editor = client('redacteur')
    await synced(editor)
    const firstChapter = readOutline(editor.doc).chapters[0]!.id
    const secondChapter = addChapter(editor.doc, { title: 'Slotbepalingen' })
    const moving = addArticle(editor.doc, firstChapter, { title: 'Verhuizend artikel' })
    const doomed = addArticle(editor.doc, firstChapter, { title: 'Te schrappen artikel' })
    await waitFor(() => (readOutline(editor.doc).chapters[0]?.articles.length ?? 0) === 3, 5000, 'the articles')
    const chapters = async () => (await api<{ chapters: Array<{ id: string; articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}`)).body.chapters
    // The server has the new articles before anyone comments on them.
    await until(async () => (await chapters())[0]?.articles.some((a) => a.id === doomed) === true, 'the new articles at the server')
    const onMoving = await api<{ threadId: string }>(server, 'POST', threadsPath(), { articleId: moving, body: 'Hoort dit hier?' }, as('commentator'))
    const onDoomed = await api<{ threadId: string }>(server, 'POST', threadsPath(), { articleId: doomed, body: 'Is dit nodig?' }, as('commentator2'))
    const onFirst = await startThread('redacteur', { body: 'Het eerste artikel.' })
    expect(onMoving.status).toBe(201)
    expect(onDoomed.status).toBe(201)

    deleteItem(editor.doc, 'article', doomed)
    moveArticle(editor.doc, moving, secondChapter, 0)
    // The server's copy shows the change: the deleted article is gone, the moved one in chapter 2.
    await until(async () => {
      const now = await chapters()
      return !now.flatMap((c) => c.articles).some((a) => a.id === doomed) && now[1]?.id === secondChapter && now[1]?.articles[0]?.id === moving
    }, 'the deletion and the move at the server')

    const check = async (): Promise<void> => {
      const threads = await threadsOf('lezer')
      expect(threads.map((t) => [t.id, t.articleId])).toEqual([
        [onMoving.body.threadId, moving],
        [onDoomed.body.threadId, doomed],
        [onFirst.threadId, articleId],
      ])
    }
    await check()
    // The thread on the deleted article still takes replies and can be resolved.
    await replyTo('beheerder', onDoomed.body.threadId, { body: 'Artikel is geschrapt.' })
    expect((await setStatus('beheerder', onDoomed.body.threadId, 'resolved')).status).toBe(200)

    for (const item of cleanup.splice(0)) item.destroy()
    server = await server.restart()
    await check()
    const doomedThread = await threadOf('lezer', onDoomed.body.threadId)
    expect(doomedThread.status).toBe('resolved')
    expect(doomedThread.comments.map((c) => c.body)).toEqual(['Is dit nodig?', 'Artikel is geschrapt.'])
  })

  it('deleting the whole passage while others type elsewhere breaks the anchor (null); the thread stays with its article, anchor and quote', async () => {
    const passage = 'Vergaderingen zijn openbaar.'
    const editor = client('redacteur')
    const other = client('beheerder')
    await Promise.all([synced(editor), synced(other)])
    appendParagraph(editor.doc, articleId, `Eerst dit. ${passage} Dan dat.`)
    const mine = await waitForText(editor.doc, articleId, passage)
    const from = mine.toString().indexOf(passage)
    const anchor = JSON.parse(JSON.stringify(anchorInText(mine, from, from + passage.length))) as PassageAnchor
    const { threadId } = await startThread('commentator', { anchor, quote: passage, body: 'Altijd?' })

    // At once: the redacteur deletes the passage, the beheerder types before and after it.
    const theirs = await waitForText(other.doc, articleId, passage)
    mine.delete(from, passage.length)
    typeAt(theirs, { after: 'Eerst dit.' }, ' Voor.')
    typeAt(theirs, { before: 'Dan dat.' }, 'Na. ')
    expect(resolveAnchorText(editor.doc, anchor)).toBeNull()
    expect(resolveAnchorText(other.doc, anchor)).toBe(passage)
    const whole = 'Eerst dit. Voor.  Na. Dan dat.'
    await waitFor(() => textWith(editor.doc, articleId, whole) !== undefined && textWith(other.doc, articleId, whole) !== undefined, 5000, 'both to converge')
    expect(resolveAnchorText(other.doc, anchor)).toBeNull()

    const fresh = client('lezer')
    await synced(fresh)
    await waitForText(fresh.doc, articleId, whole, 'the edited paragraph')
    const thread = await threadOf('lezer', threadId)
    expect(thread).toMatchObject({ articleId, quote: passage, status: 'open' })
    expect(thread.anchor).toEqual(anchor)
    expect(resolveAnchorText(fresh.doc, thread.anchor!)).toBeNull()
    expect(thread.comments.map((c) => c.body)).toEqual(['Altijd?'])
  })
})

describe('validation', () => {
  it('bad input is 400 with a message, and nothing is stored', async () => {
    const { threadId, commentId } = await startThread('commentator', { body: 'Geldig.' })
    const big = { client: 1, clock: 1, filler: 'x'.repeat(2100) }
    const relative = { type: { client: 1, clock: 0 }, item: { client: 1, clock: 3 }, assoc: 0 }
    const bad: Array<[string, string, string, unknown]> = [
      ['empty body', 'POST', threadsPath(), { articleId, body: '' }],
      ['blank body', 'POST', threadsPath(), { articleId, body: '   \n ' }],
      ['missing body', 'POST', threadsPath(), { articleId }],
      ['body too long', 'POST', threadsPath(), { articleId, body: 'x'.repeat(5001) }],
      ['missing articleId', 'POST', threadsPath(), { body: 'Hallo' }],
      ['bad articleId', 'POST', threadsPath(), { articleId: 'Artikel 1!', body: 'Hallo' }],
      ['unknown field', 'POST', threadsPath(), { articleId, body: 'Hallo', priority: 'hoog' }],
      ['anchor too large', 'POST', threadsPath(), { articleId, body: 'Hallo', anchor: { start: big, end: relative } }],
      ['anchor without end', 'POST', threadsPath(), { articleId, body: 'Hallo', anchor: { start: relative } }],
      ['anchor with an unknown field', 'POST', threadsPath(), { articleId, body: 'Hallo', anchor: { start: relative, end: relative, middle: relative } }],
      ['anchor not an object', 'POST', threadsPath(), { articleId, body: 'Hallo', anchor: 'regel 3' }],
      // 100,000 levels of arrays in 200 KB (under the body limit): JSON.stringify would overflow the stack.
      ['anchor nested very deeply', 'POST', threadsPath(), `{"articleId":"${articleId}","body":"Hallo","anchor":{"start":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}},"end":${JSON.stringify(relative)}}}`],
      ['quote too long', 'POST', threadsPath(), { articleId, body: 'Hallo', quote: 'q'.repeat(2001) }],
      ['mentions not a list', 'POST', threadsPath(), { articleId, body: 'Hallo', mentions: people.redacteur.user.id }],
      ['bad mention id', 'POST', threadsPath(), { articleId, body: 'Hallo', mentions: ['Rik!'] }],
      ['bad statute id', 'POST', '/api/statutes/NIET_GELDIG/threads', { articleId, body: 'Hallo' }],
      ['not JSON', 'POST', threadsPath(), '{"articleId": '],
      ['reply: empty body', 'POST', `${threadsPath()}/${threadId}/comments`, { body: '' }],
      ['reply: unknown field', 'POST', `${threadsPath()}/${threadId}/comments`, { body: 'Hallo', articleId }],
      ['reply: bad thread id', 'POST', `${threadsPath()}/Draad!/comments`, { body: 'Hallo' }],
      ['status: unknown value', 'PUT', `${threadsPath()}/${threadId}/status`, { status: 'gesloten' }],
      ['status: unknown field', 'PUT', `${threadsPath()}/${threadId}/status`, { status: 'resolved', by: 'mij' }],
      ['status: bad thread id', 'PUT', `${threadsPath()}/DRAAD/status`, { status: 'resolved' }],
      ['read: bad thread id', 'POST', `${threadsPath()}/${'x'.repeat(65)}/read`, undefined],
      ['edit: empty body', 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: ' ' }],
      ['edit: unknown field', 'PATCH', `/api/statutes/${statuteId}/comments/${commentId}`, { body: 'Hallo', deletedAt: null }],
      ['edit: bad comment id', 'PATCH', `/api/statutes/${statuteId}/comments/Reactie!`, { body: 'Hallo' }],
      ['delete: bad comment id', 'DELETE', `/api/statutes/${statuteId}/comments/Reactie_1`, undefined],
      ['list: bad statute id', 'GET', '/api/statutes/NIET_GELDIG/threads', undefined],
    ]
    for (const [what, method, path, body] of bad) {
      const response = await api<{ code: string; message: string }>(server, method, path, body, as('commentator'))
      expect(response.status, what).toBe(400)
      expect(response.body.message.length, what).toBeGreaterThan(0)
    }
    const threads = await threadsOf('commentator')
    expect(threads).toHaveLength(1)
    expect(threads[0]).toMatchObject({ id: threadId, status: 'open' })
    expect(threads[0]!.comments.map((c) => [c.id, c.body, c.editedAt, c.deletedAt])).toEqual([[commentId, 'Geldig.', null, null]])
  })

  it('the body is stored trimmed; an anchor of just under the limit and a null anchor are accepted', async () => {
    const { threadId } = await startThread('commentator', { body: '  Met spaties.  \n' })
    expect((await threadOf('commentator', threadId)).comments[0]!.body).toBe('Met spaties.')
    const near = { type: { client: 1, clock: 0 }, filler: 'x'.repeat(1900) }
    const large = await startThread('commentator', { body: 'Groot anker.', anchor: { start: near, end: near } })
    expect((await threadOf('commentator', large.threadId)).anchor).toEqual({ start: near, end: near })
    const none = await startThread('commentator', { body: 'Geen anker.', anchor: null })
    expect((await threadOf('commentator', none.threadId)).anchor).toBeNull()
  })
})

describe('the list as an integration reads it', () => {
  it('gives each thread its article, anchor, quote, status, resolver and comments with authors', async () => {
    const writer = client('redacteur')
    await synced(writer)
    const text = appendParagraph(writer.doc, articleId, 'Het presidium bereidt de vergaderingen voor.')
    const anchor = JSON.parse(JSON.stringify(anchorInText(text, 4, 13))) as PassageAnchor
    const passageThread = await startThread('commentator', { anchor, quote: 'presidium', body: 'Wie zitten daarin?', mentions: [people.redacteur.user.id] })
    await tick()
    const answer = await replyTo('redacteur', passageThread.threadId, { body: 'De voorzitter en de fractievoorzitters.' })
    expect((await setStatus('redacteur', passageThread.threadId, 'resolved')).status).toBe(200)
    const articleThread = await startThread('beheerder', { body: 'Artikel herschrijven.' })

    const { status, body } = await api<{ threads: ThreadView[] }>(server, 'GET', threadsPath(), undefined, as('lezer'))
    expect(status).toBe(200)
    expect(body.threads).toHaveLength(2)
    const [first, second] = body.threads
    expect(Object.keys(first!).sort()).toEqual(['anchor', 'articleId', 'comments', 'createdAt', 'createdBy', 'id', 'mentionsMe', 'mine', 'quote', 'resolvedAt', 'resolvedBy', 'status', 'statuteId', 'unread'])
    expect(first).toMatchObject({
      id: passageThread.threadId,
      statuteId,
      articleId,
      anchor,
      quote: 'presidium',
      status: 'resolved',
      createdBy: people.commentator.user.id,
      resolvedBy: people.redacteur.user.id,
      unread: true,
      mentionsMe: false,
      mine: false,
    })
    expect(first!.comments).toEqual([
      expect.objectContaining({ id: passageThread.commentId, authorId: people.commentator.user.id, authorName: people.commentator.user.name, body: 'Wie zitten daarin?', mentions: [people.redacteur.user.id], editedAt: null, deletedAt: null }),
      expect.objectContaining({ id: answer, authorId: people.redacteur.user.id, authorName: people.redacteur.user.name, body: 'De voorzitter en de fractievoorzitters.', mentions: [] }),
    ])
    expect(Object.keys(first!.comments[0]!).sort()).toEqual(['authorId', 'authorName', 'body', 'createdAt', 'deletedAt', 'editedAt', 'id', 'mentions', 'threadId'])
    expect(Date.parse(first!.createdAt)).not.toBeNaN()
    expect(Date.parse(first!.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(first!.createdAt))
    expect(second).toMatchObject({ id: articleThread.threadId, articleId, anchor: null, quote: null, status: 'open', resolvedBy: null, resolvedAt: null })
    // The anchor from the list resolves to the passage in the statute's text.
    expect(resolveAnchorText(writer.doc, first!.anchor!)).toBe('presidium')
  })
})
