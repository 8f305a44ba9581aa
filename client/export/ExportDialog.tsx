/**
 * Export to Word: choose the text (current or a saved version) and what to include, then download.
 * Shows progress while the server builds the file; errors are shown in plain language.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Heading2 } from '@utrecht/component-library-react/dist/css-module'
import { api, ApiError, type VersionSummary } from '../api/api.js'
import { errorMessage } from '../components/errorMessage.js'

export function ExportDialog({ statuteId, onClose }: { statuteId: string; onClose: () => void }) {
  const { t } = useTranslation()
  const dialog = useRef<HTMLDialogElement>(null)
  const [versions, setVersions] = useState<VersionSummary[]>([])
  const [version, setVersion] = useState('')
  const [comments, setComments] = useState(true)
  const [agreements, setAgreements] = useState(true)
  const [toelichting, setToelichting] = useState(true)
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const versionId = useId()

  useEffect(() => {
    dialog.current?.showModal()
    api.versions(statuteId).then(setVersions, () => undefined)
  }, [statuteId])

  const download = async (): Promise<void> => {
    setBusy(true)
    setStatus(null)
    try {
      const query = new URLSearchParams({ comments: comments ? '1' : '0', agreements: agreements ? '1' : '0', toelichting: toelichting ? '1' : '0', ...(version ? { version } : {}) })
      const response = await fetch(`/api/statutes/${encodeURIComponent(statuteId)}/export.docx?${query.toString()}`)
      if (!response.ok) {
        const error = (await response.json().catch(() => ({}))) as { code?: string; message?: string }
        throw new ApiError(response.status, error.code ?? 'error', error.message ?? '')
      }
      const blob = await response.blob()
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'statuut.docx'
      const url = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = url
      link.download = name
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      setStatus({ kind: 'ok', text: t('export.done', { name }) })
    } catch (error) {
      setStatus({ kind: 'error', text: errorMessage(error, t) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <dialog ref={dialog} className="export-dialog" aria-labelledby="export-title" onClose={onClose}>
      <Heading2 id="export-title">{t('export.title')}</Heading2>
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={versionId} className="utrecht-form-label">
            {t('export.version')}
          </label>
          <select id={versionId} className="utrecht-select utrecht-select--html-select" value={version} onChange={(e) => setVersion(e.target.value)}>
            <option value="">{t('export.current')}</option>
            {versions.map((v) => (
              <option key={v.number} value={String(v.number)}>
                {v.number}. {v.label}
              </option>
            ))}
          </select>
        </div>
        <label className="form-check">
          <input type="checkbox" checked={comments} onChange={(e) => setComments(e.target.checked)} />
          {t('export.comments')}
        </label>
        <label className="form-check">
          <input type="checkbox" checked={agreements} onChange={(e) => setAgreements(e.target.checked)} />
          {t('export.agreements')}
        </label>
        <label className="form-check">
          <input type="checkbox" checked={toelichting} onChange={(e) => setToelichting(e.target.checked)} />
          {t('export.toelichting')}
        </label>
        <div role="status" aria-live="polite">
          {busy && <p>{t('export.busy')}</p>}
          {status && <Alert type={status.kind === 'ok' ? 'ok' : 'error'}>{status.text}</Alert>}
        </div>
        <div className="wizard-nav">
          <Button appearance="primary-action-button" busy={busy} disabled={busy} onClick={() => void download()}>
            {t('export.download')}
          </Button>
          <Button appearance="secondary-action-button" onClick={() => dialog.current?.close()}>
            {t('export.close')}
          </Button>
        </div>
      </div>
    </dialog>
  )
}
