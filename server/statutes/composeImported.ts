/**
 * Builds a new statute's first document from given chapters and articles (an imported Word file,
 * reviewed in the preview). Beside composeStatute, and like it: runs on the server, once per
 * statute; the bodies are written with writeRichText through addChapter/addArticle.
 */
import * as Y from 'yjs'
import { addArticle, addChapter, initStatute, type StatuteMeta } from '../../model/statuteDoc.js'
import type { RichTextDoc } from '../../model/richText.js'

export interface ComposedChapter {
  readonly title: string
  readonly articles: ReadonlyArray<{ readonly title: string; readonly body: RichTextDoc }>
}

/** The initial document state of an imported statute, as one Yjs update. */
export function composeImportedStatute(meta: StatuteMeta, chapters: readonly ComposedChapter[]): Uint8Array {
  const doc = new Y.Doc()
  initStatute(doc, meta)
  chapters.forEach((chapter, c) => {
    const chapterId = addChapter(doc, { title: chapter.title }, c)
    chapter.articles.forEach((article, a) => addArticle(doc, chapterId, { title: article.title, body: article.body }, a))
  })
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}
