/**
 * "Nieuw statuut": organisation and body type → themes, articles and variants (defaults
 * preselected) → parameters → preview → create. The server builds the statute once from the
 * choice; the preview here renders the same text with the same model functions.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLocation } from 'wouter'
import { Alert, Button, Heading1, Heading2, Heading3, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import type { BodyType } from '../../model/statuteDoc.js'
import { availableFor, defaultChoice, renderClause, renderTemplateText, type TemplateChoice, type TemplateTheme } from '../../model/templates.js'
import { api } from '../api/api.js'
import { TextField } from '../components/TextField.js'
import { StatuteBasicsFields } from '../components/StatuteBasicsFields.js'
import { errorMessage } from '../components/errorMessage.js'
import { useTemplates } from './useTemplates.js'
import { RichTextView } from './RichTextView.js'

const STEPS = ['basics', 'clauses', 'parameters', 'preview'] as const
type Step = (typeof STEPS)[number]

/** Chosen articles per theme: article id → variant id ('' when the article has no variants). */
type Selection = Record<string, Record<string, string>>

function selectionFrom(choice: TemplateChoice): Selection {
  return Object.fromEntries(choice.themes.map((t) => [t.id, Object.fromEntries(t.articles.map((a) => [a.id, a.variant ?? '']))]))
}

function choiceFrom(selection: Selection, themes: readonly TemplateTheme[], parameters: Record<string, string | number>): TemplateChoice {
  const chosenThemes = themes.filter((t) => Object.keys(selection[t.id] ?? {}).length > 0)
  const declared = new Set(chosenThemes.flatMap((t) => t.parameters.map((p) => p.id)))
  return {
    themes: chosenThemes.map((t) => ({
      id: t.id,
      // In the template's order, whatever order they were ticked in.
      articles: t.articles.filter((a) => a.id in (selection[t.id] ?? {})).map((a) => (selection[t.id]![a.id] ? { id: a.id, variant: selection[t.id]![a.id] } : { id: a.id })),
    })),
    parameters: Object.fromEntries(Object.entries(parameters).filter(([id]) => declared.has(id))),
  }
}

export function NewStatuteWizard() {
  const { t } = useTranslation()
  const [, navigate] = useLocation()
  const { themes, error: loadError } = useTemplates()
  const [step, setStep] = useState<Step>('basics')
  const [title, setTitle] = useState('')
  const [organisation, setOrganisation] = useState('')
  const [bodyType, setBodyType] = useState<BodyType>('gemeente')
  const [selection, setSelection] = useState<Selection>({})
  const [parameters, setParameters] = useState<Record<string, string | number>>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    if (!themes) return
    const initial = defaultChoice(themes, bodyType)
    setSelection(selectionFrom(initial))
    setParameters({ ...initial.parameters })
    // The preselection follows the body type: some clauses exist only for some of them.
  }, [themes, bodyType])
  useEffect(() => {
    document.title = `${t('wizard.title')} – Samenspel`
  }, [t])
  // Each step starts at its heading, for keyboard and screen reader users.
  useEffect(() => headingRef.current?.focus(), [step])

  const choice = useMemo(() => (themes ? choiceFrom(selection, themes, parameters) : { themes: [], parameters: {} }), [selection, themes, parameters])
  const articleCount = choice.themes.reduce((n, theme) => n + theme.articles.length, 0)
  const index = STEPS.indexOf(step)

  const next = (): void => {
    setError(null)
    if (step === 'basics' && !title.trim()) {
      setError(t('wizard.titleRequired'))
      return
    }
    setStep(STEPS[Math.min(index + 1, STEPS.length - 1)]!)
  }
  const create = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      const created = await api.createStatute({ title, organisation, bodyType, templates: choice })
      navigate(`/statuten/${created.id}`)
    } catch (caught) {
      setError(errorMessage(caught, t))
      setBusy(false)
    }
  }

  const context = { bodyType, name: organisation || t('wizard.yourOrganisation'), parameters }
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Heading1>{t('wizard.title')}</Heading1>
      <ol className="wizard-steps" aria-label={t('wizard.steps')}>
        {STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={s === step ? 'is-current' : i < index ? 'is-done' : ''}>
            {t(`wizard.step.${s}`)}
          </li>
        ))}
      </ol>
      <Heading2 ref={headingRef} tabIndex={-1}>
        {t('wizard.stepOf', { n: index + 1, total: STEPS.length, name: t(`wizard.step.${step}`) })}
      </Heading2>
      <div role="status" aria-live="polite">
        {error && <Alert type="error">{error}</Alert>}
      </div>
      {loadError !== null && <Alert type="error">{errorMessage(loadError, t)}</Alert>}

      {step === 'basics' && (
        <StatuteBasicsFields value={{ title, organisation, bodyType }} onChange={(next) => {
            setTitle(next.title)
            setOrganisation(next.organisation)
            setBodyType(next.bodyType)
          }} />
      )}

      {step === 'clauses' && themes && (
        <div className="wizard-themes">
          <Paragraph>{t('wizard.clausesIntro')}</Paragraph>
          {themes.map((theme) => (
            <ThemeChooser key={theme.id} theme={theme} context={context} selected={selection[theme.id] ?? {}} onChange={(next) => setSelection((s) => ({ ...s, [theme.id]: next }))} />
          ))}
        </div>
      )}

      {step === 'parameters' && themes && (
        <div className="form-grid">
          <Paragraph>{t('wizard.parametersIntro')}</Paragraph>
          {themes
            .filter((theme) => choice.themes.some((c) => c.id === theme.id))
            .flatMap((theme) => theme.parameters)
            .map((p) => (
              <TextField
                key={p.id}
                label={p.label}
                value={String(parameters[p.id] ?? p.default)}
                onChange={(value) => setParameters((all) => ({ ...all, [p.id]: p.type === 'number' ? (value === '' ? 0 : Number(value.replace(/\D/g, '')) || 0) : value }))}
                required
                maxLength={200}
              />
            ))}
          {choice.themes.length > 0 && themes.filter((th) => choice.themes.some((c) => c.id === th.id)).every((th) => th.parameters.length === 0) && <Paragraph>{t('wizard.noParameters')}</Paragraph>}
        </div>
      )}

      {step === 'preview' && themes && (
        <div className="wizard-preview">
          <Paragraph>{t('wizard.previewIntro', { chapters: choice.themes.length, articles: articleCount })}</Paragraph>
          <PreviewOutline themes={themes} choice={choice} context={context} />
        </div>
      )}

      <div className="wizard-nav">
        {index > 0 && (
          <Button appearance="secondary-action-button" onClick={() => setStep(STEPS[index - 1]!)}>
            {t('wizard.back')}
          </Button>
        )}
        {step !== 'preview' ? (
          <Button appearance="primary-action-button" onClick={next} disabled={!themes && step !== 'basics'}>
            {t('wizard.next')}
          </Button>
        ) : (
          <Button appearance="primary-action-button" busy={busy} disabled={busy} onClick={() => void create()}>
            {busy ? t('list.creating') : t('wizard.create', { count: articleCount })}
          </Button>
        )}
      </div>
    </main>
  )
}

interface ThemeChooserProps {
  readonly theme: TemplateTheme
  readonly context: { bodyType: BodyType; name: string; parameters: Record<string, string | number> }
  readonly selected: Record<string, string>
  readonly onChange: (next: Record<string, string>) => void
}

function ThemeChooser({ theme, context, selected, onChange }: ThemeChooserProps) {
  const { t } = useTranslation()
  const available = theme.articles.filter((a) => availableFor(a, context.bodyType))
  const all = available.every((a) => a.id in selected)
  const toggleAll = (): void => onChange(all ? {} : Object.fromEntries(available.map((a) => [a.id, selected[a.id] ?? a.variants?.[0]?.id ?? ''])))
  return (
    <fieldset className="wizard-theme">
      <legend>
        <span className="wizard-theme-title">{renderTemplateText(theme.title, theme, context)}</span>
      </legend>
      <Paragraph className="form-hint">{theme.summary}</Paragraph>
      <label className="form-check">
        <input type="checkbox" checked={all} onChange={toggleAll} />
        {t('wizard.allOfTheme', { theme: theme.title })}
      </label>
      <ul className="wizard-articles">
        {theme.articles.filter((article) => availableFor(article, context.bodyType)).map((article) => {
          const checked = article.id in selected
          const title = renderTemplateText(article.title, theme, context)
          return (
            <li key={article.id}>
              <label className="form-check">
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() => {
                    const next = { ...selected }
                    if (checked) delete next[article.id]
                    else next[article.id] = article.variants?.[0]?.id ?? ''
                    onChange(next)
                  }}
                />
                {title}
              </label>
              {checked && article.variants && (
                <fieldset className="wizard-variants">
                  <legend>{t('wizard.variantOf', { title })}</legend>
                  {article.variants.map((variant) => (
                    <label key={variant.id} className="form-check">
                      <input type="radio" name={`${theme.id}-${article.id}`} checked={selected[article.id] === variant.id} onChange={() => onChange({ ...selected, [article.id]: variant.id })} />
                      <span>
                        <strong>{variant.label}</strong>
                        {variant.description && <span className="form-hint"> – {variant.description}</span>}
                      </span>
                    </label>
                  ))}
                </fieldset>
              )}
              {checked && (
                <details className="wizard-clause-preview">
                  <summary>{t('wizard.showText', { title })}</summary>
                  <RichTextView doc={renderClause(theme, article, selected[article.id] || undefined, context).body} />
                </details>
              )}
            </li>
          )
        })}
      </ul>
    </fieldset>
  )
}

function PreviewOutline({ themes, choice, context }: { themes: readonly TemplateTheme[]; choice: TemplateChoice; context: ThemeChooserProps['context'] }) {
  const { t } = useTranslation()
  let number = 0
  return (
    <ol className="wizard-outline">
      {choice.themes.map((chosen, c) => {
        const theme = themes.find((th) => th.id === chosen.id)!
        return (
          <li key={chosen.id}>
            <Heading3>
              {t('outline.chapter', { number: c + 1 })} {renderTemplateText(theme.title, theme, context)}
            </Heading3>
            <ul>
              {chosen.articles.map((a) => {
                const article = theme.articles.find((x) => x.id === a.id)!
                const clause = renderClause(theme, article, a.variant, context)
                number += 1
                return (
                  <li key={a.id}>
                    <details>
                      <summary>
                        {t('outline.article', { number })} {clause.title}
                      </summary>
                      <RichTextView doc={clause.body} />
                    </details>
                  </li>
                )
              })}
            </ul>
          </li>
        )
      })}
    </ol>
  )
}
