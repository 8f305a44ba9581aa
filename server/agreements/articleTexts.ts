/**
 * The current text of every live article as the server has it, with its fingerprint.
 */
import type * as Y from 'yjs'
import { articleFragment, readOutline } from '../../model/statuteDoc.js'
import { readRichText, richTextToPlain } from '../../model/richText.js'
import { articleFingerprint } from '../../model/fingerprint.js'

export interface ArticleText {
  readonly id: string
  readonly number: number
  readonly title: string
  readonly fingerprint: string
  /** Title and body as a reader would quote them. */
  readonly text: string
}

export function articleTexts(doc: Y.Doc): ArticleText[] {
  return readOutline(doc).chapters.flatMap((chapter) =>
    chapter.articles.map((article) => {
      const body = readRichText(articleFragment(doc, article.id, 'body'))
      return {
        id: article.id,
        number: article.number,
        title: article.title,
        fingerprint: articleFingerprint(article.title, body),
        text: `${article.title}\n${richTextToPlain(body)}`,
      }
    }),
  )
}
