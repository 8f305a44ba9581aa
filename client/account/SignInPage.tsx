/**
 * Sign-in, and on a fresh installation the setup of the first administrator.
 */
import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Heading1, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { api } from '../api/api.js'
import { useSession } from '../identity/identity.js'
import { TextField } from '../components/TextField.js'
import { errorMessage } from '../components/errorMessage.js'

export function SignInPage() {
  const { t } = useTranslation()
  const { needsSetup, refresh } = useSession()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    document.title = `${needsSetup ? t('auth.setupTitle') : t('auth.signInTitle')} – Samenspel`
  }, [needsSetup, t])

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      if (needsSetup) await api.setup({ name, email, password })
      else await api.signIn(email, password)
      await refresh()
    } catch (caught) {
      setError(errorMessage(caught, t))
      setBusy(false)
    }
  }

  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <Heading1>{needsSetup ? t('auth.setupTitle') : t('auth.signInTitle')}</Heading1>
      <Paragraph>{needsSetup ? t('auth.setupIntro') : t('auth.signInIntro')}</Paragraph>
      <form onSubmit={(e) => void submit(e)} className="form-grid">
        {error && <Alert type="error">{error}</Alert>}
        {needsSetup && <TextField label={t('auth.name')} value={name} onChange={setName} required autoComplete="name" maxLength={80} />}
        <TextField label={t('auth.email')} type="email" value={email} onChange={setEmail} required autoComplete="username" maxLength={254} />
        <TextField
          label={t('auth.password')}
          type="password"
          value={password}
          onChange={setPassword}
          required
          autoComplete={needsSetup ? 'new-password' : 'current-password'}
          minLength={needsSetup ? 10 : undefined}
          hint={needsSetup ? t('auth.passwordHint') : undefined}
        />
        <div>
          <Button type="submit" appearance="primary-action-button" busy={busy} disabled={busy}>
            {needsSetup ? t('auth.setupSubmit') : t('auth.signInSubmit')}
          </Button>
        </div>
      </form>
    </main>
  )
}
