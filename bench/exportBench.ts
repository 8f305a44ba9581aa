/**
 * Export benchmark: a 150-article statute with 300 comments (threads with replies) and the
 * agreement annex, exported to .docx in this process (the export is a pure function). Reports the
 * cold first run, the median of warm runs and the peak memory (RSS sampled during the runs).
 */
import * as Y from 'yjs'
import { addArticle, addChapter, initStatute } from '../model/statuteDoc.js'
import { toSnapshot } from '../model/snapshot.js'
import { exportDocx } from '../server/export/exportDocx.js'
import type { ExportAgreementCell, ExportInput, ExportThread } from '../server/export/exportModel.js'
import { articleContent, seededRandom } from './dutchText.js'
import { median, progress, round } from './stats.js'

export interface ExportBenchResult {
  readonly params: { articles: number; comments: number; threads: number; parties: number; warmRuns: number }
  readonly coldMs: number
  readonly warmMsMedian: number
  readonly warmMs: number[]
  readonly bytes: number
  readonly rssBeforeMB: number
  readonly rssPeakMB: number
  readonly heapUsedPeakMB: number
}

function fixture(articles: number, comments: number): ExportInput {
  const random = seededRandom(7)
  const doc = new Y.Doc()
  initStatute(doc, { title: 'Statuut samenwerking (benchmark)', organisation: 'Gemeente Grootstad', bodyType: 'gemeente' })
  let chapterId = ''
  for (let i = 0; i < articles; i++) {
    if (i % 15 === 0) chapterId = addChapter(doc, { title: `Hoofdstuk ${i / 15 + 1}` })
    addArticle(doc, chapterId, articleContent(random, i))
  }
  const statute = toSnapshot(doc)
  const all = statute.chapters.flatMap((c) => c.articles)
  // 300 comments in 150 threads: each thread has a first comment and one reply, on a real passage.
  const threads: ExportThread[] = Array.from({ length: comments / 2 }, (_, i) => {
    const article = all[i % all.length]!
    const words = article.body.text.split(/\s+/).filter((w) => w.length > 4)
    return {
      articleId: article.id,
      quote: words[Math.floor(random() * words.length)] ?? null,
      comments: [
        { author: `Raadslid ${i % 23}`, date: '2026-11-01T10:00:00.000Z', body: 'Kunnen we dit concreter maken voor de fracties?' },
        { author: 'Griffier', date: '2026-11-02T10:00:00.000Z', body: 'Ja, voorstel volgt in de volgende versie.' },
      ],
    }
  })
  const parties = ['Raad', 'College', 'Griffie', 'Ambtelijke organisatie'].map((name, i) => ({ id: `p${i}`, name }))
  const agreements = new Map(
    all.map((a, i) => [a.id, new Map<string, ExportAgreementCell>(parties.map((p, j) => [p.id, (i + j) % 5 === 0 ? { state: 'niet-akkoord', who: 'Fractievoorzitter', when: '2026-11-03T10:00:00.000Z', reason: 'De termijn is te kort.' } : { state: 'akkoord', who: 'Namens ' + p.name, when: '2026-11-03T10:00:00.000Z' }]))]),
  )
  return { statute, status: { kind: 'concept', date: '2026-11-30T00:00:00.000Z' }, threads, parties, agreements }
}

export async function exportBenchmark(quick: boolean): Promise<ExportBenchResult> {
  const params = { articles: 150, comments: 300, threads: 150, parties: 4, warmRuns: quick ? 3 : 10 }
  progress(`export: ${params.articles} articles, ${params.comments} comments, annex; 1 cold + ${params.warmRuns} warm runs`)
  const input = fixture(params.articles, params.comments)
  const options = { comments: true, agreements: true, toelichting: true }
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1)
  const rssBefore = process.memoryUsage().rss
  let rssPeak = rssBefore
  let heapPeak = process.memoryUsage().heapUsed
  const sampler = setInterval(() => {
    const usage = process.memoryUsage()
    rssPeak = Math.max(rssPeak, usage.rss)
    heapPeak = Math.max(heapPeak, usage.heapUsed)
  }, 5)
  try {
    let started = performance.now()
    const first = await exportDocx(input, options)
    const coldMs = performance.now() - started
    const warmMs: number[] = []
    for (let i = 0; i < params.warmRuns; i++) {
      started = performance.now()
      await exportDocx(input, options)
      warmMs.push(round(performance.now() - started))
    }
    const usage = process.memoryUsage()
    rssPeak = Math.max(rssPeak, usage.rss)
    heapPeak = Math.max(heapPeak, usage.heapUsed)
    return { params, coldMs: round(coldMs), warmMsMedian: round(median(warmMs)), warmMs, bytes: first.byteLength, rssBeforeMB: mb(rssBefore), rssPeakMB: mb(rssPeak), heapUsedPeakMB: mb(heapPeak) }
  } finally {
    clearInterval(sampler)
  }
}
