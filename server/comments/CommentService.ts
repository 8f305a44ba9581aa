/**
 * Comment threads on articles and passages. Every member except readers may comment (also without
 * write access to the text); authors edit and delete their own comments (a deleted comment stays
 * as "verwijderd"); the thread's author, redacteuren and beheerders resolve and reopen. Mentions
 * put a thread in the mentioned member's "voor mij" list. Changes are pushed live.
 */
import { newId } from '../../model/ids.js'
import { canComment, canEditText, type Role } from '../../model/roles.js'
import type { Principal } from '../auth/AuthService.js'
import type { AccessService } from '../access/AccessService.js'
import type { EventHub } from '../agreements/EventHub.js'
import type { Storage } from '../storage/StatuteStore.js'
import type { CommentRecord, ThreadRecord } from '../storage/CommentStore.js'
import { badRequest, forbidden, notFound } from '../errors.js'

export interface ThreadView extends Omit<ThreadRecord, 'anchor'> {
  readonly anchor: unknown
  readonly comments: ReadonlyArray<CommentRecord & { authorName: string }>
  /** Whether the caller has seen everything in it. */
  readonly unread: boolean
  readonly mentionsMe: boolean
  readonly mine: boolean
}

const mayResolve = (role: Role, thread: ThreadRecord, userId: string): boolean => thread.createdBy === userId || canEditText(role)

export class CommentService {
  constructor(
    private readonly store: Storage,
    private readonly access: AccessService,
    private readonly events: EventHub,
    /** Whether the statute's document has this article (also when it is deleted, so it can be restored). */
    private readonly articleExists: (statuteId: string, articleId: string) => Promise<boolean> = async () => true,
  ) {}

  private async checkMentions(statuteId: string, mentions: readonly string[]): Promise<string[]> {
    const members = new Set((await this.store.access.listMembers(statuteId)).map((m) => m.userId))
    const unique = [...new Set(mentions)]
    const unknown = unique.filter((id) => !members.has(id))
    if (unknown.length > 0) throw badRequest('U kunt alleen leden van dit statuut noemen.')
    return unique
  }

  async list(principal: Principal | undefined, statuteId: string): Promise<ThreadView[]> {
    const membership = await this.access.member(principal, statuteId)
    const [threads, comments, reads, members] = await Promise.all([
      this.store.comments.listThreads(statuteId),
      this.store.comments.listComments(statuteId),
      this.store.comments.readsOf(membership.userId, statuteId),
      this.store.access.listMembers(statuteId),
    ])
    const names = new Map(members.map((m) => [m.userId, m.name]))
    return threads.map((thread) => {
      const own = comments.filter((c) => c.threadId === thread.id).map((c) => ({ ...c, authorName: names.get(c.authorId) ?? '' }))
      // Only what others did is news: my own edits and resolutions do not make a thread unread for me.
      const others = own.filter((c) => c.authorId !== membership.userId)
      const resolvedByOther = thread.resolvedBy !== membership.userId ? (thread.resolvedAt ?? '') : ''
      const lastActivity = [resolvedByOther, ...others.map((c) => c.editedAt ?? c.createdAt)].sort().at(-1) ?? thread.createdAt
      const readAt = reads.get(thread.id)
      return {
        ...thread,
        anchor: thread.anchor ? (JSON.parse(thread.anchor) as unknown) : null,
        comments: own,
        unread: others.length > 0 && (!readAt || readAt < lastActivity),
        mentionsMe: own.some((c) => !c.deletedAt && c.mentions.includes(membership.userId)),
        mine: thread.createdBy === membership.userId || own.some((c) => c.authorId === membership.userId),
      }
    })
  }

  async start(principal: Principal | undefined, statuteId: string, input: { articleId: string; anchor?: unknown; quote?: string; body: string; mentions: readonly string[] }) {
    const membership = await this.access.require(principal, statuteId, canComment)
    if (!(await this.articleExists(statuteId, input.articleId))) throw notFound('Dit artikel bestaat niet in dit statuut.')
    const mentions = await this.checkMentions(statuteId, input.mentions)
    const now = new Date().toISOString()
    const thread: ThreadRecord = {
      id: newId(),
      statuteId,
      articleId: input.articleId,
      anchor: input.anchor === undefined || input.anchor === null ? null : JSON.stringify(input.anchor),
      quote: input.quote ?? null,
      status: 'open',
      createdBy: membership.userId,
      createdAt: now,
      resolvedBy: null,
      resolvedAt: null,
    }
    const first: CommentRecord = { id: newId(), threadId: thread.id, authorId: membership.userId, body: input.body, mentions, createdAt: now, editedAt: null, deletedAt: null }
    await this.store.comments.createThread(thread, first)
    await this.store.comments.markRead(membership.userId, thread.id, now)
    this.events.publish(statuteId, { type: 'comments', data: { threadId: thread.id } })
    return { threadId: thread.id, commentId: first.id }
  }

  private async thread(statuteId: string, threadId: string): Promise<ThreadRecord> {
    const thread = await this.store.comments.getThread(threadId)
    if (!thread || thread.statuteId !== statuteId) throw notFound('Deze draad bestaat niet.')
    return thread
  }

  async reply(principal: Principal | undefined, statuteId: string, threadId: string, input: { body: string; mentions: readonly string[] }) {
    const membership = await this.access.require(principal, statuteId, canComment)
    const thread = await this.thread(statuteId, threadId)
    const mentions = await this.checkMentions(statuteId, input.mentions)
    const now = new Date().toISOString()
    const comment: CommentRecord = { id: newId(), threadId: thread.id, authorId: membership.userId, body: input.body, mentions, createdAt: now, editedAt: null, deletedAt: null }
    await this.store.comments.addComment(comment)
    await this.store.comments.markRead(membership.userId, thread.id, now)
    this.events.publish(statuteId, { type: 'comments', data: { threadId } })
    return { commentId: comment.id }
  }

  private async ownComment(principal: Principal | undefined, statuteId: string, commentId: string): Promise<CommentRecord> {
    const membership = await this.access.require(principal, statuteId, canComment)
    const comment = await this.store.comments.getComment(commentId)
    if (!comment) throw notFound('Deze reactie bestaat niet.')
    await this.thread(statuteId, comment.threadId)
    if (comment.authorId !== membership.userId) throw forbidden('U kunt alleen uw eigen reacties wijzigen.')
    if (comment.deletedAt) throw badRequest('Deze reactie is verwijderd.')
    return comment
  }

  async edit(principal: Principal | undefined, statuteId: string, commentId: string, input: { body: string; mentions: readonly string[] }) {
    const comment = await this.ownComment(principal, statuteId, commentId)
    const mentions = await this.checkMentions(statuteId, input.mentions)
    await this.store.comments.editComment(comment.id, input.body, mentions, new Date().toISOString())
    this.events.publish(statuteId, { type: 'comments', data: { threadId: comment.threadId } })
  }

  async remove(principal: Principal | undefined, statuteId: string, commentId: string) {
    const comment = await this.ownComment(principal, statuteId, commentId)
    await this.store.comments.deleteComment(comment.id, new Date().toISOString())
    this.events.publish(statuteId, { type: 'comments', data: { threadId: comment.threadId } })
  }

  async setStatus(principal: Principal | undefined, statuteId: string, threadId: string, status: 'open' | 'resolved') {
    const membership = await this.access.require(principal, statuteId, canComment)
    const thread = await this.thread(statuteId, threadId)
    if (!mayResolve(membership.role, thread, membership.userId)) throw forbidden('Alleen wie de draad begon, redacteuren en beheerders sluiten of heropenen een draad.')
    const now = new Date().toISOString()
    await this.store.comments.setThreadStatus(threadId, status, status === 'resolved' ? membership.userId : null, status === 'resolved' ? now : null)
    this.events.publish(statuteId, { type: 'comments', data: { threadId } })
  }

  async markRead(principal: Principal | undefined, statuteId: string, threadId: string) {
    const membership = await this.access.member(principal, statuteId)
    await this.thread(statuteId, threadId)
    await this.store.comments.markRead(membership.userId, threadId, new Date().toISOString())
  }
}
