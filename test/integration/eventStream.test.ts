/**
 * The live event stream (GET /api/statutes/:id/events) follows the person's access as their
 * websockets do: it ends when they are removed from the statute or a credential stops being
 * valid, and a browser that goes away leaves no subscription behind.
 */
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js'
import { waitFor } from '../helpers/clients.js'
import { listenToEvents, type EventStream } from '../helpers/eventStream.js'

let server: TestServer | undefined
const streams: EventStream[] = []

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close()
  await server?.close()
  server = undefined
})

async function scene(): Promise<{ server: TestServer; id: string; person: TestUser; articleId: string }> {
  server = await startTestServer()
  const id = await createStatute(server)
  const person = await createTestUser(server, 'Stella Stroom')
  await addMember(server, id, person, 'redacteur', 'Raad')
  const snapshot = await api<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${id}`)
  return { server, id, person, articleId: snapshot.body.chapters[0]!.articles[0]!.id }
}

async function open(s: TestServer, id: string, token: string): Promise<EventStream> {
  const stream = await listenToEvents(s, id, token)
  streams.push(stream)
  expect(stream.status).toBe(200)
  await stream.connected()
  return stream
}

describe('live event streams follow access', () => {
  it('removing a member ends their stream; later events reach the others only, and a new stream is refused', async () => {
    const { server: s, id, person, articleId } = await scene()
    const theirs = await open(s, id, person.token)
    const admins = await open(s, id, s.admin.token)
    expect(s.events.subscriberCount).toBe(2)

    const removed = await api(s, 'DELETE', `/api/statutes/${id}/members/${person.user.id}`)
    expect(removed.status).toBe(204)
    await waitFor(() => theirs.ended, 5000, "the removed member's stream to end")
    expect(s.events.subscriberCount).toBe(1)

    const thread = await api(s, 'POST', `/api/statutes/${id}/threads`, { articleId, body: 'Na het vertrek.' })
    expect(thread.status).toBe(201)
    await waitFor(() => admins.events.some((e) => e.type === 'comments'), 5000, "the comment event at the administrator's stream")
    expect(admins.ended).toBe(false)
    expect(theirs.events.filter((e) => e.type === 'comments')).toEqual([])
    const again = await listenToEvents(s, id, person.token)
    expect(again.status).toBe(404)
  })

  it('a new role ends the stream too (the browser reconnects and is checked again)', async () => {
    const { server: s, id, person } = await scene()
    const theirs = await open(s, id, person.token)
    const changed = await api(s, 'PATCH', `/api/statutes/${id}/members/${person.user.id}`, { role: 'lezer' })
    expect(changed.status).toBe(200)
    await waitFor(() => theirs.ended, 5000, 'the stream to end')
    // Still a member: a new stream is allowed.
    await open(s, id, person.token)
  })

  it('revoking the token a stream was opened with ends it, and the token opens no new one', async () => {
    const { server: s, id, person } = await scene()
    const theirs = await open(s, id, person.token)
    const admins = await open(s, id, s.admin.token)
    const tokens = await api<{ tokens: Array<{ id: string }> }>(s, 'GET', '/api/account/tokens', undefined, { token: person.token })
    const revoked = await api(s, 'DELETE', `/api/account/tokens/${tokens.body.tokens[0]!.id}`, undefined, { token: person.token })
    expect(revoked.status).toBe(204)
    await waitFor(() => theirs.ended, 5000, 'the stream to end')
    expect(admins.ended).toBe(false)
    const again = await listenToEvents(s, id, person.token)
    expect(again.status).toBe(401)
  })

  it('streams given up by the browser, also at once, leave no subscription behind', async () => {
    const { server: s, id, person } = await scene()
    for (let i = 0; i < 10; i++) (await open(s, id, person.token)).close()
    // Requests dropped right after being sent, before any answer.
    const port = Number(new URL(s.url).port)
    for (let i = 0; i < 10; i++) {
      const socket = net.connect(port, '127.0.0.1')
      await new Promise<void>((resolve) => socket.once('connect', resolve))
      socket.write(`GET /api/statutes/${id}/events HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${person.token}\r\n\r\n`)
      socket.destroy()
    }
    await waitFor(() => s.events.subscriberCount === 0, 5000, 'every subscription to go')
    // The server still answers, and a stream still works.
    const health = await fetch(`${s.url}/healthz`)
    expect(health.status).toBe(200)
    await open(s, id, person.token)
    expect(s.events.subscriberCount).toBe(1)
  })
})
