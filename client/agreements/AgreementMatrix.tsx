/**
 * Where the statute stands: articles × parties with their states, a progress bar per party,
 * filters (waiting for my party, objections, outdated), and, for beheerders, the phase, adoption
 * and the evaluation date. Updates live through the server's event stream.
 */
import { useEffect, useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link as RouterLink } from 'wouter'
import { Alert, Button, Heading1, Heading2, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { partyStates, topLevelParties, type PartyState } from '../../model/agreements.js'
import { api, type Me, type Phase } from '../api/api.js'
import { errorMessage } from '../components/errorMessage.js'
import { TextField } from '../components/TextField.js'
import { useAgreementOverview } from './useAgreements.js'
import { STATE_ICON } from './AgreementBar.js'
import { VersionsPanel } from '../versions/VersionsPanel.js'

type Filter = 'all' | 'mine' | 'objections' | 'outdated'

export function AgreementMatrix({ statuteId }: { statuteId: string }) {
  const { t } = useTranslation()
  const { overview, reload } = useAgreementOverview(statuteId)
  const [me, setMe] = useState<Me | null>(null)
  const [title, setTitle] = useState('')
  const [filter, setFilter] = useState<Filter>('all')
  const [error, setError] = useState<string | null>(null)
  const filterId = useId()

  useEffect(() => {
    api.getStatute(statuteId).then((s) => {
      setMe(s.me)
      setTitle(s.title)
    }, (e: unknown) => setError(errorMessage(e, t)))
  }, [statuteId, t, overview?.phase])
  useEffect(() => {
    document.title = `${t('agreements.overviewTitle')} – ${title} – Samenspel`
  }, [title, t])

  const states = useMemo(() => {
    if (!overview) return new Map()
    const records = overview.articles.flatMap((a) => Object.values(a.parties).flatMap((p) => (p.record ? [p.record] : [])))
    return partyStates(overview.parties, records.sort((x, y) => x.id - y.id), new Map(overview.articles.map((a) => [a.id, a.fingerprint])))
  }, [overview])

  if (!overview) return <main id="main" className="page">{error ? <Alert type="error">{error}</Alert> : <Paragraph role="status">{t('editor.loading')}</Paragraph>}</main>
  const columns = [...topLevelParties(overview.parties), ...overview.parties.filter((p) => p.parentId && overview.parties.some((q) => q.id === p.parentId))]
  const top = topLevelParties(overview.parties)
  const stateOf = (articleId: string, partyId: string): PartyState => states.get(articleId)?.get(partyId)?.state ?? 'open'
  const rows = overview.articles.filter((a) => {
    if (filter === 'mine') return me?.partyId ? stateOf(a.id, me.partyId) !== 'akkoord' : false
    if (filter === 'objections') return columns.some((p) => stateOf(a.id, p.id) === 'niet-akkoord')
    if (filter === 'outdated') return columns.some((p) => stateOf(a.id, p.id) === 'verouderd')
    return true
  })
  const allAgreed = overview.articles.length > 0 && overview.articles.every((a) => top.every((p) => stateOf(a.id, p.id) === 'akkoord'))

  return (
    <main id="main" className="page" tabIndex={-1}>
      <Paragraph>
        <RouterLink href={`/statuten/${statuteId}`} className="utrecht-link">
          ← {title || t('members.back')}
        </RouterLink>
      </Paragraph>
      <Heading1>{t('agreements.overviewTitle')}</Heading1>
      <Paragraph>
        {t('agreements.phaseNow')} <strong data-testid="matrix-phase">{t(`phases.${overview.phase}`)}</strong>
        {overview.evaluationDate && <> · {t('agreements.evaluationOn', { date: overview.evaluationDate })}</>}
      </Paragraph>
      {error && <Alert type="error">{error}</Alert>}

      <section aria-labelledby="progress-heading">
        <Heading2 id="progress-heading">{t('agreements.progress')}</Heading2>
        <ul className="progress-list">
          {columns.map((party) => {
            const agreed = overview.articles.filter((a) => stateOf(a.id, party.id) === 'akkoord').length
            return (
              <li key={party.id} className="progress-item">
                <span className="progress-label">{party.name}</span>
                <progress max={overview.articles.length} value={agreed} aria-label={t('agreements.progressOf', { party: party.name })} />
                <span data-testid={`progress-${party.name}`}>{t('agreements.counts', { agreed, total: overview.articles.length })}</span>
              </li>
            )
          })}
        </ul>
      </section>

      <section aria-labelledby="matrix-heading">
        <Heading2 id="matrix-heading">{t('agreements.matrix')}</Heading2>
        <div className="form-field form-field--inline">
          <label htmlFor={filterId} className="utrecht-form-label">
            {t('agreements.filter')}
          </label>
          <select id={filterId} className="utrecht-select utrecht-select--html-select" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            {(['all', 'mine', 'objections', 'outdated'] as const).map((f) => (
              <option key={f} value={f}>
                {t(`agreements.filters.${f}`, { party: me?.partyName ?? '' })}
              </option>
            ))}
          </select>
        </div>
        <p aria-live="polite" className="form-hint">
          {t('agreements.shown', { count: rows.length, total: overview.articles.length })}
        </p>
        <table className="data-table matrix" data-testid="matrix">
          <thead>
            <tr>
              <th scope="col">{t('agreements.article')}</th>
              {columns.map((p) => (
                <th scope="col" key={p.id}>
                  {p.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((article) => (
              <tr key={article.id}>
                <th scope="row">
                  <RouterLink href={`/statuten/${statuteId}/artikel/${article.id}`} className="utrecht-link">
                    {t('outline.article', { number: article.number })} {article.title}
                  </RouterLink>
                </th>
                {columns.map((party) => {
                  const state = stateOf(article.id, party.id)
                  return (
                    <td key={party.id} className={`matrix-cell matrix-cell--${state}`} data-state={state} data-party={party.name}>
                      <RouterLink href={`/statuten/${statuteId}/artikel/${article.id}`} className="matrix-link">
                        <span aria-hidden="true">{STATE_ICON[state]}</span> {t(`agreements.state.${state}`)}
                        <span className="visually-hidden"> – {party.name}, {t('outline.article', { number: article.number })}</span>
                      </RouterLink>
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {me?.canManage && <PhaseControls statuteId={statuteId} phase={overview.phase} allAgreed={allAgreed} evaluationDate={overview.evaluationDate} onChanged={reload} />}
      <VersionsPanel statuteId={statuteId} canManage={me?.canManage === true} />
    </main>
  )
}

function PhaseControls({ statuteId, phase, allAgreed, evaluationDate, onChanged }: { statuteId: string; phase: Phase; allAgreed: boolean; evaluationDate: string | null; onChanged: () => void }) {
  const { t } = useTranslation()
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10))
  const [reference, setReference] = useState('')
  const [evaluation, setEvaluation] = useState(evaluationDate ?? '')
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const phaseId = useId()
  const run = async (action: () => Promise<unknown>, ok: string): Promise<void> => {
    try {
      await action()
      setMessage({ kind: 'ok', text: ok })
      onChanged()
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(error, t) })
    }
  }
  return (
    <section aria-labelledby="phase-heading">
      <Heading2 id="phase-heading">{t('agreements.phaseTitle')}</Heading2>
      <div role="status" aria-live="polite">
        {message && <Alert type={message.kind === 'ok' ? 'ok' : 'error'}>{message.text}</Alert>}
      </div>
      {phase !== 'vastgesteld' ? (
        <div className="form-inline">
          <div className="form-field">
            <label htmlFor={phaseId} className="utrecht-form-label">
              {t('agreements.phase')}
            </label>
            <select id={phaseId} className="utrecht-select utrecht-select--html-select" value={phase} onChange={(e) => void run(() => api.setPhase(statuteId, e.target.value as Phase), t('agreements.phaseChanged'))}>
              {(['concept', 'in-bespreking', 'ter-vaststelling'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`phases.${p}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : (
        <Button appearance="secondary-action-button" onClick={() => void run(() => api.startRevision(statuteId), t('agreements.revisionStarted'))}>
          {t('agreements.startRevision')}
        </Button>
      )}
      {phase === 'ter-vaststelling' && (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault()
            void run(() => api.adopt(statuteId, date, reference), t('agreements.adopted'))
          }}
        >
          <Heading2>{t('agreements.adoptTitle')}</Heading2>
          {!allAgreed && <Paragraph>{t('agreements.notAllAgreed')}</Paragraph>}
          <TextField label={t('agreements.decisionDate')} value={date} onChange={setDate} required hint="JJJJ-MM-DD" />
          <TextField label={t('agreements.decisionReference')} value={reference} onChange={setReference} required maxLength={200} hint={t('agreements.referenceHint')} />
          <div>
            <Button type="submit" appearance="primary-action-button" disabled={!allAgreed}>
              {t('agreements.adopt')}
            </Button>
          </div>
        </form>
      )}
      <form
        className="form-inline"
        onSubmit={(e) => {
          e.preventDefault()
          void run(() => api.setEvaluationDate(statuteId, evaluation || null), t('members.saved'))
        }}
      >
        <TextField label={t('agreements.evaluationDate')} value={evaluation} onChange={setEvaluation} hint="JJJJ-MM-DD" />
        <Button type="submit" appearance="secondary-action-button">
          {t('agreements.saveEvaluation')}
        </Button>
      </form>
    </section>
  )
}
