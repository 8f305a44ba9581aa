/**
 * The agreement records of a statute, kept live through the server's event stream, combined with
 * fingerprints of the text as it is in this browser now, so "verouderd" shows the moment the text
 * changes, before anything reaches the server.
 */
import { useEffect, useMemo, useState } from 'react'
import { articleFragment, observeStructure, readOutline } from '../../model/statuteDoc.js'
import { readRichText } from '../../model/richText.js'
import { articleFingerprint } from '../../model/fingerprint.js'
import { partyStates, type PartyStatus } from '../../model/agreements.js'
import { api, type AgreementOverview } from '../api/api.js'
import type { StatuteConnection } from '../collaboration/statuteConnection.js'
import { useStatuteEvents } from '../collaboration/statuteEvents.js'

/** Re-reads the overview whenever the server reports a change; returns null until loaded. */
export function useAgreementOverview(statuteId: string): { overview: AgreementOverview | null; reload: () => void } {
  const [overview, setOverview] = useState<AgreementOverview | null>(null)
  const [version, setVersion] = useState(0)
  useEffect(() => {
    let current = true
    api.agreements(statuteId).then(
      (o) => current && setOverview(o),
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [statuteId, version])
  useStatuteEvents(statuteId, ['agreements', 'phase', 'versions'], () => setVersion((v) => v + 1))
  return { overview, reload: () => setVersion((v) => v + 1) }
}

/** Fingerprints of the articles as they are in this browser, recomputed as people type. */
export function useLiveFingerprints(connection: StatuteConnection, ready: boolean): Map<string, string> {
  const compute = (): Map<string, string> =>
    new Map(
      readOutline(connection.doc).chapters.flatMap((c) =>
        c.articles.map((a) => [a.id, articleFingerprint(a.title, readRichText(articleFragment(connection.doc, a.id, 'body')))] as const),
      ),
    )
  const [fingerprints, setFingerprints] = useState(compute)
  useEffect(() => {
    setFingerprints(compute())
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection, ready])
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const schedule = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => setFingerprints(compute()), 250)
    }
    connection.doc.on('update', schedule)
    const stop = observeStructure(connection.doc, schedule)
    return () => {
      clearTimeout(timer)
      connection.doc.off('update', schedule)
      stop()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection])
  return fingerprints
}

/** States per article and party from the records and the live fingerprints. */
export function useLiveStates(overview: AgreementOverview | null, fingerprints: Map<string, string>): Map<string, Map<string, PartyStatus>> {
  return useMemo(() => {
    if (!overview) return new Map()
    const records = overview.articles.flatMap((a) => Object.values(a.parties).flatMap((p) => (p.record ? [p.record] : [])))
    return partyStates(overview.parties, records.sort((x, y) => x.id - y.id), fingerprints)
  }, [overview, fingerprints])
}

/** The fingerprint of one article's text as it is in this browser right now. */
export function fingerprintNow(connection: StatuteConnection, articleId: string): string | undefined {
  const article = readOutline(connection.doc).chapters.flatMap((c) => c.articles).find((a) => a.id === articleId)
  return article ? articleFingerprint(article.title, readRichText(articleFragment(connection.doc, articleId, 'body'))) : undefined
}
