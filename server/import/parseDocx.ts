/**
 * Reads a Word file (.docx) as a statute: chapters, articles with rich-text bodies, and everything
 * that could not be placed, with the reason. A pure function of the bytes (no storage, no I/O):
 * mammoth turns the document into simple HTML, htmlparser2 reads that, and the rules below turn it
 * into the statute's structure.
 *
 * Rules:
 * - Title: the first paragraph in Word's Title style ("Titel"); without one, the first heading if it
 *   comes before any chapter or article and is the only heading of the highest level used (a single
 *   top heading names the document, it is not a chapter).
 * - Chapters: paragraphs and headings starting with "Hoofdstuk N", "§ N" or "Paragraaf N" (title: the
 *   rest), and headings of the chapter level (Heading 1, or the highest level used besides the title).
 * - Articles: paragraphs and headings starting with "Artikel N" or "Art. N" (title: the rest, after
 *   ".", ":", "–" or "-"). A plain paragraph counts only if it reads like a heading: the rest is
 *   empty, follows such a separator or starts with a capital ("Artikel 3 is van toepassing …" is
 *   text). A document without any such label takes its articles from the headings one level below
 *   the chapter level (Heading 2), or from its only heading level.
 * - Bodies: paragraphs, numbered lists (leden; a nested numbered list: onderdelen, lettered), bullet
 *   lists, bold, italic, links (http, https, mailto) and line breaks. Deeper headings inside an
 *   article become bold paragraphs.
 * - Articles before any chapter go into a chapter "Algemene bepalingen". Article numbers follow the
 *   order (as the editor numbers them); a label that differs ("Artikel 2a") is kept in `sourceLabel`
 *   and named in a warning.
 * - Nothing is dropped silently: tables, images, footnotes, text in a chapter before its first
 *   article and other content are listed in `unrecognised` with the reason and where they were.
 *   Text before the first chapter or article (an aanhef, an introduction) is listed there too and
 *   returned as `preamble`: it does not go into the statute by itself; the preview offers to make
 *   it the first article, "Inleiding".
 *
 * Refused: more than 10 MB, or more than 200 MB unpacked or 25 MB of XML (413), and anything that is
 * not a readable .docx (400 invalid_docx), with a hint for old binary Word files (.doc).
 */
import { createInflateRaw } from 'node:zlib'
import mammoth from 'mammoth'
import { DomUtils, ElementType, parseDocument } from 'htmlparser2'
import type { RichTextDoc, RichTextMark, RichTextNode } from '../../model/richText.js'
import {
  DEFAULT_CHAPTER_TITLE,
  IMPORT_LIMITS,
  type ImportedArticle,
  type ImportedChapter,
  type ImportedDocument,
  type UnrecognisedPart,
  type UnrecognisedReason,
} from '../../model/imported.js'
import { AppError, payloadTooLarge } from '../errors.js'
import { repairWindows1252, withoutControlCharacters } from '../controlCharacters.js'

type HtmlNode = ReturnType<typeof parseDocument>['children'][number]
type HtmlElement = Extract<HtmlNode, { attribs: Record<string, string> }>
type HtmlText = Extract<HtmlNode, { data: string }>

const isElement = (node: HtmlNode): node is HtmlElement => node.type === ElementType.Tag
const isText = (node: HtmlNode): node is HtmlText => node.type === ElementType.Text

export const INVALID_DOCX_MESSAGE = 'Dit is geen leesbaar Word-bestand (.docx).'
/** Zip contents larger than this when unpacked are refused (a "zip bomb" would otherwise fill memory). */
const MAX_UNPACKED_BYTES = 200 * 1024 * 1024
/**
 * The XML parts (the text and its formatting) larger than this are refused too: reading takes about
 * 0.3 s per MB on this server's thread, and a statute's document.xml is well under 5 MB.
 */
const MAX_XML_BYTES = 25 * 1024 * 1024

export function invalidDocx(hint?: string, reason = 'unreadable'): AppError {
  return new AppError('invalid_docx', 400, hint ? `${INVALID_DOCX_MESSAGE} ${hint}` : INVALID_DOCX_MESSAGE, { reason })
}

const STYLE_MAP = [
  "p[style-name='Title'] => h1.title:fresh",
  "p[style-name='Titel'] => h1.title:fresh",
  "p.Title => h1.title:fresh",
  "p[style-name='Subtitle'] => p:fresh",
  "p[style-name='Ondertitel'] => p:fresh",
  "p[style-name='Kop 1'] => h1:fresh",
  "p[style-name='Kop 2'] => h2:fresh",
  "p[style-name='Kop 3'] => h3:fresh",
  "p[style-name='Kop 4'] => h4:fresh",
  "p[style-name='Heading 1'] => h1:fresh",
  "p[style-name='Heading 2'] => h2:fresh",
  "p[style-name='Heading 3'] => h3:fresh",
  "p[style-name='Heading 4'] => h4:fresh",
]

// ---------------------------------------------------------------------------------------------
// The container: refuse what is not a .docx before mammoth reads it.

/** Checks the bytes are a zip whose entries unpack to a sane size; throws invalid_docx / 413. */
async function checkContainer(bytes: Uint8Array): Promise<void> {
  if (bytes.length > IMPORT_LIMITS.maxFileBytes) throw payloadTooLarge('Het bestand is groter dan 10 MB.')
  if (bytes.length === 0) throw invalidDocx('Het bestand is leeg.', 'empty')
  const startsWith = (...magic: number[]): boolean => magic.every((b, i) => bytes[i] === b)
  // An OLE2 compound file: Word 97–2003 (.doc), or a .docx protected with a password.
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    throw invalidDocx('Het lijkt een ouder Word-bestand (.doc) of een bestand met een wachtwoord. Open het in Word, haal een eventueel wachtwoord eraf en kies "Opslaan als" → Word-document (.docx).', 'old-word-format')
  }
  if (startsWith(0x7b, 0x5c, 0x72, 0x74, 0x66)) {
    throw invalidDocx('Het is een RTF-bestand. Open het in Word en kies "Opslaan als" → Word-document (.docx).', 'rtf')
  }
  if (!startsWith(0x50, 0x4b, 0x03, 0x04)) throw invalidDocx(undefined, 'not-a-zip')
  await checkUnpackedSizes(bytes)
}

interface ZipEntry {
  readonly name: string
  /** Named like an XML part, or named by a Unicode Path field (which JSZip reads instead of the name). */
  readonly countsAsXml: boolean
  readonly method: number
  readonly compressedSize: number
  readonly size: number
  readonly localHeader: number
}

const ZIP_STORED = 0
const ZIP_DEFLATED = 8
/** ZIP64 markers: a size, offset or count too large for its field, given in a ZIP64 record instead. */
const ZIP64_32 = 0xffffffff
const ZIP64_16 = 0xffff
/** Info-ZIP's Unicode Path extra field. */
const UNICODE_PATH_FIELD = 0x7075
const UTF8_FLAG = 0x0800
const utf8 = new TextDecoder()

/**
 * Refuses a zip that unpacks to more than MAX_UNPACKED_BYTES (MAX_XML_BYTES of XML), by the sizes
 * it declares and by what it really holds. JSZip (inside mammoth) reads every central-directory
 * record there is, whatever count the end record gives, shifts its reading when the end record's
 * directory size does not fit, switches to ZIP64 records on their markers, and unpacks a whole
 * entry before it compares the result with the declared size. So here the end record must agree
 * with the directory exactly (no ZIP64: no Word document needs it), the records are read as JSZip
 * reads them, and each entry is unpacked once, streamed and counted, never past its declared size,
 * before mammoth sees the file. Unpacking runs on zlib's thread pool, not on the event loop.
 */
async function checkUnpackedSizes(bytes: Uint8Array): Promise<void> {
  const entries = centralDirectory(bytes)
  let total = 0
  let xml = 0
  for (const entry of entries) {
    total += entry.size
    if (entry.countsAsXml) xml += entry.size
  }
  if (total > MAX_UNPACKED_BYTES || xml > MAX_XML_BYTES) throw payloadTooLarge('Het bestand is uitgepakt te groot om in te lezen.')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const entry of entries) {
    if ((await unpackedSize(bytes, view, entry)) !== entry.size) throw invalidDocx(undefined, 'corrupt-zip')
  }
}

/** The zip's central directory, read as JSZip reads it; throws invalid_docx if it is missing or does not add up. */
function centralDirectory(bytes: Uint8Array): ZipEntry[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The end-of-central-directory record: the last one in the file, as JSZip takes it, followed by
  // exactly its comment.
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0 || eocd + 22 > bytes.length) throw invalidDocx(undefined, 'not-a-zip')
  const corrupt = (): AppError => invalidDocx(undefined, 'corrupt-zip')
  if (eocd + 22 + view.getUint16(eocd + 20, true) !== bytes.length) throw corrupt()
  const disk = view.getUint16(eocd + 4, true)
  const directoryDisk = view.getUint16(eocd + 6, true)
  const countOnDisk = view.getUint16(eocd + 8, true)
  const count = view.getUint16(eocd + 10, true)
  const size = view.getUint32(eocd + 12, true)
  const start = view.getUint32(eocd + 16, true)
  if (disk !== 0 || directoryDisk !== 0 || countOnDisk !== count || count === 0 || count === ZIP64_16 || size === ZIP64_32 || start === ZIP64_32) throw corrupt()
  // The directory ends where the end record begins: JSZip reads it from there without shifting.
  if (start + size !== eocd) throw corrupt()
  const entries: ZipEntry[] = []
  let offset = start
  while (offset < eocd) {
    if (offset + 46 > eocd || view.getUint32(offset, true) !== 0x02014b50) throw corrupt()
    const flags = view.getUint16(offset + 8, true)
    const compressedSize = view.getUint32(offset + 20, true)
    const unpacked = view.getUint32(offset + 24, true)
    const nameLength = view.getUint16(offset + 28, true)
    const extraLength = view.getUint16(offset + 30, true)
    const localHeader = view.getUint32(offset + 42, true)
    if (compressedSize === ZIP64_32 || unpacked === ZIP64_32 || localHeader === ZIP64_32) throw corrupt()
    const name = utf8.decode(bytes.subarray(offset + 46, Math.min(eocd, offset + 46 + nameLength)))
    const extraStart = offset + 46 + nameLength
    const unicodePath = (flags & UTF8_FLAG) === 0 && hasExtraField(view, extraStart, Math.min(eocd, extraStart + extraLength), UNICODE_PATH_FIELD)
    entries.push({ name, countsAsXml: unicodePath || /\.(xml|rels)$/i.test(name), method: view.getUint16(offset + 10, true), compressedSize, size: unpacked, localHeader })
    offset = extraStart + extraLength + view.getUint16(offset + 32, true)
  }
  // Exactly the records the end record counts, ending exactly at it.
  if (offset !== eocd || entries.length !== count) throw corrupt()
  return entries
}

function hasExtraField(view: DataView, from: number, to: number, id: number): boolean {
  for (let at = from; at + 4 <= to; at += 4 + view.getUint16(at + 2, true)) {
    if (view.getUint16(at, true) === id) return true
  }
  return false
}

/**
 * What one entry really unpacks to, counted as it streams and at most to one byte past its declared
 * size (so a lying entry costs no more than an honest one); -1 if it cannot be read.
 */
function unpackedSize(bytes: Uint8Array, view: DataView, entry: ZipEntry): Promise<number> {
  const at = entry.localHeader
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) return Promise.resolve(-1)
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  const end = start + entry.compressedSize
  if (end > bytes.length) return Promise.resolve(-1)
  const data = bytes.subarray(start, end)
  if (entry.method === ZIP_STORED) return Promise.resolve(data.length)
  if (entry.method !== ZIP_DEFLATED) return Promise.resolve(-1)
  return new Promise((resolve) => {
    const inflate = createInflateRaw()
    let length = 0
    inflate.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length > entry.size) {
        inflate.destroy()
        resolve(-1)
      }
    })
    inflate.on('end', () => resolve(length))
    inflate.on('error', () => resolve(-1))
    inflate.end(data)
  })
}

// ---------------------------------------------------------------------------------------------
// Inline content: text runs with marks.

const MARK_ORDER = ['bold', 'italic', 'link']

function sameMarks(a: readonly RichTextMark[] | undefined, b: readonly RichTextMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? [])
}

function withMark(marks: readonly RichTextMark[], mark: RichTextMark): RichTextMark[] {
  if (marks.some((m) => m.type === mark.type)) return [...marks]
  return [...marks, mark].sort((x, y) => MARK_ORDER.indexOf(x.type) - MARK_ORDER.indexOf(y.type))
}

interface InlineResult {
  readonly nodes: RichTextNode[]
  /** Images met on the way (their descriptions); reported, not kept. */
  readonly images: string[]
}

function readInline(nodes: readonly HtmlNode[], marks: readonly RichTextMark[] = [], result: InlineResult = { nodes: [], images: [] }): InlineResult {
  for (const node of nodes) {
    if (isText(node)) {
      const text = node.data.replace(/[\t\r\n]+/g, ' ')
      if (text.length === 0) continue
      const last = result.nodes[result.nodes.length - 1]
      if (last?.type === 'text' && sameMarks(last.marks, marks)) {
        result.nodes[result.nodes.length - 1] = { ...last, text: (last.text ?? '') + text }
      } else {
        result.nodes.push({ type: 'text', text, ...(marks.length > 0 ? { marks: [...marks] } : {}) })
      }
      continue
    }
    if (!isElement(node)) continue
    switch (node.name) {
      case 'strong':
      case 'b':
        readInline(node.children, withMark(marks, { type: 'bold' }), result)
        break
      case 'em':
      case 'i':
        readInline(node.children, withMark(marks, { type: 'italic' }), result)
        break
      case 'a': {
        const href = node.attribs.href ?? ''
        const back = /^#(footnote|endnote)-ref-/.test(href)
        if (back) break
        readInline(node.children, /^(https?:|mailto:)/i.test(href) ? withMark(marks, { type: 'link', attrs: { href } }) : marks, result)
        break
      }
      case 'br':
        result.nodes.push({ type: 'hardBreak' })
        break
      case 'img':
        result.images.push((node.attribs.alt ?? '').trim())
        break
      default:
        readInline(node.children, marks, result)
    }
  }
  return result
}

/** Inline nodes without leading and trailing spaces (and without empty text left over). */
function trimInline(nodes: readonly RichTextNode[]): RichTextNode[] {
  const out = nodes.map((n) => ({ ...n }))
  while (out[0]?.type === 'hardBreak') out.shift()
  while (out[out.length - 1]?.type === 'hardBreak') out.pop()
  const first = out[0]
  if (first?.type === 'text') out[0] = { ...first, text: (first.text ?? '').replace(/^\s+/, '') }
  const last = out[out.length - 1]
  if (last?.type === 'text') out[out.length - 1] = { ...last, text: (last.text ?? '').replace(/\s+$/, '') }
  return out.filter((n) => n.type !== 'text' || (n.text ?? '').length > 0)
}

function plainOf(nodes: readonly RichTextNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? (n.text ?? '') : n.type === 'hardBreak' ? '\n' : plainOf(n.content ?? []))).join('')
}

function paragraphOf(inline: readonly RichTextNode[]): RichTextNode {
  const content = trimInline(inline)
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' }
}

/** The whole text of an element, whitespace collapsed (for reports). */
function textOf(node: HtmlNode): string {
  return DomUtils.textContent(node).replace(/\s+/g, ' ').trim()
}

// ---------------------------------------------------------------------------------------------
// Labels: "Artikel 3 – Informatie", "Hoofdstuk 2. Informatie", "§ 1.1 Reikwijdte".

interface Label {
  /** "Artikel 3", as the document wrote it. */
  readonly label: string
  readonly number: string
  readonly title: string
}

const ARTICLE_LABEL = /^((?:Artikel|ARTIKEL|Art\.)\s+(\d+(?:\.\d+)*[a-z]?))\b(.*)$/s
const CHAPTER_LABELS = [/^((?:Hoofdstuk|HOOFDSTUK)\s+((?:\d+|[IVXLCDM]+)[a-z]?))\b(.*)$/s, /^((?:§|Paragraaf|PARAGRAAF)\s*(\d+(?:\.\d+)*[a-z]?))\b(.*)$/s]
const SEPARATOR = /^\s*[.:)\-–—]\s*/
/** A label longer than this is a sentence that happens to start with "Artikel 3", not a heading. */
const MAX_LABEL_LENGTH = 200

/**
 * `text` as a label, or null. A heading always counts; a plain paragraph only when it reads like a
 * heading (see the rules at the top).
 */
function matchLabel(patterns: readonly RegExp[], text: string, isHeading: boolean): Label | null {
  for (const pattern of patterns) {
    const match = pattern.exec(text)
    if (!match) continue
    const rest = match[3] ?? ''
    const separator = SEPARATOR.exec(rest)
    const title = (separator ? rest.slice(separator[0].length) : rest).trim()
    if (!isHeading) {
      if (text.length > MAX_LABEL_LENGTH) return null
      if (!separator && title.length > 0 && !/^[\p{Lu}\d"'‘“(]/u.test(title)) return null
      // "Artikel 3 Gemeentewet is van toepassing." is a sentence.
      if (/[.;,]$/.test(title) && title.split(/\s+/).length > 3) return null
    }
    return { label: match[1]!.replace(/\s+/g, ' '), number: match[2]!, title }
  }
  return null
}

const articleLabel = (text: string, isHeading: boolean): Label | null => matchLabel([ARTICLE_LABEL], text, isHeading)
const chapterLabel = (text: string, isHeading: boolean): Label | null => matchLabel(CHAPTER_LABELS, text, isHeading)

// ---------------------------------------------------------------------------------------------
// Blocks.

function headingLevel(element: HtmlElement): number | null {
  const match = /^h([1-6])$/.exec(element.name)
  return match ? Number(match[1]) : null
}

const isTitle = (element: HtmlElement): boolean => element.name === 'h1' && (element.attribs.class ?? '').split(/\s+/).includes('title')

function readList(element: HtmlElement, depth: number, images: string[]): RichTextNode {
  const items: RichTextNode[] = []
  for (const li of element.children) {
    if (!isElement(li) || li.name !== 'li') continue
    const content: RichTextNode[] = []
    let pending: HtmlNode[] = []
    const flush = (): void => {
      if (pending.length === 0) return
      const inline = readInline(pending)
      images.push(...inline.images)
      const paragraph = paragraphOf(inline.nodes)
      // Text between two nested lists stays; an empty remainder does not.
      if (paragraph.content || content.length === 0) content.push(paragraph)
      pending = []
    }
    for (const child of li.children) {
      if (isElement(child) && (child.name === 'ol' || child.name === 'ul')) {
        flush()
        content.push(readList(child, depth + 1, images))
      } else if (isElement(child) && child.name === 'p') {
        flush()
        pending = [...child.children]
        flush()
      } else {
        pending.push(child)
      }
    }
    flush()
    // An item starts with a paragraph (the editor's schema), even one that only holds a sublist.
    if (content[0]?.type !== 'paragraph') content.unshift({ type: 'paragraph' })
    items.push({ type: 'listItem', content })
  }
  if (element.name === 'ul') return { type: 'bulletList', content: items }
  // Leden are numbered, onderdelen within a lid lettered (as model/templates.ts writes them).
  return { type: 'orderedList', attrs: depth % 2 === 0 ? { start: 1 } : { start: 1, type: 'a' }, content: items }
}

/** Whether an <ol> is mammoth's list of footnotes or endnotes (it puts them at the end). */
function isNotesList(element: HtmlElement): boolean {
  const items = element.children.filter(isElement)
  return items.length > 0 && items.every((li) => /^(footnote|endnote)-/.test(li.attribs.id ?? ''))
}

function tableText(table: HtmlElement): string {
  return DomUtils.getElementsByTagName('tr', table, true)
    .map((row) =>
      row.children
        .filter(isElement)
        .filter((cell) => cell.name === 'td' || cell.name === 'th')
        .map(textOf)
        .join(' | '),
    )
    .filter((line) => line.replace(/[\s|]/g, '').length > 0)
    .join('\n')
}

// ---------------------------------------------------------------------------------------------
// The walk.

interface ArticleDraft {
  title: string
  sourceLabel?: string
  sourceNumber?: string
  content: RichTextNode[]
}

interface ChapterDraft {
  title: string
  sourceLabel?: string
  articles: ArticleDraft[]
}

/** What a heading is, once the levels are known. */
interface Levels {
  readonly titleBlock: HtmlNode | null
  readonly chapter: number | null
  readonly article: number | null
}

/** Decides the title block and which heading levels make chapters and articles (rules at the top). */
function decideLevels(blocks: readonly HtmlNode[]): Levels {
  const headings = blocks.filter(isElement).filter((b) => headingLevel(b) !== null)
  let titleBlock: HtmlNode | null = headings.find(isTitle) ?? null
  const labelled = (b: HtmlElement): boolean => {
    const text = textOf(b)
    const heading = headingLevel(b) !== null
    return articleLabel(text, heading) !== null || chapterLabel(text, heading) !== null
  }
  const firstStructural = blocks.findIndex((b) => isElement(b) && (b.name === 'p' || headingLevel(b) !== null) && !isTitle(b) && labelled(b))
  if (titleBlock && firstStructural >= 0 && blocks.indexOf(titleBlock) > firstStructural) titleBlock = null
  const plain = headings.filter((h) => h !== titleBlock && !isTitle(h) && !labelled(h))
  const byLabel = blocks.some((b) => isElement(b) && (b.name === 'p' || headingLevel(b) !== null) && articleLabel(textOf(b), headingLevel(b) !== null) !== null)
  if (!titleBlock && plain.length > 0) {
    const first = headings.find((h) => !isTitle(h))!
    const top = Math.min(...plain.map((h) => headingLevel(h)!))
    const beforeStructure = firstStructural < 0 || blocks.indexOf(first) < firstStructural
    // Without "Artikel N" labels a lone heading may be the only article; with them it names the document.
    const othersLeft = byLabel || plain.length > 1
    if (first === plain[0] && beforeStructure && othersLeft && headingLevel(first) === top && plain.filter((h) => headingLevel(h) === top).length === 1) {
      titleBlock = first
    }
  }
  const levels = [...new Set(plain.filter((h) => h !== titleBlock).map((h) => headingLevel(h)!))].sort((a, b) => a - b)
  if (byLabel) {
    // Plain headings are chapters when above the labelled article headings (a heading below them is part of an article).
    const articleLevels = headings.filter((h) => articleLabel(textOf(h), true) !== null).map((h) => headingLevel(h)!)
    const top = levels[0]
    return { titleBlock, chapter: top !== undefined && (articleLevels.length === 0 || top < Math.min(...articleLevels)) ? top : null, article: null }
  }
  if (levels.length >= 2) return { titleBlock, chapter: levels[0]!, article: levels[1]! }
  return { titleBlock, chapter: null, article: levels[0] ?? null }
}

class Reader {
  title = ''
  readonly chapters: ChapterDraft[] = []
  readonly preamble: RichTextNode[] = []
  readonly unrecognised: UnrecognisedPart[] = []
  readonly warnings: string[] = []
  private chapter: ChapterDraft | null = null
  private article: ArticleDraft | null = null
  private articleCount = 0

  private where(): { chapter?: number; article?: number } {
    return {
      ...(this.chapter ? { chapter: this.chapters.length } : {}),
      ...(this.article ? { article: this.articleCount } : {}),
    }
  }

  /** Reports a part; `located`: where the walk is now is where it was (not so for notes, which mammoth puts at the end). */
  report(reason: UnrecognisedReason, text: string, located = true): void {
    this.unrecognised.push({ text, reason, ...(located ? this.where() : {}) })
  }

  reportImages(images: readonly string[]): void {
    for (const alt of images) this.report('image', alt)
  }

  startChapter(title: string, sourceLabel?: string): void {
    this.chapter = { title, ...(sourceLabel ? { sourceLabel } : {}), articles: [] }
    this.chapters.push(this.chapter)
    this.article = null
  }

  startArticle(title: string, label?: Label): void {
    if (!this.chapter) this.startChapter(DEFAULT_CHAPTER_TITLE)
    this.article = { title, content: [], ...(label ? { sourceLabel: label.label, sourceNumber: label.number } : {}) }
    this.chapter!.articles.push(this.article)
    this.articleCount += 1
  }

  /** Body content: into the current article, else reported (and kept as preamble before any structure). */
  content(node: RichTextNode): void {
    if (this.article) {
      this.article.content.push(node)
      return
    }
    const text = node.type === 'paragraph' ? plainOf(node.content ?? []) : plainLines(node)
    if (this.chapter) {
      this.report('chapter-text', text)
    } else {
      this.preamble.push(node)
      this.report('preamble', text)
    }
  }

  block(node: HtmlNode, levels: Levels): void {
    if (isText(node)) {
      if (node.data.trim()) this.content(paragraphOf([{ type: 'text', text: node.data }]))
      return
    }
    if (!isElement(node)) return
    const level = headingLevel(node)
    if (node.name === 'p' || level !== null) {
      const inline = readInline(node.children)
      this.reportImages(inline.images)
      const nodes = trimInline(inline.nodes)
      if (nodes.length === 0) return
      if (node === levels.titleBlock) {
        this.title = plainOf(nodes).replace(/\s+/g, ' ').trim()
        return
      }
      // A label up to the first line break; what follows the break is the start of the body.
      const breakAt = nodes.findIndex((n) => n.type === 'hardBreak')
      const head = breakAt >= 0 ? nodes.slice(0, breakAt) : nodes
      const tail = breakAt >= 0 ? trimInline(nodes.slice(breakAt + 1)) : []
      const text = plainOf(head).replace(/\s+/g, ' ').trim()
      const isHeading = level !== null
      const chapter = chapterLabel(text, isHeading)
      if (chapter) {
        this.startChapter(chapter.title, chapter.label)
        if (tail.length > 0) this.content(paragraphOf(tail))
        return
      }
      const article = articleLabel(text, isHeading)
      if (article) {
        this.startArticle(article.title, article)
        if (tail.length > 0) this.content(paragraphOf(tail))
        return
      }
      if (isTitle(node) && !this.title) {
        this.title = plainOf(nodes).replace(/\s+/g, ' ').trim()
        return
      }
      const headingAt = isTitle(node) ? 1 : level
      if (headingAt !== null && headingAt === levels.chapter) return this.startChapter(plainOf(nodes).replace(/\s+/g, ' ').trim())
      if (headingAt !== null && headingAt === levels.article) return this.startArticle(plainOf(nodes).replace(/\s+/g, ' ').trim())
      // Any other heading inside an article is a bold line of its text.
      this.content(paragraphOf(isHeading ? nodes.map((n) => (n.type === 'text' ? { ...n, marks: withMark(n.marks ?? [], { type: 'bold' }) } : n)) : nodes))
      return
    }
    if (node.name === 'ol' || node.name === 'ul') {
      if (isNotesList(node)) {
        // "[1] text", as the reference reads in the body ("↑" is mammoth's link back).
        for (const li of node.children.filter(isElement)) this.report('footnote', `[${(li.attribs.id ?? '').replace(/^\D+/, '')}] ${textOf(li).replace(/\s*↑$/, '')}`, false)
        return
      }
      const images: string[] = []
      const list = readList(node, 0, images)
      this.reportImages(images)
      if ((list.content ?? []).length > 0) this.content(list)
      return
    }
    if (node.name === 'table') {
      const text = tableText(node)
      this.report('table', text)
      this.reportImages(DomUtils.getElementsByTagName('img', node, true).map((img) => (img.attribs.alt ?? '').trim()))
      return
    }
    if (node.name === 'img') {
      this.reportImages([(node.attribs.alt ?? '').trim()])
      return
    }
    const text = textOf(node)
    if (text) this.report('unsupported', text)
  }

  result(): ImportedDocument {
    const chapters: ImportedChapter[] = this.chapters.map((chapter) => ({
      title: chapter.title,
      ...(chapter.sourceLabel ? { sourceLabel: chapter.sourceLabel } : {}),
      articles: chapter.articles.map(
        (article): ImportedArticle => ({
          title: article.title,
          ...(article.sourceLabel ? { sourceLabel: article.sourceLabel } : {}),
          body: { type: 'doc', content: article.content },
        }),
      ),
    }))
    let number = 0
    for (const chapter of this.chapters) {
      for (const article of chapter.articles) {
        number += 1
        if (article.sourceNumber !== undefined && article.sourceNumber !== String(number)) {
          this.warnings.push(`${article.sourceLabel} heet in Samenspel artikel ${number} (artikelen worden doorlopend genummerd).`)
        }
      }
    }
    if (this.chapters.length > IMPORT_LIMITS.maxChapters) this.warnings.push(`Het document heeft ${this.chapters.length} hoofdstukken; een statuut kan er hoogstens ${IMPORT_LIMITS.maxChapters} hebben.`)
    if (number > IMPORT_LIMITS.maxArticles) this.warnings.push(`Het document heeft ${number} artikelen; een statuut kan er hoogstens ${IMPORT_LIMITS.maxArticles} hebben.`)
    return {
      title: this.title,
      chapters,
      preamble: this.preamble.length > 0 ? { type: 'doc', content: this.preamble } : null,
      unrecognised: this.unrecognised,
      warnings: this.warnings,
    }
  }
}

function plainLines(node: RichTextNode): string {
  const lines: string[] = []
  const walk = (n: RichTextNode, depth: number): void => {
    if (n.type === 'paragraph') lines.push('  '.repeat(Math.max(0, depth - 1)) + plainOf(n.content ?? []))
    else for (const child of n.content ?? []) walk(child, n.type === 'orderedList' || n.type === 'bulletList' ? depth + 1 : depth)
  }
  walk(node, 0)
  return lines.join('\n')
}

/** Mammoth's remarks worth passing on: style names it did not know are not (those paragraphs are read as text). */
function mammothWarnings(messages: ReadonlyArray<{ type: string; message: string }>): string[] {
  return messages.filter((m) => !/^Unrecognised (paragraph|run|table) style/.test(m.message)).map((m) => `Word: ${m.message}`)
}

/** Reads a .docx as a statute. Throws AppError invalid_docx (400) or payload_too_large (413). */
export async function parseDocx(bytes: Uint8Array): Promise<ImportedDocument> {
  await checkContainer(bytes)
  let html: string
  let messages: ReadonlyArray<{ type: string; message: string }>
  let removedControls = 0
  let repairedCharacters = 0
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        // Images are reported, not kept: only their description is needed.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    )
    // Word files may hold C1 control characters (XML allows U+0080–U+009F), mostly Windows-1252
    // punctuation pasted from an old system: repaired to what was meant. Controls left over are
    // refused by the import, so the preview leaves them out already.
    const repair = repairWindows1252(result.value)
    const cleaned = withoutControlCharacters(repair.text)
    removedControls = repair.text.length - cleaned.length
    repairedCharacters = repair.repaired
    html = cleaned
    messages = result.messages
  } catch {
    throw invalidDocx(undefined, 'unreadable')
  }
  const blocks = parseDocument(html).children
  const levels = decideLevels(blocks)
  const reader = new Reader()
  reader.warnings.push(...mammothWarnings(messages))
  if (repairedCharacters > 0) {
    reader.warnings.push(`${repairedCharacters} ${repairedCharacters === 1 ? 'teken was' : 'tekens waren'} verkeerd gecodeerd (zoals – € “ ” uit een ouder systeem) en ${repairedCharacters === 1 ? 'is' : 'zijn'} hersteld. Controleer de tekst.`)
  }
  if (removedControls > 0) {
    reader.warnings.push(`${removedControls} onzichtbare ${removedControls === 1 ? 'stuurteken is' : 'stuurtekens zijn'} weggelaten.`)
  }
  for (const block of blocks) reader.block(block, levels)
  return reader.result()
}
