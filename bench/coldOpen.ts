/**
 * Large statutes: building them through a client, and opening them cold after a server restart.
 *
 * "Cold" means the statute is not loaded in the server process: the server has just been
 * restarted and nobody opened this statute since. The time measured is what a person waits between
 * opening the page's connection and seeing the statute: websocket upgrade (the server loads the
 * statute from SQLite before completing it), sync step 1/2, and applying the state in the client.
 */
import * as Y from 'yjs'
import { addArticle, addChapter, readOutline } from '../model/statuteDoc.js'
import { connectClient, sameState, waitUntil, whenConnected, whenSynced } from './benchClient.js'
import { articleContent, seededRandom } from './dutchText.js'
import { createStatute, startServerProcess, type ServerProcess } from './serverProcess.js'
import { progress, round } from './stats.js'

/** A statute the benchmark built. */
export interface BuiltStatute {
  readonly id: string
  /** Articles in the outline (the generated ones plus the one the server creates). */
  readonly articles: number
  /** Size of the whole document as one Yjs update (encodeStateAsUpdate, v1), in bytes. */
  readonly stateBytes: number
  /** Characters of article text (body + toelichting) written. */
  readonly textChars: number
  /** From the first article until a second client had everything (so the server stored it). */
  readonly buildMs: number
}

/**
 * Builds `count` statutes of `articles` articles in `chapters` chapters, each article added in its
 * own transaction through the model functions, as the editor does. Returns once the server has
 * stored everything: a second client ("witness") has received it, and the server relays a change
 * only after appending it to the store.
 */
export async function buildStatutes(server: ServerProcess, count: number, articles: number, chapters: number): Promise<BuiltStatute[]> {
  const built: BuiltStatute[] = []
  for (let s = 0; s < count; s++) {
    const id = await createStatute(server, `Samenwerkingsstatuut ${s + 1}`, `Gemeente Grootstad ${s + 1}`)
    const builder = connectClient(server, id)
    const witness = connectClient(server, id)
    try {
      await Promise.all([whenSynced(builder), whenSynced(witness)])
      const random = seededRandom(1000 + s)
      const start = performance.now()
      const chapterIds = [readOutline(builder.doc).chapters[0]!.id]
      for (let c = 1; c < chapters; c++) chapterIds.push(addChapter(builder.doc, { title: `Hoofdstuk over onderwerp ${c + 1}` }))
      let textChars = 0
      for (let a = 0; a < articles; a++) {
        const content = articleContent(random, a)
        textChars += content.chars
        const chapterId = chapterIds[Math.floor((a * chapters) / articles)]!
        addArticle(builder.doc, chapterId, { title: content.title, body: content.body, toelichting: content.toelichting })
        // Give the socket a chance to send between articles, as between a person's actions.
        if (a % 10 === 9) await new Promise((r) => setImmediate(r))
      }
      await waitUntil(() => sameState(builder.doc, witness.doc), 120_000, 'the built statute to be stored')
      const outlineArticles = readOutline(witness.doc).chapters.reduce((n, c) => n + c.articles.length, 0)
      built.push({ id, articles: outlineArticles, stateBytes: Y.encodeStateAsUpdate(builder.doc).byteLength, textChars, buildMs: Math.round(performance.now() - start) })
      if (s === 0 || (s + 1) % 5 === 0) progress(`built ${s + 1}/${count} statutes (${outlineArticles} articles, ${built.at(-1)!.stateBytes} bytes)`)
    } finally {
      builder.destroy()
      witness.destroy()
    }
  }
  return built
}

/** One cold open. */
export interface ColdOpenRun {
  /** Which server start this was (1 = first start after building). */
  readonly restart: number
  /** Position among the statutes opened after this start (1 = first, includes JIT warm-up). */
  readonly order: number
  /** Until the websocket was open, i.e. the server had loaded the statute (ms). */
  readonly connectMs: number
  /** Until provider 'sync' was true (ms). */
  readonly syncMs: number
  readonly articles: number
  readonly stateBytes: number
}

/** The result of the restart-and-open phase. */
export interface ColdOpenPhase {
  readonly runs: ColdOpenRun[]
  /** Server start to /healthz answering, per start (ms). */
  readonly serverStartMs: number[]
  /** SIGTERM to exit, per stop (ms), and exit codes. */
  readonly serverStops: Array<{ ms: number; exitCode: number | null; killed: boolean }>
  /** Server RSS after the cold opens of each start, MB. */
  readonly serverRssAfterOpensMB: number[]
}

/**
 * Restarts the server `restarts` times on `dataDir`; after each start opens `perRestart` statutes
 * not opened before, one after the other, each with a fresh client. Stops the server at the end.
 */
export async function coldOpens(dataDir: string, statutes: readonly BuiltStatute[], restarts: number, perRestart: number): Promise<ColdOpenPhase> {
  const phase: ColdOpenPhase = { runs: [], serverStartMs: [], serverStops: [], serverRssAfterOpensMB: [] }
  let next = 0
  for (let r = 1; r <= restarts; r++) {
    const server = await startServerProcess(dataDir)
    // Until /healthz answers, as before authentication: the sign-in for the token is not start-up.
    phase.serverStartMs.push(server.healthyAfterMs)
    try {
      for (let o = 1; o <= perRestart && next < statutes.length; o++) {
        const statute = statutes[next++]!
        const t0 = performance.now()
        const client = connectClient(server, statute.id)
        try {
          await whenConnected(client)
          const t1 = performance.now()
          await whenSynced(client)
          const t2 = performance.now()
          const articles = readOutline(client.doc).chapters.reduce((n, c) => n + c.articles.length, 0)
          if (articles !== statute.articles) throw new Error(`cold open saw ${articles} articles, expected ${statute.articles}`)
          phase.runs.push({ restart: r, order: o, connectMs: round(t1 - t0), syncMs: round(t2 - t0), articles, stateBytes: Y.encodeStateAsUpdate(client.doc).byteLength })
        } finally {
          client.destroy()
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      phase.serverRssAfterOpensMB.push(round(server.memory().rssKb / 1024, 1))
    } finally {
      const stop = await server.stop()
      phase.serverStops.push({ ms: stop.ms, exitCode: stop.exitCode, killed: stop.killed })
    }
    progress(`cold opens after start ${r}: ${phase.runs.filter((run) => run.restart === r).map((run) => run.syncMs).join(', ')} ms`)
  }
  return phase
}
