/**
 * Access that changes while it is being checked: a websocket or event stream admitted just before
 * the person was removed must not outlive the removal. The check is held open on a gate (the real
 * AccessService's `member`, delayed), the membership is removed meanwhile, then the gate opens.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../model/protocol.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/clients.js'
import { listenToEvents } from '../helpers/eventStream.js'
import { openRawSocket, within } from '../helpers/rawSocket.js'

let server: TestServer | undefined
const cleanup: Array<() => void> = []

afterEach(async () => {
  for (const done of cleanup.splice(0)) done()
  await server?.close()
  server = undefined
})

/** Holds the next `member` checks of `userId` until `open()`; resolves `reached` when the first one waits. */
function gateMemberChecks(s: TestServer, userId: string): { reached: Promise<void>; open: () => void } {
  const original = s.access.member.bind(s.access)
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  let reach!: () => void
  const reached = new Promise<void>((resolve) => (reach = resolve))
  let held = false
  s.access.member = async (principal, statuteId) => {
    const membership = await original(principal, statuteId)
    if (principal?.user.id === userId && !held) {
      held = true
      reach()
      await gate
    }
    return membership
  }
  cleanup.push(() => {
    s.access.member = original
  })
  return { reached, open }
}

async function scene(): Promise<{ s: TestServer; id: string; person: Awaited<ReturnType<typeof createTestUser>> }> {
  const s = await startTestServer()
  server = s
  const id = await createStatute(s)
  const person = await createTestUser(s, 'Rita Race')
  await addMember(s, id, person, 'redacteur', 'Raad')
  return { s, id, person }
}

describe('access that changes while it is checked', () => {
  it('a websocket admitted just before the removal is closed once connected', async () => {
    const { s, id, person } = await scene()
    const gate = gateMemberChecks(s, person.user.id)
    const raw = openRawSocket(`${s.wsUrl}/${id}`, person.token)
    cleanup.push(() => raw.ws.terminate())
    await within(gate.reached, 5000, 'the admission check')
    expect((await api(s, 'DELETE', `/api/statutes/${id}/members/${person.user.id}`)).status).toBe(204)
    gate.open()
    const closed = await within(raw.closed, 5000, 'the socket to be closed')
    expect(closed.code).toBe(CloseCode.accessChanged)
    await waitFor(() => !(s.rooms.openRooms.get(id)?.people.some((p) => p.userId === person.user.id) ?? false), 5000, 'the person to leave the room')
  })

  it('an event stream opened just before the removal is ended once subscribed', async () => {
    const { s, id, person } = await scene()
    const gate = gateMemberChecks(s, person.user.id)
    const opening = listenToEvents(s, id, person.token)
    await within(gate.reached, 5000, 'the membership check')
    expect((await api(s, 'DELETE', `/api/statutes/${id}/members/${person.user.id}`)).status).toBe(204)
    gate.open()
    const stream = await opening
    cleanup.push(() => stream.close())
    await waitFor(() => stream.ended, 5000, 'the stream to end')
    expect(s.events.subscriberCount).toBe(0)
  })

  it('an event stream opened with a token revoked meanwhile is ended once subscribed', async () => {
    const { s, id, person } = await scene()
    const tokens = await api<{ tokens: Array<{ id: string }> }>(s, 'GET', '/api/account/tokens', undefined, { token: person.token })
    const gate = gateMemberChecks(s, person.user.id)
    const opening = listenToEvents(s, id, person.token)
    await within(gate.reached, 5000, 'the membership check')
    expect((await api(s, 'DELETE', `/api/account/tokens/${tokens.body.tokens[0]!.id}`, undefined, { token: person.token })).status).toBe(204)
    gate.open()
    const stream = await opening
    cleanup.push(() => stream.close())
    await waitFor(() => stream.ended, 5000, 'the stream to end')
    expect(s.events.subscriberCount).toBe(0)
  })
})
