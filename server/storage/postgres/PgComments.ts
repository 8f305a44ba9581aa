/**
 * Comment threads in PostgreSQL. Mentions are stored as JSON text, as in SQLite.
 */
import type { CommentRecord, CommentStore, ThreadRecord } from '../CommentStore.js'
import type { PgDatabase, Queryable } from './pgDatabase.js'

const THREAD_COLUMNS = `id, statute_id AS "statuteId", article_id AS "articleId", anchor, quote, status, created_by AS "createdBy", created_at AS "createdAt",
  resolved_by AS "resolvedBy", resolved_at AS "resolvedAt"`
const COMMENT_COLUMNS = `c.id, c.thread_id AS "threadId", c.author_id AS "authorId", c.body, c.mentions, c.created_at AS "createdAt", c.edited_at AS "editedAt", c.deleted_at AS "deletedAt"`

// Text is ordered by code point (COLLATE "C"), as SQLite's default BINARY collation does.
const SQL = {
  insertThread: `INSERT INTO comment_threads (id, statute_id, article_id, anchor, quote, status, created_by, created_at, resolved_by, resolved_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  listThreads: `SELECT ${THREAD_COLUMNS} FROM comment_threads WHERE statute_id = $1 ORDER BY created_at COLLATE "C"`,
  getThread: `SELECT ${THREAD_COLUMNS} FROM comment_threads WHERE id = $1`,
  setStatus: `UPDATE comment_threads SET status = $1, resolved_by = $2, resolved_at = $3 WHERE id = $4`,
  insertComment: `INSERT INTO comments (id, thread_id, author_id, body, mentions, created_at, edited_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  listComments: `SELECT ${COMMENT_COLUMNS} FROM comments c JOIN comment_threads t ON t.id = c.thread_id WHERE t.statute_id = $1
                 ORDER BY c.created_at COLLATE "C", c.id COLLATE "C"`,
  getComment: `SELECT ${COMMENT_COLUMNS} FROM comments c WHERE c.id = $1`,
  editComment: `UPDATE comments SET body = $1, mentions = $2, edited_at = $3 WHERE id = $4 AND deleted_at IS NULL`,
  deleteComment: `UPDATE comments SET body = '', mentions = '[]', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL`,
  markRead: `INSERT INTO comment_reads (user_id, thread_id, read_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, thread_id) DO UPDATE SET read_at = excluded.read_at`,
  reads: `SELECT r.thread_id AS "threadId", r.read_at AS "readAt" FROM comment_reads r JOIN comment_threads t ON t.id = r.thread_id WHERE r.user_id = $1 AND t.statute_id = $2`,
} as const

type CommentRow = Omit<CommentRecord, 'mentions'> & { mentions: string }
const toComment = (row: CommentRow): CommentRecord => ({ ...row, mentions: JSON.parse(row.mentions) as string[] })

async function insertComment(db: Queryable, c: CommentRecord): Promise<void> {
  await db.query(SQL.insertComment, [c.id, c.threadId, c.authorId, c.body, JSON.stringify(c.mentions), c.createdAt, c.editedAt, c.deletedAt])
}

export class PgComments implements CommentStore {
  constructor(private readonly db: PgDatabase) {}

  async createThread(t: ThreadRecord, first: CommentRecord): Promise<void> {
    await this.db.transaction(async (client) => {
      await client.query(SQL.insertThread, [t.id, t.statuteId, t.articleId, t.anchor, t.quote, t.status, t.createdBy, t.createdAt, t.resolvedBy, t.resolvedAt])
      await insertComment(client, first)
    })
  }
  async listThreads(statuteId: string): Promise<ThreadRecord[]> {
    return (await this.db.query<ThreadRecord>(SQL.listThreads, [statuteId])).rows
  }
  async getThread(threadId: string): Promise<ThreadRecord | undefined> {
    return (await this.db.query<ThreadRecord>(SQL.getThread, [threadId])).rows[0]
  }
  async setThreadStatus(threadId: string, status: 'open' | 'resolved', by: string | null, at: string | null): Promise<void> {
    await this.db.query(SQL.setStatus, [status, by, at, threadId])
  }
  async addComment(comment: CommentRecord): Promise<void> {
    await insertComment(this.db, comment)
  }
  async listComments(statuteId: string): Promise<CommentRecord[]> {
    return (await this.db.query<CommentRow>(SQL.listComments, [statuteId])).rows.map(toComment)
  }
  async getComment(commentId: string): Promise<CommentRecord | undefined> {
    const row = (await this.db.query<CommentRow>(SQL.getComment, [commentId])).rows[0]
    return row ? toComment(row) : undefined
  }
  async editComment(commentId: string, body: string, mentions: readonly string[], at: string): Promise<void> {
    await this.db.query(SQL.editComment, [body, JSON.stringify(mentions), at, commentId])
  }
  async deleteComment(commentId: string, at: string): Promise<void> {
    await this.db.query(SQL.deleteComment, [at, commentId])
  }
  async markRead(userId: string, threadId: string, at: string): Promise<void> {
    await this.db.query(SQL.markRead, [userId, threadId, at])
  }
  async readsOf(userId: string, statuteId: string): Promise<Map<string, string>> {
    const rows = (await this.db.query<{ threadId: string; readAt: string }>(SQL.reads, [userId, statuteId])).rows
    return new Map(rows.map((r) => [r.threadId, r.readAt]))
  }
}
