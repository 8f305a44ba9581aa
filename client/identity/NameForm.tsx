import { useId, useState, type ChangeEvent, type FormEvent } from "react"
import { useTranslation } from 'react-i18next'
import { Button, FormLabel, Heading2, Paragraph, Textbox } from '@utrecht/component-library-react/dist/css-module'
import { setDisplayName, usePerson } from './identity.js'

/** Asks for the display name (until accounts exist). */
export function NameForm({ compact = false, onDone }: { compact?: boolean; onDone?: () => void }) {
  const { t } = useTranslation()
  const person = usePerson()
  const [name, setName] = useState(person?.name ?? '')
  const inputId = useId()
  const submit = (event: FormEvent): void => {
    event.preventDefault()
    if (!name.trim()) return
    setDisplayName(name)
    onDone?.()
  }
  return (
    <form onSubmit={submit} className={compact ? 'name-form name-form--compact' : 'name-form'}>
      {!compact && <Heading2>{t('identity.title')}</Heading2>}
      {!compact && <Paragraph>{t('identity.intro')}</Paragraph>}
      <FormLabel htmlFor={inputId}>{t('identity.nameLabel')}</FormLabel>
      <Textbox id={inputId} value={name} required maxLength={80} autoComplete="name" autoFocus={!compact} onChange={(e: ChangeEvent<HTMLInputElement>) => setName(e.target.value)} />
      <Button type="submit" appearance="primary-action-button">
        {t('identity.save')}
      </Button>
    </form>
  )
}
