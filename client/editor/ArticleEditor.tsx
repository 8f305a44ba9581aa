/**
 * One article: its derived number, its title, its body and (on request) its toelichting.
 */
import { useId, useRef, useState, type ChangeEvent } from 'react'
import type { Editor } from '@tiptap/react'
import { CommentPanel } from '../comments/CommentPanel.js'
import { useCommentContext } from '../comments/CommentContext.js'
import { useTranslation } from 'react-i18next'
import { Button, Heading3 } from '@utrecht/component-library-react/dist/css-module'
import { articleFragment, renameArticle, type OutlineArticle, type StatuteMeta } from '../../model/statuteDoc.js'
import { ArticleSource } from '../templates/ArticleSource.js'
import { AgreementBar } from '../agreements/AgreementBar.js'
import { fingerprintNow } from '../agreements/useAgreements.js'
import { readRichText, richTextToPlain } from '../../model/richText.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'
import type { Person } from '../identity/identity.js'
import { RichTextEditor } from './RichTextEditor.js'

export interface ArticleEditorProps {
  readonly connection: StatuteConnection
  readonly article: OutlineArticle
  readonly person: Person
  readonly editable: boolean
  readonly statuteId: string
  readonly meta: StatuteMeta
}

export function ArticleEditor({ connection, article, person, editable, statuteId, meta }: ArticleEditorProps) {
  const { t } = useTranslation()
  const headingId = useId()
  const titleId = useId()
  const containerRef = useRef<HTMLElement>(null)
  const [showToelichting, setShowToelichting] = useState(false)
  const [copied, setCopied] = useState(false)
  const [commentsOpen, setCommentsOpen] = useState(false)
  const [bodyEditor, setBodyEditor] = useState<Editor | null>(null)
  const comments = useCommentContext()
  const threads = (comments?.threads ?? []).filter((th) => th.articleId === article.id)
  const openThreads = threads.filter((th) => th.status === 'open')
  const unread = threads.filter((th) => th.unread).length
  const passages = openThreads.flatMap((th) => (th.anchor ? [{ threadId: th.id, anchor: th.anchor, active: commentsOpen }] : []))
  const body = articleFragment(connection.doc, article.id, 'body')
  const toelichting = articleFragment(connection.doc, article.id, 'toelichting')
  const number = article.number
  const leave = (): void => containerRef.current?.focus()

  const copyLink = async (): Promise<void> => {
    const url = `${location.origin}/statuten/${statuteId}/artikel/${article.id}`
    try {
      await navigator.clipboard.writeText(url)
    } catch {
      window.prompt(t('editor.copyLink', { number }), url)
    }
    setCopied(true)
    setTimeout(() => setCopied(false), 3000)
  }

  return (
    <article ref={containerRef} id={`artikel-${article.id}`} className="article" aria-labelledby={headingId} tabIndex={-1} data-article-id={article.id}>
      <div className="article-heading">
        <Heading3 id={headingId}>
          <span className="article-number">{t('outline.article', { number })}</span>
          <span className="visually-hidden"> {article.title}</span>
        </Heading3>
        <label htmlFor={titleId} className="visually-hidden">
          {t('editor.articleTitle', { number })}
        </label>
        <input
          id={titleId}
          className="title-input article-title-input"
          value={article.title}
          readOnly={!editable}
          maxLength={300}
          onChange={(event: ChangeEvent<HTMLInputElement>) => renameArticle(connection.doc, article.id, event.target.value)}
        />
      </div>
      <ArticleSource connection={connection} articleId={article.id} meta={meta} />
      {body && (
        <RichTextEditor
          fragment={body}
          provider={connection.provider}
          person={person}
          editable={editable}
          label={t('editor.body', { number })}
          toolbarLabel={t('editor.toolbar', { number })}
          onEscape={leave}
          passages={passages}
          onEditor={setBodyEditor}
        />
      )}
      <AgreementBar articleId={article.id} currentFingerprint={() => fingerprintNow(connection, article.id)} currentText={() => `${article.title}\n${richTextToPlain(readRichText(articleFragment(connection.doc, article.id, 'body')))}`} />
      <div className="article-actions">
        <Button appearance="subtle-button" aria-expanded={commentsOpen} onClick={() => setCommentsOpen((v) => !v)}>
          {t('comments.toggle', { count: openThreads.length })}
          {unread > 0 && <span className="unread-dot"> · {t('comments.unreadCount', { count: unread })}</span>}
        </Button>
        <Button appearance="subtle-button" aria-expanded={showToelichting} onClick={() => setShowToelichting((v) => !v)}>
          {showToelichting ? t('editor.hideToelichting') : t('editor.showToelichting')}
        </Button>
        <Button appearance="subtle-button" onClick={() => void copyLink()}>
          {t('editor.copyLink', { number })}
        </Button>
        <span role="status" className="copy-status">
          {copied ? t('editor.linkCopied') : ''}
        </span>
      </div>
      {commentsOpen && <CommentPanel articleId={article.id} articleLabel={t('outline.article', { number })} editor={bodyEditor} />}
      {showToelichting && toelichting && (
        <div className="toelichting">
          <RichTextEditor
            fragment={toelichting}
            provider={connection.provider}
            person={person}
            editable={editable}
            label={t('editor.toelichting', { number })}
            toolbarLabel={t('editor.toolbar', { number })}
            onEscape={leave}
          />
        </div>
      )}
    </article>
  )
}
