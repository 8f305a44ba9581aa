/**
 * The fingerprint of an article text: equal for texts a reader cannot tell apart (however they were
 * built), different for every visible change. Also: a fingerprint computed from a Y.Doc (as the
 * client does) equals one computed from plain JSON (the canonical form does not depend on how the
 * text got there).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { articleFingerprint, canonicalArticleText } from '../../model/fingerprint.js'
import { readRichText, writeRichText, type RichTextDoc, type RichTextNode } from '../../model/richText.js'
import { addArticle, addChapter, articleFragment } from '../../model/statuteDoc.js'

const text = (value: string, marks?: RichTextNode['marks']): RichTextNode => ({ type: 'text', text: value, ...(marks ? { marks } : {}) })
const para = (...content: RichTextNode[]): RichTextNode => ({ type: 'paragraph', ...(content.length > 0 ? { content } : {}) })
const doc = (...content: RichTextNode[]): RichTextNode => ({ type: 'doc', content })
const item = (...content: RichTextNode[]): RichTextNode => ({ type: 'listItem', content })

const base = doc(para(text('Het college informeert de raad '), text('actief', [{ type: 'bold' }]), text('.')))
const baseFingerprint = articleFingerprint('Informatieplicht', base)

describe('articleFingerprint: the same visible text gives the same fingerprint', () => {
  it('is a lowercase hex SHA-256 and deterministic', () => {
    expect(baseFingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(articleFingerprint('Informatieplicht', base)).toBe(baseFingerprint)
  })

  it('ignores how the text is split into text nodes (split vs merged, empty nodes)', () => {
    const split = doc(
      para(
        text('Het '),
        text(''),
        text('college informeert '),
        text('de raad '),
        text('act', [{ type: 'bold' }]),
        text('ief', [{ type: 'bold' }]),
        text('.'),
      ),
    )
    expect(articleFingerprint('Informatieplicht', split)).toBe(baseFingerprint)
  })

  it('ignores key order of nodes, attributes and marks', () => {
    const reordered = JSON.parse(
      '{"content":[{"content":[{"text":"Het college informeert de raad ","type":"text"},{"marks":[{"type":"bold"}],"text":"actief","type":"text"},{"text":".","type":"text"}],"type":"paragraph"}],"type":"doc"}',
    ) as RichTextNode
    expect(articleFingerprint('Informatieplicht', reordered)).toBe(baseFingerprint)

    const linkA = doc(para(text('zie de regeling', [{ type: 'link', attrs: { href: 'https://example.nl', target: '_blank' } }])))
    const linkB = doc(para(text('zie de regeling', [{ attrs: { target: '_blank', href: 'https://example.nl' }, type: 'link' }])))
    expect(articleFingerprint('Links', linkA)).toBe(articleFingerprint('Links', linkB))

    const listA = doc({ type: 'orderedList', attrs: { start: 1, type: 'a' }, content: [item(para(text('eerste lid')))] })
    const listB = doc({ content: [item(para(text('eerste lid')))], attrs: { type: 'a', start: 1 }, type: 'orderedList' })
    expect(articleFingerprint('Lijst', listA)).toBe(articleFingerprint('Lijst', listB))
  })

  it('ignores the order in which marks are listed', () => {
    const a = doc(para(text('belangrijk', [{ type: 'bold' }, { type: 'italic' }])))
    const b = doc(para(text('belangrijk', [{ type: 'italic' }, { type: 'bold' }])))
    expect(articleFingerprint('Marks', a)).toBe(articleFingerprint('Marks', b))
  })

  it('treats NFC and NFD as the same text, in body and title (also across split nodes)', () => {
    const nfc = 'Financiële verantwoording en coördinatie'.normalize('NFC')
    const nfd = nfc.normalize('NFD')
    expect(nfd).not.toBe(nfc)
    const a = articleFingerprint(`Geïntegreerde ${nfc.slice(0, 10)}`, doc(para(text(nfc))))
    const b = articleFingerprint(`Geïntegreerde ${nfc.slice(0, 10)}`.normalize('NFD'), doc(para(text(nfd))))
    expect(b).toBe(a)
    // "e" in one node, the combining diaeresis in the next: merged, then normalised.
    const splitCombining = doc(para(text('Financie'), text('\u0308le verantwoording en coördinatie'.normalize('NFD'))))
    expect(articleFingerprint(`Geïntegreerde ${nfc.slice(0, 10)}`, splitCombining)).toBe(a)
  })

  it('ignores leading, trailing and repeated whitespace in the title', () => {
    const body = doc(para(text('Tekst.')))
    const expected = articleFingerprint('Doel van de regeling', body)
    expect(articleFingerprint('  Doel van de regeling  ', body)).toBe(expected)
    expect(articleFingerprint('Doel\tvan  de\n regeling', body)).toBe(expected)
    expect(articleFingerprint('Doel\u00a0van de regeling', body)).toBe(expected)
  })

  it('drops attributes with null values, as the canonical form documents', () => {
    const withNulls = doc({ type: 'orderedList', attrs: { start: 1, type: null }, content: [item(para(text('lid')))] })
    const without = doc({ type: 'orderedList', attrs: { start: 1 }, content: [item(para(text('lid')))] })
    expect(articleFingerprint('Lijst', withNulls)).toBe(articleFingerprint('Lijst', without))
    const onlyNulls = doc({ type: 'paragraph', attrs: { textAlign: null }, content: [text('Tekst.')] })
    expect(articleFingerprint('Alinea', onlyNulls)).toBe(articleFingerprint('Alinea', doc(para(text('Tekst.')))))
  })

  it('the canonical form has sorted keys, version 1 and the normalised title', () => {
    const canonical = canonicalArticleText('  Doel  ', doc(para(text('a'), text('b'))))
    expect(JSON.parse(canonical)).toEqual({ body: { content: [{ content: [{ text: 'ab', type: 'text' }], type: 'paragraph' }], type: 'doc' }, title: 'Doel', v: 1 })
    expect(canonical.indexOf('"body"')).toBeLessThan(canonical.indexOf('"title"'))
    expect(canonical.indexOf('"title"')).toBeLessThan(canonical.indexOf('"v"'))
  })
})

describe('articleFingerprint: every visible change changes the fingerprint', () => {
  const variants: Array<[string, string, RichTextNode]> = [
    ['one character in the body', 'Informatieplicht', doc(para(text('Het college informeert de raad '), text('actief', [{ type: 'bold' }]), text('!')))],
    ['a space in the body', 'Informatieplicht', doc(para(text('Het college informeert de raad  '), text('actief', [{ type: 'bold' }]), text('.')))],
    ['capitalisation', 'Informatieplicht', doc(para(text('het college informeert de raad '), text('actief', [{ type: 'bold' }]), text('.')))],
    ['a mark removed', 'Informatieplicht', doc(para(text('Het college informeert de raad actief.')))],
    ['another mark', 'Informatieplicht', doc(para(text('Het college informeert de raad '), text('actief', [{ type: 'italic' }]), text('.')))],
    ['a mark added', 'Informatieplicht', doc(para(text('Het college informeert de raad '), text('actief', [{ type: 'bold' }, { type: 'italic' }]), text('.')))],
    ['a mark over a different range', 'Informatieplicht', doc(para(text('Het college informeert de raad'), text(' actief', [{ type: 'bold' }]), text('.')))],
    ['one paragraph split into two', 'Informatieplicht', doc(para(text('Het college informeert de raad ')), para(text('actief', [{ type: 'bold' }]), text('.')))],
    ['an empty paragraph added', 'Informatieplicht', doc(para(text('Het college informeert de raad '), text('actief', [{ type: 'bold' }]), text('.')), para())],
    ['the title', 'Informatieplicht raad', base],
    ['one character of the title', 'informatieplicht', base],
  ]
  it.each(variants)('%s', (_what, title, body) => {
    expect(articleFingerprint(title, body)).not.toBe(baseFingerprint)
  })

  it('list structure: ordered vs bullet, nesting, items merged, list start', () => {
    const ordered = doc({ type: 'orderedList', content: [item(para(text('een'))), item(para(text('twee')))] })
    const bullet = doc({ type: 'bulletList', content: [item(para(text('een'))), item(para(text('twee')))] })
    const oneItem = doc({ type: 'orderedList', content: [item(para(text('een')), para(text('twee')))] })
    const nested = doc({ type: 'orderedList', content: [item(para(text('een')), { type: 'orderedList', content: [item(para(text('twee')))] })] })
    const paragraphs = doc(para(text('een')), para(text('twee')))
    const startAtTwo = doc({ type: 'orderedList', attrs: { start: 2 }, content: [item(para(text('een'))), item(para(text('twee')))] })
    const all = [ordered, bullet, oneItem, nested, paragraphs, startAtTwo].map((body) => articleFingerprint('Leden', body))
    expect(new Set(all).size).toBe(all.length)
  })

  it('a link target is visible: another href is another text', () => {
    const a = doc(para(text('de regeling', [{ type: 'link', attrs: { href: 'https://a.example' } }])))
    const b = doc(para(text('de regeling', [{ type: 'link', attrs: { href: 'https://b.example' } }])))
    expect(articleFingerprint('Link', a)).not.toBe(articleFingerprint('Link', b))
  })

  it('title and body do not run into each other', () => {
    expect(articleFingerprint('Doel a', doc(para(text('b'))))).not.toBe(articleFingerprint('Doel', doc(para(text('a b')))))
  })
})

describe('fingerprint of text in a Y.Doc', () => {
  it('equals the fingerprint of the same JSON, however the Y.XmlText was typed', () => {
    const ydoc = new Y.Doc()
    const chapterId = addChapter(ydoc, { title: 'Algemeen' })
    const articleId = addArticle(ydoc, chapterId, { title: 'Informatieplicht' })
    const fragment = articleFragment(ydoc, articleId, 'body')!
    // Typed in pieces, a word made bold, another word made bold and un-bold again.
    const yText = new Y.XmlText()
    ydoc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph')
      fragment.insert(0, [paragraph])
      paragraph.insert(0, [yText])
      yText.insert(0, 'Het college ')
    })
    yText.insert(yText.length, 'informeert de raad ')
    yText.insert(yText.length, 'actief', { bold: {} })
    // Typing at the end of a bold word continues it in bold unless the mark is switched off.
    yText.insert(yText.length, '.', { bold: null })
    yText.format(4, 7, { italic: {} })
    yText.format(4, 7, { italic: null })
    expect(articleFingerprint('Informatieplicht', readRichText(fragment))).toBe(baseFingerprint)

    // Written from JSON by the server's writer: the same fingerprint again.
    const other = new Y.Doc()
    const otherArticle = addArticle(other, addChapter(other, { title: 'X' }), { title: ' Informatieplicht ' })
    other.transact(() => writeRichText(articleFragment(other, otherArticle, 'body')!, base))
    expect(articleFingerprint(' Informatieplicht ', readRichText(articleFragment(other, otherArticle, 'body')))).toBe(baseFingerprint)
  })

  it('changes when one character is typed into the Y.Doc, and returns when it is removed', () => {
    const ydoc = new Y.Doc()
    const articleId = addArticle(ydoc, addChapter(ydoc, { title: 'Algemeen' }), { title: 'Informatieplicht', body: base as RichTextDoc })
    const fragment = articleFragment(ydoc, articleId, 'body')!
    expect(articleFingerprint('Informatieplicht', readRichText(fragment))).toBe(baseFingerprint)
    const yText = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText
    yText.insert(3, 'x')
    expect(articleFingerprint('Informatieplicht', readRichText(fragment))).not.toBe(baseFingerprint)
    yText.delete(3, 1)
    expect(articleFingerprint('Informatieplicht', readRichText(fragment))).toBe(baseFingerprint)
  })
})
