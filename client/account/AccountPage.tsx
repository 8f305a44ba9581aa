/**
 * The person's own account: change password, and personal API tokens for scripts and integrations
 * (a new token is shown once).
 */
import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Heading1, Heading2, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { api, type ApiToken } from '../api/api.js'
import { usePerson } from '../identity/identity.js'
import { TextField } from '../components/TextField.js'
import { errorMessage } from '../components/errorMessage.js'

export function AccountPage() {
  const { t } = useTranslation()
  const person = usePerson()
  useEffect(() => {
    document.title = `${t('account.title')} – Samenspel`
  }, [t])
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <Heading1>{t('account.title')}</Heading1>
      <Paragraph>
        {person.name} ({person.email})
      </Paragraph>
      <PasswordForm />
      <Tokens />
    </main>
  )
}

function PasswordForm() {
  const { t } = useTranslation()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    try {
      await api.changePassword(current, next)
      setStatus({ kind: 'ok', text: t('account.passwordChanged') })
      setCurrent('')
      setNext('')
    } catch (error) {
      setStatus({ kind: 'error', text: errorMessage(error, t) })
    }
  }
  return (
    <section aria-labelledby="password-heading">
      <Heading2 id="password-heading">{t('account.passwordTitle')}</Heading2>
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <div role="status">{status && <Alert type={status.kind === 'ok' ? 'ok' : 'error'}>{status.text}</Alert>}</div>
        <TextField label={t('account.currentPassword')} type="password" value={current} onChange={setCurrent} required autoComplete="current-password" />
        <TextField label={t('account.newPassword')} type="password" value={next} onChange={setNext} required minLength={10} autoComplete="new-password" hint={t('auth.passwordHint')} />
        <div>
          <Button type="submit" appearance="primary-action-button">
            {t('account.changePassword')}
          </Button>
        </div>
      </form>
    </section>
  )
}

function Tokens() {
  const { t, i18n } = useTranslation()
  const [tokens, setTokens] = useState<ApiToken[]>([])
  const [name, setName] = useState('')
  const [created, setCreated] = useState<ApiToken | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = () => api.listTokens().then(setTokens, (e: unknown) => setError(errorMessage(e, t)))
  useEffect(() => {
    void load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    try {
      setCreated(await api.createToken(name))
      setName('')
      await load()
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }
  return (
    <section aria-labelledby="tokens-heading">
      <Heading2 id="tokens-heading">{t('account.tokensTitle')}</Heading2>
      <Paragraph>{t('account.tokensIntro')}</Paragraph>
      {error && <Alert type="error">{error}</Alert>}
      <div role="status">
        {created?.token && (
          <Alert type="ok">
            <Paragraph>{t('account.tokenCreated')}</Paragraph>
            <code className="secret" data-testid="new-token">
              {created.token}
            </code>
          </Alert>
        )}
      </div>
      <form className="form-inline" onSubmit={(e) => void create(e)}>
        <TextField label={t('account.tokenName')} value={name} onChange={setName} required maxLength={80} />
        <Button type="submit" appearance="secondary-action-button">
          {t('account.createToken')}
        </Button>
      </form>
      {tokens.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">{t('account.tokensTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('account.tokenName')}</th>
              <th scope="col">{t('account.created')}</th>
              <th scope="col">{t('account.lastUsed')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('account.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{date.format(new Date(token.createdAt))}</td>
                <td>{token.lastUsedAt ? date.format(new Date(token.lastUsedAt)) : '—'}</td>
                <td>
                  {token.revokedAt ? (
                    t('account.revoked')
                  ) : (
                    <Button appearance="subtle-button" hint="danger" onClick={() => void api.revokeToken(token.id).then(load)}>
                      {t('account.revoke', { name: token.name })}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
