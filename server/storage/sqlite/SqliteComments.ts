/**
 * Comment threads in SQLite.
 */
import type Database from 'better-sqlite3'
import type { CommentRecord, CommentStore, ThreadRecord } from '../CommentStore.js'
import { statement } from './statements.js'

const THREAD_COLUMNS = `id, statute_id AS statuteId, article_id AS articleId, anchor, quote, status, created_by AS createdBy, created_at AS createdAt,
  resolved_by AS resolvedBy, resolved_at AS resolvedAt`
const COMMENT_COLUMNS = `c.id, c.thread_id AS threadId, c.author_id AS authorId, c.body, c.mentions, c.created_at AS createdAt, c.edited_at AS editedAt, c.deleted_at AS deletedAt`

const SQL = {
  insertThread: `INSERT INTO comment_threads (id, statute_id, article_id, anchor, quote, status, created_by, created_at, resolved_by, resolved_at)
                 VALUES (@id, @statuteId, @articleId, @anchor, @quote, @status, @createdBy, @createdAt, @resolvedBy, @resolvedAt)`,
  listThreads: `SELECT ${THREAD_COLUMNS} FROM comment_threads WHERE statute_id = ? ORDER BY created_at`,
  getThread: `SELECT ${THREAD_COLUMNS} FROM comment_threads WHERE id = ?`,
  setStatus: `UPDATE comment_threads SET status = ?, resolved_by = ?, resolved_at = ? WHERE id = ?`,
  insertComment: `INSERT INTO comments (id, thread_id, author_id, body, mentions, created_at, edited_at, deleted_at)
                  VALUES (@id, @threadId, @authorId, @body, @mentions, @createdAt, @editedAt, @deletedAt)`,
  listComments: `SELECT ${COMMENT_COLUMNS} FROM comments c JOIN comment_threads t ON t.id = c.thread_id WHERE t.statute_id = ? ORDER BY c.created_at, c.id`,
  getComment: `SELECT ${COMMENT_COLUMNS} FROM comments c WHERE c.id = ?`,
  editComment: `UPDATE comments SET body = ?, mentions = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL`,
  deleteComment: `UPDATE comments SET body = '', mentions = '[]', deleted_at = ? WHERE id = ? AND deleted_at IS NULL`,
  markRead: `INSERT INTO comment_reads (user_id, thread_id, read_at) VALUES (?, ?, ?) ON CONFLICT (user_id, thread_id) DO UPDATE SET read_at = excluded.read_at`,
  reads: `SELECT r.thread_id AS threadId, r.read_at AS readAt FROM comment_reads r JOIN comment_threads t ON t.id = r.thread_id WHERE r.user_id = ? AND t.statute_id = ?`,
} as const

type CommentRow = Omit<CommentRecord, 'mentions'> & { mentions: string }
const toComment = (row: CommentRow): CommentRecord => ({ ...row, mentions: JSON.parse(row.mentions) as string[] })

export class SqliteComments implements CommentStore {
  constructor(private readonly db: Database.Database) {}

  async createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    this.db.transaction(() => {
      statement(this.db, SQL.insertThread).run(thread)
      statement(this.db, SQL.insertComment).run({ ...first, mentions: JSON.stringify(first.mentions) })
    })()
  }
  async listThreads(statuteId: string): Promise<ThreadRecord[]> {
    return statement(this.db, SQL.listThreads).all(statuteId) as ThreadRecord[]
  }
  async getThread(threadId: string): Promise<ThreadRecord | undefined> {
    return statement(this.db, SQL.getThread).get(threadId) as ThreadRecord | undefined
  }
  async setThreadStatus(threadId: string, status: 'open' | 'resolved', by: string | null, at: string | null): Promise<void> {
    statement(this.db, SQL.setStatus).run(status, by, at, threadId)
  }
  async addComment(comment: CommentRecord): Promise<void> {
    statement(this.db, SQL.insertComment).run({ ...comment, mentions: JSON.stringify(comment.mentions) })
  }
  async listComments(statuteId: string): Promise<CommentRecord[]> {
    return (statement(this.db, SQL.listComments).all(statuteId) as CommentRow[]).map(toComment)
  }
  async getComment(commentId: string): Promise<CommentRecord | undefined> {
    const row = statement(this.db, SQL.getComment).get(commentId) as CommentRow | undefined
    return row ? toComment(row) : undefined
  }
  async editComment(commentId: string, body: string, mentions: readonly string[], at: string): Promise<void> {
    statement(this.db, SQL.editComment).run(body, JSON.stringify(mentions), at, commentId)
  }
  async deleteComment(commentId: string, at: string): Promise<void> {
    statement(this.db, SQL.deleteComment).run(at, commentId)
  }
  async markRead(userId: string, threadId: string, at: string): Promise<void> {
    statement(this.db, SQL.markRead).run(userId, threadId, at)
  }
  async readsOf(userId: string, statuteId: string): Promise<Map<string, string>> {
    return new Map((statement(this.db, SQL.reads).all(userId, statuteId) as Array<{ threadId: string; readAt: string }>).map((r) => [r.threadId, r.readAt]))
  }
}
