/**
 * The storage contract, run against every engine: SQLite (a file in a temporary directory) and
 * PostgreSQL (a fresh schema per test, dropped afterwards). The same expectations hold for both,
 * down to the types of the returned fields. Below the contract: an SQLite-only test of upgrading a
 * database made by an earlier version, and PostgreSQL-only tests of several
 * instances sharing one database (compaction while appending, concurrent migrations) and of
 * connection problems.
 */
import net from 'node:net'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import Database from 'better-sqlite3'
import { SqliteStore } from '../../server/storage/sqlite/SqliteStore.js'
import { SQLITE_MIGRATIONS } from '../../server/storage/sqlite/migrations.js'
import { PgStore } from '../../server/storage/postgres/PgStore.js'
import { PG_MIGRATIONS } from '../../server/storage/postgres/migrations.js'
import { openStorage } from '../../server/storage/openStorage.js'
import type { Storage } from '../../server/storage/StatuteStore.js'
import type { InvitationRecord, MembershipRecord, PartyRecord, UserRecord } from '../../server/storage/AccessStore.js'
import type { AgreementRecord, VersionRecord } from '../../server/storage/AgreementStore.js'
import type { CommentRecord, ThreadRecord } from '../../server/storage/CommentStore.js'
import { docFromUpdates, mergeStoredUpdates } from '../../server/collaboration/docState.js'
import { loadConfig, type Config } from '../../server/config.js'
import { tempDataDir } from '../helpers/server.js'
import { freshSchema, schemaClient, type FreshSchema } from '../helpers/postgres.js'
import { seededRandom } from '../helpers/prng.js'
import { openRawDatabase, type RawDatabase } from '../helpers/rawDatabase.js'
import { textUpdate } from '../helpers/ydocs.js'

/** One test's storage: a store on fresh, empty storage, and ways to reach that same storage. */
interface Harness {
  readonly store: Storage
  /** Another store with its own connections on the same storage (a second server instance). */
  twin(): Promise<Storage>
  /** Runs raw SQL straight at the database (`?` placeholders); what the database refuses, throws. */
  run(sql: string, ...params: unknown[]): Promise<number>
  cleanup(): Promise<void>
}

async function harness(location: Pick<Config, 'dataDir' | 'databaseUrl' | 'databaseSchema' | 'sqliteSynchronousUpdates'>, dropSchema?: () => Promise<void>): Promise<Harness> {
  const open = (): Storage =>
    location.databaseUrl
      ? new PgStore({ connectionString: location.databaseUrl, schema: location.databaseSchema, poolSize: 4 })
      : new SqliteStore(location.dataDir, { updatesSynchronous: location.sqliteSynchronousUpdates })
  const store = open()
  const opened: Storage[] = [store]
  let raw: RawDatabase | undefined
  return {
    store,
    twin: async () => {
      const twin = open()
      opened.push(twin)
      await twin.migrate()
      return twin
    },
    run: async (sql, ...params) => {
      raw ??= await openRawDatabase(location)
      return raw.run(sql, ...params)
    },
    cleanup: async () => {
      await raw?.close()
      for (const item of opened) await item.close()
      await dropSchema?.()
    },
  }
}

const sqliteHarness = (updates: 'NORMAL' | 'FULL') => () => harness({ dataDir: tempDataDir(), databaseUrl: undefined, databaseSchema: 'public', sqliteSynchronousUpdates: updates })

async function postgresHarness(): Promise<Harness> {
  const schema = await freshSchema()
  return harness({ dataDir: tempDataDir(), databaseUrl: schema.url, databaseSchema: schema.schema, sqliteSynchronousUpdates: 'FULL' }, schema.drop)
}

const engines: Array<[string, () => Promise<Harness>]> = [
  // The update log flushed on the writer thread before each relay (the default).
  ['sqlite', sqliteHarness('FULL')],
  // The update log committed on the event loop, flushed by the checkpoint thread.
  ['sqlite, SQLITE_SYNCHRONOUS_UPDATES=NORMAL', sqliteHarness('NORMAL')],
  ['postgres', postgresHarness],
]

function record(id: string, updatedAt = new Date().toISOString()) {
  return { id, title: `Statuut ${id}`, organisation: 'Gemeente Test', bodyType: 'gemeente' as const, createdAt: updatedAt, updatedAt }
}

const textOf = (updates: readonly Uint8Array[]): string => docFromUpdates(updates).getText('t').toString()

const at = (minute: number): string => new Date(Date.UTC(2030, 0, 1, 12, minute)).toISOString()

function user(id: string, name: string, isAdmin = false): UserRecord {
  return { id, email: `${id}@samenspel.test`, name, passwordHash: `hash-${id}`, isAdmin, createdAt: at(0) }
}

function party(id: string, statuteId: string, name: string, createdAt: string, parentId: string | null = null): PartyRecord {
  return { id, statuteId, name, parentId, createdAt }
}

/** A statute with parties Raad and College (and a fractie under Raad) and two people. */
async function scene(store: Storage, statuteId = 's1') {
  const people = { bert: user('u-bert', 'Bert', true), anna: user('u-anna', 'anna') }
  for (const person of Object.values(people)) await store.accounts.createUser(person)
  const parties = {
    raad: party('p-raad', statuteId, 'Raad', at(1)),
    college: party('p-college', statuteId, 'College', at(1)),
    fractie: party('p-fractie', statuteId, 'Fractie A', at(2), 'p-raad'),
  }
  await store.createStatute(record(statuteId, at(0)), new Uint8Array([0, 0]), {
    parties: [parties.raad, parties.college, parties.fractie],
    members: [{ statuteId, userId: people.bert.id, role: 'beheerder', partyId: parties.raad.id, canAgree: true, createdAt: at(1) }],
  })
  return { people, parties, statuteId }
}

describe.each(engines)('storage contract: %s', (_name, makeHarness) => {
  let h: Harness
  let store: Storage
  beforeEach(async () => {
    h = await makeHarness()
    store = h.store
    await store.migrate()
  })
  afterEach(async () => h?.cleanup())

  describe('statutes, log and compaction', () => {
    it('migrates twice without harm, creates, lists and reads statutes', async () => {
      await store.migrate()
      await store.ping()
      await store.createStatute(record('a1', at(1)), new Uint8Array([0, 0]))
      await store.createStatute(record('b2', at(3)), new Uint8Array([0, 0]))
      await store.createStatute(record('c3', at(2)), new Uint8Array([0, 0]))
      // Most recently changed first.
      expect((await store.listStatutes()).map((s) => s.id)).toEqual(['b2', 'c3', 'a1'])
      expect(await store.getStatute('a1')).toEqual(record('a1', at(1)))
      expect(await store.getStatute('nope')).toBeUndefined()
      expect(await store.loadDocument('nope')).toBeUndefined()
      await expect(store.createStatute(record('a1'), new Uint8Array([0, 0]))).rejects.toThrow()
    })

    it('replays snapshot and log in order, and compaction keeps the same state', async () => {
      const doc = new Y.Doc()
      const initial = textUpdate(doc, 'begin ')
      await store.createStatute(record('s1'), initial)
      for (let i = 0; i < 20; i++) await store.appendUpdate('s1', textUpdate(doc, `${i} `))
      const loaded = await store.loadDocument('s1')
      expect(loaded?.logLength).toBe(20)
      expect(loaded?.updates).toHaveLength(21)
      expect(loaded!.updates[0]).toBeInstanceOf(Uint8Array)
      expect(Array.from(loaded!.updates[0]!)).toEqual(Array.from(initial))
      expect(textOf(loaded!.updates)).toBe(doc.getText('t').toString())

      const result = await store.compact('s1', mergeStoredUpdates)
      expect(result.mergedUpdates).toBe(20)
      expect(result.bytesBefore).toBe(loaded!.updates.reduce((sum, u) => sum + u.byteLength, 0))
      const compacted = await store.loadDocument('s1')
      expect(compacted?.logLength).toBe(0)
      expect(result.bytesAfter).toBe(compacted!.updates[0]!.byteLength)
      expect(textOf(compacted!.updates)).toBe(doc.getText('t').toString())
      // Nothing to fold: nothing changes.
      expect(await store.compact('s1', mergeStoredUpdates)).toEqual({ mergedUpdates: 0, bytesBefore: result.bytesAfter, bytesAfter: result.bytesAfter })

      // Appends after compaction land in the log again and are replayed after the snapshot.
      await store.appendUpdate('s1', textUpdate(doc, 'einde'))
      const after = await store.loadDocument('s1')
      expect(after?.logLength).toBe(1)
      expect(textOf(after!.updates)).toBe(doc.getText('t').toString())
      expect(doc.getText('t').toString()).toMatch(/^begin 0 1 .* 19 einde$/)
    })

    it('a failing merge leaves snapshot and log untouched', async () => {
      const doc = new Y.Doc()
      await store.createStatute(record('s2'), textUpdate(doc, 'a'))
      await store.appendUpdate('s2', textUpdate(doc, 'b'))
      await expect(
        store.compact('s2', () => {
          throw new Error('merge failed')
        }),
      ).rejects.toThrow('merge failed')
      const loaded = await store.loadDocument('s2')
      expect(loaded?.logLength).toBe(1)
      expect(textOf(loaded!.updates)).toBe('ab')
      // The store still works afterwards (PostgreSQL: the connection went back to the pool clean).
      expect((await store.compact('s2', mergeStoredUpdates)).mergedUpdates).toBe(1)
    })

    it('keeps the list summary in step', async () => {
      await store.createStatute(record('s3'), new Uint8Array([0, 0]))
      await store.updateStatuteSummary('s3', { title: 'Nieuwe titel', organisation: 'Gemeente Tiel', updatedAt: '2030-01-01T00:00:00.000Z' })
      expect(await store.getStatute('s3')).toMatchObject({ title: 'Nieuwe titel', organisation: 'Gemeente Tiel', updatedAt: '2030-01-01T00:00:00.000Z' })
    })

    it('leaves U+0000 out of the summary (it comes from the document; PostgreSQL cannot store it)', async () => {
      await store.createStatute(record('s4'), new Uint8Array([0, 0]))
      await store.updateStatuteSummary('s4', { title: 'Titel\u0000 met\u0000\u0000 nul', organisation: '\u0000Gemeente\tTiel', updatedAt: '2030-01-01T00:00:00.000Z' })
      expect(await store.getStatute('s4')).toMatchObject({ title: 'Titel met nul', organisation: 'Gemeente\tTiel' })
    })

    it('creates a statute with its parties and members atomically: one bad member, nothing stored', async () => {
      await store.accounts.createUser(user('u1', 'Eerste'))
      const access = {
        parties: [party('p1', 'x1', 'Raad', at(1))],
        members: [
          { statuteId: 'x1', userId: 'u1', role: 'beheerder' as const, partyId: 'p1', canAgree: true, createdAt: at(1) },
          { statuteId: 'x1', userId: 'no-such-user', role: 'lezer' as const, partyId: 'p1', canAgree: false, createdAt: at(1) },
        ],
      }
      await expect(store.createStatute(record('x1'), new Uint8Array([0, 0]), access)).rejects.toThrow()
      expect(await store.getStatute('x1')).toBeUndefined()
      expect(await store.loadDocument('x1')).toBeUndefined()
      expect(await store.access.listParties('x1')).toEqual([])
      expect(await store.access.listMembershipsOf('u1')).toEqual([])

      await store.createStatute(record('x1'), new Uint8Array([0, 0]), { parties: access.parties, members: access.members.slice(0, 1) })
      expect(await store.access.listMembershipsOf('u1')).toEqual([{ statuteId: 'x1', role: 'beheerder' }])
    })
  })

  describe('accounts, sessions and API tokens', () => {
    it('creates, reads and lists accounts (by name, code-point order); refuses a second account with the same address', async () => {
      expect(await store.accounts.countUsers()).toBe(0)
      const people = [user('u1', 'anna'), user('u2', 'Émile'), user('u3', 'Bert', true), user('u4', 'Zoë')]
      for (const person of people) await store.accounts.createUser(person)
      expect(await store.accounts.countUsers()).toBe(4)
      expect(await store.accounts.getUser('u3')).toEqual(people[2])
      expect(await store.accounts.getUser('u1')).toEqual(people[0])
      expect((await store.accounts.getUser('u1'))?.isAdmin).toBe(false)
      expect(await store.accounts.getUserByEmail('u2@samenspel.test')).toEqual(people[1])
      expect(await store.accounts.getUser('nobody')).toBeUndefined()
      expect(await store.accounts.getUserByEmail('nobody@samenspel.test')).toBeUndefined()
      expect((await store.accounts.listUsers()).map((u) => u.name)).toEqual(['Bert', 'Zoë', 'anna', 'Émile'])
      await expect(store.accounts.createUser({ ...user('u5', 'Dubbel'), email: 'u1@samenspel.test' })).rejects.toThrow()
      await store.accounts.setPasswordHash('u1', 'new-hash')
      expect((await store.accounts.getUser('u1'))?.passwordHash).toBe('new-hash')
      expect(await store.accounts.countUsers()).toBe(4)
    })

    it('sessions: create, read, extend, delete one, sign out everywhere except one', async () => {
      await store.accounts.createUser(user('u1', 'Een'))
      await store.accounts.createUser(user('u2', 'Twee'))
      const session = (idHash: string, userId = 'u1') => ({ idHash, userId, createdAt: at(0), expiresAt: at(30) })
      for (const s of [session('h1'), session('h2'), session('h3'), session('h4', 'u2')]) await store.accounts.createSession(s)
      expect(await store.accounts.getSession('h1')).toEqual(session('h1'))
      await store.accounts.extendSession('h1', at(45))
      expect(await store.accounts.getSession('h1')).toEqual({ ...session('h1'), expiresAt: at(45) })
      await store.accounts.deleteSession('h1')
      expect(await store.accounts.getSession('h1')).toBeUndefined()
      await store.accounts.deleteSessionsOf('u1', 'h2')
      expect(await store.accounts.getSession('h2')).toEqual(session('h2'))
      expect(await store.accounts.getSession('h3')).toBeUndefined()
      await store.accounts.deleteSessionsOf('u1')
      expect(await store.accounts.getSession('h2')).toBeUndefined()
      expect(await store.accounts.getSession('h4')).toEqual(session('h4', 'u2'))
    })

    it('API tokens: newest first, found by hash, revoked once and only by their owner, use recorded', async () => {
      await store.accounts.createUser(user('u1', 'Een'))
      await store.accounts.createUser(user('u2', 'Twee'))
      const token = (id: string, createdAt: string) => ({ id, userId: 'u1', name: `token ${id}`, tokenHash: `th-${id}`, createdAt, lastUsedAt: null, revokedAt: null })
      await store.accounts.createApiToken(token('t1', at(1)))
      await store.accounts.createApiToken(token('t2', at(2)))
      expect(await store.accounts.listApiTokens('u1')).toEqual([token('t2', at(2)), token('t1', at(1))])
      expect(await store.accounts.listApiTokens('u2')).toEqual([])
      expect(await store.accounts.getApiTokenByHash('th-t1')).toEqual(token('t1', at(1)))
      expect(await store.accounts.getApiTokenByHash('th-none')).toBeUndefined()
      expect(await store.accounts.revokeApiToken('u2', 't1', at(3))).toBe(false)
      expect(await store.accounts.revokeApiToken('u1', 't1', at(3))).toBe(true)
      expect(await store.accounts.revokeApiToken('u1', 't1', at(4))).toBe(false)
      await store.accounts.touchApiToken('t2', at(5))
      expect(await store.accounts.listApiTokens('u1')).toEqual([
        { ...token('t2', at(2)), lastUsedAt: at(5) },
        { ...token('t1', at(1)), revokedAt: at(3) },
      ])
    })

    it('createFirstAdmin: only while no account exists; of two instances at once exactly one succeeds', async () => {
      const twin = await h.twin()
      await Promise.all([store.ping(), twin.ping()])
      const first = user('first', 'Eerste', true)
      const second = user('second', 'Tweede', true)
      const results = await Promise.all([store.accounts.createFirstAdmin(first), twin.accounts.createFirstAdmin(second)])
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = results[0] ? first : second
      expect(await store.accounts.countUsers()).toBe(1)
      expect(await twin.accounts.listUsers()).toEqual([winner])
      expect(await store.accounts.createFirstAdmin(user('third', 'Derde', true))).toBe(false)
      expect(await store.accounts.countUsers()).toBe(1)
    })

    it('createFirstAdmin refuses once any account exists, admin or not', async () => {
      await store.accounts.createUser(user('plain', 'Gewoon'))
      expect(await store.accounts.createFirstAdmin(user('admin', 'Beheer', true))).toBe(false)
      expect(await store.accounts.getUser('admin')).toBeUndefined()
    })
  })

  describe('parties, memberships and invitations', () => {
    it('parties in order of creation then name, with their rule; memberships created, replaced, listed and removed', async () => {
      const { people, parties, statuteId } = await scene(store)
      expect(await store.access.listParties(statuteId)).toEqual([
        { ...parties.college, rule: 'all', quorum: null },
        { ...parties.raad, rule: 'all', quorum: null },
        { ...parties.fractie, rule: 'all', quorum: null },
      ])
      await store.access.createParty(party('p-griffie', statuteId, 'Griffie', at(3)))
      expect((await store.access.listParties(statuteId)).map((p) => p.id)).toEqual(['p-college', 'p-raad', 'p-fractie', 'p-griffie'])
      await expect(store.access.createParty(party('p-raad', statuteId, 'Dubbel', at(4)))).rejects.toThrow()

      const bert: MembershipRecord = { statuteId, userId: people.bert.id, role: 'beheerder', partyId: parties.raad.id, canAgree: true, createdAt: at(1) }
      expect(await store.access.getMembership(statuteId, people.bert.id)).toEqual(bert)
      const anna: MembershipRecord = { statuteId, userId: people.anna.id, role: 'commentator', partyId: parties.college.id, canAgree: false, createdAt: at(5) }
      await store.access.putMembership(anna)
      expect(await store.access.getMembership(statuteId, people.anna.id)).toEqual(anna)
      // Replacing keeps the original creation time.
      await store.access.putMembership({ ...anna, role: 'redacteur', partyId: parties.fractie.id, canAgree: true, createdAt: at(9) })
      const replaced = { ...anna, role: 'redacteur' as const, partyId: parties.fractie.id, canAgree: true }
      expect(await store.access.getMembership(statuteId, people.anna.id)).toEqual(replaced)
      expect(await store.access.listMembers(statuteId)).toEqual([
        { ...bert, name: 'Bert', email: people.bert.email, partyName: 'Raad' },
        { ...replaced, name: 'anna', email: people.anna.email, partyName: 'Fractie A' },
      ])
      expect(await store.access.listMembershipsOf(people.anna.id)).toEqual([{ statuteId, role: 'redacteur' }])
      await store.access.deleteMembership(statuteId, people.anna.id)
      expect(await store.access.getMembership(statuteId, people.anna.id)).toBeUndefined()
      expect(await store.access.listMembershipsOf(people.anna.id)).toEqual([])
      expect(await store.access.getMembership('other', people.bert.id)).toBeUndefined()
    })

    it('updateMembership and removeMembership never create, tell the membership before and after, and keep one beheerder', async () => {
      const { people, parties, statuteId } = await scene(store)
      const bert: MembershipRecord = { statuteId, userId: people.bert.id, role: 'beheerder', partyId: parties.raad.id, canAgree: true, createdAt: at(1) }
      const anna: MembershipRecord = { statuteId, userId: people.anna.id, role: 'commentator', partyId: parties.college.id, canAgree: false, createdAt: at(5) }
      await store.access.putMembership(anna)
      // Anna is a beheerder elsewhere; that does not count here.
      await store.createStatute(record('elders'), new Uint8Array([0, 0]), {
        parties: [party('p-elders', 'elders', 'Raad', at(1))],
        members: [{ statuteId: 'elders', userId: people.anna.id, role: 'beheerder', partyId: 'p-elders', canAgree: false, createdAt: at(1) }],
      })

      expect(await store.access.updateMembership(statuteId, 'u-nobody', { role: 'lezer' })).toEqual({ ok: false, reason: 'not_member' })
      expect(await store.access.updateMembership('other', people.anna.id, { role: 'lezer' })).toEqual({ ok: false, reason: 'not_member' })
      expect(await store.access.getMembership(statuteId, 'u-nobody')).toBeUndefined()
      const promoted = { ...anna, role: 'redacteur' as const, canAgree: true, partyId: parties.fractie.id }
      expect(await store.access.updateMembership(statuteId, people.anna.id, { role: 'redacteur', partyId: parties.fractie.id, canAgree: true })).toEqual({ ok: true, before: anna, after: promoted })
      expect(await store.access.getMembership(statuteId, people.anna.id)).toEqual(promoted)
      // Undefined fields stay as they are.
      expect(await store.access.updateMembership(statuteId, people.anna.id, { role: undefined, canAgree: false })).toEqual({ ok: true, before: promoted, after: { ...promoted, canAgree: false } })

      // Bert is the last beheerder: not demoted, not removed; other changes are fine.
      expect(await store.access.updateMembership(statuteId, people.bert.id, { role: 'redacteur' })).toEqual({ ok: false, reason: 'last_beheerder' })
      expect(await store.access.removeMembership(statuteId, people.bert.id)).toEqual({ ok: false, reason: 'last_beheerder' })
      expect(await store.access.getMembership(statuteId, people.bert.id)).toEqual(bert)
      expect(await store.access.updateMembership(statuteId, people.bert.id, { role: 'beheerder', canAgree: false })).toEqual({ ok: true, before: bert, after: { ...bert, canAgree: false } })

      // With a second beheerder the first may go; then the second is the last.
      expect((await store.access.updateMembership(statuteId, people.anna.id, { role: 'beheerder' })).ok).toBe(true)
      expect(await store.access.removeMembership(statuteId, people.bert.id)).toEqual({ ok: true, before: { ...bert, canAgree: false } })
      expect(await store.access.getMembership(statuteId, people.bert.id)).toBeUndefined()
      expect(await store.access.removeMembership(statuteId, people.bert.id)).toEqual({ ok: false, reason: 'not_member' })
      expect(await store.access.updateMembership(statuteId, people.anna.id, { role: 'lezer' })).toEqual({ ok: false, reason: 'last_beheerder' })
      // A member who is not a beheerder can always be removed.
      await store.access.putMembership(bert)
      await store.access.updateMembership(statuteId, people.bert.id, { role: 'lezer' })
      expect((await store.access.removeMembership(statuteId, people.bert.id)).ok).toBe(true)
      expect((await store.access.listMembers(statuteId)).map((m) => [m.userId, m.role])).toEqual([[people.anna.id, 'beheerder']])
    })

    it('beheerders removing or demoting each other at the same moment (two instances): one beheerder always remains', async () => {
      const { people, parties, statuteId } = await scene(store)
      const carla = user('u-carla', 'Carla')
      await store.accounts.createUser(carla)
      const ids = [people.bert.id, people.anna.id, carla.id]
      const twin = await h.twin()
      const beheerders = async () => (await store.access.listMembers(statuteId)).filter((m) => m.role === 'beheerder').map((m) => m.userId)
      /** Exactly these are beheerders; the others (members again if removed) are lezers. */
      const makeBeheerders = async (userIds: readonly string[]) => {
        for (const userId of ids) {
          await store.access.putMembership({ statuteId, userId, role: userIds.includes(userId) ? 'beheerder' : 'lezer', partyId: parties.raad.id, canAgree: true, createdAt: at(1) })
        }
      }
      for (let round = 0; round < 12; round += 1) {
        const remove = round % 2 === 0
        // Two beheerders, each taking the other away, through different instances.
        await makeBeheerders(ids.slice(0, 2))
        const [bert, anna] = ids
        const pair = await Promise.all([
          remove ? store.access.removeMembership(statuteId, anna!) : store.access.updateMembership(statuteId, anna!, { role: 'redacteur' }),
          remove ? twin.access.removeMembership(statuteId, bert!) : twin.access.updateMembership(statuteId, bert!, { role: 'redacteur' }),
        ])
        expect(pair.filter((r) => r.ok)).toHaveLength(1)
        expect(pair.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'last_beheerder' }])
        expect(await beheerders()).toHaveLength(1)

        // Three beheerders each stepping down at once: two may, the last one stays.
        await makeBeheerders(ids)
        const three = await Promise.all(
          ids.map((userId, i) => {
            const s = i % 2 === 0 ? store : twin
            return remove ? s.access.removeMembership(statuteId, userId) : s.access.updateMembership(statuteId, userId, { role: 'lezer' })
          }),
        )
        expect(three.filter((r) => r.ok)).toHaveLength(2)
        expect(await beheerders()).toHaveLength(1)
      }
    })

    /** An open invitation `id` to the statute, for accepting (what it grants is passed on accepting). */
    const invite = async (s: Storage, statuteId: string, partyId: string, createdBy: string, id: string): Promise<string> => {
      await s.access.createInvitation({
        id,
        statuteId,
        email: `${id}@elders.test`,
        role: 'lezer',
        partyId,
        canAgree: false,
        tokenHash: `ih-${id}`,
        createdBy,
        createdAt: at(1),
        expiresAt: at(50),
        acceptedAt: null,
        revokedAt: null,
      })
      return id
    }

    it('accepting an invitation creates or updates a membership, and never lowers a beheerder', async () => {
      const { people, parties, statuteId } = await scene(store)
      const carla = user('u-carla', 'Carla')
      await store.accounts.createUser(carla)
      const accept = async (id: string, membership: MembershipRecord) => (await store.access.acceptInvitation(await invite(store, statuteId, parties.college.id, people.bert.id, id), membership.createdAt, membership))!
      // A new member.
      const added = await accept('a1', { statuteId, userId: carla.id, role: 'commentator', partyId: parties.college.id, canAgree: false, createdAt: at(5) })
      expect(added).toEqual({ existed: false, membership: { statuteId, userId: carla.id, role: 'commentator', partyId: parties.college.id, canAgree: false, createdAt: at(5) } })
      // An existing member takes the invitation's role, party and right to agree, and keeps the date they joined.
      const changed = await accept('a2', { statuteId, userId: carla.id, role: 'redacteur', partyId: parties.fractie.id, canAgree: true, createdAt: at(9) })
      expect(changed).toEqual({ existed: true, membership: { statuteId, userId: carla.id, role: 'redacteur', partyId: parties.fractie.id, canAgree: true, createdAt: at(5) } })
      expect(await store.access.getMembership(statuteId, carla.id)).toEqual(changed.membership)
      // A beheerder stays beheerder (here the only one).
      const kept = await accept('a3', { statuteId, userId: people.bert.id, role: 'lezer', partyId: parties.college.id, canAgree: false, createdAt: at(9) })
      expect(kept).toEqual({ existed: true, membership: { statuteId, userId: people.bert.id, role: 'beheerder', partyId: parties.college.id, canAgree: false, createdAt: at(1) } })
      expect(await store.access.getMembership(statuteId, people.bert.id)).toEqual(kept.membership)
    })

    it('an invitation accepted while its person becomes the last beheerder (two instances): one beheerder always remains', async () => {
      const { people, parties, statuteId } = await scene(store)
      const twin = await h.twin()
      const [bert, anna] = [people.bert.id, people.anna.id]
      for (let round = 0; round < 12; round += 1) {
        // Bert is beheerder, Anna lezer with an open invitation as lezer.
        await store.access.putMembership({ statuteId, userId: bert, role: 'beheerder', partyId: parties.raad.id, canAgree: true, createdAt: at(1) })
        await store.access.putMembership({ statuteId, userId: anna, role: 'lezer', partyId: parties.raad.id, canAgree: true, createdAt: at(1) })
        const invitationId = await invite(twin, statuteId, parties.raad.id, bert, `r${round}`)
        // Meanwhile Anna is made beheerder and Bert steps down, on another instance.
        const handOver = async () => {
          expect((await store.access.updateMembership(statuteId, anna, { role: 'beheerder' })).ok).toBe(true)
          expect((await store.access.updateMembership(statuteId, bert, { role: 'lezer' })).ok).toBe(true)
        }
        const accept = async () => {
          // Spread the acceptance over the hand-over's steps.
          for (let wait = 0; wait < round % 4; wait += 1) await new Promise((r) => setImmediate(r))
          expect(await twin.access.acceptInvitation(invitationId, at(9), { statuteId, userId: anna, role: 'lezer', partyId: parties.raad.id, canAgree: true, createdAt: at(9) })).toBeDefined()
        }
        await Promise.all([handOver(), accept()])
        const beheerders = (await store.access.listMembers(statuteId)).filter((m) => m.role === 'beheerder').map((m) => m.userId)
        expect(beheerders).toEqual([anna])
      }
    })

    it('invitations: newest first, found by hash, accepted once (also by two instances at once), revoked only while open', async () => {
      const { people, parties, statuteId } = await scene(store)
      const invitation = (id: string, createdAt: string): InvitationRecord => ({
        id,
        statuteId,
        email: `${id}@elders.test`,
        role: 'lezer',
        partyId: parties.college.id,
        canAgree: id === 'i1',
        tokenHash: `ih-${id}`,
        createdBy: people.bert.id,
        createdAt,
        expiresAt: at(50),
        acceptedAt: null,
        revokedAt: null,
      })
      await store.access.createInvitation(invitation('i1', at(1)))
      await store.access.createInvitation(invitation('i2', at(2)))
      await store.access.createInvitation(invitation('i3', at(3)))
      expect(await store.access.listInvitations(statuteId)).toEqual([invitation('i3', at(3)), invitation('i2', at(2)), invitation('i1', at(1))])
      expect(await store.access.getInvitationByHash('ih-i1')).toEqual(invitation('i1', at(1)))
      expect(await store.access.getInvitationByHash('ih-none')).toBeUndefined()

      const carla = user('u-carla', 'Carla')
      await store.accounts.createUser(carla)
      const asCarla = (id: string, createdAt: string): MembershipRecord => ({ statuteId, userId: carla.id, role: 'lezer', partyId: parties.college.id, canAgree: id === 'i1', createdAt })
      const twin = await h.twin()
      const accepted = await Promise.all([store.access.acceptInvitation('i1', at(10), asCarla('i1', at(10))), twin.access.acceptInvitation('i1', at(11), asCarla('i1', at(11)))])
      expect(accepted.filter(Boolean)).toHaveLength(1)
      const winner = accepted[0] ? 0 : 1
      expect(accepted[winner]).toEqual({ existed: false, membership: asCarla('i1', at(10 + winner)) })
      expect(await store.access.getMembership(statuteId, carla.id)).toEqual(asCarla('i1', at(10 + winner)))
      expect(await store.access.acceptInvitation('i1', at(12), asCarla('i1', at(12)))).toBeUndefined()
      expect(await store.access.revokeInvitation(statuteId, 'i1', at(12))).toBe(false)
      expect((await store.access.getInvitationByHash('ih-i1'))?.acceptedAt).toBe(at(10 + winner))

      expect(await store.access.revokeInvitation('other-statute', 'i2', at(13))).toBe(false)
      expect(await store.access.revokeInvitation(statuteId, 'i2', at(13))).toBe(true)
      expect(await store.access.revokeInvitation(statuteId, 'i2', at(14))).toBe(false)
      expect(await store.access.acceptInvitation('i2', at(14), asCarla('i2', at(14)))).toBeUndefined()
      expect(await store.access.getInvitationByHash('ih-i2')).toEqual({ ...invitation('i2', at(2)), revokedAt: at(13) })
      // Carla is a member already: the invitation updates her membership and keeps her join date.
      expect(await store.access.acceptInvitation('i3', at(15), { ...asCarla('i3', at(15)), role: 'commentator' })).toEqual({
        existed: true,
        membership: { ...asCarla('i3', at(10 + winner)), role: 'commentator' },
      })
    })

    it('an invitation whose membership cannot be written stays open, and can be used afterwards', async () => {
      const { people, parties, statuteId } = await scene(store)
      await store.access.createInvitation({
        id: 'i9',
        statuteId,
        email: 'dirk@elders.test',
        role: 'redacteur',
        partyId: parties.raad.id,
        canAgree: true,
        tokenHash: 'ih-i9',
        createdBy: people.bert.id,
        createdAt: at(1),
        expiresAt: at(50),
        acceptedAt: null,
        revokedAt: null,
      })
      const forDirk = (userId: string): MembershipRecord => ({ statuteId, userId, role: 'redacteur', partyId: parties.raad.id, canAgree: true, createdAt: at(5) })
      // No such account (e.g. removed a moment before): the membership is refused by the database.
      await expect(store.access.acceptInvitation('i9', at(5), forDirk('u-nobody'))).rejects.toThrow()
      expect((await store.access.getInvitationByHash('ih-i9'))?.acceptedAt).toBeNull()
      expect(await store.access.getMembership(statuteId, 'u-nobody')).toBeUndefined()
      const dirk = user('u-dirk', 'Dirk')
      await store.accounts.createUser(dirk)
      expect(await store.access.acceptInvitation('i9', at(6), forDirk(dirk.id))).toEqual({ existed: false, membership: forDirk(dirk.id) })
      expect((await store.access.getInvitationByHash('ih-i9'))?.acceptedAt).toBe(at(6))
    })
  })

  describe('audit log', () => {
    it('appends and lists newest first per statute and overall, with details as objects and ids as numbers', async () => {
      const entry = (minute: number, action: string, statuteId: string | null, details: Record<string, unknown> = {}) => ({
        at: at(minute),
        actorId: 'u1',
        actorLabel: 'Een',
        statuteId,
        action,
        details,
        ip: '192.0.2.1',
      })
      await store.audit.append(entry(1, 'statute.created', 's1', { title: 'Statuut', nested: { list: [1, 'twee', null], flag: true } }))
      await store.audit.append(entry(2, 'member.added', 's1', { userId: 'u2' }))
      await store.audit.append(entry(3, 'signin', null))
      await store.audit.append({ ...entry(4, 'member.removed', 's1'), actorId: null, ip: null })
      await store.audit.append(entry(5, 'statute.created', 's2'))

      const s1 = await store.audit.listForStatute('s1', 2)
      expect(s1.map((e) => e.action)).toEqual(['member.removed', 'member.added'])
      expect(s1[0]).toMatchObject({ actorId: null, ip: null, statuteId: 's1', details: {} })
      const all = await store.audit.listAll(10)
      expect(all.map((e) => e.action)).toEqual(['statute.created', 'member.removed', 'signin', 'member.added', 'statute.created'])
      for (const e of all) expect(typeof e.id).toBe('number')
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a))
      const { id: _id, ...first } = all[4]!
      expect(first).toEqual(entry(1, 'statute.created', 's1', { title: 'Statuut', nested: { list: [1, 'twee', null], flag: true } }))
      expect(await store.audit.listAll(1)).toHaveLength(1)
    })

    it('counts failed sign-ins per e-mail address and per IP address within the window', async () => {
      const failed = (minute: number, email: string, ip: string) => ({
        at: at(minute),
        actorId: null,
        actorLabel: email,
        statuteId: null,
        action: 'signin.failed',
        details: { email },
        ip,
      })
      await store.audit.append(failed(1, 'a@x.test', '198.51.100.1')) // before the window
      await store.audit.append(failed(11, 'a@x.test', '198.51.100.1'))
      await store.audit.append(failed(12, 'a@x.test', '198.51.100.2'))
      await store.audit.append(failed(13, 'b@x.test', '198.51.100.1'))
      await store.audit.append({ ...failed(14, 'a@x.test', '198.51.100.1'), action: 'signin' })
      await store.audit.append({ ...failed(14, 'x', '198.51.100.9'), details: { other: 'a@x.test' } })
      expect(await store.audit.countFailedSignIns('a@x.test', '198.51.100.1', at(10))).toEqual({ byEmail: 2, byIp: 2 })
      expect(await store.audit.countFailedSignIns('a@x.test', '198.51.100.1', at(0))).toEqual({ byEmail: 3, byIp: 3 })
      expect(await store.audit.countFailedSignIns('c@x.test', '203.0.113.1', at(0))).toEqual({ byEmail: 0, byIp: 0 })
    })
  })

  describe('agreements, phases and versions', () => {
    const decision = (statuteId: string, partyId: string, userId: string, minute: number, d: AgreementRecord['decision'] = 'akkoord'): Omit<AgreementRecord, 'id'> => ({
      statuteId,
      articleId: 'art-1',
      partyId,
      userId,
      decision: d,
      reason: d === 'niet-akkoord' ? 'Te lang.' : null,
      fingerprint: `fp-${minute}`,
      articleText: `Artikel 1 Doel (${minute})`,
      createdAt: at(minute),
    })

    it('agreements are appended with increasing numeric ids; the database refuses UPDATE and DELETE, except with the statute', async () => {
      const { people, parties, statuteId } = await scene(store)
      const records: AgreementRecord[] = []
      records.push((await store.agreements.appendAgreement(decision(statuteId, parties.raad.id, people.bert.id, 1)))!)
      records.push((await store.agreements.appendAgreement(decision(statuteId, parties.raad.id, people.bert.id, 2, 'niet-akkoord')))!)
      records.push((await store.agreements.appendAgreement(decision(statuteId, parties.college.id, people.anna.id, 3, 'ingetrokken')))!)
      for (const r of records) expect(typeof r.id).toBe('number')
      expect(records[1]!.id).toBeGreaterThan(records[0]!.id)
      expect(records[2]!.id).toBeGreaterThan(records[1]!.id)
      expect(await store.agreements.listAgreements(statuteId)).toEqual(records)
      expect(await store.agreements.listAgreements('other')).toEqual([])

      await expect(h.run("UPDATE agreements SET decision = 'akkoord' WHERE statute_id = ?", statuteId)).rejects.toThrow(/append-only/)
      await expect(h.run('UPDATE agreements SET reason = NULL WHERE id = ?', records[1]!.id)).rejects.toThrow(/append-only/)
      await expect(h.run('DELETE FROM agreements WHERE id = ?', records[0]!.id)).rejects.toThrow(/append-only/)
      await expect(h.run('DELETE FROM agreements')).rejects.toThrow(/append-only/)
      expect(await store.agreements.listAgreements(statuteId)).toEqual(records)

      // Deleting the statute takes its agreements with it.
      expect(await h.run('DELETE FROM statutes WHERE id = ?', statuteId)).toBe(1)
      expect(await store.agreements.listAgreements(statuteId)).toEqual([])
      expect(await store.getStatute(statuteId)).toBeUndefined()
    })

    it('phases, evaluation date and party rules', async () => {
      const { parties, statuteId } = await scene(store)
      expect(await store.agreements.getPhase(statuteId)).toEqual({ phase: 'concept', evaluationDate: null })
      expect(await store.agreements.getPhase('unknown')).toEqual({ phase: 'concept', evaluationDate: null })
      await store.agreements.setPhase(statuteId, 'in-bespreking')
      await store.agreements.setEvaluationDate(statuteId, '2031-06-30')
      expect(await store.agreements.getPhase(statuteId)).toEqual({ phase: 'in-bespreking', evaluationDate: '2031-06-30' })
      await store.agreements.setEvaluationDate(statuteId, null)
      expect(await store.agreements.getPhase(statuteId)).toEqual({ phase: 'in-bespreking', evaluationDate: null })

      await store.agreements.setPartyRule(statuteId, parties.raad.id, 'quorum', 2)
      const raad = (await store.access.listParties(statuteId)).find((p) => p.id === parties.raad.id)
      expect(raad).toEqual({ ...parties.raad, rule: 'quorum', quorum: 2 })
      await store.agreements.setPartyRule(statuteId, parties.raad.id, 'all', null)
      expect((await store.access.listParties(statuteId)).find((p) => p.id === parties.raad.id)).toEqual({ ...parties.raad, rule: 'all', quorum: null })
    })

    const newVersion = (statuteId: string, createdBy: string, label: string, kind: VersionRecord['kind'] = 'adopted'): Omit<VersionRecord, 'number'> => ({
      statuteId,
      label,
      kind,
      state: Uint8Array.from([1, 2, 3]),
      snapshot: JSON.stringify({ label }),
      createdBy,
      createdAt: at(5),
      decisionDate: kind === 'adopted' ? '2031-01-15' : null,
      decisionReference: kind === 'adopted' ? 'Raadsbesluit 2031/7' : null,
    })
    const adoption = { setPhase: 'vastgesteld', requirePhase: { from: ['ter-vaststelling'] } } as const
    const after = async <T>(ms: number, work: () => Promise<T>): Promise<T> => {
      await new Promise((resolve) => setTimeout(resolve, ms))
      return work()
    }

    it('setPhase with a condition is compare-and-set: it tells the phase before, or changes nothing', async () => {
      const { statuteId } = await scene(store)
      expect(await store.agreements.setPhase(statuteId, 'in-bespreking', { notIn: ['vastgesteld'] })).toBe('concept')
      expect(await store.agreements.setPhase(statuteId, 'concept', { from: ['vastgesteld'] })).toBeUndefined()
      expect((await store.agreements.getPhase(statuteId)).phase).toBe('in-bespreking')
      expect(await store.agreements.setPhase(statuteId, 'vastgesteld')).toBe('in-bespreking')
      expect(await store.agreements.setPhase(statuteId, 'ter-vaststelling', { notIn: ['vastgesteld'] })).toBeUndefined()
      expect((await store.agreements.getPhase(statuteId)).phase).toBe('vastgesteld')
      expect(await store.agreements.setPhase(statuteId, 'concept', { from: ['ter-vaststelling', 'vastgesteld'] })).toBe('vastgesteld')
      expect((await store.agreements.getPhase(statuteId)).phase).toBe('concept')
      expect(await store.agreements.setPhase('unknown', 'concept')).toBeUndefined()
    })

    it('agreements are refused while the statute is vastgesteld or unknown; U+0000 is left out of the text decided on', async () => {
      const { people, parties, statuteId } = await scene(store)
      await store.agreements.setPhase(statuteId, 'vastgesteld')
      expect(await store.agreements.appendAgreement(decision(statuteId, parties.raad.id, people.bert.id, 1))).toBeUndefined()
      expect(await store.agreements.listAgreements(statuteId)).toEqual([])
      await store.agreements.setPhase(statuteId, 'concept')
      const allowed = await store.agreements.appendAgreement({ ...decision(statuteId, parties.raad.id, people.bert.id, 2), articleText: 'Artikel 1\u0000 Doel' })
      expect(allowed).toMatchObject({ articleText: 'Artikel 1 Doel', decision: 'akkoord' })
      expect(await store.agreements.listAgreements(statuteId)).toEqual([allowed])
      expect(await store.agreements.appendAgreement(decision('unknown', parties.raad.id, people.bert.id, 3))).toBeUndefined()
    })

    it('conditional versions: stored only in the required phase and when no decision came after the check', async () => {
      const { people, parties, statuteId } = await scene(store)
      const v = (label: string) => newVersion(statuteId, people.bert.id, label)
      expect(await store.agreements.addVersion(v('Te vroeg'), adoption)).toBeUndefined()
      await store.agreements.setPhase(statuteId, 'ter-vaststelling')
      const seen = (await store.agreements.listAgreements(statuteId)).length
      await store.agreements.appendAgreement(decision(statuteId, parties.raad.id, people.bert.id, 1, 'ingetrokken'))
      // A decision arrived after the caller's check: nothing stored, the phase unchanged.
      expect(await store.agreements.addVersion(v('Na een besluit'), { ...adoption, agreementsSeen: seen })).toBeUndefined()
      expect(await store.agreements.listVersions(statuteId)).toEqual([])
      expect((await store.agreements.getPhase(statuteId)).phase).toBe('ter-vaststelling')
      const adopted = await store.agreements.addVersion(v('Vastgesteld'), { ...adoption, agreementsSeen: seen + 1 })
      expect(adopted?.number).toBe(1)
      expect((await store.agreements.getPhase(statuteId)).phase).toBe('vastgesteld')
      expect(await store.agreements.addVersion(v('Nog eens'), adoption)).toBeUndefined()
      // Without conditions a version is stored in any phase.
      expect((await store.agreements.addVersion(newVersion(statuteId, people.bert.id, 'Naslag', 'named'))).number).toBe(2)
      expect((await store.agreements.listVersions(statuteId)).map((x) => x.label)).toEqual(['Vastgesteld', 'Naslag'])
    })

    it('two adoptions at once (two instances): exactly one stores its version; two revisions at once: exactly one reopens', async () => {
      const { people, statuteId } = await scene(store)
      const twin = await h.twin()
      const rounds = 8
      for (let round = 0; round < rounds; round += 1) {
        await store.agreements.setPhase(statuteId, 'ter-vaststelling')
        const adopted = await Promise.all([store, twin].map((s, i) => s.agreements.addVersion(newVersion(statuteId, people.bert.id, `Vaststelling ${round}.${i}`), adoption)))
        expect(adopted.filter(Boolean)).toHaveLength(1)
        expect((await store.agreements.getPhase(statuteId)).phase).toBe('vastgesteld')
        const reopened = await Promise.all([twin, store].map((s) => s.agreements.setPhase(statuteId, 'concept', { from: ['vastgesteld'] })))
        expect(reopened.filter(Boolean)).toEqual(['vastgesteld'])
        expect((await store.agreements.getPhase(statuteId)).phase).toBe('concept')
      }
      const versions = await store.agreements.listVersions(statuteId)
      expect(versions.map((v) => v.number)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1))
      expect(versions.every((v) => v.kind === 'adopted')).toBe(true)
    })

    it('decisions racing an adoption (two instances): either the adoption saw every decision, or it is refused; none is recorded once adopted', async () => {
      const { people, parties, statuteId } = await scene(store)
      const twin = await h.twin()
      for (let round = 0; round < 16; round += 1) {
        await store.agreements.setPhase(statuteId, 'ter-vaststelling')
        const seen = (await store.agreements.listAgreements(statuteId)).length
        // Both start after a few milliseconds, in every combination, so either may come first.
        const [adopted, decisions] = await Promise.all([
          after(round % 4, () => store.agreements.addVersion(newVersion(statuteId, people.bert.id, `Vaststelling ${round}`), { ...adoption, agreementsSeen: seen })),
          after(Math.floor(round / 4) % 4, () =>
            Promise.all([0, 1, 2, 3].map((i) => twin.agreements.appendAgreement(decision(statuteId, parties.college.id, people.anna.id, round * 4 + i, 'ingetrokken')))),
          ),
        ])
        const recorded = decisions.filter(Boolean).length
        expect(await store.agreements.listAgreements(statuteId)).toHaveLength(seen + recorded)
        if (adopted) {
          // Nothing came between the check and the adoption, and nothing after it.
          expect(recorded).toBe(0)
          expect((await store.agreements.getPhase(statuteId)).phase).toBe('vastgesteld')
          expect(await twin.agreements.appendAgreement(decision(statuteId, parties.college.id, people.anna.id, 50))).toBeUndefined()
          await twin.agreements.setPhase(statuteId, 'concept', { from: ['vastgesteld'] })
        } else {
          expect(recorded).toBe(4)
          expect((await store.agreements.getPhase(statuteId)).phase).toBe('ter-vaststelling')
        }
      }
    })

    it('versions get consecutive numbers (also from two instances at once), optionally set the phase, and keep their state', async () => {
      const { people, statuteId } = await scene(store)
      const version = (label: string, kind: VersionRecord['kind'] = 'named'): Omit<VersionRecord, 'number'> => ({
        statuteId,
        label,
        kind,
        state: Uint8Array.from([1, 2, 3, label.length]),
        snapshot: JSON.stringify({ label }),
        createdBy: people.bert.id,
        createdAt: at(5),
        decisionDate: kind === 'adopted' ? '2031-01-15' : null,
        decisionReference: kind === 'adopted' ? 'Raadsbesluit 2031/7' : null,
      })
      const v1 = await store.agreements.addVersion(version('Eerste lezing'))
      expect(v1.number).toBe(1)
      const v2 = await store.agreements.addVersion(version('Vastgesteld', 'adopted'), 'vastgesteld')
      expect(v2.number).toBe(2)
      expect((await store.agreements.getPhase(statuteId)).phase).toBe('vastgesteld')

      const stored = await store.agreements.getVersion(statuteId, 2)
      expect(stored).toBeDefined()
      expect(stored!.state).toBeInstanceOf(Uint8Array)
      expect(Array.from(stored!.state)).toEqual([1, 2, 3, 11])
      const { state: _state, ...rest } = stored!
      const { state: _s2, ...expected } = { ...version('Vastgesteld', 'adopted'), number: 2 }
      expect(rest).toEqual(expected)
      expect(await store.agreements.getVersion(statuteId, 9)).toBeUndefined()
      expect(await store.agreements.listVersions(statuteId)).toEqual(
        [v1, v2].map(({ state: _x, snapshot: _y, ...meta }) => meta),
      )

      const twin = await h.twin()
      const concurrent = await Promise.all(
        Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? store : twin).agreements.addVersion(version(`Gelijktijdig ${i}`))),
      )
      expect(concurrent.map((v) => v.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 3))
      expect((await store.agreements.listVersions(statuteId)).map((v) => v.number)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1))
    })
  })

  describe('comments', () => {
    it('threads and comments: created together, listed, resolved, edited, deleted; reads per person', async () => {
      const { people, statuteId } = await scene(store)
      const thread = (id: string, minute: number, anchor: string | null): ThreadRecord => ({
        id,
        statuteId,
        articleId: 'art-1',
        anchor,
        quote: anchor ? 'de raad' : null,
        status: 'open',
        createdBy: people.anna.id,
        createdAt: at(minute),
        resolvedBy: null,
        resolvedAt: null,
      })
      const comment = (id: string, threadId: string, minute: number, mentions: string[] = []): CommentRecord => ({
        id,
        threadId,
        authorId: people.anna.id,
        body: `Opmerking ${id}`,
        mentions,
        createdAt: at(minute),
        editedAt: null,
        deletedAt: null,
      })
      await store.comments.createThread(thread('t2', 2, null), comment('c2', 't2', 2))
      await store.comments.createThread(thread('t1', 1, '{"start":1}'), comment('c1', 't1', 1, [people.bert.id]))
      expect(await store.comments.listThreads(statuteId)).toEqual([thread('t1', 1, '{"start":1}'), thread('t2', 2, null)])
      expect(await store.comments.getThread('t2')).toEqual(thread('t2', 2, null))
      expect(await store.comments.getThread('none')).toBeUndefined()

      // A thread whose first comment cannot be stored is not stored either.
      await expect(store.comments.createThread(thread('t3', 3, null), { ...comment('c3', 't3', 3), authorId: 'no-such-user' })).rejects.toThrow()
      expect(await store.comments.getThread('t3')).toBeUndefined()

      await store.comments.setThreadStatus('t1', 'resolved', people.bert.id, at(6))
      expect(await store.comments.getThread('t1')).toEqual({ ...thread('t1', 1, '{"start":1}'), status: 'resolved', resolvedBy: people.bert.id, resolvedAt: at(6) })
      await store.comments.setThreadStatus('t1', 'open', null, null)
      expect(await store.comments.getThread('t1')).toEqual(thread('t1', 1, '{"start":1}'))

      await store.comments.addComment(comment('c4', 't1', 4, [people.anna.id, people.bert.id]))
      expect(await store.comments.listComments(statuteId)).toEqual([
        comment('c1', 't1', 1, [people.bert.id]),
        comment('c2', 't2', 2),
        comment('c4', 't1', 4, [people.anna.id, people.bert.id]),
      ])
      await store.comments.editComment('c4', 'Aangepast', [people.bert.id], at(7))
      expect(await store.comments.getComment('c4')).toEqual({ ...comment('c4', 't1', 4), body: 'Aangepast', mentions: [people.bert.id], editedAt: at(7) })
      await store.comments.deleteComment('c4', at(8))
      const deleted = { ...comment('c4', 't1', 4), body: '', mentions: [], editedAt: at(7), deletedAt: at(8) }
      expect(await store.comments.getComment('c4')).toEqual(deleted)
      // A deleted comment stays deleted.
      await store.comments.editComment('c4', 'Terug', [], at(9))
      await store.comments.deleteComment('c4', at(9))
      expect(await store.comments.getComment('c4')).toEqual(deleted)
      expect(await store.comments.getComment('none')).toBeUndefined()

      await store.comments.markRead(people.bert.id, 't1', at(3))
      await store.comments.markRead(people.bert.id, 't1', at(9))
      await store.comments.markRead(people.bert.id, 't2', at(4))
      await store.comments.markRead(people.anna.id, 't2', at(5))
      expect(await store.comments.readsOf(people.bert.id, statuteId)).toEqual(new Map([['t1', at(9)], ['t2', at(4)]]))
      expect(await store.comments.readsOf(people.anna.id, statuteId)).toEqual(new Map([['t2', at(5)]]))
      expect(await store.comments.readsOf(people.anna.id, 'other')).toEqual(new Map())
    })
  })
})

describe('sqlite: a database made by an earlier version', () => {
  it('takes the update log out of AUTOINCREMENT (migration 5): every row kept with its seq and order; appends and compaction go on', async () => {
    const dataDir = tempDataDir()
    const doc = new Y.Doc()
    // The schema as the version before this migration left it, with a log in it.
    const old = new Database(path.join(dataDir, 'samenspel.sqlite'))
    old.pragma('journal_mode = WAL')
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    SQLITE_MIGRATIONS.slice(0, 4).forEach((sql, index) => {
      old.exec(sql)
      old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(index + 1, at(0))
    })
    old.prepare('INSERT INTO statutes (id, title, organisation, body_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('old', 'Oud', 'Gemeente Test', 'gemeente', at(0), at(0))
    const append = old.prepare('INSERT INTO statute_updates (statute_id, data) VALUES (?, ?)')
    for (let i = 0; i < 12; i++) append.run('old', Buffer.from(textUpdate(doc, `${i} `)))
    // AUTOINCREMENT remembers the highest seq ever used, also after those rows are gone.
    old.exec('DELETE FROM statute_updates WHERE seq > 10')
    const seqsBefore = (old.prepare('SELECT seq FROM statute_updates ORDER BY seq').all() as Array<{ seq: number }>).map((r) => r.seq)
    expect(old.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'statute_updates'").get()).toEqual({ seq: 12 })
    old.close()

    const store = new SqliteStore(dataDir)
    try {
      await store.migrate()
      const raw = new Database(path.join(dataDir, 'samenspel.sqlite'), { readonly: true })
      try {
        const table = raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'statute_updates'").get() as { sql: string }
        expect(table.sql).not.toMatch(/AUTOINCREMENT/i)
        expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'statute_updates_by_statute'").get()).toEqual({ name: 'statute_updates_by_statute' })
        expect(raw.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'statute_updates'").get()).toBeUndefined()
        expect((raw.prepare('SELECT seq FROM statute_updates ORDER BY seq').all() as Array<{ seq: number }>).map((r) => r.seq)).toEqual(seqsBefore)
      } finally {
        raw.close()
      }
      const loaded = await store.loadDocument('old')
      expect(loaded?.logLength).toBe(10)
      expect(textOf(loaded!.updates)).toBe('0 1 2 3 4 5 6 7 8 9 ')
      // New appends come after the kept rows; compaction folds them all.
      const next = new Y.Doc()
      Y.applyUpdate(next, Y.mergeUpdates([...loaded!.updates]))
      await store.appendUpdate('old', textUpdate(next, 'verder'))
      expect(textOf((await store.loadDocument('old'))!.updates)).toBe('0 1 2 3 4 5 6 7 8 9 verder')
      expect((await store.compact('old', mergeStoredUpdates)).mergedUpdates).toBe(11)
      expect(textOf((await store.loadDocument('old'))!.updates)).toBe('0 1 2 3 4 5 6 7 8 9 verder')
    } finally {
      await store.close()
    }
  })
})

describe('openStorage', () => {
  it('chooses PostgreSQL when DATABASE_URL is set, with its schema and pool size; else SQLite in DATA_DIR', async () => {
    const schema = await freshSchema()
    const pgConfig = loadConfig({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, DATABASE_POOL_SIZE: '2', DATA_DIR: tempDataDir() })
    const pgStore = openStorage(pgConfig)
    const sqliteStore = openStorage(loadConfig({ DATA_DIR: tempDataDir() }))
    try {
      expect(pgStore).toBeInstanceOf(PgStore)
      expect((pgStore as PgStore).schema).toBe(schema.schema)
      await pgStore.migrate()
      const tables = await (pgStore as PgStore).query<{ n: number }>('SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = $1', [schema.schema])
      expect(tables.rows[0]!.n).toBeGreaterThan(10)
      expect(sqliteStore).toBeInstanceOf(SqliteStore)
      await sqliteStore.migrate()
      await sqliteStore.ping()
    } finally {
      await pgStore.close()
      await sqliteStore.close()
      await schema.drop()
    }
  })
})

describe('postgres: several instances on one database', () => {
  let schema: FreshSchema
  const stores: PgStore[] = []
  const open = (poolSize = 4) => {
    const store = new PgStore({ connectionString: schema.url, schema: schema.schema, poolSize })
    stores.push(store)
    return store
  }
  beforeEach(async () => {
    schema = await freshSchema()
  })
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close()
    await schema.drop()
  })

  it('migrate() from three instances at once, on a schema that does not exist yet: all succeed, each migration applied once', async () => {
    const [a, b, c] = [open(), open(), open()]
    await Promise.all([a.migrate(), b.migrate(), c.migrate()])
    const applied = await a.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    expect(applied.rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1))
    // And again, later, changes nothing.
    await Promise.all([b.migrate(), c.migrate()])
    expect((await a.query('SELECT version FROM schema_migrations')).rowCount).toBe(PG_MIGRATIONS.length)
    await c.createStatute(record('m1'), new Uint8Array([0, 0]))
    expect(await a.getStatute('m1')).toEqual(expect.objectContaining({ id: 'm1' }))
  })

  it('one instance appends (in concurrent batches) while two compact repeatedly and one reads: nothing is lost, every read is consistent', async () => {
    const random = seededRandom(0x5a3e)
    const appender = open(8)
    const compactors = [open(2), open(2)]
    const reader = open(2)
    await appender.migrate()
    const source = new Y.Doc()
    await appender.createStatute(record('c1'), textUpdate(source, 'start '))
    let acknowledged = source.getText('t').toString()
    let done = false
    let compactions = 0
    let merged = 0
    let reads = 0

    const append = async () => {
      try {
        for (let batch = 0; batch < 60; batch++) {
          const updates = Array.from({ length: random.int(1, 8) }, () => textUpdate(source, `${random.int(0, 999)} `))
          const expected = source.getText('t').toString()
          await Promise.all(updates.map((u) => appender.appendUpdate('c1', u)))
          acknowledged = expected
        }
      } finally {
        done = true
      }
    }
    const compact = async (store: PgStore) => {
      while (!done) {
        const result = await store.compact('c1', mergeStoredUpdates)
        compactions += 1
        merged += result.mergedUpdates
      }
    }
    const read = async () => {
      while (!done) {
        // Everything acknowledged before the read started must be in it; nothing beyond the source.
        const before = acknowledged
        const loaded = await reader.loadDocument('c1')
        const text = textOf(loaded!.updates)
        expect(text.startsWith(before), `read ${reads} lost acknowledged updates`).toBe(true)
        expect(source.getText('t').toString().startsWith(text)).toBe(true)
        reads += 1
      }
    }
    await Promise.all([append(), ...compactors.map(compact), read()])

    const final = await reader.loadDocument('c1')
    expect(textOf(final!.updates)).toBe(source.getText('t').toString())
    await compactors[0]!.compact('c1', mergeStoredUpdates)
    const compacted = await reader.loadDocument('c1')
    expect(compacted!.logLength).toBe(0)
    const doc = docFromUpdates(compacted!.updates)
    expect(doc.getText('t').toString()).toBe(source.getText('t').toString())
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(source))
    // The race was exercised: compactions ran while appends went on, and reads saw both.
    expect(compactions).toBeGreaterThan(5)
    expect(merged).toBeGreaterThan(0)
    expect(reads).toBeGreaterThan(2)
  })

  it('compaction keeps an append with a lower seq that commits after the log was read', async () => {
    const store = open()
    await store.migrate()
    const source = new Y.Doc()
    await store.createStatute(record('c2'), textUpdate(source, 'a'))
    const early = textUpdate(source, 'b')
    const late = textUpdate(source, 'c')
    // A slow append: its row gets the lower seq, but commits only later.
    const slow = await schemaClient(schema.schema)
    try {
      await slow.query('BEGIN')
      await slow.query('INSERT INTO statute_updates (statute_id, data) VALUES ($1, $2)', ['c2', Buffer.from(early)])
      await store.appendUpdate('c2', late)
      // The server sleeps, then commits, without waiting for this process.
      const committed = slow.query('SELECT pg_sleep(0.2); COMMIT')
      const result = await store.compact('c2', (updates) => {
        // Hold the compaction open until well after that commit, before it deletes what it merged.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000)
        return mergeStoredUpdates(updates)
      })
      await committed
      // The compaction read only the committed append...
      expect(result.mergedUpdates).toBe(1)
    } finally {
      await slow.end()
    }
    // ...and the slow one, committed meanwhile with a lower seq, is still there.
    const loaded = await store.loadDocument('c2')
    expect(loaded!.logLength).toBe(1)
    expect(textOf(loaded!.updates)).toBe('abc')
  })
})

describe('postgres: configuration and connection problems', () => {
  it('a closed port: migrate() fails within seconds, naming PostgreSQL and the address (without the password)', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo
        server.close(() => resolve(port))
      })
    })
    const store = new PgStore({ connectionString: `postgres://samenspel:geheim@127.0.0.1:${port}/test` })
    const started = Date.now()
    try {
      const error = await store.migrate().then(
        () => undefined,
        (e: unknown) => e as Error,
      )
      expect(error?.message).toMatch(new RegExp(`PostgreSQL.*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`))
      expect(error?.message).not.toContain('geheim')
      expect(Date.now() - started).toBeLessThan(3000)
    } finally {
      await store.close()
    }
  })

  it('a server that accepts but never answers: migrate() gives up after connectionTimeoutMillis', async () => {
    const sockets: net.Socket[] = []
    const silent = net.createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as net.AddressInfo
    const store = new PgStore({ connectionString: `postgres://127.0.0.1:${port}/test`, connectionTimeoutMillis: 300 })
    const started = Date.now()
    try {
      await expect(store.migrate()).rejects.toThrow(/PostgreSQL.*timeout/i)
      expect(Date.now() - started).toBeLessThan(3000)
    } finally {
      await store.close()
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('refuses a schema name that is not a plain lowercase identifier', () => {
    for (const bad of ['Public', 'a-b', 'x;drop', '1abc', '', 'a'.repeat(64)]) {
      expect(() => new PgStore({ connectionString: 'postgres://127.0.0.1/test', schema: bad })).toThrow(/schema/i)
    }
  })

  it('a pooled connection that breaks while idle is reported, not fatal; the next query gets a new one', async () => {
    const schema = await freshSchema()
    const errors: Error[] = []
    const store = new PgStore({ connectionString: schema.url, schema: schema.schema, poolSize: 1, onPoolError: (error) => errors.push(error) })
    const admin = await schemaClient('public')
    try {
      await store.migrate()
      const { pid } = (await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
      await admin.query('SELECT pg_terminate_backend($1)', [pid])
      const deadline = Date.now() + 5000
      while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(errors.length).toBeGreaterThan(0)
      await store.ping()
      const again = (await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
      expect(again.pid).not.toBe(pid)
    } finally {
      await admin.end()
      await store.close()
      await schema.drop()
    }
  })
})
