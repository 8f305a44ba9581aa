/**
 * Credentials that stop being valid stop working on open connections too: after a token is
 * revoked, its websocket is closed and cannot come back; after a password change, connections of
 * the old sessions end.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, synced, waitFor, type TestClient } from '../helpers/clients.js'

describe('credential changes reach open connections', () => {
  let server: TestServer
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await server?.close()
  })

  it('revoking a token closes its websocket; the reconnect is refused with 4401', async () => {
    server = await startTestServer()
    const id = await createStatute(server)
    const person = await createTestUser(server, 'Tessa Token')
    await addMember(server, id, person, 'redacteur', 'College')
    const client = connectClient(server.wsUrl, id, { token: person.token })
    clients.push(client)
    await synced(client)
    const tokens = await api<{ tokens: Array<{ id: string; name: string }> }>(server, 'GET', '/api/account/tokens', undefined, { token: person.token })
    const tokenId = tokens.body.tokens[0]!.id
    const revoked = await api(server, 'DELETE', `/api/account/tokens/${tokenId}`, undefined, { token: person.token })
    expect(revoked.status).toBe(204)
    const closed = await client.closed
    expect(closed.code).toBe(4401)
    expect(server.rooms.openRooms.get(id)?.people.some((p) => p.userId === person.user.id) ?? false).toBe(false)
  })

  it('changing the password ends the connections of the person, which then re-authenticate', async () => {
    server = await startTestServer()
    const id = await createStatute(server)
    const person = await createTestUser(server, 'Paula Pass')
    await addMember(server, id, person, 'redacteur', 'College')
    const client = connectClient(server.wsUrl, id, { token: person.token })
    clients.push(client)
    await synced(client)
    let drops = 0
    client.provider.on('connection-close', (event) => {
      if (event?.code === 4100) drops += 1
    })
    const changed = await api(server, 'POST', '/api/account/password', { currentPassword: person.password, newPassword: 'een heel nieuw wachtwoord' }, { token: person.token })
    expect(changed.status).toBe(204)
    await waitFor(() => drops === 1, 5000, 'the connection to be closed with 4100')
    // API tokens are not passwords: the connection comes back with the same token.
    await waitFor(() => client.provider.wsconnected, 10_000, 'reconnect')
    expect(server.rooms.openRooms.get(id)?.people.some((p) => p.userId === person.user.id)).toBe(true)
  })
})
