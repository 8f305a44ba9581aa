/**
 * GET /metrics: Prometheus text format. Readable by administrators (session or API token) and by
 * the monitoring system with METRICS_TOKEN as Bearer token; nobody else learns how busy the
 * server is or how many statutes it holds.
 */
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../errors.js'
import type { Metrics } from '../../metrics/Metrics.js'

export function metricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (request, reply) => {
    if (!request.metricsReader) {
      if (!request.principal) throw new AppError('unauthorized', 401, 'Meld u aan als beheerder of gebruik METRICS_TOKEN.')
      if (!request.principal.user.isAdmin) throw new AppError('forbidden', 403, 'Alleen beheerders kunnen de meetgegevens zien.')
    }
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(await metrics.text())
  })
}
