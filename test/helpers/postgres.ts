/**
 * PostgreSQL for tests: one fresh schema per test (or test server), dropped afterwards, so test
 * files can run in parallel against one database.
 *
 * The database comes from TEST_DATABASE_URL, else the local test database (trust auth).
 */
import pg from 'pg'

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test'

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_URL
}

export interface FreshSchema {
  readonly schema: string
  /** The test database's URL (the schema is passed separately, as DATABASE_SCHEMA is). */
  readonly url: string
  /** Drops the schema with everything in it; safe to call more than once. */
  drop(): Promise<void>
}

let counter = 0

/** A unique schema name: process, counter and randomness, valid for DATABASE_SCHEMA. */
export function uniqueSchemaName(): string {
  counter += 1
  return `t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 10)}`
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * Names a new schema. By default it is not created (PgStore.migrate creates it, which is part of
 * what is tested); `create: true` creates it empty.
 */
export async function freshSchema(options: { create?: boolean } = {}): Promise<FreshSchema> {
  const url = testDatabaseUrl()
  const schema = uniqueSchemaName()
  if (options.create) await withClient(url, (client) => client.query(`CREATE SCHEMA "${schema}"`))
  let dropped: Promise<void> | undefined
  return {
    schema,
    url,
    drop: () => (dropped ??= dropSchema(schema, url)),
  }
}

export async function dropSchema(schema: string, url = testDatabaseUrl()): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name: ${schema}`)
  await withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  })
}

/** A client for raw SQL in a schema (e.g. to check what the database itself refuses). */
export async function schemaClient(schema: string, url = testDatabaseUrl()): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, options: `-c search_path="${schema}"` })
  await client.connect()
  return client
}
