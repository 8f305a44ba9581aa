/**
 * Model clauses: the plain data of a template theme, the terms that differ per body type, and
 * rendering a clause for one body type with filled-in parameters. Pure, so the server builds
 * statutes from it and the client previews exactly the same text.
 *
 * Placeholders in template text:
 *   {{raad}}, {{Raad}}            a term, in the middle or at the start of a sentence
 *   {{raad|stelt|stellen}}        a verb agreeing with the term (Provinciale Staten is plural)
 *   {{param:termijn}}             a parameter of the theme, filled in when the statute is created
 *   {{naam}}                      the organisation's name
 */
import type { BodyType } from './statuteDoc.js'
import type { RichTextDoc, RichTextNode } from './richText.js'

export interface TemplateParameter {
  readonly id: string
  readonly label: string
  readonly type: 'number' | 'text'
  readonly default: string | number
}

export interface TemplateText {
  readonly body: string
  readonly toelichting: string
}

export interface TemplateVariant extends TemplateText {
  readonly id: string
  readonly label: string
  readonly description?: string
}

export interface TemplateArticle {
  readonly id: string
  readonly title: string
  readonly default: boolean
  /** Only for these body types; absent means all. */
  readonly bodyTypes?: readonly BodyType[]
  /** Either body + toelichting, or two or more variants (the first is the default). */
  readonly body?: string
  readonly toelichting?: string
  readonly variants?: readonly TemplateVariant[]
}

export interface TemplateTheme {
  readonly id: string
  readonly version: number
  readonly title: string
  readonly summary: string
  readonly order: number
  readonly parameters: readonly TemplateParameter[]
  readonly articles: readonly TemplateArticle[]
  /** Where it came from (file name), for messages. */
  readonly source: string
}

interface Term {
  readonly forms: Readonly<Record<BodyType, string>>
  /** Plural for these body types (verb agreement). */
  readonly plural?: readonly BodyType[]
}

/** The terms that differ per body type. Keys are the lowercase placeholder names. */
export const TERMS: Readonly<Record<string, Term>> = {
  raad: { forms: { gemeente: 'de raad', provincie: 'Provinciale Staten', waterschap: 'het algemeen bestuur' }, plural: ['provincie'] },
  college: { forms: { gemeente: 'het college', provincie: 'Gedeputeerde Staten', waterschap: 'het dagelijks bestuur' }, plural: ['provincie'] },
  voorzitter: { forms: { gemeente: 'de burgemeester', provincie: 'de commissaris van de Koning', waterschap: 'de dijkgraaf' } },
  griffier: { forms: { gemeente: 'de griffier', provincie: 'de statengriffier', waterschap: 'de griffier' } },
  griffie: { forms: { gemeente: 'de griffie', provincie: 'de statengriffie', waterschap: 'de griffie' } },
  secretaris: { forms: { gemeente: 'de gemeentesecretaris', provincie: 'de provinciesecretaris', waterschap: 'de secretaris-directeur' } },
  lid: { forms: { gemeente: 'raadslid', provincie: 'Statenlid', waterschap: 'lid van het algemeen bestuur' } },
  leden: { forms: { gemeente: 'raadsleden', provincie: 'Statenleden', waterschap: 'leden van het algemeen bestuur' } },
  bestuurder: { forms: { gemeente: 'wethouder', provincie: 'gedeputeerde', waterschap: 'lid van het dagelijks bestuur' } },
  bestuurders: { forms: { gemeente: 'wethouders', provincie: 'gedeputeerden', waterschap: 'leden van het dagelijks bestuur' } },
  overheid: { forms: { gemeente: 'de gemeente', provincie: 'de provincie', waterschap: 'het waterschap' } },
  inwoners: { forms: { gemeente: 'inwoners', provincie: 'inwoners', waterschap: 'ingezetenen' } },
  wet: { forms: { gemeente: 'de Gemeentewet', provincie: 'de Provinciewet', waterschap: 'de Waterschapswet' } },
  vergadering: { forms: { gemeente: 'de raadsvergadering', provincie: 'de Statenvergadering', waterschap: 'de vergadering van het algemeen bestuur' } },
  informatiebrief: { forms: { gemeente: 'raadsinformatiebrief', provincie: 'Statenbrief', waterschap: 'informatiebrief aan het algemeen bestuur' } },
  rekenkamer: { forms: { gemeente: 'de rekenkamer', provincie: 'de Provinciale Rekenkamer', waterschap: 'de rekenkamer' } },
  'wet-informatieplicht': { forms: { gemeente: 'artikel 169 van de Gemeentewet', provincie: 'artikel 167 van de Provinciewet', waterschap: 'de Waterschapswet' } },
  'wet-enquete': { forms: { gemeente: 'artikel 155a van de Gemeentewet', provincie: 'artikel 151a van de Provinciewet', waterschap: 'de Waterschapswet' } },
  'wet-rekenkamer': { forms: { gemeente: 'artikel 81a en verder van de Gemeentewet', provincie: 'artikel 79a en verder van de Provinciewet', waterschap: 'de Waterschapswet' } },
  'wet-griffier': { forms: { gemeente: 'artikel 107 en verder van de Gemeentewet', provincie: 'artikel 104 en verder van de Provinciewet', waterschap: 'de Waterschapswet' } },
}

/** Terms that may carry a verb form: {{raad|stelt|stellen}}. */
export const AGREEING_TERMS = ['raad', 'college'] as const

export const PLACEHOLDER = /\{\{([^{}]*)\}\}/g

export interface RenderContext {
  readonly bodyType: BodyType
  /** The organisation's name, for {{naam}}. */
  readonly name: string
  /** Parameter values by id; missing ones fall back to the theme's defaults. */
  readonly parameters: Readonly<Record<string, string | number>>
}

/** What is wrong with one placeholder, or undefined when it is fine. */
export function checkPlaceholder(inner: string, declaredParameters: ReadonlySet<string>): string | undefined {
  if (inner.startsWith('param:')) {
    const id = inner.slice('param:'.length)
    return declaredParameters.has(id) ? undefined : `parameter "${id}" is niet gedeclareerd in parameters`
  }
  if (inner === 'naam') return undefined
  const [term, ...forms] = inner.split('|')
  const key = (term ?? '').toLowerCase()
  if (!(key in TERMS)) return `onbekende term "${term}" (bekend: ${Object.keys(TERMS).join(', ')}, naam, param:…)`
  if (forms.length > 0) {
    if (!(AGREEING_TERMS as readonly string[]).includes(key)) return `alleen raad en college kennen een werkwoordsvorm, niet "${term}"`
    if (forms.length !== 2 || forms.some((f) => f.trim() === '')) return `schrijf {{${key}|enkelvoud|meervoud}}, bijvoorbeeld {{raad|stelt|stellen}}`
  }
  return undefined
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Replaces every placeholder. Unknown placeholders are left visible (validation reports them). */
export function renderTemplateText(text: string, theme: Pick<TemplateTheme, 'parameters'>, context: RenderContext): string {
  return text.replace(PLACEHOLDER, (whole, inner: string) => {
    if (inner.startsWith('param:')) {
      const id = inner.slice('param:'.length)
      const value = context.parameters[id] ?? theme.parameters.find((p) => p.id === id)?.default
      return value === undefined ? whole : String(value)
    }
    if (inner === 'naam') return context.name
    const [term = '', singular, plural] = inner.split('|')
    const definition = TERMS[term.toLowerCase()]
    if (!definition) return whole
    if (singular !== undefined && plural !== undefined) return definition.plural?.includes(context.bodyType) ? plural : singular
    const form = definition.forms[context.bodyType]
    return term.charAt(0) === term.charAt(0).toUpperCase() ? capitalise(form) : form
  })
}

const LID = /^(\d+)\.\s+(.*)$/
const ONDERDEEL = /^\s+([a-z]{1,2})\.\s+(.*)$/
const CONTINUATION = /^\s{2,}(\S.*)$/

const textNode = (text: string): RichTextNode => ({ type: 'text', text })
const paragraphNode = (text: string): RichTextNode => ({ type: 'paragraph', content: [textNode(text)] })
const item = (text: string, sub?: RichTextNode): RichTextNode => ({ type: 'listItem', content: sub ? [paragraphNode(text), sub] : [paragraphNode(text)] })

/**
 * Turns clause text into rich text: "1. …" lines are leden (an ordered list), indented "a. …"
 * lines onderdelen of the lid before them (a nested ordered list), other lines paragraphs.
 */
export function clauseTextToRichText(text: string): RichTextDoc {
  const content: RichTextNode[] = []
  let leden: Array<{ text: string; onderdelen: string[] }> | null = null
  let paragraph: string[] = []
  const flushParagraph = (): void => {
    if (paragraph.length > 0) content.push(paragraphNode(paragraph.join(' ')))
    paragraph = []
  }
  const flushLeden = (): void => {
    if (!leden) return
    content.push({
      type: 'orderedList',
      attrs: { start: 1 },
      content: leden.map((lid) =>
        item(lid.text, lid.onderdelen.length > 0 ? { type: 'orderedList', attrs: { start: 1, type: 'a' }, content: lid.onderdelen.map((o) => item(o)) } : undefined),
      ),
    })
    leden = null
  }
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+$/, '')
    if (line.trim() === '') {
      flushParagraph()
      continue
    }
    const lid = LID.exec(line)
    const onderdeel = ONDERDEEL.exec(line)
    const continuation = CONTINUATION.exec(line)
    if (lid) {
      flushParagraph()
      leden ??= []
      leden.push({ text: lid[2]!, onderdelen: [] })
    } else if (onderdeel && leden && leden.length > 0) {
      leden[leden.length - 1]!.onderdelen.push(onderdeel[2]!)
    } else if (continuation && leden && leden.length > 0) {
      const last = leden[leden.length - 1]!
      if (last.onderdelen.length > 0) last.onderdelen[last.onderdelen.length - 1] += ` ${continuation[1]}`
      else last.text += ` ${continuation[1]}`
    } else {
      flushLeden()
      paragraph.push(line.trim())
    }
  }
  flushParagraph()
  flushLeden()
  return { type: 'doc', content }
}

/** The text of an article in a chosen variant (or its only text). */
export function articleText(article: TemplateArticle, variantId?: string): TemplateText & { variantId?: string } {
  if (article.variants && article.variants.length > 0) {
    const variant = article.variants.find((v) => v.id === variantId) ?? article.variants[0]!
    return { body: variant.body, toelichting: variant.toelichting, variantId: variant.id }
  }
  return { body: article.body ?? '', toelichting: article.toelichting ?? '' }
}

export interface RenderedClause {
  readonly title: string
  readonly body: RichTextDoc
  readonly toelichting: RichTextDoc
}

/** One clause, ready to become an article. */
export function renderClause(theme: TemplateTheme, article: TemplateArticle, variantId: string | undefined, context: RenderContext): RenderedClause {
  const text = articleText(article, variantId)
  return {
    title: renderTemplateText(article.title, theme, context),
    body: clauseTextToRichText(renderTemplateText(text.body, theme, context)),
    toelichting: clauseTextToRichText(renderTemplateText(text.toelichting, theme, context)),
  }
}

/** Where an article came from: kept on the article so the UI can compare it with the model. */
export interface ClauseSource {
  readonly theme: string
  readonly article: string
  readonly variant?: string
  readonly version: number
}

/** A choice of clauses: per theme the chosen articles (and variant), plus parameter values. */
export interface TemplateChoice {
  readonly themes: ReadonlyArray<{ readonly id: string; readonly articles: ReadonlyArray<{ readonly id: string; readonly variant?: string }> }>
  readonly parameters: Readonly<Record<string, string | number>>
}

/** Whether a clause exists for a body type. */
export function availableFor(article: TemplateArticle, bodyType: BodyType): boolean {
  return !article.bodyTypes || article.bodyTypes.includes(bodyType)
}

/** Every theme with its preselected articles (for the body type) in their first variant, and default parameters. */
export function defaultChoice(themes: readonly TemplateTheme[], bodyType?: BodyType): TemplateChoice {
  return {
    themes: themes.map((theme) => ({
      id: theme.id,
      articles: theme.articles.filter((a) => a.default && (!bodyType || availableFor(a, bodyType))).map((a) => (a.variants?.[0] ? { id: a.id, variant: a.variants[0].id } : { id: a.id })),
    })),
    parameters: Object.fromEntries(themes.flatMap((t) => t.parameters.map((p) => [p.id, p.default]))),
  }
}
