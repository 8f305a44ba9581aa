/**
 * Versions of a statute: named snapshots and adopted versions; compare any version with the
 * current text or another version, per article, with word-level differences.
 */
import { useEffect, useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Heading2, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { api, type ArticleComparison, type VersionSummary } from '../api/api.js'
import { errorMessage } from '../components/errorMessage.js'
import { TextField } from '../components/TextField.js'

export function VersionsPanel({ statuteId, canManage }: { statuteId: string; canManage: boolean }) {
  const { t, i18n } = useTranslation()
  const [versions, setVersions] = useState<VersionSummary[]>([])
  const [label, setLabel] = useState('')
  const [from, setFrom] = useState<string>('')
  const [to, setTo] = useState<string>('current')
  const [comparison, setComparison] = useState<ArticleComparison[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const ids = { from: useId(), to: useId() }
  const load = () => api.versions(statuteId).then(setVersions, (e: unknown) => setError(errorMessage(e, t)))
  useEffect(() => {
    void load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [statuteId])
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    try {
      await api.addVersion(statuteId, label)
      setLabel('')
      await load()
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }
  const compare = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    try {
      setComparison(await api.compare(statuteId, from === 'current' ? 'current' : Number(from), to === 'current' ? 'current' : Number(to)))
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }
  const options = [...versions.map((v) => ({ value: String(v.number), label: `${v.number}. ${v.label}` })), { value: 'current', label: t('versions.current') }]

  return (
    <section aria-labelledby="versions-heading">
      <Heading2 id="versions-heading">{t('versions.title')}</Heading2>
      {error && <Alert type="error">{error}</Alert>}
      {versions.length === 0 ? (
        <Paragraph>{t('versions.none')}</Paragraph>
      ) : (
        <ol className="versions-list">
          {versions.map((v) => (
            <li key={v.number}>
              <strong>{v.label}</strong> – {date.format(new Date(v.createdAt))} {v.kind === 'adopted' && <span className="phase-badge">{t('phases.vastgesteld')}</span>}
            </li>
          ))}
        </ol>
      )}
      {canManage && (
        <form className="form-inline" onSubmit={(e) => void add(e)}>
          <TextField label={t('versions.label')} value={label} onChange={setLabel} required maxLength={200} />
          <Button type="submit" appearance="secondary-action-button">
            {t('versions.save')}
          </Button>
        </form>
      )}
      {versions.length > 0 && (
        <form className="form-inline" onSubmit={(e) => void compare(e)}>
          <div className="form-field">
            <label htmlFor={ids.from} className="utrecht-form-label">
              {t('versions.from')}
            </label>
            <select id={ids.from} className="utrecht-select utrecht-select--html-select" value={from} onChange={(e) => setFrom(e.target.value)} required>
              <option value="">{t('versions.choose')}</option>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div className="form-field">
            <label htmlFor={ids.to} className="utrecht-form-label">
              {t('versions.to')}
            </label>
            <select id={ids.to} className="utrecht-select utrecht-select--html-select" value={to} onChange={(e) => setTo(e.target.value)}>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" appearance="secondary-action-button">
            {t('versions.compare')}
          </Button>
        </form>
      )}
      {comparison && (
        <ul className="comparison" data-testid="comparison">
          {comparison.filter((c) => c.change !== 'unchanged').length === 0 && <li>{t('versions.noChanges')}</li>}
          {comparison
            .filter((c) => c.change !== 'unchanged')
            .map((c) => (
              <li key={c.id} data-change={c.change}>
                <strong>{t(`versions.change.${c.change}`)}</strong>: {c.to ? `${c.to.label} ${c.to.title}` : `${c.from?.label} ${c.from?.title}`}
                {c.from && c.to && c.from.label !== c.to.label && <> ({t('versions.was', { label: c.from.label })})</>}
                {c.diff && (
                  <p className="diff-text">
                    {c.diff.map((part, i) => (part.removed ? <del key={i}>{part.value}</del> : part.added ? <ins key={i}>{part.value}</ins> : <span key={i}>{part.value}</span>))}
                  </p>
                )}
              </li>
            ))}
        </ul>
      )}
    </section>
  )
}
