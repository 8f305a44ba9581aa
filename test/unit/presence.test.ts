import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { caret, relativePosition, vouch } from '../../server/collaboration/presence.js'
import type { MemberIdentity } from '../../model/roles.js'

const anna: MemberIdentity = { userId: 'u-anna', name: 'Anna de Vries', role: 'redacteur', party: 'Partij A' }

/** A caret as y-tiptap makes it: relative positions of a real document, as JSON. */
function realCaret(): { anchor: unknown; head: unknown } {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  text.insert(0, 'Artikel 1')
  const at = (index: number, assoc: number): unknown => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, assoc))
  return JSON.parse(JSON.stringify({ anchor: at(2, 0), head: at(9, -1) })) as { anchor: unknown; head: unknown }
}

describe('presence the server passes on', () => {
  it('keeps a real caret as it is, and it still resolves in the document', () => {
    const cursor = realCaret()
    expect(caret(cursor)).toEqual(cursor)
    const head = relativePosition(cursor.head)!
    expect(Y.createRelativePositionFromJSON(head)).toBeInstanceOf(Y.RelativePosition)
    expect(caret(null)).toBeNull()
  })

  it('refuses carets that would break the others\' editors', () => {
    const position = { item: { client: 1, clock: 2 }, assoc: 0 }
    const crafted: unknown[] = [
      1,
      'x',
      [],
      { anchor: 1 },
      { anchor: position },
      { head: position },
      { anchor: position, head: null },
      { anchor: position, head: [] },
      { anchor: { item: { client: 'a', clock: 0 } }, head: position },
      { anchor: { item: { client: 1 } }, head: position },
      { anchor: { type: { client: -1, clock: 0 } }, head: position },
      { anchor: { type: { client: 1.5, clock: 0 } }, head: position },
      { anchor: { item: { client: 1, clock: Number.MAX_SAFE_INTEGER + 2 } }, head: position },
      { anchor: { tname: 5 }, head: position },
      { anchor: { tname: 'x'.repeat(201) }, head: position },
      { anchor: { assoc: '0' }, head: position },
      { anchor: { assoc: 0.5 }, head: position },
      { anchor: { ...position, extra: true }, head: position },
      { anchor: { item: [1, 2] }, head: position },
    ]
    for (const value of crafted) expect(caret(value), JSON.stringify(value)).toBeUndefined()
  })

  it('rebuilds a state from the person the server knows: name, role, party and id are the server\'s, the colour only if it is one', () => {
    expect(vouch({ user: { name: 'Iemand anders', color: '#00aa00', userId: 'u-bram', role: 'beheerder' } }, anna)).toEqual({
      user: { name: 'Anna de Vries', color: '#00aa00', role: 'redacteur', party: 'Partij A', userId: 'u-anna' },
    })
    expect(vouch({ user: { color: 'red; background: url(x)' } }, anna)).toMatchObject({ user: { color: '#1d4ed8' } })
  })

  it('leaves out a crafted caret and every field it does not know, and keeps a real caret', () => {
    const cursor = realCaret()
    expect(vouch({ user: { name: 'x' }, cursor: { anchor: 1 }, html: '<img src=x onerror=alert(1)>' }, anna)).toEqual({
      user: { name: 'Anna de Vries', color: '#1d4ed8', role: 'redacteur', party: 'Partij A', userId: 'u-anna' },
    })
    expect(vouch({ user: { name: 'x' }, cursor }, anna)).toMatchObject({ cursor })
    expect(vouch({ user: { name: 'x' }, cursor: null }, anna)).toMatchObject({ cursor: null })
  })

  it('turns a state that is not an object into the person alone, and keeps null (the person left)', () => {
    for (const state of [5, 'tekst', [1, 2], true]) expect(Object.keys(vouch(state, anna) as object)).toEqual(['user'])
    expect(vouch(null, anna)).toBeNull()
  })
})
