/**
 * Opening an invitation link: see what it is for, then create an account (or, signed in with the
 * invited address, just accept) and go to the statute.
 */
import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useLocation } from 'wouter'
import { Alert, Button, Heading1, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { api, type InvitationPreview } from '../api/api.js'
import { useSession } from '../identity/identity.js'
import { TextField } from '../components/TextField.js'
import { errorMessage } from '../components/errorMessage.js'

export function InvitationPage({ token }: { token: string }) {
  const { t } = useTranslation()
  const { person, refresh } = useSession()
  const [, navigate] = useLocation()
  const [preview, setPreview] = useState<InvitationPreview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    document.title = `${t('invitation.title')} – Samenspel`
    api.previewInvitation(token).then(setPreview, (e: unknown) => setError(errorMessage(e, t)))
  }, [token, t])

  const accept = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const { statuteId } = await api.acceptInvitation(token, person ? {} : { name, password })
      await refresh()
      navigate(`/statuten/${statuteId}`)
    } catch (e) {
      setError(errorMessage(e, t))
      setBusy(false)
    }
  }

  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <Heading1>{t('invitation.title')}</Heading1>
      {error && <Alert type="error">{error}</Alert>}
      {preview && (
        <>
          <Paragraph>
            {t('invitation.intro', { statute: preview.statute.title, organisation: preview.statute.organisation, role: t(`roles.${preview.role}`), party: preview.party })}
          </Paragraph>
          <form className="form-grid" onSubmit={(e) => void accept(e)}>
            {person ? (
              <Paragraph>{t('invitation.signedIn', { email: person.email })}</Paragraph>
            ) : preview.hasAccount ? (
              <Paragraph>{t('invitation.hasAccount', { email: preview.email })}</Paragraph>
            ) : (
              <>
                <Paragraph>{t('invitation.createAccount', { email: preview.email })}</Paragraph>
                <TextField label={t('auth.name')} value={name} onChange={setName} required autoComplete="name" maxLength={80} />
                <TextField label={t('auth.password')} type="password" value={password} onChange={setPassword} required minLength={10} autoComplete="new-password" hint={t('auth.passwordHint')} />
              </>
            )}
            {(person || !preview.hasAccount) && (
              <div>
                <Button type="submit" appearance="primary-action-button" busy={busy} disabled={busy}>
                  {t('invitation.accept')}
                </Button>
              </div>
            )}
          </form>
        </>
      )}
    </main>
  )
}
