/**
 * The start page: every statute, and a form to create a new one. The server writes the new
 * statute's first content; the editor opens on it.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link as RouterLink } from 'wouter'
import { Alert, Heading1, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { api } from '../api/api.js'
import { errorMessage } from '../components/errorMessage.js'

export function StatuteList() {
  const { t, i18n } = useTranslation()
  const [statutes, setStatutes] = useState<Awaited<ReturnType<typeof api.listStatutes>> | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)

  useEffect(() => {
    document.title = `${t('list.title')} – Samenspel`
  }, [t])
  useEffect(() => {
    api.listStatutes().then(setStatutes, (error: unknown) => setLoadError(errorMessage(error, t)))
  }, [t])

  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Heading1>{t('list.title')}</Heading1>
      <Paragraph>{t('list.intro')}</Paragraph>
      {loadError && <Alert type="error">{loadError}</Alert>}
      {statutes === null && !loadError && <Paragraph role="status">{t('list.loading')}</Paragraph>}
      {statutes?.length === 0 && <Paragraph>{t('list.empty')}</Paragraph>}
      {statutes && statutes.length > 0 && (
        <ul className="statute-list">
          {statutes.map((statute) => (
            <li key={statute.id} className="statute-list-item">
              <RouterLink href={`/statuten/${statute.id}`} className="utrecht-link statute-list-link">
                {statute.title}
              </RouterLink>
              <span className="statute-list-meta">
                {statute.organisation && <span>{statute.organisation} · </span>}
                {t('list.updated', { date: date.format(new Date(statute.updatedAt)) })} · {t(`roles.${statute.role}`)} · {t(`phases.${statute.phase}`)}
                {statute.evaluationDue && <strong className="evaluation-due"> · {t('agreements.evaluationDue')}</strong>}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Paragraph>
        <RouterLink href="/nieuw" className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action">
          {t('list.newTitle')}
        </RouterLink>{' '}
        <RouterLink href="/importeren" className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action">
          {t('import.link')}
        </RouterLink>
      </Paragraph>
    </main>
  )
}

