/**
 * The statute editor: title and organisation, connection state and presence, the outline, and
 * every chapter with its articles. All structure changes go through the model's functions.
 */
import { useEffect, useId, useState, type ChangeEvent, type FocusEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Heading2, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import {
  addArticle,
  addChapter,
  deleteItem,
  moveArticleBy,
  moveChapterBy,
  renameChapter,
  restoreItem,
  setMetaField,
  type OutlineChapter,
  type StatuteMeta,
} from '../../model/statuteDoc.js'
import { usePerson, useSession, type Person } from '../identity/identity.js'
import { api, type Me } from '../api/api.js'
import { CloseCode } from '../../model/protocol.js'
import { Link as RouterLink } from 'wouter'
import { useConnectionState, useOutline, usePresence, useStatuteConnection } from '../collaboration/hooks.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'
import { ConnectionStatus } from '../components/ConnectionStatus.js'
import { PresenceList } from '../presence/PresenceList.js'
import { Outline } from '../outline/Outline.js'
import { ArticleEditor } from './ArticleEditor.js'
import { LazyMount } from '../components/LazyMount.js'
import { ClauseLibrary } from '../templates/ClauseLibrary.js'
import { ExportDialog } from '../export/ExportDialog.js'
import { FormalitiesEditor } from './FormalitiesEditor.js'
import { AgreementContext } from '../agreements/AgreementContext.js'
import { CommentContext } from '../comments/CommentContext.js'
import { useThreads } from '../comments/useThreads.js'
import { canComment as roleCanComment, canEditText } from '../../model/roles.js'
import type { Member } from '../api/api.js'
import { useAgreementOverview, useLiveFingerprints, useLiveStates } from '../agreements/useAgreements.js'

export function StatuteEditor({ statuteId, articleId }: { statuteId: string; articleId?: string }) {
  const person = usePerson()
  return <ConnectedEditor key={statuteId} statuteId={statuteId} articleId={articleId} person={person} />
}

/** The caller's role in the statute, re-read whenever `key` (rights version, phase) changes. */
function useMe(statuteId: string, key: string): Me | null {
  const [me, setMe] = useState<Me | null>(null)
  useEffect(() => {
    let current = true
    // A failed read (e.g. while the server restarts) keeps the rights we knew: the server enforces
    // them anyway, and the editor should not flip to read-only because of a network hiccup.
    let retry: ReturnType<typeof setTimeout> | undefined
    const load = (attempt: number): void => {
      api.getStatute(statuteId).then(
        (statute) => current && setMe(statute.me),
        // Try again (the server may be restarting); until then the known rights stay.
        () => {
          if (current && attempt < 30) retry = setTimeout(() => load(attempt + 1), 1000)
        },
      )
    }
    load(0)
    return () => {
      current = false
      clearTimeout(retry)
    }
  }, [statuteId, key])
  return me
}

function countsByArticle(threads: ReadonlyArray<{ articleId: string; status: string }>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const thread of threads) if (thread.status === 'open') counts.set(thread.articleId, (counts.get(thread.articleId) ?? 0) + 1)
  return counts
}

function scrollToArticle(articleId: string): void {
  // After the route change has rendered.
  requestAnimationFrame(() => {
    const element = document.getElementById(`artikel-${articleId}`)
    element?.scrollIntoView({ block: 'start' })
    element?.focus({ preventScroll: true })
  })
}

function ConnectedEditor({ statuteId, articleId, person }: { statuteId: string; articleId?: string; person: Person }) {
  const { t } = useTranslation()
  const connection = useStatuteConnection(statuteId, person)
  const state = useConnectionState(connection)
  const { outline, meta } = useOutline(connection)
  const people = usePresence(connection)
  const { overview, reload } = useAgreementOverview(statuteId)
  // Rights and the phase (frozen text) come from the server; re-read when either changes.
  const me = useMe(statuteId, `${state.accessVersion}:${overview?.phase ?? ''}`)
  const fingerprints = useLiveFingerprints(connection, state.ready)
  const states = useLiveStates(overview, fingerprints)
  const agreementContext = { statuteId, overview, states, fingerprints, me, reload }
  const { threads, reload: reloadThreads } = useThreads(statuteId)
  const [members, setMembers] = useState<Member[]>([])
  useEffect(() => {
    api.listMembers(statuteId).then(setMembers, () => undefined)
  }, [statuteId])
  const commentContext = {
    statuteId,
    threads,
    members,
    canComment: roleCanComment(me?.role),
    canResolveAll: canEditText(me?.role),
    userId: me?.userId ?? '',
    reload: reloadThreads,
  }
  const { refresh } = useSession()
  // The server enforces this too: a reader's changes are dropped whatever the client does.
  const editable = state.status !== 'refused' && me?.canEdit === true
  const titleId = useId()
  const orgId = useId()
  // The article this person last worked in; if someone else deletes it, say so and offer it back.
  const [activeArticle, setActiveArticle] = useState<string | null>(null)
  const [libraryOpen, setLibraryOpen] = useState(false)
  const [exporting, setExporting] = useState(false)
  const deletedActive = outline.deleted.find((item) => item.kind === 'article' && item.id === activeArticle)
  const trackFocus = (event: FocusEvent<HTMLDivElement>): void => {
    const id = (event.target as HTMLElement).closest<HTMLElement>('[data-article-id]')?.dataset.articleId
    if (id) setActiveArticle(id)
  }

  useEffect(() => {
    document.title = `${meta.title || t('editor.loading')} – Samenspel`
  }, [meta.title, t])
  // Open at the article of the link, once it exists in the document.
  const articleExists = articleId ? outline.chapters.some((c) => c.articles.some((a) => a.id === articleId)) : false
  useEffect(() => {
    if (articleId && articleExists) scrollToArticle(articleId)
  }, [articleId, articleExists])

  if (state.status === 'refused' && state.refusal?.code === CloseCode.notFound) {
    return (
      <main id="main" className="page" tabIndex={-1}>
        <Alert type="error">{t('editor.notFound')}</Alert>
      </main>
    )
  }
  if (state.status === 'refused' && state.refusal?.code === CloseCode.unauthorized) {
    return (
      <main id="main" className="page" tabIndex={-1}>
        <Alert type="warning">{t('auth.expired')}</Alert>
        <Button appearance="primary-action-button" onClick={() => void refresh()}>
          {t('auth.signInSubmit')}
        </Button>
      </main>
    )
  }

  const addChapterAtEnd = (): void => {
    const articleIdNew = connection.step(() => {
      const chapterId = addChapter(connection.doc, { title: t('outline.newChapter') })
      return addArticle(connection.doc, chapterId, { title: t('outline.newArticle') })
    })
    scrollToArticle(articleIdNew)
  }

  return (
    <AgreementContext.Provider value={agreementContext}>
    <CommentContext.Provider value={commentContext}>
    <main id="main" className="page page--editor" tabIndex={-1}>
      <div className="editor-top">
        <div className="statute-meta">
          <label htmlFor={titleId} className="visually-hidden">
            {t('editor.statuteTitle')}
          </label>
          <h1 className="statute-title-heading">
            <input
              id={titleId}
              className="title-input statute-title-input"
              value={meta.title}
              readOnly={!editable}
              maxLength={300}
              onChange={(e: ChangeEvent<HTMLInputElement>) => setMetaField(connection.doc, 'title', e.target.value)}
            />
          </h1>
          <label htmlFor={orgId} className="meta-label">
            {t('editor.organisation')}
          </label>{' '}
          <input
            id={orgId}
            className="title-input organisation-input"
            value={meta.organisation}
            readOnly={!editable}
            maxLength={200}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setMetaField(connection.doc, 'organisation', e.target.value)}
          />
          {state.ready && <FormalitiesEditor connection={connection} meta={meta} editable={editable} />}
        </div>
        <div className="editor-status">
          <ConnectionStatus state={state} />
          <RouterLink href={`/statuten/${statuteId}/leden`} className="utrecht-link">
            {t('members.manage')}
          </RouterLink>
          <RouterLink href={`/statuten/${statuteId}/reacties`} className="utrecht-link">
            {t('comments.listLink', { count: threads.filter((th) => th.status === 'open').length })}
          </RouterLink>
          <RouterLink href={`/statuten/${statuteId}/instemming`} className="utrecht-link">
            {t('agreements.overviewLink')}
          </RouterLink>
          {overview && <span className="phase-badge" data-testid="phase">{t(`phases.${overview.phase}`)}</span>}
          <Button appearance="secondary-action-button" onClick={() => setExporting(true)}>
            {t('export.open')}
          </Button>
          {exporting && <ExportDialog statuteId={statuteId} onClose={() => setExporting(false)} />}
          {editable && (
            <Button appearance="secondary-action-button" aria-expanded={libraryOpen} onClick={() => setLibraryOpen((open) => !open)}>
              {libraryOpen ? t('library.close') : t('library.open')}
            </Button>
          )}
          <PresenceList people={people} />
        </div>
      </div>
      {!state.ready && state.status !== 'refused' && <Paragraph role="status">{t('editor.loading')}</Paragraph>}
      {me && !me.canEdit && (
        <Alert type="info" data-testid="read-only">
          {t('readOnly.banner', { role: t(`roles.${me.role}`) })}
        </Alert>
      )}
      <div className="deleted-notice-region">
        {deletedActive && (
          <Alert type="warning">
            <Paragraph>{t('editor.deletedWhileEditing', { title: deletedActive.title || t('outline.untitled') })}</Paragraph>
            <Button appearance="secondary-action-button" onClick={() => connection.step(() => restoreItem(connection.doc, 'article', deletedActive.id))}>
              {t('outline.restore', { item: deletedActive.title || t('outline.untitled') })}
            </Button>{' '}
            <Button appearance="subtle-button" onClick={() => setActiveArticle(null)}>
              {t('editor.dismiss')}
            </Button>
          </Alert>
        )}
      </div>
      {state.ready && (
        <div className={`editor-layout${libraryOpen && editable ? ' editor-layout--library' : ''}`}>
          <Outline connection={connection} outline={outline} statuteId={statuteId} editable={editable} onAddChapter={addChapterAtEnd} onNavigate={scrollToArticle} commentCounts={countsByArticle(threads)} />
          <div className="chapters" onFocus={trackFocus}>
            {outline.chapters.map((chapter) => (
              <ChapterSection key={chapter.id} connection={connection} chapter={chapter} person={person} editable={editable} statuteId={statuteId} meta={meta} isFirst={chapter.number === 1} isLast={chapter.number === outline.chapters.length} onDeleteArticle={(id) => setActiveArticle((current) => (current === id ? null : current))} />
            ))}
          </div>
          {libraryOpen && editable && <ClauseLibrary connection={connection} outline={outline} meta={meta} onInserted={scrollToArticle} />}
        </div>
      )}
    </main>
    </CommentContext.Provider>
    </AgreementContext.Provider>
  )
}

interface ChapterSectionProps {
  readonly connection: StatuteConnection
  readonly chapter: OutlineChapter
  readonly person: Person
  readonly editable: boolean
  readonly statuteId: string
  readonly isFirst: boolean
  readonly isLast: boolean
  readonly meta: StatuteMeta
  /** Called when this person deletes an article (so no "someone else deleted" notice appears). */
  readonly onDeleteArticle: (id: string) => void
}

function ChapterSection({ connection, chapter, person, editable, statuteId, meta, isFirst, isLast, onDeleteArticle }: ChapterSectionProps) {
  const { t } = useTranslation()
  const headingId = useId()
  const inputId = useId()
  const chapterLabel = `${t('outline.chapter', { number: chapter.number })} ${chapter.title}`
  const doc = connection.doc
  return (
    <section id={`hoofdstuk-${chapter.id}`} className="chapter" aria-labelledby={headingId}>
      <div className="chapter-heading">
        <Heading2 id={headingId}>
          <span className="chapter-number">{t('outline.chapter', { number: chapter.number })}</span>
          <span className="visually-hidden"> {chapter.title}</span>
        </Heading2>
        <label htmlFor={inputId} className="visually-hidden">
          {t('editor.chapterTitle', { number: chapter.number })}
        </label>
        <input
          id={inputId}
          className="title-input chapter-title-input"
          value={chapter.title}
          readOnly={!editable}
          maxLength={300}
          onChange={(e: ChangeEvent<HTMLInputElement>) => renameChapter(doc, chapter.id, e.target.value)}
        />
        {editable && (
          <div className="item-actions">
            <Button appearance="subtle-button" disabled={isFirst} onClick={() => connection.step(() => moveChapterBy(doc, chapter.id, -1))}>
              {t('outline.moveUp', { item: t('outline.chapter', { number: chapter.number }) })}
            </Button>
            <Button appearance="subtle-button" disabled={isLast} onClick={() => connection.step(() => moveChapterBy(doc, chapter.id, 1))}>
              {t('outline.moveDown', { item: t('outline.chapter', { number: chapter.number }) })}
            </Button>
            <Button appearance="subtle-button" hint="danger" onClick={() => connection.step(() => deleteItem(doc, 'chapter', chapter.id))}>
              {t('outline.delete', { item: chapterLabel })}
            </Button>
          </div>
        )}
      </div>
      {chapter.articles.map((article, index) => (
        <div key={article.id} className="article-wrapper">
          <LazyMount minHeight={160} anchorId={`artikel-${article.id}`}>
            <ArticleEditor connection={connection} article={article} person={person} editable={editable} statuteId={statuteId} meta={meta} />
          </LazyMount>
          {editable && (
            <div className="item-actions">
              <Button appearance="subtle-button" disabled={isFirst && index === 0} onClick={() => connection.step(() => moveArticleBy(doc, article.id, -1))}>
                {t('outline.moveUp', { item: t('outline.article', { number: article.number }) })}
              </Button>
              <Button appearance="subtle-button" disabled={isLast && index === chapter.articles.length - 1} onClick={() => connection.step(() => moveArticleBy(doc, article.id, 1))}>
                {t('outline.moveDown', { item: t('outline.article', { number: article.number }) })}
              </Button>
              <Button appearance="subtle-button" hint="danger" onClick={() => {
                  onDeleteArticle(article.id)
                  connection.step(() => deleteItem(doc, 'article', article.id))
                }}>
                {t('outline.delete', { item: t('outline.article', { number: article.number }) })}
              </Button>
            </div>
          )}
        </div>
      ))}
      {editable && (
        <Button
          appearance="secondary-action-button"
          onClick={() => {
            const id = connection.step(() => addArticle(doc, chapter.id, { title: t('outline.newArticle') }))
            scrollToArticle(id)
          }}
        >
          {t('outline.addArticle')}
        </Button>
      )}
    </section>
  )
}
