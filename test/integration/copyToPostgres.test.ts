/**
 * Moving from SQLite to PostgreSQL (`npm run copy-to-postgres`): everything a server on SQLite
 * held — statutes with their text and log, accounts and passwords, memberships, comments,
 * agreements, versions, the audit log — is there, the same, for a server on PostgreSQL; and that
 * server carries on (new updates, versions and audit entries get fresh numbers).
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readOutline } from '../../model/statuteDoc.js'
import { addMember, api, createStatute, createTestUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js'
import { connectClient, synced, waitFor } from '../helpers/clients.js'
import { appendParagraph, articleText } from '../helpers/ydocs.js'
import { freshSchema, type FreshSchema } from '../helpers/postgres.js'

let schema: FreshSchema | undefined
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
  await schema?.drop()
})

function runCopy(dataDir: string, target: FreshSchema): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/storage/copyCli.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: target.url, DATABASE_SCHEMA: target.schema },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** What people see of a statute through the API, for comparing before and after. */
async function views(target: TestServer, id: string) {
  const get = async (pathname: string) => (await api(target, 'GET', pathname)).body
  return {
    statute: await get(`/api/statutes/${id}`),
    members: await get(`/api/statutes/${id}/members`),
    threads: await get(`/api/statutes/${id}/threads`),
    versions: await get(`/api/statutes/${id}/versions`),
    version1: await get(`/api/statutes/${id}/versions/1`),
    audit: await get(`/api/statutes/${id}/audit`),
    agreements: await get(`/api/statutes/${id}/agreements`),
    list: await get('/api/statutes'),
  }
}

describe('copy from SQLite to PostgreSQL', () => {
  it('copies everything, and the server on PostgreSQL carries on', async () => {
    server = await startTestServer({ databaseUrl: undefined })
    expect(server.config.databaseUrl).toBeUndefined()
    const dataDir = server.dataDir
    const id = await createStatute(server, 'Statuut dat verhuist', 'Gemeente Verhuisdorp')
    const editor = await createTestUser(server, 'Griffier Verhuis')
    await addMember(server, id, editor, 'redacteur', 'Raad', true)
    const client = connectClient(server.wsUrl, id, { token: editor.token })
    await synced(client)
    const articleId = readOutline(client.doc).chapters[0]!.articles[0]!.id
    for (let i = 0; i < 5; i++) appendParagraph(client.doc, articleId, `Zin ${i} die mee moet.`)
    await waitFor(() => server!.rooms.openRooms.get(id) !== undefined, 5000, 'room')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await server.rooms.openRooms.get(id)!.settle()
    client.destroy()
    expect((await api(server, 'POST', `/api/statutes/${id}/threads`, { articleId, body: 'Klopt deze zin?', mentions: [] })).status).toBe(201)
    expect((await api(server, 'POST', `/api/statutes/${id}/versions`, { label: 'Voor de verhuizing' })).status).toBe(201)
    const overview = await api<{ parties: Array<{ id: string; name: string }>; articles: Array<{ id: string; fingerprint: string }> }>(server, 'GET', `/api/statutes/${id}/agreements`)
    const raad = overview.body.parties.find((p) => p.name === 'Raad')!
    const article = overview.body.articles.find((a) => a.id === articleId)!
    const decided = await api(server, 'POST', `/api/statutes/${id}/articles/${articleId}/agreements`, { party: raad.id, decision: 'akkoord', fingerprint: article.fingerprint }, { token: editor.token })
    expect(decided.status).toBe(201)
    // As a freshly started server on SQLite shows it (closing writes the last summary).
    server = await server.restart()
    const before = await views(server, id)
    await server.close()
    server = undefined

    schema = await freshSchema()
    const copied = runCopy(dataDir, schema)
    expect(copied.status, copied.stderr).toBe(0)
    expect(copied.stdout).toMatch(/Klaar: \d+ rijen in 15 tabellen/)
    expect(copied.stderr).toContain('statute_updates:')

    server = await startTestServer({ databaseUrl: schema.url, databaseSchema: schema.schema })
    const after = await views(server, id)
    expect(after.statute).toEqual(before.statute)
    expect(after.members).toEqual(before.members)
    expect(after.threads).toEqual(before.threads)
    expect(after.versions).toEqual(before.versions)
    expect(after.agreements).toEqual(before.agreements)
    expect(JSON.stringify(after.agreements)).toContain('akkoord')
    expect(after.version1).toEqual(before.version1)
    // Same entries; the PostgreSQL server added its own since (the test administrator's new token).
    expect((after.audit as { entries: unknown[] }).entries.slice(-(before.audit as { entries: unknown[] }).entries.length)).toEqual((before.audit as { entries: unknown[] }).entries)
    expect(after.list).toEqual(before.list)

    // The password still works; new numbers continue after the copied ones.
    const signIn = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: editor.user.email, password: TEST_PASSWORD }) })
    expect(signIn.status).toBe(201)
    expect((await api<{ number: number }>(server, 'POST', `/api/statutes/${id}/versions`, { label: 'Na de verhuizing' })).body.number).toBe(2)
    const again = connectClient(server.wsUrl, id, { token: editor.token })
    await synced(again)
    expect(articleText(again.doc, articleId)).toContain('Zin 4 die mee moet.')
    appendParagraph(again.doc, articleId, 'Geschreven op PostgreSQL.')
    await waitFor(() => server!.rooms.openRooms.get(id) !== undefined, 5000, 'room')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await server.rooms.openRooms.get(id)!.settle()
    again.destroy()
    const stored = await server.store.loadDocument(id)
    expect(stored!.logLength).toBeGreaterThan(0)

    // A second copy into the same, now occupied, schema is refused and changes nothing.
    await server.close()
    server = undefined
    const refused = runCopy(dataDir, schema)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/bevat al statuten of accounts/)
  })

  it('says what is wrong when there is nothing to copy or nowhere to copy to', async () => {
    schema = await freshSchema()
    const missing = runCopy(path.join(process.cwd(), 'bestaat-niet'), schema)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/bestaat niet/)
    const noTarget = spawnSync(process.execPath, ['--import', 'tsx', 'server/storage/copyCli.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: '' },
      encoding: 'utf8',
    })
    expect(noTarget.status).toBe(1)
    expect(noTarget.stderr).toMatch(/DATABASE_URL/)
  })
})
