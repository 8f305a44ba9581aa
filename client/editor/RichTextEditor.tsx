/**
 * One Tiptap editor bound to one Y.XmlFragment (an article's body or toelichting). Several share
 * the statute's Y.Doc and awareness, so carets of others show in whichever article they type.
 */
import { useEffect, useRef } from 'react'
import { useEditor, EditorContent, type Editor } from '@tiptap/react'
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import StarterKit from '@tiptap/starter-kit'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import type { Person } from '../identity/identity.js'
import { Toolbar } from './Toolbar.js'
import { passageHighlight, passageHighlightKey, type HighlightedPassage } from '../comments/passageHighlight.js'

export interface RichTextEditorProps {
  readonly fragment: Y.XmlFragment
  readonly provider: WebsocketProvider
  readonly person: Person
  readonly label: string
  readonly toolbarLabel: string
  readonly editable: boolean
  /** Where focus goes when the person presses Escape (leaving the text, WCAG 2.1.2). */
  readonly onEscape: () => void
  /** Passages with comment threads, highlighted in the text. */
  readonly passages?: readonly HighlightedPassage[]
  /** Gives the parent the editor (to read the selection for a new comment). */
  readonly onEditor?: (editor: Editor | null) => void
}

/** Keyboard conventions: Escape leaves the editor, Alt+F10 goes to the toolbar. */
function keyboardExtension(options: { onEscape: () => void; onToolbar: () => void }) {
  return Extension.create({
    name: 'samenspelKeyboard',
    addKeyboardShortcuts() {
      return {
        Escape: () => {
          options.onEscape()
          return true
        },
        'Alt-F10': () => {
          options.onToolbar()
          return true
        },
      }
    },
  })
}

/** Keys that change text; everything else (arrows, Home, End, Page keys, Tab, copy) moves or reads. */
const EDITING_KEYS = new Set(['Backspace', 'Delete', 'Enter'])

/**
 * Read-only, yet selectable by keyboard: people who may only read or comment move a caret through
 * the text and select a passage with Shift and the arrow keys (WCAG 2.1.1), as with the mouse.
 * So the text stays focusable (contenteditable, announced as read-only) and every way of changing
 * it is refused here: typing, deleting, pasting, dropping, the browser's own edits (beforeinput),
 * and, as a last guard, any transaction that changes the document except those of the shared
 * document itself (y-sync). The server drops such changes anyway.
 */
function readOnlyExtension(isReadOnly: () => boolean) {
  return Extension.create({
    name: 'samenspelReadOnly',
    addProseMirrorPlugins() {
      return [
        new Plugin({
          key: new PluginKey('samenspelReadOnly'),
          filterTransaction: (tr) => !isReadOnly() || !tr.docChanged || tr.getMeta(ySyncPluginKey) !== undefined,
          props: {
            handleKeyDown: (_view, event) => isReadOnly() && EDITING_KEYS.has(event.key),
            handleKeyPress: () => isReadOnly(),
            handleTextInput: () => isReadOnly(),
            handlePaste: () => isReadOnly(),
            handleDrop: () => isReadOnly(),
            handleDOMEvents: {
              beforeinput: (_view, event) => {
                if (!isReadOnly()) return false
                event.preventDefault()
                return true
              },
            },
          },
        }),
      ]
    },
  })
}

function editorAttributes(label: string, readOnly: boolean): Record<string, string> {
  return {
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-label': label,
    ...(readOnly ? { 'aria-readonly': 'true' } : {}),
    class: 'rich-text',
    spellcheck: readOnly ? 'false' : 'true',
    lang: 'nl',
  }
}

export function RichTextEditor({ fragment, provider, person, label, toolbarLabel, editable, onEscape, passages, onEditor }: RichTextEditorProps) {
  const toolbarRef = useRef<HTMLDivElement>(null)
  const escapeRef = useRef(onEscape)
  escapeRef.current = onEscape
  const passagesRef = useRef<readonly HighlightedPassage[]>(passages ?? [])
  passagesRef.current = passages ?? []
  const readOnlyRef = useRef(!editable)
  readOnlyRef.current = !editable
  const editor = useEditor(
    {
      // Always focusable and selectable; whether it may change is the read-only extension's call.
      editable: true,
      extensions: [
        StarterKit.configure({
          // Collaboration brings its own undo, per person and per article.
          undoRedo: false,
          heading: false,
          codeBlock: false,
          code: false,
          blockquote: false,
          horizontalRule: false,
          underline: false,
          link: { openOnClick: false, autolink: true, defaultProtocol: 'https', protocols: ['http', 'https', 'mailto'] },
        }),
        Collaboration.configure({ fragment }),
        CollaborationCaret.configure({ provider, user: { name: person.name, color: person.color } }),
        passageHighlight(() => passagesRef.current),
        readOnlyExtension(() => readOnlyRef.current),
        keyboardExtension({
          onEscape: () => escapeRef.current(),
          onToolbar: () => toolbarRef.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus(),
        }),
      ],
      editorProps: { attributes: editorAttributes(label, !editable) },
    },
    [fragment],
  )

  useEffect(() => {
    onEditor?.(editor)
    return () => onEditor?.(null)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor])
  // New or resolved threads: redraw the highlights.
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(passageHighlightKey, 'refresh'))
  }, [editor, passages])
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.commands.updateUser({ name: person.name, color: person.color })
  }, [editor, person.name, person.color])
  useEffect(() => {
    editor?.setOptions({ editorProps: { attributes: editorAttributes(label, !editable) } })
  }, [editor, label, editable])

  return (
    <div className="rich-text-editor">
      {editable && editor && <Toolbar ref={toolbarRef} editor={editor as Editor} label={toolbarLabel} />}
      <EditorContent editor={editor} />
    </div>
  )
}
