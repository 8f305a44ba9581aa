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
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     is_admin INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX sessions_by_user ON sessions (user_id);
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked_at TEXT
   );
   CREATE TABLE parties (
     id TEXT PRIMARY KEY,
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     parent_id TEXT REFERENCES parties(id),
     created_at TEXT NOT NULL
   );
   CREATE INDEX parties_by_statute ON parties (statute_id);
   CREATE TABLE memberships (
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     role TEXT NOT NULL,
     party_id TEXT NOT NULL REFERENCES parties(id),
     can_agree INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     PRIMARY KEY (statute_id, user_id)
   );
   CREATE INDEX memberships_by_user ON memberships (user_id);
   CREATE TABLE invitations (
     id TEXT PRIMARY KEY,
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     email TEXT NOT NULL,
     role TEXT NOT NULL,
     party_id TEXT NOT NULL REFERENCES parties(id),
     can_agree INTEGER NOT NULL DEFAULT 0,
     token_hash TEXT NOT NULL UNIQUE,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     accepted_at TEXT,
     revoked_at TEXT
   );
   CREATE INDEX invitations_by_statute ON invitations (statute_id);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor_id TEXT,
     actor_label TEXT NOT NULL,
     statute_id TEXT,
     action TEXT NOT NULL,
     details TEXT NOT NULL,
     ip TEXT
   );
   CREATE INDEX audit_by_statute ON audit_log (statute_id, id);
   CREATE INDEX audit_by_action ON audit_log (action, at);`,
  `CREATE TABLE agreements (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     article_id TEXT NOT NULL,
     party_id TEXT NOT NULL REFERENCES parties(id),
     user_id TEXT NOT NULL REFERENCES users(id),
     decision TEXT NOT NULL,
     reason TEXT,
     fingerprint TEXT NOT NULL,
     article_text TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX agreements_by_article ON agreements (statute_id, article_id, id);
   -- Append-only: the database itself refuses changes and deletions of agreement records.
   CREATE TRIGGER agreements_no_update BEFORE UPDATE ON agreements BEGIN SELECT RAISE(ABORT, 'agreements are append-only'); END;
   CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements WHEN (SELECT COUNT(*) FROM statutes WHERE id = OLD.statute_id) > 0
     BEGIN SELECT RAISE(ABORT, 'agreements are append-only'); END;
   ALTER TABLE parties ADD COLUMN rule TEXT NOT NULL DEFAULT 'all';
   ALTER TABLE parties ADD COLUMN quorum INTEGER;
   ALTER TABLE statutes ADD COLUMN phase TEXT NOT NULL DEFAULT 'concept';
   ALTER TABLE statutes ADD COLUMN evaluation_date TEXT;
   CREATE TABLE statute_versions (
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     number INTEGER NOT NULL,
     label TEXT NOT NULL,
     kind TEXT NOT NULL,
     state BLOB NOT NULL,
     snapshot TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     decision_date TEXT,
     decision_reference TEXT,
     PRIMARY KEY (statute_id, number)
   );`,
  `CREATE TABLE comment_threads (
     id TEXT PRIMARY KEY,
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     article_id TEXT NOT NULL,
     anchor TEXT,
     quote TEXT,
     status TEXT NOT NULL DEFAULT 'open',
     created_by TEXT NOT NULL REFERENCES users(id),
     created_at TEXT NOT NULL,
     resolved_by TEXT,
     resolved_at TEXT
   );
   CREATE INDEX threads_by_statute ON comment_threads (statute_id, created_at);
   CREATE TABLE comments (
     id TEXT PRIMARY KEY,
     thread_id TEXT NOT NULL REFERENCES comment_threads(id) ON DELETE CASCADE,
     author_id TEXT NOT NULL REFERENCES users(id),
     body TEXT NOT NULL,
     mentions TEXT NOT NULL DEFAULT '[]',
     created_at TEXT NOT NULL,
     edited_at TEXT,
     deleted_at TEXT
   );
   CREATE INDEX comments_by_thread ON comments (thread_id, created_at);
   CREATE TABLE comment_reads (
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     thread_id TEXT NOT NULL REFERENCES comment_threads(id) ON DELETE CASCADE,
     read_at TEXT NOT NULL,
     PRIMARY KEY (user_id, thread_id)
   );`,
  // The update log without AUTOINCREMENT: it made every append also update sqlite_sequence, a
  // third page written (and, with synchronous=FULL, flushed) per commit besides the table's and
  // the index's; an append took about a fifth longer. The order of the log does not need it: a new
  // row's seq is still above every row in the table, and compaction deletes a statute's rows up to
  // a seq it read in the same write transaction. Rows, seq values included, are copied as they are.
  `CREATE TABLE statute_updates_next (
     seq INTEGER PRIMARY KEY,
     statute_id TEXT NOT NULL REFERENCES statutes(id) ON DELETE CASCADE,
     data BLOB NOT NULL
   );
   INSERT INTO statute_updates_next (seq, statute_id, data) SELECT seq, statute_id, data FROM statute_updates ORDER BY seq;
   DROP TABLE statute_updates;
   ALTER TABLE statute_updates_next RENAME TO statute_updates;
   CREATE INDEX statute_updates_by_statute ON statute_updates (statute_id, seq);
   DELETE FROM sqlite_sequence WHERE name = 'statute_updates';`,
  // One row the checkpoint thread writes right after a checkpoint that copied the whole WAL, so
  // that it, not the event loop, starts the WAL over (checkpointThread.js).
  `CREATE TABLE wal_restarts (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     count INTEGER NOT NULL
   );
   INSERT INTO wal_restarts (id, count) VALUES (1, 0);`,
]
