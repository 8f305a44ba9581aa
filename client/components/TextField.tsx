import { useId, type ChangeEvent } from 'react'
import { FormLabel, Textbox } from '@utrecht/component-library-react/dist/css-module'

export interface TextFieldProps {
  readonly label: string
  readonly value: string
  readonly onChange: (value: string) => void
  readonly type?: 'text' | 'email' | 'password'
  readonly hint?: string
  readonly required?: boolean
  readonly autoComplete?: string
  readonly maxLength?: number
  readonly minLength?: number
  readonly autoFocus?: boolean
}

/** A labelled text input with an optional hint, built on the NL Design System textbox. */
export function TextField({ label, value, onChange, type = 'text', hint, required, autoComplete, maxLength, minLength, autoFocus }: TextFieldProps) {
  const id = useId()
  const hintId = useId()
  return (
    <div className="form-field">
      <FormLabel htmlFor={id}>{label}</FormLabel>
      {hint && (
        <div id={hintId} className="form-hint">
          {hint}
        </div>
      )}
      <Textbox
        id={id}
        type={type}
        value={value}
        required={required}
        autoComplete={autoComplete}
        maxLength={maxLength}
        minLength={minLength}
        autoFocus={autoFocus}
        aria-describedby={hint ? hintId : undefined}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      />
    </div>
  )
}
