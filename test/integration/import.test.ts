/**
 * Importing a Word file through the real API: the preview (signed in only; Word bodies only; size
 * and format errors as { code, message }), then creating the reviewed structure as a statute that
 * the caller manages, with the chapters, continuous article numbers and body text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportPreview } from '../../model/imported.js'
import { IMPORT_LIMITS } from '../../model/imported.js'
import { api, createTestUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js'
import { DOCX_TYPE, gedragscodeDocx, controlCharactersDocx, oldWordDoc, zipWithoutDocument } from '../helpers/docxFixtures.js'

interface StatuteJson {
  readonly title: string
  readonly organisation: string
  readonly bodyType: string
  readonly me: { role: string; userId: string }
  readonly chapters: ReadonlyArray<{ number: number; title: string; articles: ReadonlyArray<{ number: number; label: string; title: string; body: { text: string; json: unknown } }> }>
}

async function upload(server: TestServer, bytes: Uint8Array | string, options: { token?: string | null; type?: string } = {}): Promise<{ status: number; body: { code?: string; message?: string } & Partial<ImportPreview> }> {
  const token = options.token === undefined ? server.admin.token : options.token
  const response = await fetch(`${server.url}/api/imports/preview`, {
    method: 'POST',
    headers: { 'content-type': options.type ?? DOCX_TYPE, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : {} }
}

describe('import of a Word file', () => {
  let server: TestServer
  let griffier: TestUser

  beforeAll(async () => {
    server = await startTestServer()
    griffier = await createTestUser(server, 'Gerda Griffier')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('previews a .docx for a signed-in person only, and stores nothing', async () => {
    const bytes = await gedragscodeDocx()
    const anonymous = await upload(server, bytes, { token: null })
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.code).toBe('unauthorized')

    const before = await api<{ statutes: unknown[] }>(server, 'GET', '/api/statutes', undefined, { token: griffier.token })
    const { status, body } = await upload(server, bytes, { token: griffier.token })
    expect(status).toBe(200)
    expect(body.title).toBe('Gedragscode raad en college')
    expect(body.chapters!.map((c) => c.title)).toEqual(['Algemeen', 'Informatie'])
    expect(body.chapters!.flatMap((c) => c.articles.map((a) => a.title))).toEqual(['Begrippen', 'Doel', 'Actieve informatie'])
    const begrippen = body.chapters![0]!.articles[0]!
    expect(begrippen.text).toBe(
      ['In deze gedragscode wordt verstaan onder:', '1. raad: de gemeenteraad;', '2. college: het college van burgemeester en wethouders;', '3. griffie: de griffie met:', '  a. de griffier;', '  b. de plaatsvervangend griffier.'].join('\n'),
    )
    expect(begrippen.body.content![1]!.type).toBe('orderedList')
    expect(body.unrecognised!.map((u) => u.reason)).toEqual(['preamble', 'table', 'image', 'chapter-text', 'footnote'])
    expect(body.preamble!.text).toBe('De raad van de gemeente Testdorp besluit vast te stellen:')
    // Also as application/octet-stream (what a browser may send for an unknown extension).
    expect((await upload(server, bytes, { token: griffier.token, type: 'application/octet-stream' })).status).toBe(200)
    const after = await api<{ statutes: unknown[] }>(server, 'GET', '/api/statutes', undefined, { token: griffier.token })
    expect(after.body.statutes).toHaveLength(before.body.statutes.length)
  })

  it('repairs Windows-1252 punctuation read as control characters, leaves the other control characters out, says so, and the preview can be imported as it is', async () => {
    const preview = (await upload(server, await controlCharactersDocx(), { token: griffier.token })).body as ImportPreview
    expect(JSON.stringify(preview)).not.toMatch(/[\u0080-\u009F]/)
    expect(preview.chapters.map((c) => c.title)).toEqual(['Algemeen'])
    expect(preview.chapters[0]!.articles.map((a) => [a.title, a.text])).toEqual([['Begrippen', 'De raad, € 100 – het college™ – werkt samen.']])
    expect(preview.warnings).toEqual(
      expect.arrayContaining(['4 tekens waren verkeerd gecodeerd (zoals – € “ ” uit een ouder systeem) en zijn hersteld. Controleer de tekst.', '2 onzichtbare stuurtekens zijn weggelaten.']),
    )
    const chapters = preview.chapters.map((c) => ({ title: c.title, articles: c.articles.map((a) => ({ title: a.title, body: a.body })) }))
    const created = await api<{ id: string }>(server, 'POST', '/api/statutes/import', { title: preview.title, organisation: 'Gemeente Testdorp', bodyType: 'gemeente', chapters }, { token: griffier.token })
    expect(created.status).toBe(201)
  })

  it('creates the reviewed structure as a statute the caller manages', async () => {
    const preview = (await upload(server, await gedragscodeDocx(), { token: griffier.token })).body as ImportPreview
    const chapters = preview.chapters.map((c, i) => ({
      title: i === 0 ? 'Algemene bepalingen' : c.title,
      articles: c.articles.map((a) => ({ title: a.title, body: a.body })),
    }))
    const created = await api<{ id: string; role: string }>(server, 'POST', '/api/statutes/import', { title: preview.title, organisation: 'Gemeente Testdorp', bodyType: 'gemeente', chapters }, { token: griffier.token })
    expect(created.status).toBe(201)
    expect(created.body.role).toBe('beheerder')

    const { status, body } = await api<StatuteJson>(server, 'GET', `/api/statutes/${created.body.id}`, undefined, { token: griffier.token })
    expect(status).toBe(200)
    expect(body.me.role).toBe('beheerder')
    expect(body.me.userId).toBe(griffier.user.id)
    expect(body.title).toBe('Gedragscode raad en college')
    expect(body.organisation).toBe('Gemeente Testdorp')
    expect(body.chapters.map((c) => [c.number, c.title])).toEqual([
      [1, 'Algemene bepalingen'],
      [2, 'Informatie'],
    ])
    const articles = body.chapters.flatMap((c) => c.articles)
    expect(articles.map((a) => [a.label, a.title])).toEqual([
      ['Artikel 1', 'Begrippen'],
      ['Artikel 2', 'Doel'],
      ['Artikel 3', 'Actieve informatie'],
    ])
    expect(articles[0]!.body.text).toContain('3. griffie: de griffie met:\n  a. de griffier;')
    expect(articles[1]!.body.text).toBe('1. Deze code regelt de informatievoorziening.\n2. Zie ook de website.\nMeer op de website.')
    expect(articles[1]!.body.json).toEqual(preview.chapters[0]!.articles[1]!.body)
    expect(articles[2]!.body.text).toBe('Het college informeert de raad tijdig.[1]\nArtikel 3 is niet van toepassing op geheime stukken.')

    // Someone else does not see it.
    const other = await createTestUser(server, 'Otto Ander')
    expect((await api(server, 'GET', `/api/statutes/${created.body.id}`, undefined, { token: other.token })).status).toBe(404)
  })

  it('refuses a corrupt or non-Word file with invalid_docx, and an old .doc with a hint', async () => {
    const cases: Array<[string, Uint8Array | string]> = [
      ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)],
      ['a zip without a Word document', await zipWithoutDocument()],
      ['a text file', 'Dit is gewoon tekst, geen Word-bestand.\n'],
      ['a truncated .docx', (await gedragscodeDocx()).subarray(0, 2000)],
    ]
    for (const [name, bytes] of cases) {
      const { status, body } = await upload(server, bytes)
      expect({ name, status, code: body.code, message: body.message }).toEqual({ name, status: 400, code: 'invalid_docx', message: 'Dit is geen leesbaar Word-bestand (.docx).' })
    }
    const empty = await upload(server, new Uint8Array())
    expect([empty.status, empty.body.code]).toEqual([400, 'invalid_docx'])
    const doc = await upload(server, oldWordDoc())
    expect(doc.status).toBe(400)
    expect(doc.body.code).toBe('invalid_docx')
    expect(doc.body.message).toMatch(/^Dit is geen leesbaar Word-bestand \(\.docx\)\. .*\.doc.*Opslaan als/)
  })

  it('refuses an upload over 10 MB with 413 and a wrong content type with 415, as JSON', async () => {
    const big = new Uint8Array(IMPORT_LIMITS.maxFileBytes + 1024)
    big.set([0x50, 0x4b, 0x03, 0x04])
    const tooLarge = await upload(server, big)
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body).toEqual({ code: 'payload_too_large', message: 'Het bestand is groter dan 10 MB.' })

    const asText = await upload(server, 'hallo', { type: 'text/plain' })
    expect(asText.status).toBe(415)
    expect(asText.body.code).toBe('unsupported_media_type')
    const asJson = await upload(server, JSON.stringify({ file: 'x' }), { type: 'application/json' })
    expect(asJson.status).toBe(415)
    expect(asJson.body.code).toBe('unsupported_media_type')
    // The Word parser is for the import routes only: elsewhere a binary body is still refused.
    const elsewhere = await fetch(`${server.url}/api/statutes`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${server.admin.token}` }, body: 'x' })
    expect(elsewhere.status).toBe(415)
  })

  it('refuses bad JSON when creating', async () => {
    const body = (type: string, extra: Record<string, unknown> = {}) => ({
      title: 'Statuut',
      organisation: '',
      bodyType: 'gemeente',
      chapters: [{ title: 'Algemeen', articles: [{ title: 'Doel', body: { type: 'doc', content: [{ type, content: [{ type: 'text', text: 'x' }] }] } }] }],
      ...extra,
    })
    expect((await api(server, 'POST', '/api/statutes/import', body('paragraph'))).status).toBe(201)
    const bad: Array<[string, unknown]> = [
      ['not JSON', '{"title": '],
      ['unknown node type', body('heading')],
      ['script in a link', { ...body('paragraph'), chapters: [{ title: 'A', articles: [{ title: 'B', body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] } }] }] }],
      ['an unknown mark', { ...body('paragraph'), chapters: [{ title: 'A', articles: [{ title: 'B', body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'code' }] }] }] } }] }] }],
      ['no title', body('paragraph', { title: ' ' })],
      ['unknown body type', body('paragraph', { bodyType: 'rijk' })],
      ['no chapters', body('paragraph', { chapters: [] })],
      ['too many chapters', body('paragraph', { chapters: Array.from({ length: IMPORT_LIMITS.maxChapters + 1 }, () => ({ title: 'H', articles: [] })) })],
      ['too many articles', body('paragraph', { chapters: [{ title: 'H', articles: Array.from({ length: IMPORT_LIMITS.maxArticles + 1 }, () => ({ title: 'A', body: { type: 'doc' } })) }] })],
      ['a body over 200 KB', body('paragraph', { chapters: [{ title: 'H', articles: [{ title: 'A', body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x'.repeat(IMPORT_LIMITS.maxBodyBytes) }] }] } }] }] })],
      ['a list item without a paragraph first', body('paragraph', { chapters: [{ title: 'H', articles: [{ title: 'A', body: { type: 'doc', content: [{ type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'text', text: 'x' }] }] }] } }] }] })],
      ['an extra field', body('paragraph', { templates: { themes: [], parameters: {} } })],
    ]
    for (const [name, payload] of bad) {
      const { status, body: error } = await api<{ code: string; message: string }>(server, 'POST', '/api/statutes/import', payload)
      expect({ name, status, code: error.code }).toEqual({ name, status: 400, code: 'bad_request' })
      expect(error.message.length).toBeGreaterThan(0)
    }
    // Anonymous: 401 before anything else.
    expect((await api(server, 'POST', '/api/statutes/import', body('paragraph'), { token: null })).status).toBe(401)
  })
})
