-- The dashboard's sign-in (api/dashboard-session.ts). Both tables hold only SHA-256 digests of
-- their secrets: a copy of the database signs nobody in.

-- A browser session: the cv_session cookie's digest, the site and permission it acts with, and
-- the key it was opened with. A session opened with a key ends when that key is revoked (the
-- lookup joins api_keys); one opened with a one-time link has no key and lasts until it expires
-- or is ended. expires_at slides forward with use.
CREATE TABLE dashboard_sessions (
  id_hash TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  key_id TEXT REFERENCES api_keys(id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at);

-- A one-time sign-in link (clearview dashboard-link): good once, for ten minutes.
CREATE TABLE dashboard_link_tokens (
  token_hash TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
