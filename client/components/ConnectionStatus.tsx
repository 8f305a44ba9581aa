import { useTranslation } from 'react-i18next'
import type { ConnectionState } from '../collaboration/statuteConnection.js'

/** Always-visible connection state, announced politely to screen readers when it changes. */
export function ConnectionStatus({ state }: { state: ConnectionState }) {
  const { t } = useTranslation()
  const text =
    state.status === 'refused'
      ? t('connection.refused', { reason: state.refusal?.reason || String(state.refusal?.code ?? '') })
      : t(`connection.${state.status}`)
  return (
    <div className={`connection-status connection-status--${state.status}`} role="status" aria-live="polite" aria-label={t('connection.label')}>
      <span className="connection-dot" aria-hidden="true" />
      <span data-testid="connection-status" data-status={state.status}>{text}</span>
    </div>
  )
}
