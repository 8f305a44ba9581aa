/**
 * Simulated people typing: every client types a few characters at a steady rate into a paragraph
 * of its own in the first article of its room.
 */
import * as Y from 'yjs'
import { articleFragment, readOutline } from '../model/statuteDoc.js'
import type { BenchClient } from './benchClient.js'

/** One simulated person: a connected client and the text it types into. */
export interface Typist {
  readonly client: BenchClient
  readonly text: Y.XmlText
  nextAt: number
  cursor: number
}

const TYPED = 'Het college verstrekt de raad tijdig alle inlichtingen die de raad voor de uitoefening van zijn taak nodig heeft. '

/**
 * Makes a synced client a typist: it adds a paragraph of its own at the end of the first article's
 * body (like a person starting a new lid) and will type into that. `index` spreads the typists'
 * starting points over the sample sentence.
 */
export function makeTypist(client: BenchClient, index: number): Typist {
  const doc = client.doc
  const articleId = readOutline(doc).chapters[0]?.articles[0]?.id
  const body = articleId ? articleFragment(doc, articleId, 'body') : undefined
  if (!body) throw new Error('the room has no article body to type into')
  const paragraph = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  doc.transact(() => {
    body.insert(body.length, [paragraph])
    paragraph.insert(0, [text])
  })
  return { client, text, nextAt: 0, cursor: index * 7 }
}

/**
 * Starts typing: every typist inserts `chars` characters at the end of its text `perSecond` times
 * a second; `onInsert` is called after each insert with the time just before it. One scheduler
 * for all, each typist with a random phase, so inserts are spread over time as with independent
 * people instead of arriving in lockstep bursts. Returns a function that stops typing.
 */
export function startTyping(typists: readonly Typist[], perSecond: number, chars: number, onInsert: (typist: Typist, startedAt: number) => void): () => void {
  const period = 1000 / perSecond
  const start = performance.now()
  for (const typist of typists) typist.nextAt = start + Math.random() * period
  const timer = setInterval(() => {
    const now = performance.now()
    for (const typist of typists) {
      if (now < typist.nextAt) continue
      // A starved timer must not make up for lost time in a burst: skip ahead instead.
      typist.nextAt = typist.nextAt + period > now ? typist.nextAt + period : now + period
      const from = typist.cursor % TYPED.length
      typist.cursor += chars
      const startedAt = performance.now()
      typist.text.insert(typist.text.length, TYPED.slice(from, from + chars).padEnd(chars, ' '))
      onInsert(typist, startedAt)
    }
  }, 2)
  return () => clearInterval(timer)
}
