/**
 * The comment threads of one article: start a thread on the selected passage or the whole article,
 * reply, edit or delete one's own comment, resolve and reopen, mention members. Every thread says
 * which passage it is about (or that the passage's text was deleted), so screen readers know too.
 */
import { useEffect, useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '@utrecht/component-library-react/dist/css-module'
import type { Editor } from '@tiptap/react'
import type { PassageAnchor } from '../../model/anchors.js'
import { api, type ThreadView } from '../api/api.js'
import { errorMessage } from '../components/errorMessage.js'
import { useCommentContext } from './CommentContext.js'
import { anchorForSelection, resolvePassage } from './passageHighlight.js'

function MentionPicker({ selected, onChange }: { selected: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation()
  const context = useCommentContext()
  if (!context) return null
  return (
    <details className="mention-picker">
      <summary>{t('comments.mention')}{selected.length > 0 ? ` (${selected.length})` : ''}</summary>
      <fieldset>
        <legend className="visually-hidden">{t('comments.mention')}</legend>
        {context.members
          .filter((m) => m.userId !== context.userId)
          .map((m) => (
            <label key={m.userId} className="form-check">
              <input type="checkbox" checked={selected.includes(m.userId)} onChange={(e) => onChange(e.target.checked ? [...selected, m.userId] : selected.filter((id) => id !== m.userId))} />
              {m.name}
            </label>
          ))}
      </fieldset>
    </details>
  )
}

function CommentForm({ label, submitLabel, onSubmit, initial = '' }: { label: string; submitLabel: string; onSubmit: (body: string, mentions: string[]) => Promise<void>; initial?: string }) {
  const { t } = useTranslation()
  const [body, setBody] = useState(initial)
  const [mentions, setMentions] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    try {
      await onSubmit(body, mentions)
      setBody('')
      setMentions([])
      setError(null)
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }
  return (
    <form className="comment-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id} className="utrecht-form-label">
        {label}
      </label>
      <textarea id={id} className="utrecht-textarea" required maxLength={5000} value={body} onChange={(e) => setBody(e.target.value)} />
      <MentionPicker selected={mentions} onChange={setMentions} />
      {error && <p role="alert" className="form-error">{error}</p>}
      <Button type="submit" appearance="secondary-action-button">
        {submitLabel}
      </Button>
    </form>
  )
}

export interface CommentPanelProps {
  readonly articleId: string
  readonly articleLabel: string
  /** The article body's editor, for the selected passage and for where passages are now. */
  readonly editor: Editor | null
}

export function CommentPanel({ articleId, articleLabel, editor }: CommentPanelProps) {
  const { t, i18n } = useTranslation()
  const context = useCommentContext()
  const [selection, setSelection] = useState<{ anchor: PassageAnchor; quote: string } | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const threads = (context?.threads ?? []).filter((th) => th.articleId === articleId)

  // Opening the panel marks its threads as read.
  useEffect(() => {
    if (!context) return
    for (const thread of threads) if (thread.unread) void api.markRead(context.statuteId, thread.id).then(context.reload)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [threads.map((th) => `${th.id}:${th.unread}`).join()])

  if (!context) return null
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' })

  const captureSelection = (): void => {
    if (!editor) return
    // A read-only editor (commentators) does not track its selection; the page's selection does.
    let { from, to } = editor.state.selection
    const dom = window.getSelection()
    if (dom && dom.rangeCount > 0 && dom.anchorNode && dom.focusNode && editor.view.dom.contains(dom.anchorNode) && editor.view.dom.contains(dom.focusNode)) {
      const a = editor.view.posAtDOM(dom.anchorNode, dom.anchorOffset)
      const b = editor.view.posAtDOM(dom.focusNode, dom.focusOffset)
      from = Math.min(a, b)
      to = Math.max(a, b)
    }
    const anchor = anchorForSelection(editor.state, from, to)
    setSelection(anchor ? { anchor, quote: editor.state.doc.textBetween(from, to, ' ') } : null)
  }

  const passageState = (thread: ThreadView): 'article' | 'passage' | 'deleted' => {
    if (!thread.anchor) return 'article'
    if (!editor) return 'passage'
    return resolvePassage(editor.state, thread.anchor) ? 'passage' : 'deleted'
  }

  const ordered = [...threads.filter((th) => th.status === 'open'), ...threads.filter((th) => th.status === 'resolved')]
  return (
    <section className="comment-panel" aria-label={t('comments.panelLabel', { article: articleLabel })}>
      {context.canComment && (
        <div className="comment-new">
          <div className="comment-target">
            <Button appearance="subtle-button" onMouseDown={(e) => e.preventDefault()} onClick={captureSelection}>
              {t('comments.useSelection')}
            </Button>
            <span aria-live="polite">{selection ? t('comments.aboutPassage', { quote: selection.quote }) : t('comments.aboutArticle')}</span>
            {selection && (
              <Button appearance="subtle-button" onClick={() => setSelection(null)}>
                {t('comments.wholeArticle')}
              </Button>
            )}
          </div>
          <CommentForm
            label={t('comments.newLabel')}
            submitLabel={t('comments.start')}
            onSubmit={async (body, mentions) => {
              await api.startThread(context.statuteId, { articleId, ...(selection ? { anchor: selection.anchor, quote: selection.quote } : {}), body, mentions })
              setSelection(null)
              context.reload()
            }}
          />
        </div>
      )}
      {ordered.length === 0 && <p>{t('comments.none')}</p>}
      <ol className="thread-list">
        {ordered.map((thread) => {
          const where = passageState(thread)
          const about = where === 'article' ? t('comments.aboutArticle') : where === 'deleted' ? t('comments.textDeleted', { quote: thread.quote ?? '' }) : t('comments.aboutPassage', { quote: thread.quote ?? '' })
          const mayResolve = context.canResolveAll || thread.createdBy === context.userId
          return (
            <li key={thread.id} className={`thread thread--${thread.status}${where === 'deleted' ? ' thread--deleted' : ''}`} data-thread={thread.id}>
              <article aria-label={about}>
                <p className="thread-about">
                  {about}
                  {thread.status === 'resolved' && <span className="thread-badge"> · {t('comments.resolved')}</span>}
                  {thread.unread && <span className="thread-badge thread-badge--unread"> · {t('comments.unread')}</span>}
                </p>
                <ul className="comment-list">
                  {thread.comments.map((comment) => (
                    <li key={comment.id} className="comment">
                      <span className="comment-meta">
                        {comment.authorName}, {date.format(new Date(comment.createdAt))}
                        {comment.editedAt && !comment.deletedAt && ` (${t('comments.edited')})`}
                      </span>
                      {comment.deletedAt ? (
                        <p className="comment-deleted">{t('comments.removed')}</p>
                      ) : editing === comment.id ? (
                        <CommentForm
                          label={t('comments.editLabel')}
                          submitLabel={t('comments.save')}
                          initial={comment.body}
                          onSubmit={async (body, mentions) => {
                            await api.editComment(context.statuteId, comment.id, body, mentions)
                            setEditing(null)
                            context.reload()
                          }}
                        />
                      ) : (
                        <p className="comment-body">{comment.body}</p>
                      )}
                      {comment.authorId === context.userId && !comment.deletedAt && editing !== comment.id && (
                        <span className="comment-actions">
                          <Button appearance="subtle-button" onClick={() => setEditing(comment.id)}>
                            {t('comments.edit')}
                          </Button>
                          <Button appearance="subtle-button" onClick={() => void api.deleteComment(context.statuteId, comment.id).then(context.reload)}>
                            {t('comments.delete')}
                          </Button>
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
                {context.canComment && thread.status === 'open' && (
                  <CommentForm label={t('comments.replyLabel')} submitLabel={t('comments.reply')} onSubmit={async (body, mentions) => { await api.reply(context.statuteId, thread.id, body, mentions); context.reload() }} />
                )}
                {mayResolve && (
                  <Button appearance="subtle-button" onClick={() => void api.setThreadStatus(context.statuteId, thread.id, thread.status === 'open' ? 'resolved' : 'open').then(context.reload)}>
                    {thread.status === 'open' ? t('comments.resolve') : t('comments.reopen')}
                  </Button>
                )}
              </article>
            </li>
          )
        })}
      </ol>
    </section>
  )
}
