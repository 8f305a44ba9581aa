/**
 * Under each article: where every party stands (text, not only colour), and for a person who may
 * agree on behalf of a party, the buttons to agree, object (with a reason) or withdraw. The
 * decision is sent with the fingerprint of the text on screen; if someone changed it meanwhile,
 * the server refuses and the person reads the new text first.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { diffWords } from 'diff'
import { Button } from '@utrecht/component-library-react/dist/css-module'
import { decidesItself, topLevelParties, type DecisionKind, type PartyState } from '../../model/agreements.js'
import { api, ApiError, type HistoryEntry } from '../api/api.js'
import { errorMessage } from '../components/errorMessage.js'
import { useAgreementContext } from './AgreementContext.js'

export const STATE_ICON: Record<PartyState, string> = { open: '○', akkoord: '✓', 'niet-akkoord': '✗', verouderd: '↻' }

export function AgreementBar({ articleId, currentText, currentFingerprint }: { articleId: string; currentText: () => string; currentFingerprint: () => string | undefined }) {
  const { t, i18n } = useTranslation()
  const context = useAgreementContext()
  const [reason, setReason] = useState('')
  const [objecting, setObjecting] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [history, setHistory] = useState<HistoryEntry[] | null>(null)
  const [staleDiff, setStaleDiff] = useState<Array<{ value: string; added?: boolean; removed?: boolean }> | null>(null)
  const reasonId = useId()
  if (!context?.overview) return null
  const { overview, states, fingerprints, me, statuteId } = context
  const articleStates = states.get(articleId)
  const myParty = overview.parties.find((p) => p.id === me?.partyId)
  const mayDecide = Boolean(me?.canAgree && myParty && decidesItself(overview.parties, myParty.id) && overview.phase !== 'vastgesteld')
  const mine = myParty ? articleStates?.get(myParty.id) : undefined
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' })
  const shown = [...topLevelParties(overview.parties), ...overview.parties.filter((p) => p.parentId && overview.parties.some((q) => q.id === p.parentId))]

  const decide = async (decision: DecisionKind): Promise<void> => {
    if (!myParty) return
    setMessage(null)
    setStaleDiff(null)
    const seen = currentText()
    try {
      // Exactly the text on screen now: the server refuses if its text differs.
      const fingerprint = currentFingerprint()
      if (!fingerprint) return
      await api.decide(statuteId, articleId, { party: myParty.id, decision, fingerprint, ...(decision === 'niet-akkoord' ? { reason } : {}) })
      setObjecting(false)
      setReason('')
      setMessage(t(`agreements.recorded.${decision}`, { party: myParty.name }))
      context.reload()
      if (history) setHistory(await api.history(statuteId, articleId))
    } catch (error) {
      if (error instanceof ApiError && error.code === 'stale_fingerprint') {
        setMessage(t('agreements.stale'))
        // What changed between the text on screen and the server's text.
        const current = (error.details as { currentText?: string } | undefined)?.currentText
        if (current !== undefined) setStaleDiff(diffWords(seen, current))
      } else {
        setMessage(errorMessage(error, t))
      }
    }
  }

  return (
    <div className="agreement-bar" data-testid={`agreements-${articleId}`}>
      <ul className="agreement-states" aria-label={t('agreements.statesLabel')}>
        {shown.map((party) => {
          const state = articleStates?.get(party.id)?.state ?? 'open'
          return (
            <li key={party.id} className={`agreement-state agreement-state--${state}${party.parentId ? ' agreement-state--sub' : ''}`} data-party={party.name} data-state={state}>
              <span aria-hidden="true">{STATE_ICON[state]}</span> {party.name}: {t(`agreements.state.${state}`)}
            </li>
          )
        })}
      </ul>
      {mayDecide && myParty && (
        <div className="agreement-actions">
          <Button appearance="secondary-action-button" disabled={mine?.state === 'akkoord'} onClick={() => void decide('akkoord')}>
            {t('agreements.agree', { party: myParty.name })}
          </Button>
          <Button appearance="secondary-action-button" aria-expanded={objecting} onClick={() => setObjecting((v) => !v)}>
            {t('agreements.object', { party: myParty.name })}
          </Button>
          {mine && mine.state !== 'open' && (
            <Button appearance="subtle-button" onClick={() => void decide('ingetrokken')}>
              {t('agreements.withdraw')}
            </Button>
          )}
        </div>
      )}
      {objecting && (
        <form
          className="agreement-reason"
          onSubmit={(e) => {
            e.preventDefault()
            void decide('niet-akkoord')
          }}
        >
          <label htmlFor={reasonId} className="utrecht-form-label">
            {t('agreements.reason')}
          </label>
          <textarea id={reasonId} className="utrecht-textarea" required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button type="submit" appearance="primary-action-button">
            {t('agreements.submitObjection')}
          </Button>
        </form>
      )}
      <div role="status" aria-live="polite" className="agreement-message">
        {message}
      </div>
      {staleDiff && (
        <p className="diff-text" aria-label={t('agreements.showChange')}>
          {staleDiff.map((part, i) => (part.removed ? <del key={i}>{part.value}</del> : part.added ? <ins key={i}>{part.value}</ins> : <span key={i}>{part.value}</span>))}
        </p>
      )}
      <details
        onToggle={(e) => {
          if ((e.target as HTMLDetailsElement).open && !history) void api.history(statuteId, articleId).then(setHistory)
        }}
      >
        <summary>{t('agreements.history')}</summary>
        {history?.length === 0 && <p>{t('agreements.noHistory')}</p>}
        <ol className="agreement-history">
          {history?.map((entry) => {
            const party = overview.parties.find((p) => p.id === entry.partyId)
            const outdated = entry.decision !== 'ingetrokken' && entry.fingerprint !== fingerprints.get(articleId)
            return (
              <li key={entry.id}>
                {date.format(new Date(entry.createdAt))} – {entry.userName} ({party?.name}): {t(`agreements.decision.${entry.decision}`)}
                {entry.reason && <> – “{entry.reason}”</>}
                {outdated && (
                  <details>
                    <summary>{t('agreements.showChange')}</summary>
                    <p className="diff-text">
                      {diffWords(entry.articleText, currentText()).map((part, i) =>
                        part.removed ? <del key={i}>{part.value}</del> : part.added ? <ins key={i}>{part.value}</ins> : <span key={i}>{part.value}</span>,
                      )}
                    </p>
                  </details>
                )}
              </li>
            )
          })}
        </ol>
      </details>
    </div>
  )
}
