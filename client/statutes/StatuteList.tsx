/**
 * The start page: every statute, and a form to create a new one. The server writes the new
 * statute's first content; the editor opens on it.
 */
import { useEffect, useId, useState, type ChangeEvent, type FormEvent } from "react"
import { useTranslation } from 'react-i18next'
import { Link as RouterLink, useLocation } from 'wouter'
import { Alert, Button, FormLabel, Heading1, Heading2, Paragraph, Textbox } from '@utrecht/component-library-react/dist/css-module'
import { BODY_TYPES, type BodyType } from '../../model/statuteDoc.js'
import { api, ApiError, type StatuteSummary } from '../api/api.js'

export function StatuteList() {
  const { t, i18n } = useTranslation()
  const [statutes, setStatutes] = useState<StatuteSummary[] | null>(null)
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
                {t('list.updated', { date: date.format(new Date(statute.updatedAt)) })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <NewStatuteForm />
    </main>
  )
}

function errorMessage(error: unknown, t: (key: string) => string): string {
  if (error instanceof ApiError) return error.status === 0 ? t('errors.network') : error.message || t('errors.generic')
  return t('errors.generic')
}

function NewStatuteForm() {
  const { t } = useTranslation()
  const [, navigate] = useLocation()
  const [title, setTitle] = useState('')
  const [organisation, setOrganisation] = useState('')
  const [bodyType, setBodyType] = useState<BodyType>('gemeente')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const ids = { heading: useId(), title: useId(), titleHint: useId(), org: useId(), orgHint: useId(), body: useId() }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const created = await api.createStatute({ title, organisation, bodyType })
      navigate(`/statuten/${created.id}`)
    } catch (caught) {
      setError(errorMessage(caught, t))
      setBusy(false)
    }
  }

  return (
    <section aria-labelledby={ids.heading} className="new-statute">
      <Heading2 id={ids.heading}>{t('list.newTitle')}</Heading2>
      <form onSubmit={(e) => void submit(e)} className="form-grid">
        {error && <Alert type="error">{error}</Alert>}
        <div className="form-field">
          <FormLabel htmlFor={ids.title}>{t('list.titleLabel')}</FormLabel>
          <div id={ids.titleHint} className="form-hint">
            {t('list.titleHint')}
          </div>
          <Textbox id={ids.title} aria-describedby={ids.titleHint} required maxLength={300} value={title} onChange={(e: ChangeEvent<HTMLInputElement>) => setTitle(e.target.value)} />
        </div>
        <div className="form-field">
          <FormLabel htmlFor={ids.org}>{t('list.organisationLabel')}</FormLabel>
          <div id={ids.orgHint} className="form-hint">
            {t('list.organisationHint')}
          </div>
          <Textbox id={ids.org} aria-describedby={ids.orgHint} maxLength={200} value={organisation} onChange={(e: ChangeEvent<HTMLInputElement>) => setOrganisation(e.target.value)} />
        </div>
        <div className="form-field">
          <FormLabel htmlFor={ids.body}>{t('list.bodyTypeLabel')}</FormLabel>
          <select id={ids.body} className="utrecht-select utrecht-select--html-select" value={bodyType} onChange={(e) => setBodyType(e.target.value as BodyType)}>
            {BODY_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`list.bodyTypes.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <Button type="submit" appearance="primary-action-button" busy={busy} disabled={busy}>
            {busy ? t('list.creating') : t('list.create')}
          </Button>
        </div>
      </form>
    </section>
  )
}
