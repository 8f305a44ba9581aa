/**
 * Where an article came from: its model clause, whether the text still equals the model text (for
 * this statute's body type and parameters), and the word-level difference on request.
 */
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { diffWords } from 'diff'
import { Button } from '@utrecht/component-library-react/dist/css-module'
import { articleFragment, readArticleSource, readTemplateParameters, type StatuteMeta } from '../../model/statuteDoc.js'
import { readRichText, richTextToPlain } from '../../model/richText.js'
import { renderClause, renderTemplateText } from '../../model/templates.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'
import { useTemplates } from './useTemplates.js'

function useBodyText(connection: StatuteConnection, articleId: string): string {
  const fragment = articleFragment(connection.doc, articleId, 'body')
  const read = () => richTextToPlain(readRichText(fragment))
  const [text, setText] = useState(read)
  useEffect(() => {
    if (!fragment) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const onChange = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => setText(read()), 300)
    }
    fragment.observeDeep(onChange)
    return () => {
      clearTimeout(timer)
      fragment.unobserveDeep(onChange)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fragment])
  return text
}

export function ArticleSource({ connection, articleId, meta }: { connection: StatuteConnection; articleId: string; meta: StatuteMeta }) {
  const { t } = useTranslation()
  const { themes } = useTemplates()
  const [showDiff, setShowDiff] = useState(false)
  const source = readArticleSource(connection.doc, articleId)
  const current = useBodyText(connection, articleId)
  const model = useMemo(() => {
    const theme = themes?.find((th) => th.id === source?.theme)
    const article = theme?.articles.find((a) => a.id === source?.article)
    if (!theme || !article) return undefined
    const context = { bodyType: meta.bodyType, name: meta.organisation, parameters: readTemplateParameters(connection.doc) }
    return { themeTitle: renderTemplateText(theme.title, theme, context), text: richTextToPlain(renderClause(theme, article, source?.variant, context).body) }
  }, [themes, source?.theme, source?.article, source?.variant, meta.bodyType, meta.organisation, connection.doc])
  if (!source || !model) return null
  const same = model.text === current
  return (
    <div className="article-source">
      <span className={`source-badge ${same ? 'source-badge--same' : 'source-badge--differs'}`}>
        {t('source.fromModel', { theme: model.themeTitle })} – {same ? t('source.same') : t('source.differs')}
      </span>
      {!same && (
        <Button appearance="subtle-button" aria-expanded={showDiff} onClick={() => setShowDiff((v) => !v)}>
          {showDiff ? t('source.hideDiff') : t('source.showDiff')}
        </Button>
      )}
      {showDiff && !same && (
        <div className="source-diff">
          <p className="form-hint">{t('source.diffLegend')}</p>
          <p className="diff-text">
            {diffWords(model.text, current).map((part, i) =>
              part.removed ? (
                <del key={i}>
                  <span className="visually-hidden">{t('source.removed')} </span>
                  {part.value}
                </del>
              ) : part.added ? (
                <ins key={i}>
                  <span className="visually-hidden">{t('source.added')} </span>
                  {part.value}
                </ins>
              ) : (
                <span key={i}>{part.value}</span>
              ),
            )}
          </p>
        </div>
      )}
    </div>
  )
}
