/**
 * The statute's table of contents: chapters and articles with their derived numbers, links to
 * each article, drag-and-drop reordering (pointer and keyboard, via dnd-kit), structure undo,
 * and the list of deleted items that can be restored.
 */
import { useTranslation } from 'react-i18next'
import { Link as RouterLink } from 'wouter'
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core'
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { Button } from '@utrecht/component-library-react/dist/css-module'
import { moveArticle, moveChapter, restoreItem, type Outline as OutlineData } from '../../model/statuteDoc.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'
import { useUndoState } from '../collaboration/hooks.js'

const chapterKey = (id: string) => `c:${id}`
const articleKey = (id: string) => `a:${id}`

export interface OutlineProps {
  readonly connection: StatuteConnection
  readonly outline: OutlineData
  readonly statuteId: string
  readonly editable: boolean
  readonly onAddChapter: () => void
  readonly onNavigate: (articleId: string) => void
  /** Open comment threads per article. */
  readonly commentCounts?: ReadonlyMap<string, number>
}

export function Outline({ connection, outline, statuteId, editable, onAddChapter, onNavigate, commentCounts }: OutlineProps) {
  const { t } = useTranslation()
  const { canUndo, canRedo } = useUndoState(connection)
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }))

  const labelOf = (key: string | number): string => {
    const [kind, id] = String(key).split(':')
    if (kind === 'c') {
      const chapter = outline.chapters.find((c) => c.id === id)
      return chapter ? `${t('outline.chapter', { number: chapter.number })} ${chapter.title}` : ''
    }
    for (const chapter of outline.chapters) {
      const article = chapter.articles.find((a) => a.id === id)
      if (article) return `${t('outline.article', { number: article.number })} ${article.title}`
    }
    return ''
  }
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('outline.dragStart', { item: labelOf(active.id) }),
    onDragOver: () => undefined,
    onDragEnd: ({ active, over }) => {
      const [, overId] = String(over?.id ?? '').split(':')
      const position = outline.chapters.findIndex((c) => c.id === overId) + 1 || outline.chapters.flatMap((c) => c.articles).find((a) => a.id === overId)?.number
      return position ? t('outline.moved', { item: labelOf(active.id), position }) : t('outline.dragCancel')
    },
    onDragCancel: () => t('outline.dragCancel'),
  }

  const onDragEnd = ({ active, over }: DragEndEvent): void => {
    if (!over || active.id === over.id) return
    connection.step(() => drop(String(active.id), String(over.id)))
  }

  const drop = (activeKey: string, overKey: string): void => {
    const [activeKind, activeId] = activeKey.split(':') as [string, string]
    const [overKind, overId] = overKey.split(':') as [string, string]
    if (activeKind === 'c' && overKind === 'c') {
      moveChapter(connection.doc, activeId, outline.chapters.findIndex((c) => c.id === overId))
    } else if (activeKind === 'a' && overKind === 'a') {
      const target = outline.chapters.find((c) => c.articles.some((a) => a.id === overId))
      if (target) moveArticle(connection.doc, activeId, target.id, target.articles.findIndex((a) => a.id === overId))
    } else if (activeKind === 'a' && overKind === 'c') {
      const target = outline.chapters.find((c) => c.id === overId)
      if (target) moveArticle(connection.doc, activeId, target.id, target.articles.length)
    }
  }

  return (
    <nav className="outline" aria-labelledby="outline-title">
      <h2 id="outline-title" className="outline-title">
        {t('outline.title')}
      </h2>
      {editable && (
        <div className="outline-tools">
          <Button appearance="secondary-action-button" disabled={!canUndo} onClick={() => connection.undoManager.undo()}>
            {t('outline.undo')}
          </Button>
          <Button appearance="secondary-action-button" disabled={!canRedo} onClick={() => connection.undoManager.redo()}>
            {t('outline.redo')}
          </Button>
          <Button appearance="secondary-action-button" onClick={onAddChapter}>
            {t('outline.addChapter')}
          </Button>
        </div>
      )}
      {outline.chapters.length === 0 && <p>{t('outline.noChapters')}</p>}
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={{ announcements }}>
        <SortableContext items={outline.chapters.map((c) => chapterKey(c.id))} strategy={verticalListSortingStrategy}>
          <ol className="outline-chapters">
            {outline.chapters.map((chapter) => (
              <SortableRow key={chapter.id} sortKey={chapterKey(chapter.id)} label={labelOf(chapterKey(chapter.id))} editable={editable} className="outline-chapter">
                <a href={`#hoofdstuk-${chapter.id}`} className="outline-link outline-link--chapter">
                  <span className="outline-number">{t('outline.chapter', { number: chapter.number })}</span> {chapter.title || t('outline.untitled')}
                </a>
                <SortableContext items={chapter.articles.map((a) => articleKey(a.id))} strategy={verticalListSortingStrategy}>
                  <ol className="outline-articles">
                    {chapter.articles.map((article) => (
                      <SortableRow key={article.id} sortKey={articleKey(article.id)} label={labelOf(articleKey(article.id))} editable={editable} className="outline-article">
                        <RouterLink
                          href={`/statuten/${statuteId}/artikel/${article.id}`}
                          className="outline-link"
                          onClick={() => onNavigate(article.id)}
                        >
                          <span className="outline-number">{t('outline.article', { number: article.number })}</span> {article.title || t('outline.untitled')}
                          {(commentCounts?.get(article.id) ?? 0) > 0 && <span className="outline-comments"> · {t('comments.count', { count: commentCounts?.get(article.id) ?? 0 })}</span>}
                        </RouterLink>
                      </SortableRow>
                    ))}
                  </ol>
                </SortableContext>
              </SortableRow>
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      {outline.deleted.length > 0 && (
        <details className="outline-deleted">
          <summary>
            {t('outline.deleted')} ({outline.deleted.length})
          </summary>
          <ul>
            {outline.deleted.map((item) => (
              <li key={`${item.kind}:${item.id}`}>
                <span>{item.title || t('outline.untitled')}</span>{' '}
                {editable && (
                  <Button appearance="subtle-button" onClick={() => connection.step(() => restoreItem(connection.doc, item.kind, item.id))}>
                    {t('outline.restore', { item: item.title || t('outline.untitled') })}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </nav>
  )
}

function SortableRow({ sortKey, label, editable, className, children }: { sortKey: string; label: string; editable: boolean; className: string; children: React.ReactNode }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: sortKey, disabled: !editable })
  return (
    <li ref={setNodeRef} className={`${className}${isDragging ? ' is-dragging' : ''}`} style={{ transform: CSS.Transform.toString(transform), transition }}>
      <div className="outline-row">
        {editable && (
          <button type="button" ref={setActivatorNodeRef} className="drag-handle" {...attributes} {...listeners} aria-label={t('outline.dragHandle', { item: label })}>
            <span aria-hidden="true">⠿</span>
          </button>
        )}
        <div className="outline-row-content">{children}</div>
      </div>
    </li>
  )
}
