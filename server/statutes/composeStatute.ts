/**
 * Builds a new statute's first document from chosen model clauses: one chapter per chosen theme,
 * one article per chosen clause (in the chosen variant), with terms for the body type and the
 * parameters filled in. Runs on the server, once per statute.
 */
import * as Y from 'yjs'
import { addArticle, addChapter, initStatute, type BodyType } from '../../model/statuteDoc.js'
import { availableFor, renderClause, renderTemplateText, type TemplateChoice, type TemplateTheme } from '../../model/templates.js'
import { richTextFromParagraphs } from '../../model/richText.js'
import { badRequest } from '../errors.js'

export interface StatuteInput {
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly templates?: TemplateChoice
}

/** Checks every chosen theme, article, variant and parameter against the library; 400 otherwise. */
function resolveChoice(choice: TemplateChoice, library: readonly TemplateTheme[], bodyType: BodyType) {
  const declared = new Map<string, { type: 'number' | 'text' }>()
  const chosenThemes = new Set<string>()
  const resolved = choice.themes.map((chosen) => {
    const theme = library.find((t) => t.id === chosen.id)
    if (!theme) throw badRequest(`Onbekend thema "${chosen.id}".`)
    // Twice the same theme or article would put the same clauses twice in the statute.
    if (chosenThemes.has(theme.id)) throw badRequest(`Thema "${theme.id}" is twee keer gekozen.`)
    chosenThemes.add(theme.id)
    for (const p of theme.parameters) declared.set(p.id, p)
    const chosenArticles = new Set<string>()
    const articles = chosen.articles.map((a) => {
      const article = theme.articles.find((x) => x.id === a.id)
      if (!article) throw badRequest(`Onbekend artikel "${a.id}" in thema "${theme.id}".`)
      if (!availableFor(article, bodyType)) throw badRequest(`Artikel "${a.id}" bestaat niet voor een ${bodyType}.`)
      if (chosenArticles.has(article.id)) throw badRequest(`Artikel "${a.id}" in thema "${theme.id}" is twee keer gekozen.`)
      chosenArticles.add(article.id)
      if (a.variant && !article.variants?.some((v) => v.id === a.variant)) throw badRequest(`Onbekende variant "${a.variant}" van artikel "${a.id}".`)
      return { article, variant: a.variant ?? article.variants?.[0]?.id }
    })
    // Articles in the model's order, as themes are in theirs, whatever order they were sent in.
    articles.sort((a, b) => theme.articles.indexOf(a.article) - theme.articles.indexOf(b.article))
    return { theme, articles }
  })
  for (const [id, value] of Object.entries(choice.parameters)) {
    const parameter = declared.get(id)
    if (!parameter) throw badRequest(`Onbekende parameter "${id}" (niet in de gekozen thema's).`)
    if (parameter.type === 'number' && typeof value !== 'number') throw badRequest(`Parameter "${id}" moet een getal zijn.`)
  }
  return resolved.sort((a, b) => a.theme.order - b.theme.order)
}

/** The initial document state of a new statute, as one Yjs update. */
export function composeStatute(input: StatuteInput, library: readonly TemplateTheme[]): Uint8Array {
  const doc = new Y.Doc()
  const chosen = input.templates ? resolveChoice(input.templates, library, input.bodyType) : []
  const parameters = input.templates?.parameters ?? {}
  initStatute(doc, input, parameters)
  const context = { bodyType: input.bodyType, name: input.organisation, parameters }
  for (const { theme, articles } of chosen) {
    const chapterId = addChapter(doc, { title: renderTemplateText(theme.title, theme, context) })
    for (const { article, variant } of articles) {
      const clause = renderClause(theme, article, variant, context)
      addArticle(doc, chapterId, { ...clause, source: { theme: theme.id, article: article.id, version: theme.version, ...(variant ? { variant } : {}) } })
    }
  }
  if (chosen.length === 0) {
    // Without templates: one chapter and one article to start typing in.
    const chapterId = addChapter(doc, { title: 'Algemene bepalingen' })
    addArticle(doc, chapterId, {
      title: 'Doel',
      body: richTextFromParagraphs([`Dit statuut legt vast hoe de ${input.organisation ? `organen van ${input.organisation}` : 'betrokkenen'} samenwerken.`]),
    })
  }
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}
