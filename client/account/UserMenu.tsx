import { useTranslation } from 'react-i18next'
import { Link as RouterLink } from 'wouter'
import { Button } from '@utrecht/component-library-react/dist/css-module'
import { useSession } from '../identity/identity.js'

/** The signed-in person in the header: name, account page, sign out. */
export function UserMenu() {
  const { t } = useTranslation()
  const { person, signOut } = useSession()
  if (!person) return null
  return (
    <span className="identity-badge">
      <span className="presence-dot" style={{ background: person.color }} aria-hidden="true" />
      <span>{t('auth.signedInAs', { name: person.name })}</span>
      <RouterLink href="/account" className="utrecht-link">
        {t('auth.account')}
      </RouterLink>
      <Button appearance="subtle-button" onClick={() => void signOut()}>
        {t('auth.signOut')}
      </Button>
    </span>
  )
}
