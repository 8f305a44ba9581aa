/**
 * The connection pool shared by the PostgreSQL stores, with helpers for queries and transactions.
 *
 * Every pooled connection starts with `search_path` set to the configured schema, so the SQL in the
 * stores names tables without a schema. BIGINT (COUNT, identity columns) is parsed to a JS number,
 * like SQLite's integers; values stay far below 2^53.
 */
import pg from 'pg'

export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/

const INT8_OID = 20

/** Parses BIGINT as a number for this pool only (pg's global type parsers stay untouched). */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
}

/** The pool, the database helper or one transaction's connection. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>
}

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE'

export interface PgPoolOptions {
  readonly connectionString: string
  readonly schema: string
  readonly poolSize: number
  readonly connectionTimeoutMillis: number
  /** Told about errors of idle pooled connections (e.g. the server restarted); the pool replaces them. */
  readonly onError: (error: Error) => void
}

export class PgDatabase {
  readonly pool: pg.Pool
  private ended = false

  constructor(readonly options: PgPoolOptions) {
    if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`Ongeldig PostgreSQL-schema "${options.schema}": lowercase letters, digits and _ (at most 63)`)
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMillis,
      application_name: 'samenspel',
      // The schema is validated above and quoted, so a reserved word works as well.
      options: `-c search_path="${options.schema}"`,
      types,
    })
    // An idle connection that breaks (server restart, network, pg_terminate_backend) emits 'error'
    // on the pool; unhandled, that would end the process. The pool drops that connection itself.
    this.pool.on('error', (error) => options.onError(error))
  }

  get schema(): string {
    return this.options.schema
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params as unknown[])
  }

  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED', readOnly = false): Promise<T> {
    const client = await this.connect()
    let broken: Error | undefined
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}${readOnly ? ' READ ONLY' : ''}`)
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      try {
        await client.query('ROLLBACK')
      } catch (rollbackError) {
        // The connection itself failed: do not hand it out again.
        broken = rollbackError as Error
      }
      throw error
    } finally {
      client.release(broken)
    }
  }

  /** A pooled connection, with a readable error when PostgreSQL cannot be reached. */
  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect()
    } catch (error) {
      throw new Error(`PostgreSQL is niet bereikbaar (not reachable) op ${redactUrl(this.options.connectionString)}: ${(error as Error).message}`, { cause: error })
    }
  }

  async end(): Promise<void> {
    if (this.ended) return
    this.ended = true
    await this.pool.end()
  }
}

/** The connection string without its password, for messages. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return '(invalid DATABASE_URL)'
  }
}

/** Bytes for a BYTEA parameter, without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** A BYTEA value as a plain Uint8Array view (what the SQLite engine returns too). */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/** Advisory lock namespaces (first key); the second key is the schema's hash. */
export const LOCKS = {
  migrate: 0x5353_0001,
  firstAdmin: 0x5353_0002,
} as const

/** Takes a transaction-level advisory lock for `purpose` in this schema. */
export async function advisoryXactLock(client: pg.PoolClient, purpose: keyof typeof LOCKS, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [LOCKS[purpose], schema])
}
