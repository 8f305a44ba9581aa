/**
 * Reading a Word file as a statute (server/import/parseDocx.ts), on .docx files built here with the
 * `docx` package: chapters from headings and "Hoofdstuk N", articles from "Artikel N …" (heading or
 * paragraph), leden and onderdelen as ordered lists, marks, and every part that has no place in an
 * article reported with its reason. Anything that is not a readable .docx gives invalid_docx.
 */
import { describe, expect, it } from 'vitest'
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import JSZip from 'jszip'
import { parseDocx } from '../../server/import/parseDocx.js'
import { AppError } from '../../server/errors.js'
import { IMPORT_LIMITS } from '../../model/imported.js'
import type { RichTextNode } from '../../model/richText.js'
import { gedragscodeDocx, headingsOnlyDocx, oldWordDoc, zipWithoutDocument } from '../helpers/docxFixtures.js'

const text = (value: string, ...marks: string[]): RichTextNode => ({ type: 'text', text: value, ...(marks.length > 0 ? { marks: marks.map((type) => ({ type })) } : {}) })
const p = (...content: RichTextNode[]): RichTextNode => ({ type: 'paragraph', content })
const li = (...content: RichTextNode[]): RichTextNode => ({ type: 'listItem', content })
const leden = (...items: RichTextNode[]): RichTextNode => ({ type: 'orderedList', attrs: { start: 1 }, content: items })
const onderdelen = (...items: RichTextNode[]): RichTextNode => ({ type: 'orderedList', attrs: { start: 1, type: 'a' }, content: items })

function docxOf(children: Paragraph[]): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children }] }))
}

async function refusal(bytes: Uint8Array): Promise<AppError> {
  const error = await parseDocx(bytes).then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

/** Runs `patch` with the offset of `name`'s central-directory record; false if there is none. */
function patchCentralDirectory(bytes: Buffer, name: string, patch: (at: number) => void): boolean {
  const wanted = Buffer.from(name)
  for (let i = 0; i < bytes.length - 46; i++) {
    if (bytes.readUInt32LE(i) === 0x02014b50 && bytes.subarray(i + 46, i + 46 + wanted.length).equals(wanted)) {
      patch(i)
      return true
    }
  }
  return false
}

describe('parseDocx', () => {
  it('reads chapters, articles, leden with onderdelen and marks, and reports what it could not place', async () => {
    const result = await parseDocx(await gedragscodeDocx())
    expect(result.title).toBe('Gedragscode raad en college')
    expect(result.chapters).toEqual([
      {
        title: 'Algemeen',
        sourceLabel: 'Hoofdstuk 1',
        articles: [
          {
            title: 'Begrippen',
            sourceLabel: 'Artikel 1',
            body: {
              type: 'doc',
              content: [
                p(text('In deze gedragscode wordt verstaan onder:')),
                leden(
                  li(p(text('raad: de gemeenteraad;'))),
                  li(p(text('college: het college van burgemeester en wethouders;'))),
                  li(p(text('griffie: de griffie met:')), onderdelen(li(p(text('de griffier;'))), li(p(text('de '), text('plaatsvervangend', 'italic'), text(' griffier.'))))),
                ),
              ],
            },
          },
          {
            // A bold plain paragraph "Artikel 2. Doel".
            title: 'Doel',
            sourceLabel: 'Artikel 2',
            body: {
              type: 'doc',
              content: [
                leden(li(p(text('Deze code regelt de '), text('informatievoorziening', 'bold'), text('.'))), li(p(text('Zie ook de website.')))),
                p(text('Meer op '), { type: 'text', text: 'de website', marks: [{ type: 'link', attrs: { href: 'https://www.testdorp.nl/code' } }] }, text('.')),
              ],
            },
          },
        ],
      },
      {
        title: 'Informatie',
        sourceLabel: 'Hoofdstuk 2',
        articles: [
          {
            title: 'Actieve informatie',
            sourceLabel: 'Artikel 3',
            body: {
              type: 'doc',
              // "Artikel 3 is niet van toepassing …" is a sentence, not a new article.
              content: [p(text('Het college informeert de raad tijdig.[1]')), p(text('Artikel 3 is niet van toepassing op geheime stukken.'))],
            },
          },
        ],
      },
    ])
    // Not dropped: each with its reason and where it was.
    expect(result.unrecognised).toEqual([
      { reason: 'preamble', text: 'De raad van de gemeente Testdorp besluit vast te stellen:' },
      { reason: 'table', text: 'Soort vraag | Termijn\nTechnische vraag | 5 werkdagen', chapter: 1, article: 2 },
      { reason: 'image', text: 'Logo van Testdorp', chapter: 1, article: 2 },
      { reason: 'chapter-text', text: 'Dit hoofdstuk gaat over informatie.', chapter: 2 },
      { reason: 'footnote', text: '[1] Zie de Gemeentewet, artikel 169.' },
    ])
    expect(result.preamble).toEqual({ type: 'doc', content: [p(text('De raad van de gemeente Testdorp besluit vast te stellen:'))] })
    expect(result.warnings).toEqual([])
  })

  it('takes chapters and articles from heading levels when there are no "Artikel N" labels', async () => {
    const result = await parseDocx(await headingsOnlyDocx())
    // The single Heading 1 names the document; Heading 2 are chapters, Heading 3 articles.
    expect(result.title).toBe('Informatieprotocol')
    expect(result.chapters.map((c) => [c.title, c.articles.map((a) => a.title)])).toEqual([
      ['Algemeen', ['Reikwijdte']],
      ['Vragen', ['Technische vragen', 'Schriftelijke vragen']],
    ])
    expect(result.chapters[1]!.articles[1]!.body).toEqual({ type: 'doc', content: [p(text('Schriftelijke vragen worden binnen 30 dagen beantwoord.'))] })
    expect(result.unrecognised).toEqual([])
    expect(result.preamble).toBeNull()
  })

  it('recognises the usual ways of writing an article label, puts articles before any chapter in "Algemene bepalingen" and names renumbered ones', async () => {
    const bytes = await docxOf([
      new Paragraph({ children: [new TextRun({ text: 'Artikel 1 Begrippen', bold: true })] }),
      new Paragraph('Tekst een.'),
      new Paragraph('Artikel 2. Doel'),
      new Paragraph('Artikel 2a – Reikwijdte'),
      new Paragraph('Art. 4: Informatie'),
      new Paragraph('ARTIKEL 5'),
      new Paragraph('Artikel 5 is van overeenkomstige toepassing.'),
      new Paragraph('Artikel 5 Gemeentewet geldt ook voor de commissies van de raad.'),
      new Paragraph({ children: [new TextRun('Artikel 6 Slot'), new TextRun({ text: 'Deze code treedt in werking op 1 januari.', break: 1 })] }),
      new Paragraph({ text: '§ 2 Vragen', heading: HeadingLevel.HEADING_2 }),
      new Paragraph({ text: 'Artikel 7', heading: HeadingLevel.HEADING_3 }),
      new Paragraph({ text: 'Onderwerp', heading: HeadingLevel.HEADING_4 }),
      new Paragraph('Tekst zeven.'),
    ])
    const result = await parseDocx(bytes)
    expect(result.title).toBe('')
    expect(result.chapters.map((c) => [c.title, c.sourceLabel, c.articles.map((a) => [a.sourceLabel, a.title])])).toEqual([
      [
        'Algemene bepalingen',
        undefined,
        [
          ['Artikel 1', 'Begrippen'],
          ['Artikel 2', 'Doel'],
          ['Artikel 2a', 'Reikwijdte'],
          ['Art. 4', 'Informatie'],
          ['ARTIKEL 5', ''],
          ['Artikel 6', 'Slot'],
        ],
      ],
      ['Vragen', '§ 2', [['Artikel 7', '']]],
    ])
    const articles = result.chapters.flatMap((c) => c.articles)
    expect(articles[4]!.body.content).toEqual([p(text('Artikel 5 is van overeenkomstige toepassing.')), p(text('Artikel 5 Gemeentewet geldt ook voor de commissies van de raad.'))])
    // After a line break in the label paragraph, the body begins.
    expect(articles[5]!.body.content).toEqual([p(text('Deze code treedt in werking op 1 januari.'))])
    // A deeper heading inside an article is a bold line.
    expect(articles[6]!.body.content).toEqual([p(text('Onderwerp', 'bold')), p(text('Tekst zeven.'))])
    expect(result.warnings).toEqual(['Artikel 2a heet in Samenspel artikel 3 (artikelen worden doorlopend genummerd).'])
  })

  it('refuses what is not a readable .docx with invalid_docx', async () => {
    const inputs: Array<[string, Uint8Array]> = [
      ['random bytes', Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256)],
      ['a zip without word/document.xml', await zipWithoutDocument()],
      ['an empty file', new Uint8Array()],
      ['a text file renamed to .docx', new TextEncoder().encode('Gedragscode\n\nArtikel 1 Begrippen\n')],
      ['a truncated .docx', (await gedragscodeDocx()).subarray(0, 3000)],
    ]
    for (const [name, bytes] of inputs) {
      const error = await refusal(bytes)
      expect({ name, code: error.code, status: error.status }).toEqual({ name, code: 'invalid_docx', status: 400 })
      expect(error.message.startsWith('Dit is geen leesbaar Word-bestand (.docx).')).toBe(true)
    }
    expect((await refusal(new TextEncoder().encode('hallo'))).message).toBe('Dit is geen leesbaar Word-bestand (.docx).')
  })

  it('refuses a file that would unpack to too much (a zip bomb), from the sizes the zip declares', async () => {
    const bytes = Buffer.from(await gedragscodeDocx())
    const name = Buffer.from('word/document.xml')
    let patched = false
    for (let i = 0; i < bytes.length - 46 && !patched; i++) {
      if (bytes.readUInt32LE(i) === 0x02014b50 && bytes.subarray(i + 46, i + 46 + name.length).equals(name)) {
        bytes.writeUInt32LE(30 * 1024 * 1024, i + 24)
        patched = true
      }
    }
    expect(patched).toBe(true)
    const error = await refusal(bytes)
    expect([error.status, error.code]).toEqual([413, 'payload_too_large'])
  })

  it('refuses, before mammoth unpacks anything, a zip whose entry unpacks to more than it declares', async () => {
    // A small file whose document.xml holds 8 MB of one letter (packed to a few KB) but declares
    // 1,000 bytes: JSZip would unpack all of it before noticing; the check stops after 1,001.
    const zip = new JSZip()
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    zip.file('word/document.xml', 'a'.repeat(8 * 1024 * 1024))
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
    expect(bytes.length).toBeLessThan(64 * 1024)
    expect(patchCentralDirectory(bytes, 'word/document.xml', (at) => bytes.writeUInt32LE(1000, at + 24))).toBe(true)
    const error = await refusal(bytes)
    expect([error.status, error.code, error.details]).toEqual([400, 'invalid_docx', { reason: 'corrupt-zip' }])
  })

  it('refuses a zip whose end record counts no entries, or fewer than it holds (JSZip would read them all)', async () => {
    for (const count of [0, 2]) {
      const bytes = Buffer.from(await gedragscodeDocx())
      const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
      expect(eocd).toBeGreaterThan(0)
      bytes.writeUInt16LE(count, eocd + 8)
      bytes.writeUInt16LE(count, eocd + 10)
      const error = await refusal(bytes)
      expect([count, error.status, error.code, error.details]).toEqual([count, 400, 'invalid_docx', { reason: 'corrupt-zip' }])
    }
    // The same file unpatched is read (control case).
    expect((await parseDocx(await gedragscodeDocx())).chapters.length).toBeGreaterThan(0)
  })

  it('refuses a zip whose end record does not match its directory exactly (JSZip would read another one)', async () => {
    const original = Buffer.from(await gedragscodeDocx())
    const eocdOf = (bytes: Buffer): number => bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    const tampered: Array<[string, (bytes: Buffer) => Buffer]> = [
      // A smaller directory size makes JSZip shift all its reading by the difference.
      ['directory size too small', (b) => (b.writeUInt32LE(b.readUInt32LE(eocdOf(b) + 12) - 46, eocdOf(b) + 12), b)],
      ['directory size too large', (b) => (b.writeUInt32LE(b.readUInt32LE(eocdOf(b) + 12) + 46, eocdOf(b) + 12), b)],
      // ZIP64 markers make JSZip look for ZIP64 records instead.
      ['ZIP64 count', (b) => (b.writeUInt16LE(0xffff, eocdOf(b) + 8), b.writeUInt16LE(0xffff, eocdOf(b) + 10), b)],
      ['ZIP64 offset', (b) => (b.writeUInt32LE(0xffffffff, eocdOf(b) + 16), b)],
      ['another disk', (b) => (b.writeUInt16LE(1, eocdOf(b) + 4), b)],
      ['bytes after the end record', (b) => Buffer.concat([b, Buffer.from('PK')])],
    ]
    for (const [what, tamper] of tampered) {
      const error = await refusal(tamper(Buffer.from(original)))
      expect([what, error.status, error.code, error.details]).toEqual([what, 400, 'invalid_docx', { reason: 'corrupt-zip' }])
    }
    // A zip comment is fine (control case).
    const commented = Buffer.concat([original, Buffer.from('opmerking')])
    commented.writeUInt16LE(9, eocdOf(commented) + 20)
    expect((await parseDocx(commented)).chapters.length).toBeGreaterThan(0)
  })

  it('counts a part named through a Unicode Path field as XML, as JSZip reads that name', async () => {
    // An entry named "media/plaatje.bin" declaring 30 MB, with a Unicode Path field (as JSZip
    // would call it "word/document.xml"): over the 25 MB for XML.
    const zip = new JSZip()
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    zip.file('media/plaatje.bin', 'b'.repeat(30 * 1024 * 1024))
    const packed = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
    // Without the field: 30 MB of other data passes the size check (and fails later on content).
    expect((await refusal(packed)).code).toBe('invalid_docx')
    // Give the entry a Unicode Path extra field (header id 0x7075): rebuild its central record.
    let at = -1
    expect(patchCentralDirectory(packed, 'media/plaatje.bin', (offset) => (at = offset))).toBe(true)
    const record = packed.subarray(at)
    expect(record.subarray(46, 46 + 17).toString()).toBe('media/plaatje.bin')
    const field = Buffer.concat([Buffer.from([0x75, 0x70]), Buffer.alloc(2), Buffer.from([1, 0, 0, 0, 0]), Buffer.from('word/document.xml')])
    field.writeUInt16LE(field.length - 4, 2)
    const extraLength = record.readUInt16LE(30)
    const rebuilt = Buffer.concat([packed.subarray(0, at + 46 + 17 + extraLength), field, packed.subarray(at + 46 + 17 + extraLength)])
    rebuilt.writeUInt16LE(extraLength + field.length, at + 30)
    const eocd = rebuilt.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    rebuilt.writeUInt32LE(rebuilt.readUInt32LE(eocd + 12) + field.length, eocd + 12)
    const error = await refusal(rebuilt)
    expect([error.status, error.code]).toEqual([413, 'payload_too_large'])
  })

  it('tells that an old .doc file must be saved as .docx, and refuses more than 10 MB', async () => {
    const doc = await refusal(oldWordDoc())
    expect(doc.code).toBe('invalid_docx')
    expect(doc.message).toMatch(/^Dit is geen leesbaar Word-bestand \(\.docx\)\. Het lijkt een ouder Word-bestand \(\.doc\).*Opslaan als.*\(\.docx\)/)
    const big = await refusal(new Uint8Array(IMPORT_LIMITS.maxFileBytes + 1))
    expect([big.status, big.code]).toEqual([413, 'payload_too_large'])
  })
})
