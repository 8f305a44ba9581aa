/**
 * The aanhef (with considerans) as exported: adopted by the representative body alone or jointly
 * with the executive, and optionally the exact wording. Empty wording means the default for the
 * body type, shown as the placeholder.
 */
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { readFormalities, setMetaField, type StatuteMeta } from '../../model/statuteDoc.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'

const DEFAULTS: Record<string, Record<'vertegenwoordiging' | 'gezamenlijk', string>> = {
  gemeente: {
    vertegenwoordiging: 'De raad van de gemeente …;\ngelezen het voorstel van burgemeester en wethouders;\ngelet op de artikelen 147a en 169 van de Gemeentewet;\nbesluit vast te stellen:',
    gezamenlijk: 'De raad en het college van burgemeester en wethouders van de gemeente …;\ngelet op de artikelen 147a, 160 en 169 van de Gemeentewet;\nbesluiten vast te stellen:',
  },
  provincie: {
    vertegenwoordiging: 'Provinciale Staten van …;\ngelezen het voorstel van Gedeputeerde Staten;\ngelet op de artikelen 16 en 167 van de Provinciewet;\nbesluiten vast te stellen:',
    gezamenlijk: 'Provinciale Staten en Gedeputeerde Staten van …;\ngelet op de artikelen 16, 145 en 167 van de Provinciewet;\nbesluiten vast te stellen:',
  },
  waterschap: {
    vertegenwoordiging: 'Het algemeen bestuur van …;\ngelezen het voorstel van het dagelijks bestuur;\ngelet op de Waterschapswet;\nbesluit vast te stellen:',
    gezamenlijk: 'Het algemeen bestuur en het dagelijks bestuur van …;\ngelet op de Waterschapswet;\nbesluiten vast te stellen:',
  },
}

export function FormalitiesEditor({ connection, meta, editable }: { connection: StatuteConnection; meta: StatuteMeta; editable: boolean }) {
  const { t } = useTranslation()
  const formalities = readFormalities(connection.doc)
  const textId = useId()
  const hintId = useId()
  return (
    <details className="formalities">
      <summary>{t('formalities.title')}</summary>
      <fieldset disabled={!editable}>
        <legend>{t('formalities.form')}</legend>
        {(['vertegenwoordiging', 'gezamenlijk'] as const).map((form) => (
          <label key={form} className="form-check">
            <input type="radio" name="aanhef-form" checked={formalities.aanhefForm === form} onChange={() => setMetaField(connection.doc, 'aanhefForm', form)} />
            {t(`formalities.forms.${form}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={textId} className="utrecht-form-label">
        {t('formalities.aanhef')}
      </label>
      <p id={hintId} className="form-hint">
        {t('formalities.hint')}
      </p>
      <textarea
        id={textId}
        className="utrecht-textarea formalities-text"
        aria-describedby={hintId}
        readOnly={!editable}
        rows={5}
        maxLength={2000}
        placeholder={DEFAULTS[meta.bodyType]?.[formalities.aanhefForm]}
        value={formalities.aanhef}
        onChange={(e) => setMetaField(connection.doc, 'aanhef', e.target.value)}
      />
    </details>
  )
}
