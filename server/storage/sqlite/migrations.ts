/**
 * SQLite schema migrations, applied in order at start. Never edit a shipped migration; add one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE statutes (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     organisation TEXT NOT NULL,
     body_type TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE statute_snapshots (
     statute_id TEXT PRIMARY KEY REFERENCES statutes(id) ON DELETE CASCADE,
     state BLOB NOT NULL,
     compacted_at TEXT NOT NULL
   );
   CREATE TABLE statute_updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     data BLOB NOT NULL
   );
   CREATE INDEX statute_updates_by_statute ON statute_updates (statute_id, seq);`,
]
