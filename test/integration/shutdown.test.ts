/**
 * Shutting down (SIGTERM → server.close()) with live connections: pending changes are stored,
 * websocket clients are told to reconnect (1012), and open event streams do not hold it up.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { articleFragment, readOutline } from '../../model/statuteDoc.js'
import { createStatute, startTestServer } from '../helpers/server.js'
import { connectClient, synced } from '../helpers/clients.js'

describe('shutdown', () => {
  it('closes with an open event stream and a connected editor, storing what was sent', async () => {
    let server = await startTestServer()
    const id = await createStatute(server)
    const stream = await fetch(`${server.url}/api/statutes/${id}/events`, { headers: { authorization: `Bearer ${server.admin.token}` } })
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toContain('text/event-stream')
    const client = connectClient(server.wsUrl, id)
    await synced(client)
    const codes: number[] = []
    client.provider.on('connection-close', (event) => {
      if (event) codes.push(event.code)
    })
    const articleId = readOutline(client.doc).chapters[0]!.articles[0]!.id
    const body = articleFragment(client.doc, articleId, 'body')!
    client.doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph')
      body.insert(body.length, [paragraph])
      paragraph.insert(0, [new Y.XmlText('Vlak voor het afsluiten.')])
    })
    await new Promise((r) => setTimeout(r, 200))
    client.provider.shouldConnect = false
    const started = Date.now()
    await server.close()
    // Not waiting for the event stream to end by itself (it never would).
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(codes).toContain(1012)
    client.destroy()
    server = await server.restart()
    try {
      const fresh = connectClient(server.wsUrl, id)
      await synced(fresh)
      expect(articleFragment(fresh.doc, articleId, 'body')!.toString()).toContain('Vlak voor het afsluiten.')
      fresh.destroy()
    } finally {
      await server.close()
    }
  })
})
