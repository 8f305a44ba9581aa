/**
 * "Word-document importeren" (/importeren): choose a .docx → the server reads it and shows what it
 * recognised (chapters and articles, numbered as they will be) and what not, with the reason →
 * the person checks the statute's details and the titles → "Statuut maken" creates it on the
 * server, which builds the first document once; the editor opens on it.
 */
import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useLocation } from 'wouter'
import { Alert, Button, FormLabel, Heading1, Heading2, Heading3, Heading4, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import type { BodyType } from '../../model/statuteDoc.js'
import { DEFAULT_CHAPTER_TITLE, IMPORT_LIMITS, PREAMBLE_ARTICLE_TITLE, type ImportPreview, type ImportStatuteRequest, type UnrecognisedPart } from '../../model/imported.js'
import type { RichTextDoc } from '../../model/richText.js'
import { api } from '../api/api.js'
import { TextField } from '../components/TextField.js'
import { StatuteBasicsFields } from '../components/StatuteBasicsFields.js'
import { errorMessage } from '../components/errorMessage.js'
import { RichTextView } from '../templates/RichTextView.js'
import './import.css'

interface EditableArticle {
  readonly title: string
  readonly sourceLabel?: string
  readonly body: RichTextDoc
  readonly text: string
}

interface EditableChapter {
  readonly title: string
  readonly sourceLabel?: string
  readonly articles: readonly EditableArticle[]
}

/** One article as it will be in the statute; `path` says which title it edits. */
interface OutlineArticle extends EditableArticle {
  readonly number: number
  readonly path: 'preamble' | readonly [number, number]
}

interface OutlineChapter {
  readonly number: number
  readonly title: string
  readonly sourceLabel?: string
  /** Index in the recognised chapters; null for the chapter made for the preamble alone. */
  readonly index: number | null
  readonly articles: readonly OutlineArticle[]
}

/** The statute as it will be created: the recognised chapters, with the preamble as first article if chosen. */
function outlineOf(chapters: readonly EditableChapter[], preamble: EditableArticle | null): OutlineChapter[] {
  let number = 0
  const next = (article: EditableArticle, path: OutlineArticle['path']): OutlineArticle => ({ ...article, number: ++number, path })
  if (chapters.length === 0) return preamble ? [{ number: 1, title: DEFAULT_CHAPTER_TITLE, index: null, articles: [next(preamble, 'preamble')] }] : []
  return chapters.map((chapter, c) => ({
    number: c + 1,
    title: chapter.title,
    ...(chapter.sourceLabel ? { sourceLabel: chapter.sourceLabel } : {}),
    index: c,
    articles: [...(c === 0 && preamble ? [next(preamble, 'preamble')] : []), ...chapter.articles.map((article, a) => next(article, [c, a]))],
  }))
}

function baseName(fileName: string): string {
  return fileName.replace(/\.docx$/i, '').replace(/[_]+/g, ' ').trim()
}

export function ImportPage() {
  const { t } = useTranslation()
  const [, navigate] = useLocation()
  const fileId = useId()
  const fileHintId = useId()
  const [file, setFile] = useState<File | null>(null)
  const [reading, setReading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [preview, setPreview] = useState<(ImportPreview & { fileName: string }) | null>(null)
  const [title, setTitle] = useState('')
  const [organisation, setOrganisation] = useState('')
  const [bodyType, setBodyType] = useState<BodyType>('gemeente')
  const [chapters, setChapters] = useState<EditableChapter[]>([])
  const [includePreamble, setIncludePreamble] = useState(false)
  const [preambleTitle, setPreambleTitle] = useState(PREAMBLE_ARTICLE_TITLE)
  const [busy, setBusy] = useState(false)
  const previewHeading = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    document.title = `${t('import.title')} – Samenspel`
  }, [t])
  // The preview starts at its heading, for keyboard and screen reader users.
  useEffect(() => {
    if (preview) previewHeading.current?.focus()
  }, [preview])

  const preamble = preview?.preamble && includePreamble ? { title: preambleTitle, body: preview.preamble.json, text: preview.preamble.text } : null
  const outline = outlineOf(chapters, preamble)
  const articleCount = outline.reduce((n, c) => n + c.articles.length, 0)
  const shift = preamble ? 1 : 0

  const choose = (event: ChangeEvent<HTMLInputElement>): void => {
    setFile(event.target.files?.[0] ?? null)
    setError(null)
  }

  const read = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (!file) return setError(t('import.noFile'))
    if (file.size > IMPORT_LIMITS.maxFileBytes) return setError(t('import.tooLarge'))
    setError(null)
    setReading(true)
    setPreview(null)
    try {
      const result = await api.previewImport(file)
      setTitle(result.title || baseName(file.name))
      setChapters(result.chapters.map((c) => ({ ...c, articles: c.articles.map((a) => ({ ...a })) })))
      setIncludePreamble(false)
      setPreambleTitle(PREAMBLE_ARTICLE_TITLE)
      setPreview({ ...result, fileName: file.name })
    } catch (caught) {
      setError(errorMessage(caught, t))
    } finally {
      setReading(false)
    }
  }

  const renameChapter = (index: number, value: string): void => setChapters((all) => all.map((c, i) => (i === index ? { ...c, title: value } : c)))
  const renameArticle = (path: OutlineArticle['path'], value: string): void => {
    if (path === 'preamble') return setPreambleTitle(value)
    const [c, a] = path
    setChapters((all) => all.map((chapter, i) => (i === c ? { ...chapter, articles: chapter.articles.map((article, j) => (j === a ? { ...article, title: value } : article)) } : chapter)))
  }

  const create = async (): Promise<void> => {
    if (!title.trim()) return setError(t('import.titleRequired'))
    if (outline.length === 0) return setError(t('import.nothingToCreate'))
    setBusy(true)
    setError(null)
    const request: ImportStatuteRequest = {
      title: title.trim(),
      organisation: organisation.trim(),
      bodyType,
      chapters: outline.map((c) => ({ title: c.title.trim(), articles: c.articles.map((a) => ({ title: a.title.trim(), body: a.body })) })),
    }
    try {
      const created = await api.createImportedStatute(request)
      navigate(`/statuten/${created.id}`)
    } catch (caught) {
      setError(errorMessage(caught, t))
      setBusy(false)
    }
  }

  const where = (part: UnrecognisedPart): string => {
    if (part.reason === 'preamble' && preamble) return t('import.preambleIncluded')
    if (part.article !== undefined) return t('import.inArticle', { article: part.article + shift })
    if (part.chapter !== undefined) return t('import.inChapter', { chapter: part.chapter })
    return ''
  }

  const summary = preview
    ? t('import.summary', {
        file: preview.fileName,
        chapters: t('import.chapters', { count: outline.length }),
        articles: t('import.articles', { count: articleCount }),
        unrecognised: preview.unrecognised.length > 0 ? t('import.unrecognisedCount', { count: preview.unrecognised.length }) : t('import.allRecognised'),
      })
    : ''

  return (
    <main id="main" className="page import-page" tabIndex={-1}>
      <Heading1>{t('import.title')}</Heading1>
      <Paragraph>{t('import.intro')}</Paragraph>

      <form className="form-grid" onSubmit={(event) => void read(event)} noValidate>
        <div className="form-field">
          <FormLabel htmlFor={fileId}>{t('import.fileLabel')}</FormLabel>
          <div id={fileHintId} className="form-hint">
            {t('import.fileHint')}
          </div>
          <input
            id={fileId}
            type="file"
            className="import-file"
            accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            aria-describedby={fileHintId}
            onChange={choose}
          />
        </div>
        <div>
          <Button type="submit" appearance={preview ? 'secondary-action-button' : 'primary-action-button'} busy={reading} disabled={reading}>
            {t('import.read')}
          </Button>
        </div>
      </form>

      <div role="status" aria-live="polite" className="import-status">
        {reading && <Paragraph>{t('import.reading')}</Paragraph>}
        {!reading && preview && <Paragraph>{summary}</Paragraph>}
      </div>
      <div aria-live="assertive">{error && <Alert type="error">{error}</Alert>}</div>

      {preview && (
        <section className="import-preview" aria-labelledby={`${fileId}-preview`}>
          <Heading2 id={`${fileId}-preview`} ref={previewHeading} tabIndex={-1}>
            {t('import.previewTitle')}: {preview.fileName}
          </Heading2>

          <Heading3>{t('import.detailsTitle')}</Heading3>
          <StatuteBasicsFields value={{ title, organisation, bodyType }} onChange={(next) => {
            setTitle(next.title)
            setOrganisation(next.organisation)
            setBodyType(next.bodyType)
          }} />

          <Heading3>{t('import.structureTitle')}</Heading3>
          <Paragraph>{t('import.structureIntro')}</Paragraph>
          {preview.preamble && (
            <label className="form-check import-preamble">
              <input type="checkbox" checked={includePreamble} onChange={(e) => setIncludePreamble(e.target.checked)} />
              {t('import.preambleInclude')}
            </label>
          )}
          {articleCount === 0 && <Alert type="warning">{t('import.noArticles')}</Alert>}
          <ol className="import-outline">
            {outline.map((chapter) => (
              <li key={`${chapter.number}`} className="import-chapter">
                <Heading4>
                  {t('outline.chapter', { number: chapter.number })} {chapter.title}
                </Heading4>
                {chapter.index !== null && (
                  <div className="form-grid">
                    <TextField label={t('import.chapterTitle', { number: chapter.number })} hint={chapter.sourceLabel && t('import.sourceLabel', { label: chapter.sourceLabel })} value={chapter.title} onChange={(value) => renameChapter(chapter.index!, value)} maxLength={300} />
                  </div>
                )}
                <ol className="import-articles">
                  {chapter.articles.map((article) => (
                    <li key={article.path === 'preamble' ? 'preamble' : article.path.join('-')} className="import-article">
                      <div className="form-grid">
                        <TextField
                          label={t('import.articleTitle', { number: article.number })}
                          hint={article.sourceLabel && t('import.sourceLabel', { label: article.sourceLabel })}
                          value={article.title}
                          onChange={(value) => renameArticle(article.path, value)}
                          maxLength={300}
                        />
                      </div>
                      <details className="import-article-text">
                        <summary>{t('import.showText', { number: article.number })}</summary>
                        {(article.body.content ?? []).length > 0 ? <RichTextView doc={article.body} /> : <Paragraph>{t('import.emptyBody')}</Paragraph>}
                      </details>
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>

          {preview.unrecognised.length > 0 && (
            <>
              <Heading3>
                {t('import.unrecognisedTitle')} ({preview.unrecognised.length})
              </Heading3>
              <Paragraph>{t('import.unrecognisedIntro')}</Paragraph>
              <ul className="import-unrecognised">
                {preview.unrecognised.map((part, i) => {
                  const place = where(part)
                  return (
                    <li key={i}>
                      <strong>{t(`import.reasons.${part.reason}`)}</strong>
                      {place && <span className="form-hint"> ({place})</span>}
                      <div className="import-unrecognised-text">{part.text || (part.reason === 'image' ? t('import.imageWithoutText') : '')}</div>
                    </li>
                  )
                })}
              </ul>
            </>
          )}

          {preview.warnings.length > 0 && (
            <details className="import-warnings">
              <summary>{t('import.warningsTitle', { count: preview.warnings.length })}</summary>
              <ul>
                {preview.warnings.map((warning, i) => (
                  <li key={i}>{warning}</li>
                ))}
              </ul>
            </details>
          )}

          <div className="wizard-nav">
            <Button appearance="primary-action-button" busy={busy} disabled={busy || outline.length === 0} onClick={() => void create()}>
              {busy ? t('import.creating') : t('import.create')}
            </Button>
          </div>
        </section>
      )}
    </main>
  )
}
