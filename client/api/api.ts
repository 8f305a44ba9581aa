/**
 * Calls to the JSON API. Errors arrive as `{ code, message }` and are thrown as ApiError so the UI
 * can show the server's plain-language message.
 */
import type { StatuteSnapshot } from '../../model/snapshot.js'
import type { BodyType } from '../../model/statuteDoc.js'
import type { Role } from '../../model/roles.js'
import type { TemplateChoice, TemplateTheme } from '../../model/templates.js'

export interface StatuteSummary {
  readonly id: string
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly createdAt: string
  readonly updatedAt: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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
    const error = (data ?? {}) as { code?: string; message?: string }
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText)
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

  listStatutes: () => request<{ statutes: Array<StatuteSummary & { role: Role }> }>('GET', '/api/statutes').then((r) => r.statutes),
  createStatute: (input: { title: string; organisation: string; bodyType: BodyType; templates?: TemplateChoice }) => request<StatuteSummary>('POST', '/api/statutes', input),
  listTemplates: () => request<{ themes: TemplateTheme[] }>('GET', '/api/templates').then((r) => r.themes),
  getStatute: (id: string) => request<StatuteSummary & StatuteSnapshot & { me: Me; parties: Party[] }>('GET', s(id)),

  listMembers: (id: string) => request<{ members: Member[] }>('GET', `${s(id)}/members`).then((r) => r.members),
  changeMember: (id: string, userId: string, patch: { role?: Role; partyId?: string; canAgree?: boolean }) =>
    request<Member>('PATCH', `${s(id)}/members/${encodeURIComponent(userId)}`, patch),
  removeMember: (id: string, userId: string) => request<void>('DELETE', `${s(id)}/members/${encodeURIComponent(userId)}`),
  listParties: (id: string) => request<{ parties: Party[] }>('GET', `${s(id)}/parties`).then((r) => r.parties),
  createParty: (id: string, name: string) => request<Party>('POST', `${s(id)}/parties`, { name }),
  listInvitations: (id: string) => request<{ invitations: Invitation[] }>('GET', `${s(id)}/invitations`).then((r) => r.invitations),
  invite: (id: string, input: { email: string; role: Role; partyId: string; canAgree: boolean }) => request<Invitation>('POST', `${s(id)}/invitations`, input),
  revokeInvitation: (id: string, invitationId: string) => request<void>('DELETE', `${s(id)}/invitations/${encodeURIComponent(invitationId)}`),
  audit: (id: string) => request<{ entries: AuditEntry[] }>('GET', `${s(id)}/audit`).then((r) => r.entries),

  previewInvitation: (token: string) => request<InvitationPreview>('GET', `/api/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token: string, input: { name?: string; password?: string }) =>
    request<{ statuteId: string }>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`, input),
}
