/**
 * Wires storage, collaboration and HTTP into one server on one port. `main.ts` calls this with
 * the configuration from the environment; tests call it with a temporary data directory and port 0.
 */
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { openStorage } from './storage/openStorage.js'
import type { Storage } from './storage/StatuteStore.js'
import { AuditLog } from './audit/AuditLog.js'
import { AuthService } from './auth/AuthService.js'
import { AccessService } from './access/AccessService.js'
import { describeProblem, loadTemplateLibrary, type TemplateLibrary } from './templates/TemplateLibrary.js'
import { AgreementService, FROZEN_PHASES } from './agreements/AgreementService.js'
import { EventHub } from './agreements/EventHub.js'
import { createMailer } from './mail/Mailer.js'
import { CommentService } from './comments/CommentService.js'
import { articleFragment } from '../model/statuteDoc.js'
import { RoomRegistry } from './collaboration/RoomRegistry.js'
import { createCollaborationServer } from './collaboration/upgrade.js'
import { StatuteService } from './statutes/StatuteService.js'
import { createHttpApp } from './http/app.js'
import { LocalRelay, type Relay } from './cluster/Relay.js'
import { RedisRelay } from './cluster/RedisRelay.js'
import { Metrics } from './metrics/Metrics.js'

export interface SamenspelServer {
  readonly app: FastifyInstance
  readonly store: Storage
  readonly auth: AuthService
  readonly access: AccessService
  readonly templates: TemplateLibrary
  readonly agreements: AgreementService
  readonly rooms: RoomRegistry
  readonly statutes: StatuteService
  readonly relay: Relay
  readonly metrics: Metrics
  /** Live event streams (Server-Sent Events) per statute. */
  readonly events: EventHub
  /** The address it listens on, e.g. http://127.0.0.1:8080 */
  readonly url: string
  /** Stores what is pending, closes connections (clients reconnect) and storage. */
  close(): Promise<void>
}

export async function startServer(config: Config, options: { store?: Storage } = {}): Promise<SamenspelServer> {
  const store = options.store ?? openStorage(config)
  try {
    await store.migrate()
  } catch (error) {
    await store.close()
    throw error
  }

  // The registry logs through Fastify's logger, created below; until then it has no rooms to log about.
  let app: FastifyInstance | undefined
  const logger = {
    info: (obj: object, msg?: string) => app?.log.info(obj, msg),
    warn: (obj: object, msg?: string) => app?.log.warn(obj, msg),
    error: (obj: object, msg?: string) => app?.log.error(obj, msg),
  }
  let relay: Relay
  try {
    relay = config.redisUrl ? await RedisRelay.connect({ url: config.redisUrl, prefix: config.redisPrefix, logger }) : new LocalRelay()
  } catch (error) {
    await store.close()
    throw error
  }
  const events = new EventHub(relay)
  let rooms: RoomRegistry | undefined
  const metrics = new Metrics({ rooms: () => rooms!, relay, storage: config.databaseUrl ? 'postgres' : 'sqlite' })
  rooms = new RoomRegistry(store, {
    maxMessageBytes: config.maxMessageBytes,
    maxBufferedBytes: config.maxBufferedBytes,
    compactAfterUpdates: config.compactAfterUpdates,
    roomIdleMs: config.roomIdleMs,
    logger,
    isFrozen: async (id) => FROZEN_PHASES.includes((await store.agreements.getPhase(id)).phase),
    // Agreement states derive from the text: people looking at the overview re-read it.
    onTextChanged: (id) => events.publish(id, { type: 'agreements' }),
    relay,
    metrics,
  })
  const registry = rooms
  const templates = loadTemplateLibrary(config.templateDirs)
  const statutes = new StatuteService(store, rooms, () => templates.themes)
  const audit = new AuditLog(store.audit)
  const auth = new AuthService(store.accounts, store.audit, audit, config)
  const access = new AccessService(store.access, store.accounts, audit, { invitationTtlHours: config.invitationTtlHours })
  const agreements = new AgreementService(store, rooms, access, audit, events)
  const created = await auth.ensureAdmin(config.adminEmail, config.adminPassword)
  const allowedOrigins = config.publicUrl ? [new URL(config.publicUrl).origin] : []
  app = createHttpApp(
    {
      store,
      statutes,
      auth,
      access,
      audit,
      auditStore: store.audit,
      metrics,
      cookies: { secure: config.publicUrl?.startsWith('https:') ?? false },
      publicUrl: config.publicUrl,
      accountsByEmail: (email) => store.accounts.getUserByEmail(email),
      templates: () => templates.themes,
      agreements,
      events,
      mailer: createMailer(config.smtpUrl, config.mailFrom),
      comments: new CommentService(store, access, events, async (statuteId, articleId) => {
        const room = await registry.open(statuteId)
        if (!room) return false
        try {
          return articleFragment(room.doc, articleId, 'body') !== undefined
        } finally {
          registry.release(room)
        }
      }),
    },
    {
      maxBodyBytes: config.maxBodyBytes,
      clientDir: config.clientDir,
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
      allowedOrigins,
      metrics,
      metricsToken: config.metricsToken,
      draining: () => registry.isClosing,
    },
  )
  for (const problem of templates.problems) app.log.error(`Modeltekst: ${describeProblem(problem)}`)
  if (templates.skipped.length > 0) app.log.warn(`Modelteksten overgeslagen wegens fouten: ${templates.skipped.join(', ')}`)
  app.log.info(`${templates.themes.length} thema's met ${templates.themes.reduce((n, t) => n + t.articles.length, 0)} modelartikelen geladen`)
  if (created) app.log.info(`Beheerder ${created.email} aangemaakt uit SAMENSPEL_ADMIN_EMAIL`)
  const collaboration = createCollaborationServer(registry, { maxMessageBytes: config.maxMessageBytes, logger, heartbeatMs: config.heartbeatMs, auth, access, allowedOrigins })
  // Someone's access changed: their open connections and event streams end and reconnect with the
  // new rights. On every instance (the registry tells the others through the relay; EventHub
  // listens for the same relay event).
  access.onMembershipChanged((statuteId, userId) => {
    registry.disconnectUser(userId, statuteId)
    events.endFor(userId, statuteId)
  })
  // Signed out, new password, revoked token: the person's connections reconnect and authenticate
  // again, so a revoked credential stops working on open sockets too.
  auth.onCredentialsChanged((userId) => {
    registry.disconnectUser(userId, null)
    events.endFor(userId, null)
  })
  app.server.on('upgrade', collaboration.handleUpgrade)

  await app.listen({ port: config.port, host: config.host })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`

  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await registry.closeAll()
      await collaboration.close()
      await app.close()
      await relay.close()
      await store.close()
    })()
    return closed
  }
  return { app, store, rooms: registry, statutes, auth, access, templates, agreements, relay, metrics, events, url, close }
}
