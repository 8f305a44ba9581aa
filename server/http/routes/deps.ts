import type { AuthService } from '../../auth/AuthService.js'
import type { AccessService } from '../../access/AccessService.js'
import type { StatuteService } from '../../statutes/StatuteService.js'
import type { AuditStore } from '../../storage/AccessStore.js'
import type { CookieOptions } from '../requestAuth.js'
import type { AuditLog } from '../../audit/AuditLog.js'
import type { AgreementService } from '../../agreements/AgreementService.js'
import type { EventHub } from '../../agreements/EventHub.js'
import type { Storage } from '../../storage/StatuteStore.js'
import type { Mailer } from '../../mail/Mailer.js'
import type { CommentService } from '../../comments/CommentService.js'
import type { TemplateTheme } from '../../../model/templates.js'
import type { Metrics } from '../../metrics/Metrics.js'

/** What the route modules need; wired once in createServer. */
export interface RouteDeps {
  readonly auth: AuthService
  readonly access: AccessService
  readonly statutes: StatuteService
  readonly auditStore: AuditStore
  readonly audit: AuditLog
  readonly agreements: AgreementService
  readonly events: EventHub
  readonly store: Storage
  readonly mailer: Mailer
  readonly comments: CommentService
  readonly cookies: CookieOptions
  readonly metrics: Metrics
  /** The account with this (lowercased) e-mail address, if any. */
  readonly accountsByEmail: (email: string) => Promise<unknown>
  /** The model clauses currently loaded. */
  readonly templates: () => readonly TemplateTheme[]
  /** Base URL for links shown to people (invitations). */
  readonly publicUrl: string | undefined
}
