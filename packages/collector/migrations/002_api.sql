-- Indexes and tables for the REST API (/api/v1).

-- GET /api/v1/resolve?ip= looks for the latest visitor seen from an address (for
-- the person behind it and the stored bot flag): one index seek instead of a scan.
CREATE INDEX visitors_last_ip ON visitors (site_id, last_ip, last_seen);

-- GET /api/v1/companies?sort=-lastSeen and ?sort=name page through these without sorting
-- (a company without a name is listed, and sorted, by its domain).
CREATE INDEX companies_last_seen ON companies (site_id, last_seen DESC);
CREATE INDEX companies_name ON companies (site_id, COALESCE(name, domain) COLLATE NOCASE);

-- GET /api/v1/resolve?domain= and GET /api/v1/companies/{id} list the contacts
-- linked to a company's visitors.
CREATE INDEX visitors_contact ON visitors (site_id, contact_id) WHERE contact_id IS NOT NULL;

-- What POST /api/v1/webhook received and what it made of it, for integrators
-- debugging a connection. Only the latest few hundred per site are kept.
CREATE TABLE webhook_events (
  id           INTEGER PRIMARY KEY,
  site_id      TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  auth         TEXT NOT NULL CHECK (auth IN ('site_key', 'secret', 'api_key')),
  company_id   TEXT,
  payload      TEXT NOT NULL,
  mapped       TEXT NOT NULL,
  custom       TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_events_site ON webhook_events (site_id, id);
