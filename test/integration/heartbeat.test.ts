import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { MessageType } from '../../model/protocol.js'
import { addMember, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, synced, waitFor, type TestClient } from '../helpers/clients.js'

describe('heartbeat', () => {
  let server: TestServer
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await server?.close()
  })

  it('ends a connection that stops answering pings, and its presence disappears for the others', async () => {
    server = await startTestServer({ heartbeatMs: 100 })
    const id = await createStatute(server)
    const watcher = connectClient(server.wsUrl, id, { name: 'watcher' })
    clients.push(watcher)
    await synced(watcher)

    // A client that never answers pings (autoPong off), announcing itself in awareness.
    const sam = await createTestUser(server, 'Stille Sam')
    await addMember(server, id, sam, 'lezer')
    const silent = new WebSocket(`${server.wsUrl}/${id}?token=${sam.token}`, { autoPong: false })
    await new Promise((resolve, reject) => silent.once('open', resolve).once('error', reject))
    const awareness = new Awareness(new Y.Doc())
    awareness.setLocalState({ user: { name: 'Stille Sam', color: '#000' } })
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [awareness.clientID]))
    silent.send(encoding.toUint8Array(encoder))
    const names = () => [...watcher.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name)
    await waitFor(() => names().includes('Stille Sam'), 5000, 'presence of the silent client')

    const closed = await new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)))
    expect(closed).toBe(1006) // terminated without a close frame
    await waitFor(() => !names().includes('Stille Sam'), 5000, 'presence removed')
    // The answering client is still connected and synced.
    expect(watcher.provider.wsconnected).toBe(true)
    awareness.destroy()
  })
})
