/**
 * The body of POST /api/statutes/import: a statute's details and its (reviewed) chapters and
 * articles. Bodies are rich-text JSON of the node types the editor knows (paragraph, orderedList,
 * bulletList, listItem, text, hardBreak) with the marks bold, italic and link; nothing else gets in.
 */
import { z } from 'zod'
import { BODY_TYPES } from '../../model/statuteDoc.js'
import { DEFAULT_LIMITS } from '../../model/protocol.js'
import { IMPORT_LIMITS } from '../../model/imported.js'
import type { RichTextDoc, RichTextNode } from '../../model/richText.js'

/** Deepest nesting of content accepted: about 12 levels of lists (lid → onderdeel → sub-onderdeel …). */
const MAX_DEPTH = 30

const mark = z.union([
  z.strictObject({ type: z.literal('bold') }),
  z.strictObject({ type: z.literal('italic') }),
  z.strictObject({
    type: z.literal('link'),
    attrs: z.strictObject({ href: z.string().max(2000).regex(/^(https?:|mailto:)/i, 'Alleen links met http, https of mailto.') }),
  }),
])

const text = z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(IMPORT_LIMITS.maxBodyBytes), marks: z.array(mark).max(3).optional() })
const hardBreak = z.strictObject({ type: z.literal('hardBreak') })
const inline = z.union([text, hardBreak])
const paragraph = z.strictObject({ type: z.literal('paragraph'), content: z.array(inline).optional() })

type ListNode = { type: 'orderedList' | 'bulletList'; attrs?: { start?: number; type?: string }; content: ListItemNode[] }
type ListItemNode = { type: 'listItem'; content: Array<z.infer<typeof paragraph> | ListNode> }

const listItem: z.ZodType<ListItemNode> = z.lazy(() =>
  z.strictObject({
    type: z.literal('listItem'),
    // The editor's schema: an item starts with a paragraph.
    content: z.tuple([paragraph], z.union([paragraph, list])),
  }),
)
const list: z.ZodType<ListNode> = z.lazy(() =>
  z.union([
    z.strictObject({
      type: z.literal('orderedList'),
      attrs: z.strictObject({ start: z.number().int().min(0).max(10_000).optional(), type: z.enum(['1', 'a', 'A', 'i', 'I']).optional() }).optional(),
      content: z.array(listItem).min(1),
    }),
    z.strictObject({ type: z.literal('bulletList'), content: z.array(listItem).min(1) }),
  ]),
)

function depth(node: unknown, level = 0): number {
  if (level > MAX_DEPTH || node === null || typeof node !== 'object') return level
  const content = (node as { content?: unknown }).content
  if (!Array.isArray(content)) return level
  let deepest = level
  for (const child of content) deepest = Math.max(deepest, depth(child, level + 1))
  return deepest
}

export const richTextBody = z
  .unknown()
  // Checked before the recursive schema, so a crafted body cannot nest without end.
  .superRefine((value, ctx) => {
    if (depth(value) > MAX_DEPTH) ctx.addIssue({ code: 'custom', message: 'De tekst is te diep genest.', continue: false })
    else if (Buffer.byteLength(JSON.stringify(value ?? null)) > IMPORT_LIMITS.maxBodyBytes) ctx.addIssue({ code: 'custom', message: `De tekst van een artikel mag hoogstens ${IMPORT_LIMITS.maxBodyBytes / 1024} kB zijn.`, continue: false })
  })
  .pipe(z.strictObject({ type: z.literal('doc'), content: z.array(z.union([paragraph, list])).optional() }))
  .transform((doc) => doc as RichTextDoc & { content?: RichTextNode[] })

const title = z.string().trim().max(DEFAULT_LIMITS.maxTitleLength)

export const importStatuteBody = z
  .strictObject({
    title: z.string().trim().min(1, 'Geef het statuut een titel.').max(DEFAULT_LIMITS.maxTitleLength),
    organisation: z.string().trim().max(200).default(''),
    bodyType: z.enum(BODY_TYPES).default('gemeente'),
    chapters: z
      .array(z.strictObject({ title, articles: z.array(z.strictObject({ title, body: richTextBody })).max(IMPORT_LIMITS.maxArticles) }))
      .min(1, 'Er is geen hoofdstuk om te maken.')
      .max(IMPORT_LIMITS.maxChapters, `Een statuut kan hoogstens ${IMPORT_LIMITS.maxChapters} hoofdstukken hebben.`),
  })
  .superRefine((value, ctx) => {
    const articles = value.chapters.reduce((n, c) => n + c.articles.length, 0)
    if (articles > IMPORT_LIMITS.maxArticles) ctx.addIssue({ code: 'custom', path: ['chapters'], message: `Een statuut kan hoogstens ${IMPORT_LIMITS.maxArticles} artikelen hebben.` })
  })

export type ImportStatuteBody = z.output<typeof importStatuteBody>
