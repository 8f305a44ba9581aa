import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { BODY_TYPES, type BodyType } from '../../model/statuteDoc.js'
import { TextField } from './TextField.js'

export interface StatuteBasics {
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
}

/** Title, organisation and body type of a new statute (wizard and import). */
export function StatuteBasicsFields({ value, onChange }: { value: StatuteBasics; onChange: (next: StatuteBasics) => void }) {
  const { t } = useTranslation()
  const bodyTypeId = useId()
  return (
    <div className="form-grid">
      <TextField label={t('list.titleLabel')} hint={t('list.titleHint')} value={value.title} onChange={(title) => onChange({ ...value, title })} required maxLength={300} />
      <TextField label={t('list.organisationLabel')} hint={t('list.organisationHint')} value={value.organisation} onChange={(organisation) => onChange({ ...value, organisation })} maxLength={200} />
      <div className="form-field">
        <label htmlFor={bodyTypeId} className="utrecht-form-label">
          {t('list.bodyTypeLabel')}
        </label>
        <select id={bodyTypeId} className="utrecht-select utrecht-select--html-select" value={value.bodyType} onChange={(e) => onChange({ ...value, bodyType: e.target.value as BodyType })}>
          {BODY_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`list.bodyTypes.${type}`)}
            </option>
          ))}
        </select>
      </div>
    </div>
  )
}
