/**
 * Formatting toolbar: one tab stop, arrow keys move between buttons (WAI-ARIA toolbar pattern),
 * reachable from the text with Alt+F10.
 */
import { forwardRef, useEffect, useReducer, useState, type KeyboardEvent } from 'react'
import type { Editor } from '@tiptap/react'
import { useTranslation } from 'react-i18next'

interface Action {
  readonly key: string
  readonly label: string
  readonly text: string
  readonly active?: boolean
  readonly disabled?: boolean
  readonly run: () => void
}

export const Toolbar = forwardRef<HTMLDivElement, { editor: Editor; label: string }>(function Toolbar({ editor, label }, ref) {
  const { t } = useTranslation()
  const [, rerender] = useReducer((x: number) => x + 1, 0)
  const [current, setCurrent] = useState(0)
  useEffect(() => {
    editor.on('transaction', rerender)
    return () => {
      editor.off('transaction', rerender)
    }
  }, [editor])

  const inList = editor.isActive('orderedList')
  const actions: Action[] = [
    { key: 'bold', label: t('editor.bold'), text: 'B', active: editor.isActive('bold'), run: () => editor.chain().focus().toggleBold().run() },
    { key: 'italic', label: t('editor.italic'), text: 'I', active: editor.isActive('italic'), run: () => editor.chain().focus().toggleItalic().run() },
    { key: 'ol', label: t('editor.orderedList'), text: '1.', active: inList, run: () => editor.chain().focus().toggleOrderedList().run() },
    { key: 'sub', label: t('editor.subList'), text: 'a.', disabled: !editor.can().sinkListItem('listItem'), run: () => editor.chain().focus().sinkListItem('listItem').run() },
    { key: 'lift', label: t('editor.liftList'), text: '⇤', disabled: !editor.can().liftListItem('listItem'), run: () => editor.chain().focus().liftListItem('listItem').run() },
    {
      key: 'link',
      label: t('editor.link'),
      text: 'Link',
      active: editor.isActive('link'),
      run: () => {
        const previous = (editor.getAttributes('link').href as string | undefined) ?? ''
        const href = window.prompt(t('editor.linkPrompt'), previous)
        if (href === null) return
        if (href.trim() === '') editor.chain().focus().extendMarkRange('link').unsetLink().run()
        else editor.chain().focus().extendMarkRange('link').setLink({ href: href.trim() }).run()
      },
    },
  ]

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    let next = current
    if (delta !== 0) next = (current + delta + actions.length) % actions.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = actions.length - 1
    else if (event.key === 'Escape') {
      editor.commands.focus()
      event.preventDefault()
      return
    } else return
    event.preventDefault()
    setCurrent(next)
    event.currentTarget.querySelectorAll<HTMLButtonElement>('button')[next]?.focus()
  }

  return (
    <div ref={ref} role="toolbar" aria-label={label} className="toolbar" onKeyDown={onKeyDown}>
      {actions.map((action, index) => (
        <button
          key={action.key}
          type="button"
          className="toolbar-button"
          tabIndex={index === current ? 0 : -1}
          aria-label={action.label}
          title={action.label}
          aria-pressed={action.active === undefined ? undefined : action.active}
          aria-disabled={action.disabled || undefined}
          onMouseDown={(event) => event.preventDefault() /* keep the text selection */}
          onFocus={() => setCurrent(index)}
          onClick={() => {
            if (!action.disabled) action.run()
          }}
        >
          <span aria-hidden="true">{action.text}</span>
        </button>
      ))}
    </div>
  )
})
