/**
 * The statute as plain JSON: what the API returns and what export and comparison work from.
 */
import type * as Y from 'yjs'
import { articleFragment, readFormalities, readMeta, readOutline, type BodyType, type StatuteFormalities } from './statuteDoc.js'
import { readRichText, richTextToPlain, type RichTextDoc } from './richText.js'

/** A statute as listed: what the server stores about it beside its document. */
export interface StatuteSummary {
  readonly id: string
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly createdAt: string
  readonly updatedAt: string
}

export interface ArticleSnapshot {
  readonly id: string
  readonly number: number
  /** How the article is cited: "Artikel 3". */
  readonly label: string
  readonly title: string
  readonly body: { readonly text: string; readonly json: RichTextDoc }
  readonly toelichting: { readonly text: string; readonly json: RichTextDoc }
}

export interface ChapterSnapshot {
  readonly id: string
  readonly number: number
  readonly label: string
  readonly title: string
  readonly articles: readonly ArticleSnapshot[]
}

export interface StatuteSnapshot {
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly formalities?: StatuteFormalities
  readonly chapters: readonly ChapterSnapshot[]
}

/** Reads the whole statute document into plain JSON (deleted items are left out). */
export function toSnapshot(doc: Y.Doc): StatuteSnapshot {
  const meta = readMeta(doc)
  const outline = readOutline(doc)
  return {
    ...meta,
    formalities: readFormalities(doc),
    chapters: outline.chapters.map((chapter) => ({
      id: chapter.id,
      number: chapter.number,
      label: `Hoofdstuk ${chapter.number}`,
      title: chapter.title,
      articles: chapter.articles.map((article) => {
        const body = readRichText(articleFragment(doc, article.id, 'body'))
        const toelichting = readRichText(articleFragment(doc, article.id, 'toelichting'))
        return {
          id: article.id,
          number: article.number,
          label: `Artikel ${article.number}`,
          title: article.title,
          body: { text: richTextToPlain(body), json: body },
          toelichting: { text: richTextToPlain(toelichting), json: toelichting },
        }
      }),
    })),
  }
}
