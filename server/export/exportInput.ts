/**
 * Gathers what an export needs from storage and a statute document (the live one, a stored
 * version, or one rebuilt from disk by the CLI): text, open comment threads with names, and each
 * party's agreement state on the text being exported.
 */
import type * as Y from 'yjs'
import { toSnapshot } from '../../model/snapshot.js'
import { partyStates, topLevelParties } from '../../model/agreements.js'
import { articleTexts } from '../agreements/articleTexts.js'
import type { Storage } from '../storage/StatuteStore.js'
import type { ExportInput } from './exportModel.js'

export async function buildExportInput(store: Storage, statuteId: string, doc: Y.Doc, version?: { decisionDate: string | null; decisionReference: string | null; createdAt: string }): Promise<ExportInput> {
  const statute = toSnapshot(doc)
  const [parties, records, threads, comments, members] = await Promise.all([
    store.access.listParties(statuteId),
    store.agreements.listAgreements(statuteId),
    store.comments.listThreads(statuteId),
    store.comments.listComments(statuteId),
    store.access.listMembers(statuteId),
  ])
  const names = new Map(members.map((m) => [m.userId, m.name]))
  const fingerprints = new Map(articleTexts(doc).map((a) => [a.id, a.fingerprint]))
  const agreementParties = parties.map((p) => ({ id: p.id, name: p.name, parentId: p.parentId, rule: p.rule ?? 'all', quorum: p.quorum ?? null }))
  const states = partyStates(agreementParties, records, fingerprints)
  const columns = topLevelParties(agreementParties)
  const agreements = new Map(
    [...states].map(([articleId, byParty]) => [
      articleId,
      new Map(
        columns.map((party) => {
          const status = byParty.get(party.id)
          const record = status?.record
          return [party.id, { state: status?.state ?? 'open', ...(record ? { who: names.get(record.userId) ?? '', when: record.createdAt, reason: record.reason } : {}) }] as const
        }),
      ),
    ]),
  )
  const adopted = version?.decisionDate && version.decisionReference ? { kind: 'adopted' as const, decisionDate: version.decisionDate, decisionReference: version.decisionReference } : undefined
  return {
    statute,
    status: adopted ?? { kind: 'concept', date: version?.createdAt ?? new Date().toISOString() },
    threads: threads
      .filter((t) => t.status === 'open')
      .map((t) => ({
        articleId: t.articleId,
        quote: t.quote,
        comments: comments.filter((c) => c.threadId === t.id && !c.deletedAt).map((c) => ({ author: names.get(c.authorId) ?? '', date: c.createdAt, body: c.body })),
      }))
      .filter((t) => t.comments.length > 0),
    parties: columns.map((p) => ({ id: p.id, name: p.name })),
    agreements,
  }
}

/** A file name people recognise: the title, safe for every file system. */
export function exportFileName(title: string, suffix: string): string {
  const base = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'statuut'
  return `${base}${suffix}.docx`
}
