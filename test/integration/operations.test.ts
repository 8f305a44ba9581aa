/**
 * Operations: GET /metrics (who may read it, and that its figures move), and draining on shutdown
 * (/healthz answers 503 and new websocket connections are told to come back later).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'node:net'
import { openRawSocket } from '../helpers/rawSocket.js'
import { readOutline } from '../../model/statuteDoc.js'
import { CloseCode } from '../../model/protocol.js'
import { loadConfig } from '../../server/config.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, synced, waitFor } from '../helpers/clients.js'
import { appendParagraph } from '../helpers/ydocs.js'

const METRICS_TOKEN = 'prometheus-leest-mee-0123456789'
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** The value of one sample line, e.g. `samenspel_updates_total{source="client"}`. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{') && l.slice(0, l.indexOf('}') + 1) === name)
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1))
}

async function metrics(target: TestServer, token: string | null): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${target.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
}

describe('GET /metrics', () => {
  it('is for administrators and the monitoring token only', async () => {
    server = await startTestServer({ metricsToken: METRICS_TOKEN })
    expect((await metrics(server, null)).status).toBe(401)
    const member = await createTestUser(server, 'Raadslid Meter')
    expect((await metrics(server, member.token)).status).toBe(403)
    expect((await metrics(server, 'ssp_verzonnen')).status).toBe(401)
    const byAdmin = await metrics(server, server.admin.token)
    expect(byAdmin.status).toBe(200)
    expect(byAdmin.type).toContain('text/plain')
    const byToken = await metrics(server, METRICS_TOKEN)
    expect(byToken.status).toBe(200)
    // The monitoring token opens /metrics and nothing else.
    expect((await api(server, 'GET', '/api/statutes', undefined, { token: METRICS_TOKEN })).status).toBe(401)
  })

  it('counts open statutes, connections, stored updates, persistence time and exports', async () => {
    server = await startTestServer({ metricsToken: METRICS_TOKEN })
    const before = (await metrics(server, METRICS_TOKEN)).text
    expect(sample(before, 'samenspel_open_statutes')).toBe(0)
    expect(sample(before, 'samenspel_connections')).toBe(0)
    expect(before).toContain('samenspel_process_resident_memory_bytes')
    expect(before).toContain(`samenspel_info{storage="${server.config.databaseUrl ? 'postgres' : 'sqlite'}",relay="none"} 1`)

    const id = await createStatute(server)
    const editor = await createTestUser(server, 'Griffier Meter')
    await addMember(server, id, editor, 'redacteur', 'Raad')
    const client = connectClient(server.wsUrl, id, { token: editor.token })
    await synced(client)
    const articleId = readOutline(client.doc).chapters[0]!.articles[0]!.id
    for (let i = 0; i < 3; i++) appendParagraph(client.doc, articleId, `Meting ${i}`)
    await waitFor(() => server!.rooms.openRooms.get(id) !== undefined, 5000, 'room open')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await server.rooms.openRooms.get(id)!.settle()
    const exported = await fetch(`${server.url}/api/statutes/${id}/export.docx`, { headers: { authorization: `Bearer ${server.admin.token}` } })
    expect(exported.status).toBe(200)
    await exported.arrayBuffer()

    const after = (await metrics(server, METRICS_TOKEN)).text
    expect(sample(after, 'samenspel_open_statutes')).toBe(1)
    expect(sample(after, 'samenspel_connections')).toBe(1)
    expect(sample(after, 'samenspel_updates_total{source="client"}')).toBe(3)
    // Updates arriving while a write is in flight are stored together: 1 to 3 writes.
    expect(sample(after, 'samenspel_persist_seconds_count')).toBeGreaterThanOrEqual(1)
    expect(sample(after, 'samenspel_persist_seconds_count')).toBeLessThanOrEqual(3)
    expect(sample(after, 'samenspel_updates_per_second')).toBeGreaterThan(0)
    expect(sample(after, 'samenspel_export_seconds_count{outcome="ok"}')).toBe(1)
    client.destroy()
  })
})

describe('draining on shutdown', () => {
  it('answers 503 on /healthz and sends new websocket connections away with 1012', async () => {
    server = await startTestServer()
    const id = await createStatute(server)
    // A connection that does not answer the close handshake keeps the server draining for its
    // grace period (a second), long enough to knock on the door meanwhile.
    const stubborn = openRawSocket(`${server.wsUrl}/${id}`)
    await stubborn.opened
    ;(stubborn.ws as unknown as { _socket: Socket })._socket.pause()
    const closing = server.close()
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(503)
    expect(await health.json()).toEqual({ status: 'draining' })
    const late = openRawSocket(`${server.wsUrl}/${id}`)
    expect((await late.closed).code).toBe(CloseCode.serviceRestart)
    await closing
    server = undefined
  })
})

describe('configuration of several instances', () => {
  it('refuses malformed DATABASE_URL and REDIS_URL with the variable named', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://127.0.0.1/test' })).toThrow(/DATABASE_URL/)
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/)
    expect(() => loadConfig({ DATABASE_SCHEMA: 'Robert"; DROP TABLE' })).toThrow(/DATABASE_SCHEMA/)
    expect(() => loadConfig({ METRICS_TOKEN: 'kort' })).toThrow(/METRICS_TOKEN/)
  })

  it('does not start when Redis cannot be reached, and says so', async () => {
    const started = Date.now()
    await expect(startTestServer({ redisUrl: 'redis://127.0.0.1:1' })).rejects.toThrow(/Redis .* niet bereikbaar/)
    expect(Date.now() - started).toBeLessThan(30_000)
  })
})
