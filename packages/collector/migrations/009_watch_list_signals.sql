-- The watch list (seed 000, "Watch List"), and signals: ClearView's own events, each stored
-- once, written by the signal follower (jobs/signal-follower.ts) off the beacon's commit path.

-- Target accounts a site follows. domain is normalised (mapping/domain.ts); it matches the
-- company with that domain or a subdomain of it.
CREATE TABLE watch_list (
  id            INTEGER PRIMARY KEY,
  site_id       TEXT NOT NULL,
  domain        TEXT NOT NULL,
  company_name  TEXT,
  notes         TEXT,
  added_at      INTEGER NOT NULL,
  UNIQUE (site_id, domain)
) STRICT;
-- GET /api/dashboard/watch-list, newest first.
CREATE INDEX watch_list_recent ON watch_list (site_id, added_at, id);

-- Every connection keeps the watched domains in memory (alerts/watched-domains.ts) and
-- reloads them when this number moves: one read per batch, never one per event.
CREATE TABLE watch_list_version (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  version  INTEGER NOT NULL
) STRICT;
INSERT INTO watch_list_version (id, version) VALUES (1, 0);
CREATE TRIGGER watch_list_added AFTER INSERT ON watch_list BEGIN
  UPDATE watch_list_version SET version = version + 1;
END;
CREATE TRIGGER watch_list_removed AFTER DELETE ON watch_list BEGIN
  UPDATE watch_list_version SET version = version + 1;
END;

-- Signals. body is the Signal's JSON (alerts/signal.ts) without the columns kept beside it.
-- last_at: a watchlist.hit's latest page view so far (its visit ends dedupeMinutes after it).
CREATE TABLE signals (
  num             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  site_id         TEXT NOT NULL,
  type            TEXT NOT NULL,
  company_id      TEXT,
  company_domain  TEXT,
  body            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  completed_at    INTEGER,
  last_at         INTEGER
) STRICT;
-- GET /api/v1/signals, newest first, and by type, domain or company.
CREATE INDEX signals_recent ON signals (site_id, created_at, num);
CREATE INDEX signals_type ON signals (site_id, type, created_at, num);
CREATE INDEX signals_domain ON signals (site_id, company_domain, created_at, num) WHERE company_domain IS NOT NULL;
CREATE INDEX signals_company ON signals (site_id, company_id, created_at, num) WHERE company_id IS NOT NULL;
-- Visits still going on: a company's open watchlist.hit, and the sweep that completes them.
CREATE INDEX signals_open_visits ON signals (company_id) WHERE type = 'watchlist.hit' AND completed_at IS NULL;

-- What the follower has read. page_views: the last page_view_rows.id it took into account.
-- It starts at today's last page view, so an upgrade raises no signal about the past.
CREATE TABLE signal_progress (
  name     TEXT PRIMARY KEY,
  last_id  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO signal_progress (name, last_id) SELECT 'page_views', COALESCE(MAX(id), 0) FROM page_view_rows;

-- Changes the follower has still to read, queued in the transaction that makes them: a new
-- contact, and a company's new score (one row a company: lead.hot reads the latest score).
CREATE TABLE signal_inputs (
  id     INTEGER PRIMARY KEY,
  kind   TEXT NOT NULL CHECK (kind IN ('contact', 'score')),
  ref    TEXT NOT NULL,
  UNIQUE (kind, ref)
) STRICT;
CREATE TRIGGER contacts_signal AFTER INSERT ON contacts BEGIN
  INSERT OR IGNORE INTO signal_inputs (kind, ref) VALUES ('contact', new.id);
END;
CREATE TRIGGER companies_score_signal AFTER UPDATE OF lead_score ON companies WHEN new.lead_score IS NOT old.lead_score BEGIN
  INSERT OR IGNORE INTO signal_inputs (kind, ref) VALUES ('score', new.id);
END;

-- Per company: whether company.identified was raised, and whether lead.hot is spent (it is
-- re-armed when the score falls 5 below alerts.minScore). Companies seen before this
-- migration count as identified, and those already at their site's minScore as hot.
CREATE TABLE company_signal_state (
  company_id  TEXT PRIMARY KEY,
  identified  INTEGER NOT NULL DEFAULT 0,
  hot         INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO company_signal_state (company_id, identified, hot)
  SELECT c.id, c.page_views > 0, c.lead_score >= COALESCE(json_extract(s.settings, '$.alerts.minScore'), 70)
    FROM companies c JOIN sites s ON s.id = c.site_id;
