/**
 * The clause library beside the editor: browse and search the model clauses, preview one for this
 * statute's body type, and insert it into a chapter. The inserted article remembers its model.
 */
import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Heading2, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { addArticle, readTemplateParameters, type Outline, type StatuteMeta } from '../../model/statuteDoc.js'
import { availableFor, renderClause, renderTemplateText, articleText, type TemplateArticle, type TemplateTheme } from '../../model/templates.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'
import { useTemplates } from './useTemplates.js'
import { RichTextView } from './RichTextView.js'

export interface ClauseLibraryProps {
  readonly connection: StatuteConnection
  readonly outline: Outline
  readonly meta: StatuteMeta
  readonly onInserted: (articleId: string) => void
}

export function ClauseLibrary({ connection, outline, meta, onInserted }: ClauseLibraryProps) {
  const { t } = useTranslation()
  const { themes } = useTemplates()
  const [query, setQuery] = useState('')
  const [selected, setSelected] = useState<{ theme: TemplateTheme; article: TemplateArticle } | null>(null)
  const [variant, setVariant] = useState<string | undefined>(undefined)
  const [chapterId, setChapterId] = useState<string>('')
  const [announcement, setAnnouncement] = useState('')
  const searchId = useId()
  const chapterSelectId = useId()
  const context = { bodyType: meta.bodyType, name: meta.organisation, parameters: readTemplateParameters(connection.doc) }

  const results = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean)
    return (themes ?? []).flatMap((theme) =>
      theme.articles
        .filter((article) => {
          if (!availableFor(article, meta.bodyType)) return false
          if (words.length === 0) return true
          const haystack = [theme.title, article.title, articleText(article).body, ...(article.variants ?? []).map((v) => v.body)].join(' ').toLowerCase()
          return words.every((w) => haystack.includes(w))
        })
        .map((article) => ({ theme, article })),
    )
  }, [themes, query, meta.bodyType])

  const targetChapter = outline.chapters.find((c) => c.id === chapterId) ?? outline.chapters.find((c) => c.title === selected?.theme.title) ?? outline.chapters.at(-1)

  const insert = (): void => {
    if (!selected || !targetChapter) return
    const clause = renderClause(selected.theme, selected.article, variant, context)
    const chosenVariant = variant ?? selected.article.variants?.[0]?.id
    const id = connection.step(() =>
      addArticle(connection.doc, targetChapter.id, {
        ...clause,
        source: { theme: selected.theme.id, article: selected.article.id, version: selected.theme.version, ...(chosenVariant ? { variant: chosenVariant } : {}) },
      }),
    )
    const number = targetChapter.articles.length > 0 ? targetChapter.articles.at(-1)!.number + 1 : outline.chapters.filter((c) => c.number < targetChapter.number).reduce((n, c) => n + c.articles.length, 0) + 1
    setAnnouncement(t('library.inserted', { title: clause.title, number }))
    onInserted(id)
  }

  return (
    <aside className="clause-library" aria-labelledby="library-title">
      <Heading2 id="library-title">{t('library.title')}</Heading2>
      <div className="form-field">
        <label htmlFor={searchId} className="utrecht-form-label">
          {t('library.search')}
        </label>
        <input id={searchId} type="search" className="utrecht-textbox utrecht-textbox--html-input" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <p className="form-hint" aria-live="polite">
        {results.length === 0 ? t('library.noResults') : t('library.results', { count: results.length })}
      </p>
      <ul className="clause-results">
        {results.map(({ theme, article }) => (
          <li key={`${theme.id}/${article.id}`}>
            <button
              type="button"
              className="clause-result"
              aria-pressed={selected?.article.id === article.id && selected.theme.id === theme.id}
              onClick={() => {
                setSelected({ theme, article })
                setVariant(article.variants?.[0]?.id)
              }}
            >
              <span className="clause-theme">{renderTemplateText(theme.title, theme, context)}</span>
              <span>{renderTemplateText(article.title, theme, context)}</span>
            </button>
          </li>
        ))}
      </ul>
      {selected && (
        <section className="clause-preview" aria-label={renderTemplateText(selected.article.title, selected.theme, context)}>
          <Paragraph>
            <strong>{renderTemplateText(selected.article.title, selected.theme, context)}</strong>
          </Paragraph>
          {selected.article.variants && (
            <fieldset>
              <legend>{t('library.variant')}</legend>
              {selected.article.variants.map((v) => (
                <label key={v.id} className="form-check">
                  <input type="radio" name="library-variant" checked={variant === v.id} onChange={() => setVariant(v.id)} />
                  {v.label}
                </label>
              ))}
            </fieldset>
          )}
          <RichTextView doc={renderClause(selected.theme, selected.article, variant, context).body} />
          <div className="form-field">
            <label htmlFor={chapterSelectId} className="utrecht-form-label">
              {t('library.chapter')}
            </label>
            <select id={chapterSelectId} className="utrecht-select utrecht-select--html-select" value={targetChapter?.id ?? ''} onChange={(e) => setChapterId(e.target.value)}>
              {outline.chapters.map((c) => (
                <option key={c.id} value={c.id}>
                  {t('outline.chapter', { number: c.number })} {c.title}
                </option>
              ))}
            </select>
          </div>
          <Button appearance="primary-action-button" disabled={!targetChapter} onClick={insert}>
            {t('library.insert', { title: renderTemplateText(selected.article.title, selected.theme, context) })}
          </Button>
        </section>
      )}
      <div role="status" className="visually-hidden">
        {announcement}
      </div>
    </aside>
  )
}
