/**
 * All comment threads of a statute, with filters: open or resolved, mine, mentioning me, per
 * chapter. Each leads to its article.
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link as RouterLink } from 'wouter'
import { Heading1, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { api, type StatuteSummary } from '../api/api.js'
import type { StatuteSnapshot } from '../../model/snapshot.js'
import { useThreads } from './useThreads.js'

type StatusFilter = 'open' | 'resolved' | 'all'

export function ThreadList({ statuteId }: { statuteId: string }) {
  const { t, i18n } = useTranslation()
  const { threads } = useThreads(statuteId)
  const [statute, setStatute] = useState<(StatuteSummary & StatuteSnapshot) | null>(null)
  const [status, setStatus] = useState<StatusFilter>('open')
  const [mine, setMine] = useState(false)
  const [mentions, setMentions] = useState(false)
  const [chapter, setChapter] = useState('')
  const ids = { status: useId(), chapter: useId() }
  useEffect(() => {
    api.getStatute(statuteId).then(setStatute, () => undefined)
  }, [statuteId, threads.length])
  useEffect(() => {
    document.title = `${t('comments.listTitle')} – Samenspel`
  }, [t])
  const articles = new Map((statute?.chapters ?? []).flatMap((c) => c.articles.map((a) => [a.id, { ...a, chapterId: c.id }] as const)))
  const shown = threads.filter(
    (th) =>
      (status === 'all' || th.status === status) &&
      (!mine || th.mine) &&
      (!mentions || th.mentionsMe) &&
      (!chapter || articles.get(th.articleId)?.chapterId === chapter),
  )
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' })
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Paragraph>
        <RouterLink href={`/statuten/${statuteId}`} className="utrecht-link">
          ← {statute?.title ?? t('members.back')}
        </RouterLink>
      </Paragraph>
      <Heading1>{t('comments.listTitle')}</Heading1>
      <div className="form-inline" role="group" aria-label={t('comments.filters')}>
        <div className="form-field">
          <label htmlFor={ids.status} className="utrecht-form-label">
            {t('comments.status')}
          </label>
          <select id={ids.status} className="utrecht-select utrecht-select--html-select" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="open">{t('comments.open')}</option>
            <option value="resolved">{t('comments.resolved')}</option>
            <option value="all">{t('comments.all')}</option>
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={ids.chapter} className="utrecht-form-label">
            {t('comments.chapter')}
          </label>
          <select id={ids.chapter} className="utrecht-select utrecht-select--html-select" value={chapter} onChange={(e) => setChapter(e.target.value)}>
            <option value="">{t('comments.allChapters')}</option>
            {(statute?.chapters ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.label} {c.title}
              </option>
            ))}
          </select>
        </div>
        <label className="form-check">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />
          {t('comments.mine')}
        </label>
        <label className="form-check">
          <input type="checkbox" checked={mentions} onChange={(e) => setMentions(e.target.checked)} />
          {t('comments.forMe')}
        </label>
      </div>
      <p aria-live="polite" className="form-hint">
        {t('comments.shown', { count: shown.length })}
      </p>
      <ul className="thread-overview" data-testid="thread-overview">
        {shown.map((th) => {
          const article = articles.get(th.articleId)
          const first = th.comments[0]
          return (
            <li key={th.id}>
              <RouterLink href={`/statuten/${statuteId}/artikel/${th.articleId}`} className="utrecht-link">
                {article ? `${article.label} ${article.title}` : t('comments.deletedArticle')}
              </RouterLink>
              {th.quote && <span> – “{th.quote}”</span>}
              {th.unread && <strong> · {t('comments.unread')}</strong>}
              {th.status === 'resolved' && <span> · {t('comments.resolved')}</span>}
              <p className="comment-body">
                {first?.deletedAt ? t('comments.removed') : first?.body} <span className="comment-meta">({first?.authorName}, {first ? date.format(new Date(first.createdAt)) : ''}; {t('comments.replies', { count: th.comments.length - 1 })})</span>
              </p>
            </li>
          )
        })}
      </ul>
    </main>
  )
}
