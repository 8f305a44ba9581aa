import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '@utrecht/component-library-react/dist/css-module'
import { usePerson } from './identity.js'
import { NameForm } from './NameForm.js'

/** Shows who you are in this browser, with a way to change the name. */
export function IdentityBadge() {
  const { t } = useTranslation()
  const person = usePerson()
  const [editing, setEditing] = useState(false)
  if (!person) return null
  if (editing) return <NameForm compact onDone={() => setEditing(false)} />
  return (
    <span className="identity-badge">
      <span className="presence-dot" style={{ background: person.color }} aria-hidden="true" />
      {t('identity.you', { name: person.name })}{' '}
      <Button appearance="subtle-button" onClick={() => setEditing(true)}>
        {t('identity.change')}
      </Button>
    </span>
  )
}
