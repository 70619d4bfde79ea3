-- Sites: one per tracked website. The site key is public (it sits in the page);
-- the webhook secret is stored only as a SHA-256 hash.
CREATE TABLE sites (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL,
  site_key             TEXT NOT NULL UNIQUE,
  site_key_revoked_at  INTEGER,
  webhook_secret_hash  TEXT NOT NULL,
  settings             TEXT NOT NULL DEFAULT '{}',
  created_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE site_domains (
  site_id  TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  domain   TEXT NOT NULL,
  PRIMARY KEY (site_id, domain)
) STRICT, WITHOUT ROWID;

-- API keys are shown once and kept only as SHA-256 hashes: they carry 190 bits
-- of randomness, so a slow password hash would add latency without adding safety.
CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  site_id       TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  key_hash      TEXT NOT NULL UNIQUE,
  prefix        TEXT NOT NULL,
  permission    TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  label         TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
) STRICT;
CREATE INDEX api_keys_site ON api_keys (site_id);

-- One salt per UTC day for visitor ids derived without storage; older salts are
-- deleted so that yesterday's ids can never be recomputed.
CREATE TABLE visitor_salts (
  day   TEXT PRIMARY KEY,
  salt  BLOB NOT NULL
) STRICT;

CREATE TABLE visitors (
  site_id        TEXT NOT NULL,
  id             TEXT NOT NULL,
  first_seen     INTEGER NOT NULL,
  last_seen      INTEGER NOT NULL,
  session_id     TEXT NOT NULL,
  session_count  INTEGER NOT NULL DEFAULT 1,
  page_views     INTEGER NOT NULL DEFAULT 0,
  last_ip        TEXT,
  country        TEXT,
  browser        TEXT,
  os             TEXT,
  device         TEXT,
  is_bot         INTEGER NOT NULL DEFAULT 0,
  company_id     TEXT,
  contact_id     TEXT,
  PRIMARY KEY (site_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX visitors_company ON visitors (site_id, company_id, last_seen);
CREATE INDEX visitors_recent ON visitors (site_id, last_seen);

CREATE TABLE page_views (
  id               INTEGER PRIMARY KEY,
  site_id          TEXT NOT NULL,
  pv_id            TEXT NOT NULL,
  visitor_id       TEXT NOT NULL,
  session_id       TEXT NOT NULL,
  ts               INTEGER NOT NULL,
  url              TEXT NOT NULL,
  path             TEXT NOT NULL,
  query            TEXT,
  utm_source       TEXT,
  utm_medium       TEXT,
  utm_campaign     TEXT,
  utm_term         TEXT,
  utm_content      TEXT,
  referrer         TEXT,
  referrer_domain  TEXT,
  title            TEXT,
  screen_width     INTEGER,
  ip               TEXT,
  country          TEXT,
  asn              INTEGER,
  browser          TEXT,
  os               TEXT,
  device           TEXT,
  is_bot           INTEGER NOT NULL DEFAULT 0,
  company_id       TEXT,
  engaged_ms       INTEGER NOT NULL DEFAULT 0,
  source           TEXT NOT NULL DEFAULT 'tracker',
  UNIQUE (site_id, pv_id)
) STRICT;
CREATE INDEX page_views_site_ts ON page_views (site_id, ts);
CREATE INDEX page_views_company ON page_views (site_id, company_id, ts);
CREATE INDEX page_views_visitor ON page_views (site_id, visitor_id, ts);

-- Engagement that arrived for a page view we have not stored (a proxy that
-- dropped the page view, say): kept, because an acknowledged event is never lost.
CREATE TABLE orphan_engagements (
  id       INTEGER PRIMARY KEY,
  site_id  TEXT NOT NULL,
  pv_id    TEXT NOT NULL,
  ms       INTEGER NOT NULL,
  ts       INTEGER NOT NULL
) STRICT;

CREATE TABLE contacts (
  id              TEXT PRIMARY KEY,
  site_id         TEXT NOT NULL,
  email           TEXT NOT NULL,
  first_name      TEXT,
  last_name       TEXT,
  job_title       TEXT,
  seniority       TEXT,
  department      TEXT,
  phone           TEXT,
  linkedin_url    TEXT,
  company_name    TEXT,
  company_domain  TEXT,
  source          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (site_id, email)
) STRICT;
CREATE INDEX contacts_company ON contacts (site_id, company_domain);

CREATE TABLE companies (
  id              TEXT PRIMARY KEY,
  site_id         TEXT NOT NULL,
  domain          TEXT NOT NULL,
  name            TEXT,
  industry        TEXT,
  size            TEXT,
  employee_count  INTEGER,
  revenue         TEXT,
  city            TEXT,
  region          TEXT,
  country         TEXT,
  linkedin_url    TEXT,
  logo_url        TEXT,
  custom          TEXT NOT NULL DEFAULT '{}',
  first_seen      INTEGER,
  last_seen       INTEGER,
  visitor_count   INTEGER NOT NULL DEFAULT 0,
  page_views      INTEGER NOT NULL DEFAULT 0,
  sessions        INTEGER NOT NULL DEFAULT 0,
  engaged_ms      INTEGER NOT NULL DEFAULT 0,
  lead_score      INTEGER NOT NULL DEFAULT 0,
  score_breakdown TEXT,
  scored_at       INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (site_id, domain)
) STRICT;
-- The list endpoint filters by minimum score and sorts by score then recency: one index serves both.
CREATE INDEX companies_score ON companies (site_id, lead_score DESC, last_seen DESC);
CREATE INDEX companies_scored_at ON companies (scored_at);

-- Running aggregates kept per company so that rescoring reads a few rows, not every page view.
CREATE TABLE company_paths (
  company_id  TEXT NOT NULL,
  path        TEXT NOT NULL,
  views       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (company_id, path)
) STRICT, WITHOUT ROWID;

CREATE TABLE company_visitors (
  company_id  TEXT NOT NULL,
  visitor_id  TEXT NOT NULL,
  PRIMARY KEY (company_id, visitor_id)
) STRICT, WITHOUT ROWID;

-- The site's own identity data: single IPs and CIDR ranges mapped to a company
-- domain. Addresses are 32-hex-char keys of their 16-byte IPv6 form, so ranges
-- compare as text.
CREATE TABLE identity_ranges (
  id              INTEGER PRIMARY KEY,
  site_id         TEXT NOT NULL,
  ip_lo           TEXT NOT NULL,
  ip_hi           TEXT NOT NULL,
  prefix          INTEGER NOT NULL,
  company_domain  TEXT NOT NULL,
  source          TEXT NOT NULL CHECK (source IN ('ingest', 'identify')),
  created_at      INTEGER NOT NULL,
  UNIQUE (site_id, ip_lo, ip_hi)
) STRICT;
CREATE INDEX identity_ranges_lookup ON identity_ranges (site_id, ip_lo);
