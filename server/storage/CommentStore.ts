/**
 * Storage contract for comment threads. Comments live outside the text document, so commentators
 * can write them without write access to the text.
 */
export interface ThreadRecord {
  readonly id: string
  readonly statuteId: string
  readonly articleId: string
  /** Opaque anchor of a passage (relative positions in the article body), or null for the whole article. */
  readonly anchor: string | null
  /** The passage's text when the thread was started. */
  readonly quote: string | null
  readonly status: 'open' | 'resolved'
  readonly createdBy: string
  readonly createdAt: string
  readonly resolvedBy: string | null
  readonly resolvedAt: string | null
}

export interface CommentRecord {
  readonly id: string
  readonly threadId: string
  readonly authorId: string
  readonly body: string
  /** User ids mentioned with @. */
  readonly mentions: readonly string[]
  readonly createdAt: string
  readonly editedAt: string | null
  readonly deletedAt: string | null
}

export interface CommentStore {
  createThread(thread: ThreadRecord, first: CommentRecord): Promise<void>
  listThreads(statuteId: string): Promise<ThreadRecord[]>
  getThread(threadId: string): Promise<ThreadRecord | undefined>
  setThreadStatus(threadId: string, status: 'open' | 'resolved', by: string | null, at: string | null): Promise<void>
  addComment(comment: CommentRecord): Promise<void>
  listComments(statuteId: string): Promise<CommentRecord[]>
  getComment(commentId: string): Promise<CommentRecord | undefined>
  editComment(commentId: string, body: string, mentions: readonly string[], at: string): Promise<void>
  deleteComment(commentId: string, at: string): Promise<void>
  markRead(userId: string, threadId: string, at: string): Promise<void>
  readsOf(userId: string, statuteId: string): Promise<Map<string, string>>
}
