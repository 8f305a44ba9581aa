/**
 * A Word document read as a statute (import): what the server recognised, what it could not place,
 * and the limits of an import. Shared by the server (server/import) and the client's preview.
 */
import type { RichTextDoc } from './richText.js'
import type { BodyType } from './statuteDoc.js'

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

export const IMPORT_LIMITS = {
  /** Largest Word file accepted (413 above). */
  maxFileBytes: 10 * 1024 * 1024,
  maxChapters: 100,
  maxArticles: 500,
  /** Largest body of one article, as JSON. */
  maxBodyBytes: 200 * 1024,
} as const

/** The title of the chapter that takes articles found before any chapter heading. */
export const DEFAULT_CHAPTER_TITLE = 'Algemene bepalingen'

/** The title of the article the preview offers for the text before the first article. */
export const PREAMBLE_ARTICLE_TITLE = 'Inleiding'

/**
 * Why a part of the document is not in an article:
 * - `preamble`: text before the first chapter or article (the preview offers it as an article "Inleiding");
 * - `chapter-text`: text between a chapter heading and the chapter's first article;
 * - `table`, `image`, `footnote`: content an article body cannot hold;
 * - `unsupported`: anything else Word had that has no place in a statute.
 */
export type UnrecognisedReason = 'preamble' | 'chapter-text' | 'table' | 'image' | 'footnote' | 'unsupported'

export interface UnrecognisedPart {
  /** The part's text (a table row per line, cells separated by " | "; an image's description). */
  readonly text: string
  readonly reason: UnrecognisedReason
  /** Where it was: the number of the chapter it was in, as the statute will number it. */
  readonly chapter?: number
  /** … and of the article it came after or was in (continuous numbering), if any. */
  readonly article?: number
}

export interface ImportedArticle {
  readonly title: string
  /** How the document itself called it ("Artikel 2a"), when it was recognised by that label. */
  readonly sourceLabel?: string
  readonly body: RichTextDoc
}

export interface ImportedChapter {
  readonly title: string
  readonly sourceLabel?: string
  readonly articles: readonly ImportedArticle[]
}

/** A Word document read as a statute. */
export interface ImportedDocument {
  /** The document's title (its Title paragraph, or its single top heading); may be empty. */
  readonly title: string
  readonly chapters: readonly ImportedChapter[]
  /** Text before the first chapter or article (also listed in `unrecognised`), or null. */
  readonly preamble: RichTextDoc | null
  readonly unrecognised: readonly UnrecognisedPart[]
  /** Remarks in plain Dutch: renumbered articles, Word content that was left out, limits. */
  readonly warnings: readonly string[]
}

/** The preview as the API sends it: every body also as plain text (leden "1.", onderdelen "a."). */
export interface ImportPreview extends Omit<ImportedDocument, 'chapters' | 'preamble'> {
  readonly chapters: ReadonlyArray<Omit<ImportedChapter, 'articles'> & { readonly articles: ReadonlyArray<ImportedArticle & { readonly text: string }> }>
  readonly preamble: { readonly json: RichTextDoc; readonly text: string } | null
}

/** What POST /api/statutes/import takes: the (reviewed) structure and the statute's details. */
export interface ImportStatuteRequest {
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly chapters: ReadonlyArray<{ readonly title: string; readonly articles: ReadonlyArray<{ readonly title: string; readonly body: RichTextDoc }> }>
}
