/**
 * GET /api/statutes/<id>/export.docx?version=<n>&comments=1&agreements=1&toelichting=1: the
 * statute (current text or a stored version) as a Word file. Every member may export; the export
 * is recorded in the audit log.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { docFromUpdates } from '../../collaboration/docState.js'
import { actorOf } from '../../access/AccessService.js'
import { buildExportInput, exportFileName } from '../../export/exportInput.js'
import { exportDocx } from '../../export/exportDocx.js'
import { notFound } from '../../errors.js'
import { statuteParams, versionNumber } from '../schemas.js'
import { parse } from '../validation.js'
import type { RouteDeps } from './deps.js'

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true')
const exportQuery = z.strictObject({
  version: versionNumber.optional(),
  comments: flag.default(false),
  agreements: flag.default(false),
  toelichting: flag.default(true),
})

export function exportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/statutes/:id/export.docx', async (request, reply) => {
    const { id } = parse(statuteParams, request.params)
    await deps.access.member(request.principal, id)
    const query = parse(exportQuery, request.query)
    const started = Date.now()
    let bytes: Buffer
    let name: string
    if (query.version !== undefined) {
      const version = await deps.store.agreements.getVersion(id, query.version)
      if (!version) throw notFound('Deze versie bestaat niet.')
      const doc = docFromUpdates([version.state])
      const input = await buildExportInput(deps.store, id, doc, version)
      doc.destroy()
      bytes = await deps.metrics.timeExport(() => exportDocx(input, query))
      name = exportFileName(input.statute.title, `-versie-${version.number}`)
    } else {
      const { doc, release } = await deps.agreements.currentArticles(id)
      try {
        const input = await buildExportInput(deps.store, id, doc)
        bytes = await deps.metrics.timeExport(() => exportDocx(input, query))
        name = exportFileName(input.statute.title, '-concept')
      } finally {
        release()
      }
    }
    await deps.audit.record(actorOf(request.principal!, request.ip), 'export', id, { version: query.version ?? 'current', comments: query.comments, agreements: query.agreements, ms: Date.now() - started })
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(bytes)
  })
}
