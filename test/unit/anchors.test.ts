/**
 * Passage anchors (model/anchors.ts) under concurrent editing, on plain Y.Docs: three peers share
 * one paragraph's Y.XmlText, a passage in the middle is anchored, and the peers insert and delete
 * before, inside and after it while their updates travel in random order (some held back for a
 * long time). Every character in the text is unique, so each one can be followed: the test labels
 * every character when it is typed (before / in / after the passage) and, after every step, on
 * every peer, the anchored text must be exactly the visible characters labelled "in", in order.
 *
 * What the two ends mean (the rules the labels follow):
 *  - start, assoc 0: the start is the passage's first character itself. Text typed directly before
 *    it stays before the passage. Once that character is deleted the start stays on its tombstone,
 *    and Yjs puts text typed at that spot behind the tombstone (a cursor skips deleted characters
 *    to its right), so text typed at the start boundary then joins the passage.
 *  - end, assoc -1: the end is the passage's last character itself. Text typed directly after it
 *    stays after the passage, also once it is deleted (the new text lands behind its tombstone).
 *  - Text typed strictly between two characters of the passage belongs to the passage.
 *
 * The server round trip (an anchor sent with POST comes back unchanged from GET) is at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { anchorInText, resolveAnchorText, type PassageAnchor } from '../../model/anchors.js'
import { readOutline } from '../../model/statuteDoc.js'
import { seededRandom, type Random } from '../helpers/prng.js'
import { api, createStatute, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, synced, waitFor } from '../helpers/clients.js'
import { appendParagraph } from '../helpers/ydocs.js'

// ---------------------------------------------------------------------------------------------
// Text with unique characters

/** Original text before the passage, the passage, and after it: no character occurs twice. */
const BEFORE_TEXT = 'abcdefghijklmnopqrstuvwxyz'
const PASSAGE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const AFTER_TEXT = '0123456789αβγδεζηθικλμνξοπρστυφχψω'
const FIRST = PASSAGE[0]!
const LAST = PASSAGE.at(-1)!
/**
 * One passage character nobody deletes in the randomized runs, so the passage never breaks there
 * (a broken passage has its own tests below).
 */
const KEEP = PASSAGE[13]!

/** B/P/A: original text before, in and after the passage; b/i/a: typed later, before/in/after. */
type Label = 'B' | 'P' | 'A' | 'b' | 'i' | 'a'
const IN_PASSAGE: ReadonlySet<Label> = new Set(['P', 'i'])

function originalLabels(): Map<string, Label> {
  const labels = new Map<string, Label>()
  for (const c of BEFORE_TEXT) labels.set(c, 'B')
  for (const c of PASSAGE) labels.set(c, 'P')
  for (const c of AFTER_TEXT) labels.set(c, 'A')
  expect(labels.size).toBe(BEFORE_TEXT.length + PASSAGE.length + AFTER_TEXT.length)
  return labels
}

/** Unique new characters (CJK ideographs: one UTF-16 unit each, never in the original text). */
function charSource(): () => string {
  let next = 0x4e00
  return () => String.fromCharCode(next++)
}

// ---------------------------------------------------------------------------------------------
// Peers

const REMOTE = Symbol('remote')

interface Peer {
  readonly name: string
  readonly doc: Y.Doc
  readonly text: Y.XmlText
}

/** The first paragraph's text node of a body fragment. */
function paragraphText(doc: Y.Doc): Y.XmlText {
  const paragraph = doc.getXmlFragment('body').get(0)
  expect(paragraph).toBeInstanceOf(Y.XmlElement)
  const text = (paragraph as Y.XmlElement).get(0)
  expect(text).toBeInstanceOf(Y.XmlText)
  return text as Y.XmlText
}

/** Peer 0 writes the paragraph; the others receive it as a whole (encodeStateAsUpdate/applyUpdate). */
function createPeers(count: number, content: string): Peer[] {
  const first = new Y.Doc()
  first.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    first.getXmlFragment('body').insert(0, [paragraph])
    const text = new Y.XmlText()
    paragraph.insert(0, [text])
    text.insert(0, content)
  })
  const docs = [first]
  for (let i = 1; i < count; i++) {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first), REMOTE)
    docs.push(doc)
  }
  const peers = docs.map((doc, i) => ({ name: `peer ${i}`, doc, text: paragraphText(doc) }))
  for (const peer of peers) expect(peer.text.toString()).toBe(content)
  return peers
}

/**
 * A network that delivers each peer's updates to the others in any order: `deliver` picks any
 * waiting update (not necessarily the oldest), so updates overtake each other and some wait long.
 */
class Network {
  /** waiting[to][from]: updates from `from` not yet applied at `to`. */
  private readonly waiting: Uint8Array[][][]
  outOfOrder = 0
  delivered = 0

  constructor(private readonly peers: readonly Peer[]) {
    this.waiting = peers.map(() => peers.map(() => []))
    peers.forEach((peer, from) => {
      peer.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === REMOTE) return
        peers.forEach((_, to) => {
          if (to !== from) this.waiting[to]![from]!.push(update)
        })
      })
    })
  }

  get pending(): number {
    return this.waiting.flat().reduce((n, queue) => n + queue.length, 0)
  }

  /** Delivers one waiting update chosen at random; false if nothing waits. */
  deliver(random: Random): boolean {
    const queues: Array<[number, number]> = []
    this.waiting.forEach((row, to) => row.forEach((queue, from) => queue.length > 0 && queues.push([to, from])))
    if (queues.length === 0) return false
    const [to, from] = random.pick(queues)
    const queue = this.waiting[to]![from]!
    // Mostly the oldest, often any other: Yjs must hold back what it cannot integrate yet.
    const index = random.chance(0.6) ? 0 : random.int(0, queue.length - 1)
    if (index > 0) this.outOfOrder += 1
    const [update] = queue.splice(index, 1)
    Y.applyUpdate(this.peers[to]!.doc, update!, REMOTE)
    this.delivered += 1
    return true
  }

  deliverAll(random: Random): void {
    while (this.deliver(random)) {
      // keep going
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The randomized run

type Zone = 'before' | 'atStart' | 'inside' | 'atEnd' | 'after'
const ZONES: readonly Zone[] = ['before', 'atStart', 'inside', 'atEnd', 'after']

interface Stats {
  inserts: Record<Zone, number>
  /** Inserts at the start boundary made while the first passage character was already deleted. */
  startAfterFirstDeleted: number
  deletes: Record<'before' | 'inside' | 'after' | 'first' | 'last', number>
}

/** The passage as a peer sees it now: [start, end) over its visible text, by the labels. */
function localPassage(content: string, labels: ReadonlyMap<string, Label>): { start: number; end: number } {
  const chars = [...content]
  const start = chars.findIndex((c) => IN_PASSAGE.has(labels.get(c)!))
  const end = chars.length - [...chars].reverse().findIndex((c) => IN_PASSAGE.has(labels.get(c)!))
  expect(start).toBeGreaterThanOrEqual(0)
  return { start, end }
}

/** What the anchor must resolve to: the visible characters labelled as in the passage. */
function expectedPassage(content: string, labels: ReadonlyMap<string, Label>): string {
  return [...content].filter((c) => IN_PASSAGE.has(labels.get(c)!)).join('')
}

function randomInsert(peer: Peer, random: Random, labels: Map<string, Label>, newChar: () => string, stats: Stats): void {
  const content = peer.text.toString()
  const { start, end } = localPassage(content, labels)
  const possible = ZONES.filter((zone) => zone !== 'inside' || end - start >= 2).filter((zone) => zone !== 'before' || start > 0)
  const zone = random.pick(possible)
  const index = {
    before: () => random.int(0, start - 1),
    atStart: () => start,
    inside: () => random.int(start + 1, end - 1),
    atEnd: () => end,
    after: () => random.int(end + 1 <= content.length ? end + 1 : end, content.length),
  }[zone]()
  const firstAlive = content.includes(FIRST)
  // The documented rules (see the top of the file).
  const label: Label = zone === 'before' ? 'b' : zone === 'atStart' ? (firstAlive ? 'b' : 'i') : zone === 'inside' ? 'i' : 'a'
  if (zone === 'atStart' && !firstAlive) stats.startAfterFirstDeleted += 1
  const typed = Array.from({ length: random.int(1, 3) }, newChar).join('')
  for (const c of typed) labels.set(c, label)
  peer.text.insert(index, typed)
  stats.inserts[zone] += 1
}

function randomDelete(peer: Peer, random: Random, labels: ReadonlyMap<string, Label>, stats: Stats): void {
  const content = peer.text.toString()
  const { start, end } = localPassage(content, labels)
  const zone = random.pick(['before', 'inside', 'after', 'first', 'last'] as const)
  let from: number
  let length = random.int(1, 3)
  if (zone === 'first') [from, length] = [start, 1]
  else if (zone === 'last') [from, length] = [end - 1, 1]
  else if (zone === 'before') from = start > 0 ? random.int(0, start - 1) : -1
  else if (zone === 'inside') from = random.int(start, end - 1)
  else from = end < content.length ? random.int(end, content.length - 1) : -1
  if (from < 0) return
  length = Math.min(length, content.length - from)
  // Never the kept character: shorten the range to stop before it (or skip).
  const keep = content.indexOf(KEEP)
  if (keep >= from && keep < from + length) length = keep - from
  if (length <= 0) return
  peer.text.delete(from, length)
  stats.deletes[zone] += 1
}

function checkPeer(peer: Peer, anchor: PassageAnchor, labels: ReadonlyMap<string, Label>, context: string): string {
  const content = peer.text.toString()
  const resolved = resolveAnchorText(peer.doc, anchor)
  expect(resolved, `${context}, ${peer.name}: "${content}"`).toBe(expectedPassage(content, labels))
  return resolved!
}

function runSeed(seed: number, steps: number) {
  const random = seededRandom(seed)
  const labels = originalLabels()
  const newChar = charSource()
  const peers = createPeers(3, BEFORE_TEXT + PASSAGE + AFTER_TEXT)
  const network = new Network(peers)
  // The anchor is made on peer 1 (any peer will do) and travels as JSON, as it does to the server.
  const made = anchorInText(peers[1]!.text, BEFORE_TEXT.length, BEFORE_TEXT.length + PASSAGE.length)
  const anchor = JSON.parse(JSON.stringify(made)) as PassageAnchor
  for (const peer of peers) expect(resolveAnchorText(peer.doc, anchor)).toBe(PASSAGE)

  const stats: Stats = {
    inserts: { before: 0, atStart: 0, inside: 0, atEnd: 0, after: 0 },
    startAfterFirstDeleted: 0,
    deletes: { before: 0, inside: 0, after: 0, first: 0, last: 0 },
  }
  for (let step = 0; step < steps; step++) {
    if (random.chance(0.55)) {
      const peer = random.pick(peers)
      if (random.chance(0.6)) randomInsert(peer, random, labels, newChar, stats)
      else randomDelete(peer, random, labels, stats)
    } else {
      // Sometimes a burst, sometimes nothing for a while.
      for (let n = random.int(1, 4); n > 0; n--) network.deliver(random)
    }
    for (const peer of peers) checkPeer(peer, anchor, labels, `seed ${seed}, step ${step}`)
  }
  network.deliverAll(random)
  return { peers, anchor, labels, stats, network }
}

const SEEDS = [1, 42, 2024, 7_777, 314_159]

describe('a passage anchor under concurrent edits (3 peers, seeded)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: every peer converges and resolves exactly the passage with what was typed inside it`, () => {
      const { peers, anchor, labels, stats, network } = runSeed(seed, 400)

      // Convergence.
      expect(network.pending).toBe(0)
      const final = peers[0]!.text.toString()
      for (const peer of peers) {
        expect(peer.text.toString()).toBe(final)
        expect(Y.encodeStateVector(peer.doc)).toEqual(Y.encodeStateVector(peers[0]!.doc))
      }

      // The run did what it claims: edits in every zone, and updates that overtook each other.
      for (const zone of ZONES) expect(stats.inserts[zone], `inserts ${zone}`).toBeGreaterThan(0)
      for (const zone of ['before', 'inside', 'after', 'first', 'last'] as const) expect(stats.deletes[zone], `deletes ${zone}`).toBeGreaterThan(0)
      expect(network.outOfOrder).toBeGreaterThan(0)
      expect(final).not.toBe(BEFORE_TEXT + PASSAGE + AFTER_TEXT)

      for (const peer of peers) {
        const resolved = checkPeer(peer, anchor, labels, `seed ${seed}, final`)
        const chars = [...resolved]
        // Every original passage character that survived, in the original order.
        const survivors = [...PASSAGE].filter((c) => final.includes(c))
        expect(survivors).toContain(KEEP)
        expect(chars.filter((c) => labels.get(c) === 'P')).toEqual(survivors)
        // Nothing that was before or after the passage, originally or typed there (also at the boundaries).
        expect(chars.filter((c) => labels.get(c) !== 'P' && labels.get(c) !== 'i')).toEqual([])
        // Everything typed strictly inside that is still there.
        const typedInside = [...final].filter((c) => labels.get(c) === 'i')
        expect(typedInside.length).toBeGreaterThan(0)
        expect(chars.filter((c) => labels.get(c) === 'i')).toEqual(typedInside)
        // And it is one contiguous run of the text.
        expect(final).toContain(resolved)
      }
    })
  }

  it('the boundary rules hold also when the first and last passage characters are deleted (seeds where it happened)', () => {
    // Across the seeds, inserts at the start boundary after the first character was deleted happened
    // (they join the passage), and the checks above held for them at every step.
    const total = SEEDS.map((seed) => runSeed(seed, 400).stats.startAfterFirstDeleted).reduce((a, b) => a + b, 0)
    expect(total).toBeGreaterThan(0)
  })
})

describe('boundaries, deterministic', () => {
  it('text typed directly before the start or after the end stays outside; inside it joins', () => {
    const [a, b] = createPeers(2, 'voor [kern] na')
    const anchor = anchorInText(a!.text, 6, 10) // "kern"
    expect(resolveAnchorText(a!.doc, anchor)).toBe('kern')
    a!.text.insert(6, 'X') // directly before "k"
    b!.text.insert(10, 'Y') // directly after "n" (concurrently, on the other peer)
    b!.text.insert(8, '-') // between "e" and "r"
    Y.applyUpdate(a!.doc, Y.encodeStateAsUpdate(b!.doc, Y.encodeStateVector(a!.doc)), REMOTE)
    Y.applyUpdate(b!.doc, Y.encodeStateAsUpdate(a!.doc, Y.encodeStateVector(b!.doc)), REMOTE)
    expect(a!.text.toString()).toBe('voor [Xke-rnY] na')
    expect(b!.text.toString()).toBe(a!.text.toString())
    expect(resolveAnchorText(a!.doc, anchor)).toBe('ke-rn')
    expect(resolveAnchorText(b!.doc, anchor)).toBe('ke-rn')
  })

  it('a passage at the very start and one at the very end of the text keep their bounds', () => {
    const [doc] = createPeers(1, 'begin midden einde')
    const head = anchorInText(doc!.text, 0, 5) // "begin"
    const tail = anchorInText(doc!.text, 13, 18) // "einde"
    doc!.text.insert(0, '>> ')
    doc!.text.insert(doc!.text.length, ' <<')
    doc!.text.insert(doc!.text.toString().indexOf('gin'), '_') // inside "begin"
    expect(doc!.text.toString()).toBe('>> be_gin midden einde <<')
    expect(resolveAnchorText(doc!.doc, head)).toBe('be_gin')
    expect(resolveAnchorText(doc!.doc, tail)).toBe('einde')
  })

  it('after the first character is deleted, text typed at the start boundary joins the passage; after the last is deleted, text at the end stays out', () => {
    const [doc] = createPeers(1, 'voor kern na')
    const anchor = anchorInText(doc!.text, 5, 9) // "kern"
    doc!.text.delete(5, 1) // "k"
    doc!.text.delete(7, 1) // "n"
    expect(resolveAnchorText(doc!.doc, anchor)).toBe('er')
    doc!.text.insert(5, 'S') // where "k" was: behind its tombstone
    doc!.text.insert(8, 'E') // where "n" was: behind its tombstone
    expect(doc!.text.toString()).toBe('voor SerE na')
    expect(resolveAnchorText(doc!.doc, anchor)).toBe('Ser')
  })
})

describe('a deleted passage', () => {
  it('deleting the whole passage while others type elsewhere breaks the anchor (null) on every peer', () => {
    for (const seed of SEEDS) {
      const random = seededRandom(seed)
      const peers = createPeers(3, BEFORE_TEXT + PASSAGE + AFTER_TEXT)
      const network = new Network(peers)
      const anchor = JSON.parse(JSON.stringify(anchorInText(peers[0]!.text, BEFORE_TEXT.length, BEFORE_TEXT.length + PASSAGE.length))) as PassageAnchor
      // Peer 0 deletes the passage in one go; peer 1 deletes nothing of it but types before it
      // (also directly before it) and peer 2 after it (also directly after it), concurrently.
      peers[0]!.text.delete(BEFORE_TEXT.length, PASSAGE.length)
      expect(resolveAnchorText(peers[0]!.doc, anchor)).toBeNull()
      peers[1]!.text.insert(BEFORE_TEXT.length, 'vóór')
      peers[1]!.text.insert(random.int(0, BEFORE_TEXT.length - 1), 'eerder')
      peers[2]!.text.insert(BEFORE_TEXT.length + PASSAGE.length, 'ná')
      peers[2]!.text.insert(random.int(BEFORE_TEXT.length + PASSAGE.length + 3, peers[2]!.text.length), 'later')
      expect(resolveAnchorText(peers[1]!.doc, anchor)).toBe(PASSAGE)
      network.deliverAll(random)
      const final = peers[0]!.text.toString()
      for (const peer of peers) {
        expect(peer.text.toString()).toBe(final)
        expect(resolveAnchorText(peer.doc, anchor), `seed ${seed}, ${peer.name}`).toBeNull()
      }
      for (const word of ['vóór', 'eerder', 'ná', 'later']) expect(final).toContain(word)
      expect(final).toContain('vóórná')
    }
  })

  it('deleting the passage piece by piece on different peers at once breaks it too; a passage with one character left is not broken', () => {
    const peers = createPeers(3, BEFORE_TEXT + PASSAGE + AFTER_TEXT)
    const anchor = anchorInText(peers[2]!.text, BEFORE_TEXT.length, BEFORE_TEXT.length + PASSAGE.length)
    const random = seededRandom(99)
    const network = new Network(peers)
    peers[0]!.text.delete(BEFORE_TEXT.length, 10) // A..J
    peers[1]!.text.delete(BEFORE_TEXT.length + 10, 15) // K..Y, leaving Z
    network.deliverAll(random)
    for (const peer of peers) expect(resolveAnchorText(peer.doc, anchor)).toBe(LAST)
    peers[2]!.text.delete(peers[2]!.text.toString().indexOf(LAST), 1)
    network.deliverAll(random)
    for (const peer of peers) expect(resolveAnchorText(peer.doc, anchor)).toBeNull()
    expect(peers[0]!.text.toString()).toBe(BEFORE_TEXT + AFTER_TEXT)
  })

  it('an anchor into a document that does not have its text (another statute) is null, not an error', () => {
    const [source] = createPeers(1, 'ergens anders')
    const anchor = anchorInText(source!.text, 0, 6)
    const [elsewhere] = createPeers(1, 'ergens anders')
    expect(resolveAnchorText(elsewhere!.doc, anchor)).toBeNull()
    expect(resolveAnchorText(elsewhere!.doc, { start: { nonsense: true }, end: {} })).toBeNull()
  })
})

describe('anchors as data', () => {
  it('survive a round trip through JSON unchanged and still resolve the same passage', () => {
    const [a, b] = createPeers(2, BEFORE_TEXT + PASSAGE + AFTER_TEXT)
    const anchor = anchorInText(a!.text, BEFORE_TEXT.length + 2, BEFORE_TEXT.length + 9)
    const copy = JSON.parse(JSON.stringify(anchor)) as PassageAnchor
    expect(copy).toEqual(anchor)
    expect(JSON.stringify(copy)).toBe(JSON.stringify(anchor))
    // Relative positions rebuilt from it equal the originals.
    expect(Y.compareRelativePositions(Y.createRelativePositionFromJSON(copy.start), Y.createRelativePositionFromJSON(anchor.start))).toBe(true)
    expect(Y.compareRelativePositions(Y.createRelativePositionFromJSON(copy.end), Y.createRelativePositionFromJSON(anchor.end))).toBe(true)
    // The ends are stored with their association: 0 (start) and -1 (end).
    expect(copy.start.assoc).toBe(0)
    expect(copy.end.assoc).toBe(-1)
    expect(resolveAnchorText(b!.doc, copy)).toBe(PASSAGE.slice(2, 9))
    b!.text.insert(BEFORE_TEXT.length + 5, '+')
    expect(resolveAnchorText(b!.doc, copy)).toBe('CDE+FGHI')
  })
})

describe('anchors through the server', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it("a thread's anchor sent with POST comes back from GET exactly as sent, and still resolves on a fresh client", async () => {
    const statuteId = await createStatute(server, 'Statuut ankers', 'Gemeente Ankerdam')
    const writer = connectClient(server.wsUrl, statuteId)
    try {
      await synced(writer)
      const articleId = readOutline(writer.doc).chapters[0]!.articles[0]!.id
      const text = appendParagraph(writer.doc, articleId, 'Het college legt verantwoording af aan de raad.')
      const anchor = JSON.parse(JSON.stringify(anchorInText(text, 4, 11))) as PassageAnchor
      expect(resolveAnchorText(writer.doc, anchor)).toBe('college')
      const started = await api<{ threadId: string }>(server, 'POST', `/api/statutes/${statuteId}/threads`, { articleId, anchor, quote: 'college', body: 'Welk college?' })
      expect(started.status).toBe(201)
      const listed = await api<{ threads: Array<{ id: string; anchor: unknown; quote: string }> }>(server, 'GET', `/api/statutes/${statuteId}/threads`)
      const thread = listed.body.threads.find((t) => t.id === started.body.threadId)!
      expect(thread.anchor).toEqual(anchor)
      expect(JSON.stringify(thread.anchor)).toBe(JSON.stringify(anchor))
      expect(thread.quote).toBe('college')

      const reader = connectClient(server.wsUrl, statuteId)
      try {
        await synced(reader)
        await waitFor(() => resolveAnchorText(reader.doc, thread.anchor as PassageAnchor) !== null, 5000, 'the passage at the fresh client')
        expect(resolveAnchorText(reader.doc, thread.anchor as PassageAnchor)).toBe('college')
      } finally {
        reader.destroy()
      }
    } finally {
      writer.destroy()
    }
  })
})
