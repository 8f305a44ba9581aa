/**
 * The audit log: who signed in (or failed to), who changed memberships and roles, who invited
 * whom, who exported what. Append-only; beheerders read their statute's part.
 */
import type { AuditStore } from '../storage/AccessStore.js'

export type AuditAction =
  | 'signin'
  | 'signin.failed'
  | 'signout'
  | 'setup.admin'
  | 'password.changed'
  | 'token.created'
  | 'token.revoked'
  | 'statute.created'
  | 'member.added'
  | 'member.changed'
  | 'member.removed'
  | 'party.created'
  | 'invitation.created'
  | 'invitation.accepted'
  | 'invitation.revoked'
  | 'export'
  | 'agreement'
  | 'phase'
  | 'adoption'
  | 'version'
  | 'party.changed'

export interface Actor {
  readonly id: string | null
  readonly label: string
  readonly ip: string | null
}

export class AuditLog {
  constructor(private readonly store: AuditStore) {}

  record(actor: Actor, action: AuditAction, statuteId: string | null, details: Record<string, unknown> = {}): Promise<void> {
    return this.store.append({ at: new Date().toISOString(), actorId: actor.id, actorLabel: actor.label, statuteId, action, details, ip: actor.ip })
  }
}
