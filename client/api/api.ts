/**
 * Calls to the JSON API. Errors arrive as `{ code, message }` and are thrown as ApiError so the UI
 * can show the server's plain-language message.
 */
import type { StatuteSnapshot, StatuteSummary } from '../../model/snapshot.js'
import type { BodyType } from '../../model/statuteDoc.js'
import type { Role } from '../../model/roles.js'
import type { TemplateChoice, TemplateTheme } from '../../model/templates.js'
import type { AgreementEntry, AgreementParty, DecisionKind, PartyState } from '../../model/agreements.js'
import type { PassageAnchor } from '../../model/anchors.js'

export type { StatuteSummary } from '../../model/snapshot.js'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra facts the server sent (e.g. the current text when a decision was refused). */
    readonly details?: unknown,
  ) {
    super(message)
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', '')
  }
  const text = await response.text()
  let data: unknown
  try {
    data = text ? (JSON.parse(text) as unknown) : undefined
  } catch {
    data = undefined
  }
  if (!response.ok) {
    const error = (data ?? {}) as { code?: string; message?: string; details?: unknown }
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText, error.details)
  }
  return data as T
}

export interface User {
  readonly id: string
  readonly email: string
  readonly name: string
  readonly isAdmin: boolean
}

export interface Party {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly rule?: 'all' | 'quorum'
  readonly quorum?: number | null
}

/** The caller's own place in a statute. */
export interface Me {
  readonly userId: string
  readonly role: Role
  readonly partyId: string
  readonly partyName: string
  readonly canAgree: boolean
  readonly canEdit: boolean
  readonly canManage: boolean
}

export interface Member {
  readonly userId: string
  readonly name: string
  readonly email?: string
  readonly role: Role
  readonly partyId: string
  readonly partyName: string
  readonly canAgree: boolean
}

export interface Invitation {
  readonly id: string
  readonly email: string
  readonly role: Role
  readonly partyId: string
  readonly canAgree: boolean
  readonly createdAt: string
  readonly expiresAt: string
  readonly acceptedAt: string | null
  readonly revokedAt: string | null
  readonly link?: string
  /** Whether the link was also mailed (SMTP configured). */
  readonly mailed?: boolean
  readonly mailError?: string
}

export interface AuditEntry {
  readonly id: number
  readonly at: string
  readonly actorLabel: string
  readonly action: string
  readonly details: Record<string, unknown>
}

export interface ApiToken {
  readonly id: string
  readonly name: string
  readonly createdAt: string
  readonly lastUsedAt: string | null
  readonly revokedAt: string | null
  readonly token?: string
}

export interface InvitationPreview {
  readonly statute: { id: string; title: string; organisation: string }
  readonly email: string
  readonly role: Role
  readonly party: string
  readonly expiresAt: string
  readonly hasAccount: boolean
}

export type Phase = 'concept' | 'in-bespreking' | 'ter-vaststelling' | 'vastgesteld'

export interface AgreementOverview {
  readonly phase: Phase
  readonly evaluationDate: string | null
  readonly parties: AgreementParty[]
  readonly articles: Array<{ id: string; number: number; title: string; fingerprint: string; parties: Record<string, { state: PartyState; record?: AgreementEntry }> }>
}

export interface HistoryEntry extends AgreementEntry {
  readonly articleText: string
  readonly userName: string
}

export interface VersionSummary {
  readonly number: number
  readonly label: string
  readonly kind: 'named' | 'adopted'
  readonly createdAt: string
  readonly decisionDate: string | null
  readonly decisionReference: string | null
}

export interface ArticleComparison {
  readonly id: string
  readonly change: 'added' | 'removed' | 'moved' | 'changed' | 'moved-and-changed' | 'unchanged'
  readonly from?: { number: number; label: string; chapter: string; title: string }
  readonly to?: { number: number; label: string; chapter: string; title: string }
  readonly diff?: Array<{ value: string; added?: boolean; removed?: boolean }>
}

export interface CommentView {
  readonly id: string
  readonly authorId: string
  readonly authorName: string
  readonly body: string
  readonly mentions: string[]
  readonly createdAt: string
  readonly editedAt: string | null
  readonly deletedAt: string | null
}

export interface ThreadView {
  readonly id: string
  readonly articleId: string
  readonly anchor: PassageAnchor | null
  readonly quote: string | null
  readonly status: 'open' | 'resolved'
  readonly createdBy: string
  readonly createdAt: string
  readonly comments: CommentView[]
  readonly unread: boolean
  readonly mentionsMe: boolean
  readonly mine: boolean
}

const s = (id: string) => `/api/statutes/${encodeURIComponent(id)}`

export const api = {
  setupStatus: () => request<{ needsSetup: boolean }>('GET', '/api/setup'),
  setup: (input: { name: string; email: string; password: string }) => request<{ user: User }>('POST', '/api/setup', input),
  session: () => request<{ user: User }>('GET', '/api/session'),
  signIn: (email: string, password: string) => request<{ user: User }>('POST', '/api/session', { email, password }),
  signOut: () => request<void>('DELETE', '/api/session'),
  changePassword: (currentPassword: string, newPassword: string) => request<void>('POST', '/api/account/password', { currentPassword, newPassword }),
  listTokens: () => request<{ tokens: ApiToken[] }>('GET', '/api/account/tokens').then((r) => r.tokens),
  createToken: (name: string) => request<ApiToken>('POST', '/api/account/tokens', { name }),
  revokeToken: (id: string) => request<void>('DELETE', `/api/account/tokens/${encodeURIComponent(id)}`),

  listStatutes: () =>
    request<{ statutes: Array<StatuteSummary & { role: Role; phase: Phase; evaluationDate: string | null; evaluationDue: boolean }> }>('GET', '/api/statutes').then((r) => r.statutes),
  createStatute: (input: { title: string; organisation: string; bodyType: BodyType; templates?: TemplateChoice }) => request<StatuteSummary>('POST', '/api/statutes', input),
  listTemplates: () => request<{ themes: TemplateTheme[] }>('GET', '/api/templates').then((r) => r.themes),
  getStatute: (id: string) => request<StatuteSummary & StatuteSnapshot & { me: Me; parties: Party[] }>('GET', s(id)),

  listMembers: (id: string) => request<{ members: Member[] }>('GET', `${s(id)}/members`).then((r) => r.members),
  changeMember: (id: string, userId: string, patch: { role?: Role; partyId?: string; canAgree?: boolean }) =>
    request<Member>('PATCH', `${s(id)}/members/${encodeURIComponent(userId)}`, patch),
  removeMember: (id: string, userId: string) => request<void>('DELETE', `${s(id)}/members/${encodeURIComponent(userId)}`),
  listParties: (id: string) => request<{ parties: Party[] }>('GET', `${s(id)}/parties`).then((r) => r.parties),
  createParty: (id: string, name: string, parentId: string | null = null) => request<Party>('POST', `${s(id)}/parties`, { name, parentId }),
  setPartyRule: (id: string, partyId: string, rule: 'all' | 'quorum', quorum: number | null) =>
    request<{ rule: string }>('PUT', `${s(id)}/parties/${encodeURIComponent(partyId)}/rule`, { rule, quorum }),
  listInvitations: (id: string) => request<{ invitations: Invitation[] }>('GET', `${s(id)}/invitations`).then((r) => r.invitations),
  invite: (id: string, input: { email: string; role: Role; partyId: string; canAgree: boolean }) => request<Invitation>('POST', `${s(id)}/invitations`, input),
  revokeInvitation: (id: string, invitationId: string) => request<void>('DELETE', `${s(id)}/invitations/${encodeURIComponent(invitationId)}`),
  audit: (id: string) => request<{ entries: AuditEntry[] }>('GET', `${s(id)}/audit`).then((r) => r.entries),

  agreements: (id: string) => request<AgreementOverview>('GET', `${s(id)}/agreements`),
  history: (id: string, articleId: string) => request<{ history: HistoryEntry[] }>('GET', `${s(id)}/articles/${encodeURIComponent(articleId)}/agreements`).then((r) => r.history),
  decide: (id: string, articleId: string, input: { party: string; decision: DecisionKind; reason?: string; fingerprint: string }) =>
    request<AgreementEntry>('POST', `${s(id)}/articles/${encodeURIComponent(articleId)}/agreements`, input),
  setPhase: (id: string, phase: Phase) => request<{ phase: Phase }>('PUT', `${s(id)}/phase`, { phase }),
  adopt: (id: string, decisionDate: string, decisionReference: string) => request<{ number: number; label: string }>('POST', `${s(id)}/adoption`, { decisionDate, decisionReference }),
  startRevision: (id: string) => request<{ phase: Phase }>('POST', `${s(id)}/revisions`),
  setEvaluationDate: (id: string, evaluationDate: string | null) => request<{ evaluationDate: string | null }>('PATCH', `${s(id)}/settings`, { evaluationDate }),
  versions: (id: string) => request<{ versions: VersionSummary[] }>('GET', `${s(id)}/versions`).then((r) => r.versions),
  addVersion: (id: string, label: string) => request<VersionSummary>('POST', `${s(id)}/versions`, { label }),
  compare: (id: string, from: number | 'current', to: number | 'current') => request<{ articles: ArticleComparison[] }>('GET', `${s(id)}/compare?from=${from}&to=${to}`).then((r) => r.articles),

  threads: (id: string) => request<{ threads: ThreadView[] }>('GET', `${s(id)}/threads`).then((r) => r.threads),
  startThread: (id: string, input: { articleId: string; anchor?: PassageAnchor | null; quote?: string; body: string; mentions: string[] }) =>
    request<{ threadId: string }>('POST', `${s(id)}/threads`, input),
  reply: (id: string, threadId: string, body: string, mentions: string[]) => request<{ commentId: string }>('POST', `${s(id)}/threads/${threadId}/comments`, { body, mentions }),
  setThreadStatus: (id: string, threadId: string, status: 'open' | 'resolved') => request<{ status: string }>('PUT', `${s(id)}/threads/${threadId}/status`, { status }),
  markRead: (id: string, threadId: string) => request<void>('POST', `${s(id)}/threads/${threadId}/read`),
  editComment: (id: string, commentId: string, body: string, mentions: string[]) => request<void>('PATCH', `${s(id)}/comments/${commentId}`, { body, mentions }),
  deleteComment: (id: string, commentId: string) => request<void>('DELETE', `${s(id)}/comments/${commentId}`),

  previewInvitation: (token: string) => request<InvitationPreview>('GET', `/api/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token: string, input: { name?: string; password?: string }) =>
    request<{ statuteId: string }>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`, input),

  /** Reads a Word file on the server: what it recognises as chapters and articles, and what not. Stores nothing. */
  previewImport: async (file: Blob): Promise<import('../../model/imported.js').ImportPreview> => {
    let response: Response
    try {
      response = await fetch('/api/imports/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', accept: 'application/json' },
        body: file,
      })
    } catch {
      throw new ApiError(0, 'network', '')
    }
    const data = (await response.json().catch(() => undefined)) as { code?: string; message?: string; details?: unknown } | undefined
    if (!response.ok) throw new ApiError(response.status, data?.code ?? 'error', data?.message ?? response.statusText, data?.details)
    return data as unknown as import('../../model/imported.js').ImportPreview
  },
  createImportedStatute: (input: import('../../model/imported.js').ImportStatuteRequest) => request<StatuteSummary & { role: Role }>('POST', '/api/statutes/import', input),
}
