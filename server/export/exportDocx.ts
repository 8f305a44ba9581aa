/**
 * The statute as a Word document a griffier can put on the raad's agenda without repairing it:
 * real styles (Title, Heading 1 and 2, Normal, list numbering), continuous article numbers,
 * leden and onderdelen as Word numbering that restarts per article, aanhef, slotformulier and
 * ondertekening, the toelichting as a final part, optional Word comments on the passages they are
 * about, and an optional annex of who agreed when. Pure: data in, bytes out.
 */
import {
  AlignmentType,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type ICommentOptions,
  type ParagraphChild,
} from 'docx'
import type { RichTextNode } from '../../model/richText.js'
import { defaultAanhef, signatories, type ExportInput, type ExportOptions, type ExportThread } from './exportModel.js'

const LEDEN = 'leden'
const BULLETS = 'opsomming'
const STATE_LABEL = { open: 'open', akkoord: 'akkoord', 'niet-akkoord': 'niet akkoord', verouderd: 'verouderd' } as const

/** Comments collected while writing the body; ids are assigned in document order. */
class CommentCollector {
  readonly definitions: ICommentOptions[] = []
  private next = 0

  /**
   * Adds a thread; returns the ids of its comments (first, then replies). Word shows a reply only
   * when it, too, has a range and a reference in the text, at the same place as its parent.
   */
  add(thread: ExportThread): number[] {
    const [first, ...replies] = thread.comments
    if (!first) return []
    const id = this.next++
    this.definitions.push({ id, author: first.author, date: new Date(first.date), initials: initials(first.author), children: [new Paragraph(first.body)] })
    const ids = [id]
    for (const reply of replies) {
      const replyId = this.next++
      ids.push(replyId)
      this.definitions.push({ id: replyId, author: reply.author, date: new Date(reply.date), initials: initials(reply.author), parentId: id, children: [new Paragraph(reply.body)] })
    }
    return ids
  }
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase())
    .slice(0, 3)
    .join('')
}

function runsOf(nodes: readonly RichTextNode[]): ParagraphChild[] {
  const runs: ParagraphChild[] = []
  for (const node of nodes) {
    if (node.type === 'hardBreak') {
      runs.push(new TextRun({ text: '', break: 1 }))
      continue
    }
    if (node.type !== 'text') continue
    const marks = new Set((node.marks ?? []).map((m) => m.type))
    const link = node.marks?.find((m) => m.type === 'link')?.attrs?.href
    const run = new TextRun({ text: node.text ?? '', bold: marks.has('bold'), italics: marks.has('italic'), ...(typeof link === 'string' ? { style: 'Hyperlink' } : {}) })
    runs.push(typeof link === 'string' && /^(https?:|mailto:)/.test(link) ? new ExternalHyperlink({ link, children: [run] }) : run)
  }
  return runs
}

const rangeStarts = (ids: readonly number[]) => ids.map((id) => new CommentRangeStart(id))
const rangeEnds = (ids: readonly number[]) => ids.flatMap((id) => [new CommentRangeEnd(id), new TextRun({ children: [new CommentReference(id)] })])

/** Wraps the first occurrence of `quote` in a paragraph's runs with the thread's comment ranges. */
function withComment(runs: ParagraphChild[], text: string, quote: string | null, ids: readonly number[]): ParagraphChild[] | undefined {
  if (quote === null || quote === '' || !text.includes(quote)) return undefined
  const start = text.indexOf(quote)
  // Split the paragraph as plain runs around the quote (marks inside a commented passage are kept
  // only when the passage is a whole run; the comment matters more than the formatting here).
  return [
    new TextRun(text.slice(0, start)),
    ...rangeStarts(ids),
    new TextRun(quote),
    ...rangeEnds(ids),
    new TextRun(text.slice(start + quote.length)),
  ]
}

interface BodyContext {
  readonly listInstance: { value: number }
  readonly threads: Array<{ thread: ExportThread; ids: number[]; placed: boolean }>
}

function plainText(node: RichTextNode): string {
  if (node.type === 'text') return node.text ?? ''
  return (node.content ?? []).map(plainText).join('')
}

function paragraph(node: RichTextNode, context: BodyContext, numbering?: { reference: string; level: number; instance: number }): Paragraph {
  const inline = (node.content ?? []).filter((c) => c.type === 'text' || c.type === 'hardBreak')
  let children = runsOf(inline)
  const text = plainText({ type: 'paragraph', content: inline })
  for (const entry of context.threads) {
    if (entry.placed) continue
    const commented = withComment(children, text, entry.thread.quote, entry.ids)
    if (commented) {
      children = commented
      entry.placed = true
      break
    }
  }
  return new Paragraph({ children, ...(numbering ? { numbering } : {}) })
}

/**
 * Rich text to Word paragraphs. Each top-level list gets its own numbering instance, so leden
 * restart at 1 in every article; a nested list (onderdelen a., b.) is the next level of the same
 * instance, which Word restarts after every lid.
 */
function blocks(nodes: readonly RichTextNode[], context: BodyContext, list?: { reference: string; level: number; instance: number }): Paragraph[] {
  const result: Paragraph[] = []
  for (const node of nodes) {
    if (node.type === 'orderedList' || node.type === 'bulletList') {
      const reference = node.type === 'orderedList' ? LEDEN : BULLETS
      const inner = list && list.reference === reference ? { reference, level: Math.min(list.level + 1, 2), instance: list.instance } : { reference, level: 0, instance: ++context.listInstance.value }
      for (const item of node.content ?? []) result.push(...blocks(item.content ?? [], context, inner))
      continue
    }
    if (node.type === 'paragraph' || node.type === 'heading') {
      result.push(paragraph(node, context, list))
      continue
    }
    if (node.content) result.push(...blocks(node.content, context, list))
  }
  return result
}

function dateNl(iso: string): string {
  return new Date(iso).toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' })
}

function annex(input: ExportInput): FileChild[] {
  const articles = input.statute.chapters.flatMap((c) => c.articles)
  const width = 9000
  const first = 2400
  const column = Math.floor((width - first) / Math.max(1, input.parties.length))
  const cell = (children: Paragraph[], w: number) => new TableCell({ children, width: { size: w, type: WidthType.DXA } })
  const header = new TableRow({
    tableHeader: true,
    children: [cell([new Paragraph({ children: [new TextRun({ text: 'Artikel', bold: true })] })], first), ...input.parties.map((p) => cell([new Paragraph({ children: [new TextRun({ text: p.name, bold: true })] })], column))],
  })
  const rows = articles.map(
    (article) =>
      new TableRow({
        children: [
          cell([new Paragraph(`${article.label} ${article.title}`)], first),
          ...input.parties.map((party) => {
            const agreement = input.agreements.get(article.id)?.get(party.id)
            const lines: string[] = [STATE_LABEL[agreement?.state ?? 'open']]
            if (agreement?.who) lines.push(`${agreement.who}${agreement.when ? `, ${dateNl(agreement.when)}` : ''}`)
            if (agreement?.state === 'niet-akkoord' && agreement.reason) lines.push(`Reden: ${agreement.reason}`)
            return cell(lines.map((line) => new Paragraph(line)), column)
          }),
        ],
      }),
  )
  return [
    new Paragraph({ text: 'Bijlage: Verantwoording instemming', heading: HeadingLevel.HEADING_1, pageBreakBefore: true }),
    new Paragraph('Per artikel en per partij: de stand van de instemming, wie namens de partij besliste en wanneer. Bij bezwaar staat de reden vermeld.'),
    new Table({ rows: [header, ...rows], columnWidths: [first, ...input.parties.map(() => column)], width: { size: width, type: WidthType.DXA } }),
  ]
}

export async function exportDocx(input: ExportInput, options: ExportOptions): Promise<Buffer> {
  const { statute } = input
  const comments = new CommentCollector()
  const listInstance = { value: 0 }
  const body: FileChild[] = [new Paragraph({ text: statute.title, heading: HeadingLevel.TITLE })]
  const ownAanhef = statute.formalities?.aanhef.split('\n').map((line) => line.trim()).filter(Boolean) ?? []
  for (const line of ownAanhef.length > 0 ? ownAanhef : defaultAanhef(statute.bodyType, statute.organisation, statute.formalities?.aanhefForm)) body.push(new Paragraph(line))
  body.push(new Paragraph({ text: statute.title, spacing: { after: 240 } }))

  for (const chapter of statute.chapters) {
    body.push(new Paragraph({ text: `${chapter.label}. ${chapter.title}`, heading: HeadingLevel.HEADING_1 }))
    for (const article of chapter.articles) {
      const threads = options.comments
        ? input.threads.filter((t) => t.articleId === article.id).flatMap((thread) => {
            const ids = comments.add(thread)
            return ids.length === 0 ? [] : [{ thread, ids, placed: false }]
          })
        : []
      const context: BodyContext = { listInstance, threads }
      const paragraphs = blocks(article.body.json.content ?? [], context)
      // Threads on the whole article, or whose passage is gone, are anchored on its heading.
      const loose = threads.filter((t) => !t.placed)
      const headingRuns: ParagraphChild[] = [new TextRun(`${article.label} ${article.title}`)]
      const looseIds = loose.flatMap((t) => t.ids)
      const heading = looseIds.length === 0 ? headingRuns : [...rangeStarts(looseIds), ...headingRuns, ...rangeEnds(looseIds)]
      body.push(new Paragraph({ children: heading, heading: HeadingLevel.HEADING_2 }), ...paragraphs)
    }
  }

  const [chair, clerk] = signatories(statute.bodyType)
  const adopted = input.status.kind === 'adopted' ? input.status : undefined
  body.push(
    new Paragraph({ text: adopted ? `Aldus vastgesteld in de openbare vergadering van ${dateNl(adopted.decisionDate)} (besluit ${adopted.decisionReference}).` : 'Aldus vastgesteld in de openbare vergadering van … .', spacing: { before: 480 } }),
    new Paragraph({ children: [new TextRun(chair), new TextRun({ text: '\t' }), new TextRun(clerk)], tabStops: [{ type: 'left', position: 4800 }], spacing: { before: 240 } }),
    new Paragraph({ text: ' ', spacing: { before: 720 } }),
  )

  if (options.toelichting) {
    const explained = statute.chapters.flatMap((c) => c.articles).filter((a) => a.toelichting.text.trim() !== '')
    if (explained.length > 0) {
      body.push(new Paragraph({ text: 'Toelichting', heading: HeadingLevel.HEADING_1, pageBreakBefore: true }))
      body.push(new Paragraph({ text: 'Artikelsgewijs', heading: HeadingLevel.HEADING_2 }))
      for (const article of explained) {
        body.push(new Paragraph({ children: [new TextRun({ text: `${article.label} ${article.title}`, bold: true })], keepNext: true }))
        body.push(...blocks(article.toelichting.json.content ?? [], { listInstance, threads: [] }))
      }
    }
  }
  if (options.agreements) body.push(...annex(input))

  const marking = input.status.kind === 'concept' ? `CONCEPT ${dateNl(input.status.date)}` : `Vastgesteld ${dateNl(input.status.decisionDate)}, ${input.status.decisionReference}`
  const doc = new Document({
    title: statute.title,
    subject: `Statuut ${statute.organisation}`.trim(),
    creator: 'Samenspel',
    description: marking,
    comments: { children: comments.definitions },
    styles: { default: { document: { run: { font: 'Calibri', size: 22, language: { value: 'nl-NL' } } } } },
    numbering: {
      config: [
        {
          reference: LEDEN,
          levels: [
            { level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 567, hanging: 567 } } } },
            { level: 1, format: LevelFormat.LOWER_LETTER, text: '%2.', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 1134, hanging: 567 } } } },
            { level: 2, format: LevelFormat.DECIMAL, text: '%3°.', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 1701, hanging: 567 } } } },
          ],
        },
        { reference: BULLETS, levels: [{ level: 0, format: LevelFormat.BULLET, text: '–', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 567, hanging: 567 } } } }] },
      ],
    },
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph({ children: [new TextRun(`${statute.title} — ${marking}`)], alignment: AlignmentType.RIGHT })] }) },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['pagina ', PageNumber.CURRENT, ' van ', PageNumber.TOTAL_PAGES] })] })],
          }),
        },
        children: body,
      },
    ],
  })
  return Packer.toBuffer(doc)
}
