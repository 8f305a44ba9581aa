/**
 * Chooses the storage engine from the configuration: PostgreSQL when DATABASE_URL is set (several
 * instances may share it), else SQLite in DATA_DIR.
 */
import type { Config } from '../config.js'
import { PgStore } from './postgres/PgStore.js'
import { SqliteStore } from './sqlite/SqliteStore.js'
import type { Storage } from './StatuteStore.js'

export function openStorage(config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'databasePoolSize' | 'dataDir' | 'sqliteSynchronous' | 'sqliteSynchronousUpdates'>): Storage {
  if (config.databaseUrl) {
    return new PgStore({ connectionString: config.databaseUrl, schema: config.databaseSchema, poolSize: config.databasePoolSize })
  }
  return new SqliteStore(config.dataDir, { synchronous: config.sqliteSynchronous, updatesSynchronous: config.sqliteSynchronousUpdates })
}
