/**
 * Text with control characters against a real server (SQLite, and PostgreSQL with
 * SAMENSPEL_TEST_STORAGE=postgres, which cannot store U+0000 in text at all):
 *  - through the JSON API (bodies, keys, query strings, deeply nested JSON) it is refused with
 *    400 { code: 'bad_request', message } naming the field, and nothing is stored; tab, line feed
 *    and carriage return are fine;
 *  - through the co-edited document (title, organisation, article text) it cannot break the
 *    statute list or recording a decision: U+0000 is left out of what is stored as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readOutline, renameArticle, setMetaField } from '../../model/statuteDoc.js'
import { api, createStatute, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, synced, type TestClient } from '../helpers/clients.js'

const NUL = '\u0000'

interface ErrorView {
  readonly code: string
  readonly message: string
  readonly details?: Array<{ path: string; message: string }>
}
interface StatuteView {
  readonly title: string
  readonly organisation: string
  readonly chapters: ReadonlyArray<{ articles: ReadonlyArray<{ id: string; title: string; fingerprint: string }> }>
  readonly parties: ReadonlyArray<{ id: string; name: string }>
}

describe('text with control characters', () => {
  let server: TestServer
  let statuteId: string
  let articleId: string
  let griffie: string
  const clients: TestClient[] = []

  beforeAll(async () => {
    server = await startTestServer()
    statuteId = await createStatute(server, 'Statuut stuurtekens', 'Gemeente Oss')
    const statute = await getStatute()
    articleId = statute.chapters[0]!.articles[0]!.id
    griffie = statute.parties.find((p) => p.name === 'Griffie')!.id
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await server?.close()
  })

  async function getStatute(): Promise<StatuteView> {
    const { status, body } = await api<StatuteView>(server, 'GET', `/api/statutes/${statuteId}`)
    expect(status).toBe(200)
    return body
  }

  /** What a refused request may not have changed. */
  async function everythingStored() {
    const [statutes, threads, parties, versions, agreements, tokens] = await Promise.all([
      api<{ statutes: unknown[] }>(server, 'GET', '/api/statutes'),
      api<{ threads: unknown[] }>(server, 'GET', `/api/statutes/${statuteId}/threads`),
      api<{ parties: unknown[] }>(server, 'GET', `/api/statutes/${statuteId}/parties`),
      api<{ versions: unknown[] }>(server, 'GET', `/api/statutes/${statuteId}/versions`),
      api(server, 'GET', `/api/statutes/${statuteId}/articles/${articleId}/agreements`),
      api<{ tokens: unknown[] }>(server, 'GET', '/api/account/tokens'),
    ])
    return {
      statutes: statutes.body.statutes.length,
      threads: threads.body.threads.length,
      parties: parties.body.parties.length,
      versions: versions.body.versions.length,
      agreements: JSON.stringify(agreements.body),
      tokens: tokens.body.tokens.length,
    }
  }

  const article = () => `/api/statutes/${statuteId}/articles/${articleId}/agreements`
  const cases: Array<[string, string, () => string, () => unknown, string]> = [
    ['a title with U+0000', 'POST', () => '/api/statutes', () => ({ title: `Statuut${NUL}`, organisation: 'Gemeente Oss' }), 'title'],
    ['an organisation with a bell (U+0007)', 'POST', () => '/api/statutes', () => ({ title: 'Statuut', organisation: 'Gemeente\u0007Oss' }), 'organisation'],
    ['a comment with U+0000', 'POST', () => `/api/statutes/${statuteId}/threads`, () => ({ articleId, body: `Graag${NUL} aanpassen` }), 'body'],
    ['a quoted passage with an escape (U+001B)', 'POST', () => `/api/statutes/${statuteId}/threads`, () => ({ articleId, quote: 'de \u001b[31mraad', body: 'Klopt dit?' }), 'quote'],
    ['a party name with DEL (U+007F)', 'POST', () => `/api/statutes/${statuteId}/parties`, () => ({ name: 'Fractie\u007f' }), 'name'],
    ['a version label with a C1 control (U+0085)', 'POST', () => `/api/statutes/${statuteId}/versions`, () => ({ label: 'Eerste\u0085lezing' }), 'label'],
    ['a reason with U+0000', 'POST', article, () => ({ party: griffie, decision: 'niet-akkoord', reason: `Te${NUL} lang`, fingerprint: 'x' }), 'reason'],
    ['an API token name with a form feed (U+000C)', 'POST', () => '/api/account/tokens', () => ({ name: 'Koppeling\u000c' }), 'name'],
    ['a key with U+0000 in a template choice', 'POST', () => '/api/statutes', () => ({ title: 'T', templates: { themes: [], parameters: { [`termijn${NUL}`]: 1 } } }), `templates.parameters.termijn${NUL}`],
    [
      'text deep inside an imported article',
      'POST',
      () => '/api/statutes/import',
      () => ({ title: 'T', chapters: [{ title: 'H', articles: [{ title: 'A', body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: `x${NUL}y` }] }] } }] }] }),
      'chapters.0.articles.0.body.content.0.content.0.text',
    ],
    ['an e-mail address with U+0000 at sign-in', 'POST', () => '/api/session', () => ({ email: `griffie${NUL}@gemeente.test`, password: 'wachtwoord' }), 'email'],
    ['U+0000 in a query string', 'GET', () => `/api/statutes/${statuteId}/compare?from=1&to=%00`, () => undefined, 'to'],
  ]

  it.each(cases)('%s: 400 bad_request naming the field, nothing stored', async (_name, method, path, body, field) => {
    const before = await everythingStored()
    const { status, body: answer } = await api<ErrorView>(server, method, path(), body())
    expect(status, JSON.stringify(answer)).toBe(400)
    expect(answer.code).toBe('bad_request')
    expect(answer.message).toBe(`${field}: Deze tekst bevat een onzichtbaar teken dat niet is toegestaan (een stuurteken). Haal het weg en probeer het opnieuw.`)
    expect(answer.details).toEqual([{ path: field, message: expect.stringContaining('stuurteken') }])
    expect(await everythingStored()).toEqual(before)
  })

  it('tab, line feed and carriage return are ordinary text', async () => {
    const created = await api<{ id: string; organisation: string }>(server, 'POST', '/api/statutes', { title: 'Statuut met\ttab', organisation: 'Gemeente\tOss' })
    expect(created.status).toBe(201)
    expect(created.body.organisation).toBe('Gemeente\tOss')
    const thread = await api<{ comments: Array<{ body: string }> }>(server, 'POST', `/api/statutes/${statuteId}/threads`, { articleId, body: 'Regel 1\nRegel 2\r\nRegel\t3' })
    expect(thread.status).toBe(201)
    const threads = await api<{ threads: Array<{ comments: Array<{ body: string }> }> }>(server, 'GET', `/api/statutes/${statuteId}/threads`)
    expect(threads.body.threads.flatMap((t) => t.comments.map((c) => c.body))).toContain('Regel 1\nRegel 2\r\nRegel\t3')
  })

  it('deeply nested JSON is answered with 400, also with U+0000 at the bottom (the path shortened), and the server stays up', async () => {
    const depth = 50_000
    const nested = (inner: string) => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`
    for (const inner of ['1', '"\\u0000"']) {
      const response = await fetch(`${server.url}/api/statutes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.admin.token}` },
        body: nested(inner),
      })
      expect(response.status).toBe(400)
      const answer = (await response.json()) as ErrorView
      expect(answer.code).toBe('bad_request')
      expect(answer.message.length).toBeLessThan(1000)
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('U+0000 typed into the document: the statute list and a decision on that text still work, without it', async () => {
    const writer = connectClient(server.wsUrl, statuteId)
    clients.push(writer)
    await synced(writer)
    setMetaField(writer.doc, 'title', `Nieuwe${NUL} titel`)
    setMetaField(writer.doc, 'organisation', `${NUL}Gemeente Tiel`)
    renameArticle(writer.doc, readOutline(writer.doc).chapters[0]!.articles[0]!.id, `Doel${NUL}`)

    // The list follows the document (the summary is written shortly after a change).
    const listed = async () => (await api<{ statutes: Array<{ id: string; title: string; organisation: string }> }>(server, 'GET', '/api/statutes')).body.statutes.find((s) => s.id === statuteId)
    const deadline = Date.now() + 10_000
    while ((await listed())?.title !== 'Nieuwe titel' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await listed()).toMatchObject({ title: 'Nieuwe titel', organisation: 'Gemeente Tiel' })

    // A decision on the article whose title holds U+0000: recorded, the text decided on without it.
    let current = await getStatute()
    while (current.chapters[0]!.articles[0]!.title !== `Doel${NUL}` && Date.now() < deadline) current = await getStatute()
    const fingerprint = current.chapters[0]!.articles[0]!.fingerprint
    const decided = await api<ErrorView>(server, 'POST', article(), { party: griffie, decision: 'akkoord', fingerprint })
    expect(decided.status, JSON.stringify(decided.body)).toBe(201)
    const history = await api<{ history: Array<{ decision: string; articleText: string }> }>(server, 'GET', article())
    expect(history.status).toBe(200)
    const last = history.body.history.at(-1)!
    expect(last.decision).toBe('akkoord')
    expect(last.articleText).toContain('Doel')
    expect(last.articleText).not.toContain(NUL)
  })
})
