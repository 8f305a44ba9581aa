/**
 * The JSON snapshot of a statute and the rich-text mapping between Y.XmlFragment and ProseMirror
 * JSON, including the plain-text form with numbered leden and lettered onderdelen.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addArticle, addChapter, articleFragment, deleteItem, initStatute, moveArticle } from '../../model/statuteDoc.js'
import { toSnapshot } from '../../model/snapshot.js'
import {
  paragraph,
  readRichText,
  richTextFromParagraphs,
  richTextToPlain,
  writeRichText,
  type RichTextDoc,
  type RichTextNode,
} from '../../model/richText.js'

const text = (value: string, marks?: RichTextNode['marks']): RichTextNode => ({ type: 'text', text: value, ...(marks ? { marks } : {}) })
const p = (...content: RichTextNode[]): RichTextNode => ({ type: 'paragraph', content })
const li = (...content: RichTextNode[]): RichTextNode => ({ type: 'listItem', content })
const ol = (...items: RichTextNode[]): RichTextNode => ({ type: 'orderedList', attrs: { start: 1 }, content: items })

/** Writes JSON into a fresh fragment and reads it back, as the server and the editor would. */
function roundTrip(doc: RichTextDoc): { json: RichTextDoc; fragment: Y.XmlFragment; ydoc: Y.Doc } {
  const ydoc = new Y.Doc()
  const fragment = ydoc.getXmlFragment('body')
  ydoc.transact(() => writeRichText(fragment, doc))
  return { json: readRichText(fragment), fragment, ydoc }
}

/** Article 3 of a typical statute: leden with lettered onderdelen. */
const informatieplicht: RichTextDoc = {
  type: 'doc',
  content: [
    ol(
      li(p(text('Het college informeert de raad over:')), ol(li(p(text('de uitvoering van het beleid;'))), li(p(text('de financiën.'))))),
      li(p(text('De raad kan om '), text('aanvullende', [{ type: 'italic' }]), text(' informatie vragen.'))),
    ),
  ],
}

describe('rich text', () => {
  it('round-trips bold, italic and link marks through a Y.XmlFragment', () => {
    const doc: RichTextDoc = {
      type: 'doc',
      content: [
        p(
          text('Gewoon, '),
          text('vet', [{ type: 'bold' }]),
          text(', '),
          text('schuin', [{ type: 'italic' }]),
          text(', '),
          text('beide', [{ type: 'bold' }, { type: 'italic' }]),
          text(' en '),
          text('Gemeentewet', [{ type: 'link', attrs: { href: 'https://wetten.overheid.nl/BWBR0005416' } }]),
          text('.'),
        ),
      ],
    }
    const { json, fragment } = roundTrip(doc)
    expect(json).toEqual(doc)
    // Stored the way y-prosemirror stores it: one paragraph element holding one formatted text run.
    expect(fragment.length).toBe(1)
    const paragraphEl = fragment.get(0) as Y.XmlElement
    expect(paragraphEl.nodeName).toBe('paragraph')
    const run = paragraphEl.get(0) as Y.XmlText
    expect(run).toBeInstanceOf(Y.XmlText)
    expect(run.toDelta()).toContainEqual({ insert: 'vet', attributes: { bold: {} } })
    expect(run.toDelta()).toContainEqual({
      insert: 'Gemeentewet',
      attributes: { link: { href: 'https://wetten.overheid.nl/BWBR0005416' } },
    })
    expect(richTextToPlain(json)).toBe('Gewoon, vet, schuin, beide en Gemeentewet.')
  })

  it('reads marks that the editor applied to text typed afterwards', () => {
    const ydoc = new Y.Doc()
    const fragment = ydoc.getXmlFragment('body')
    const paragraphEl = new Y.XmlElement('paragraph')
    const run = new Y.XmlText()
    fragment.insert(0, [paragraphEl])
    paragraphEl.insert(0, [run])
    run.insert(0, 'De raad besluit.')
    run.format(3, 4, { bold: {} })
    expect(readRichText(fragment)).toEqual({ type: 'doc', content: [p(text('De '), text('raad', [{ type: 'bold' }]), text(' besluit.'))] })
  })

  it('round-trips ordered lists with nested lettered lists and renders them as "1." and "a."', () => {
    const { json } = roundTrip(informatieplicht)
    expect(json).toEqual(informatieplicht)
    expect(richTextToPlain(json)).toBe(
      [
        '1. Het college informeert de raad over:',
        '  a. de uitvoering van het beleid;',
        '  b. de financiën.',
        '2. De raad kan om aanvullende informatie vragen.',
      ].join('\n'),
    )
  })

  it('continues numbering from a list start, letters deeper onderdelen, numbers a third level again, and uses "-" for bullets', () => {
    const doc: RichTextDoc = {
      type: 'doc',
      content: [
        p(text('Aanhef.')),
        {
          type: 'orderedList',
          attrs: { start: 3 },
          content: [li(p(text('derde lid')), ol(li(p(text('eerste onderdeel')), ol(li(p(text('sub')))))))],
        },
        { type: 'bulletList', content: [li(p(text('punt')))] },
      ],
    }
    expect(richTextToPlain(roundTrip(doc).json)).toBe(['Aanhef.', '3. derde lid', '  a. eerste onderdeel', '    1. sub', '- punt'].join('\n'))
  })

  it('letters onderdelen after z as aa, bb, … (Aanwijzingen voor de regelgeving)', () => {
    const items = Array.from({ length: 28 }, (_, i) => li(p(text(`o${i + 1}`))))
    const plain = richTextToPlain({ type: 'doc', content: [ol(li(p(text('lid')), ol(...items)))] }).split('\n')
    expect(plain[1]).toBe('  a. o1')
    expect(plain[26]).toBe('  z. o26')
    expect(plain[27]).toBe('  aa. o27')
    expect(plain[28]).toBe('  bb. o28')
  })

  it('keeps headings, hard breaks and empty paragraphs', () => {
    const doc: RichTextDoc = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [text('Kop')] },
        { type: 'paragraph', content: [text('regel een'), { type: 'hardBreak' }, text('regel twee')] },
        { type: 'paragraph' },
      ],
    }
    const { json } = roundTrip(doc)
    expect(json).toEqual(doc)
    expect(richTextToPlain(json)).toBe('Kop\nregel een\nregel twee\n')
  })

  it('builds plain paragraphs with the helpers', () => {
    expect(paragraph('')).toEqual({ type: 'paragraph' })
    const doc = richTextFromParagraphs(['Eén.', '', 'Twee.'])
    expect(roundTrip(doc).json).toEqual(doc)
    expect(richTextToPlain(doc)).toBe('Eén.\n\nTwee.')
  })

  it('appends to existing content and reads an absent fragment as an empty document', () => {
    const ydoc = new Y.Doc()
    const fragment = ydoc.getXmlFragment('body')
    writeRichText(fragment, richTextFromParagraphs(['een']))
    writeRichText(fragment, richTextFromParagraphs(['twee']))
    writeRichText(fragment, { type: 'doc' })
    expect(richTextToPlain(readRichText(fragment))).toBe('een\ntwee')
    expect(readRichText(undefined)).toEqual({ type: 'doc', content: [] })
  })
})

describe('toSnapshot', () => {
  function statute(): { doc: Y.Doc; ids: Record<string, string> } {
    const doc = new Y.Doc()
    initStatute(doc, { title: 'Statuut samenwerking', organisation: 'Gemeente Testdorp', bodyType: 'gemeente' })
    const algemeen = addChapter(doc, { title: 'Algemene bepalingen' })
    const info = addChapter(doc, { title: 'Informatie' })
    const doel = addArticle(doc, algemeen, { title: 'Doel', body: richTextFromParagraphs(['Dit statuut regelt de samenwerking.']) })
    const begrippen = addArticle(doc, algemeen, {
      title: 'Begrippen',
      body: richTextFromParagraphs(['In dit statuut wordt verstaan onder:']),
      toelichting: richTextFromParagraphs(['Zie de Gemeentewet.']),
    })
    const plicht = addArticle(doc, info, { title: 'Informatieplicht', body: informatieplicht })
    return { doc, ids: { algemeen, info, doel, begrippen, plicht } }
  }

  it('gives the statute as plain JSON with labels, continuous numbers, text and rich text', () => {
    const { doc, ids } = statute()
    const snapshot = toSnapshot(doc)
    expect(snapshot).toMatchObject({ title: 'Statuut samenwerking', organisation: 'Gemeente Testdorp', bodyType: 'gemeente' })
    expect(snapshot.chapters.map((c) => [c.id, c.number, c.label, c.title])).toEqual([
      [ids.algemeen, 1, 'Hoofdstuk 1', 'Algemene bepalingen'],
      [ids.info, 2, 'Hoofdstuk 2', 'Informatie'],
    ])
    const articles = snapshot.chapters.flatMap((c) => c.articles)
    expect(articles.map((a) => [a.id, a.number, a.label, a.title])).toEqual([
      [ids.doel, 1, 'Artikel 1', 'Doel'],
      [ids.begrippen, 2, 'Artikel 2', 'Begrippen'],
      [ids.plicht, 3, 'Artikel 3', 'Informatieplicht'],
    ])
    expect(articles[1]!.body.text).toBe('In dit statuut wordt verstaan onder:')
    expect(articles[1]!.toelichting.text).toBe('Zie de Gemeentewet.')
    expect(articles[0]!.toelichting).toEqual({ text: '', json: { type: 'doc', content: [] } })
    expect(articles[2]!.body.json).toEqual(informatieplicht)
    expect(articles[2]!.body.text.split('\n')).toEqual([
      '1. Het college informeert de raad over:',
      '  a. de uitvoering van het beleid;',
      '  b. de financiën.',
      '2. De raad kan om aanvullende informatie vragen.',
    ])
    // Plain JSON: survives serialisation unchanged.
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
  })

  it('follows moves and leaves deleted items out', () => {
    const { doc, ids } = statute()
    moveArticle(doc, ids.plicht!, ids.algemeen!, 0)
    deleteItem(doc, 'article', ids.doel!)
    const snapshot = toSnapshot(doc)
    expect(snapshot.chapters.map((c) => c.articles.map((a) => a.label + ' ' + a.title))).toEqual([
      ['Artikel 1 Informatieplicht', 'Artikel 2 Begrippen'],
      [],
    ])
    deleteItem(doc, 'chapter', ids.info!)
    expect(toSnapshot(doc).chapters.map((c) => c.label)).toEqual(['Hoofdstuk 1'])
    expect(JSON.stringify(toSnapshot(doc))).not.toContain('Dit statuut regelt de samenwerking.')
  })

  it('reflects live edits in article bodies', () => {
    const { doc, ids } = statute()
    const body = articleFragment(doc, ids.doel!, 'body')!
    const run = (body.get(0) as Y.XmlElement).get(0) as Y.XmlText
    run.insert(run.length - 1, ' tussen raad en college')
    expect(toSnapshot(doc).chapters[0]!.articles[0]!.body.text).toBe('Dit statuut regelt de samenwerking tussen raad en college.')
  })

  it('gives defaults for a document without metadata', () => {
    expect(toSnapshot(new Y.Doc())).toEqual({ title: '', organisation: '', bodyType: 'gemeente', formalities: { aanhefForm: 'vertegenwoordiging', aanhef: '' }, chapters: [] })
  })
})
