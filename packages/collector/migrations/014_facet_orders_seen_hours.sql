-- Filtered company lists that seek instead of walk, and time-window totals from kept counts.

-- 1. An industry, a country or a size with the default order (by score): each facet gets an
--    index in the score order, so page 50 of one industry seeks to its place instead of
--    walking the score index past every company of the other industries.
CREATE INDEX companies_industry_score ON companies (site_id, industry COLLATE NOCASE, lead_score, seen_last);
CREATE INDEX companies_country_score ON companies (site_id, country COLLATE NOCASE, lead_score, seen_last);
CREATE INDEX companies_size_score ON companies (site_id, size, lead_score, seen_last);

-- 2. Companies per hour of last sight (companies.seen_last / 3,600,000): the total of
--    seen_after / seen_before is a sum over whole hours plus the two partial hours at its
--    ends, counted in companies_seen_last, instead of counting every company in the window.
CREATE TABLE company_seen_hours (
  site_id  TEXT NOT NULL,
  hour     INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (site_id, hour)
) STRICT, WITHOUT ROWID;
INSERT INTO company_seen_hours (site_id, hour, n)
  SELECT site_id, seen_last / 3600000, COUNT(*) FROM companies GROUP BY 1, 2;
CREATE TRIGGER companies_seen_hour_insert AFTER INSERT ON companies BEGIN
  INSERT INTO company_seen_hours (site_id, hour, n) VALUES (new.site_id, new.seen_last / 3600000, 1)
    ON CONFLICT (site_id, hour) DO UPDATE SET n = n + 1;
END;
-- Most updates of last_seen stay within the hour, and the WHEN skips them.
CREATE TRIGGER companies_seen_hour_update AFTER UPDATE OF site_id, last_seen ON companies
  WHEN old.site_id IS NOT new.site_id OR old.seen_last / 3600000 IS NOT new.seen_last / 3600000 BEGIN
  UPDATE company_seen_hours SET n = n - 1 WHERE site_id = old.site_id AND hour = old.seen_last / 3600000;
  INSERT INTO company_seen_hours (site_id, hour, n) VALUES (new.site_id, new.seen_last / 3600000, 1)
    ON CONFLICT (site_id, hour) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER companies_seen_hour_delete AFTER DELETE ON companies BEGIN
  UPDATE company_seen_hours SET n = n - 1 WHERE site_id = old.site_id AND hour = old.seen_last / 3600000;
END;

-- 3. The totals of the signals, outreach drafts and webhook deliveries lists, kept beside
--    their rows: these tables grow with every visit, and counting their rows per request
--    would grow with them.
CREATE TABLE signal_counts (
  site_id  TEXT NOT NULL,
  type     TEXT NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (site_id, type)
) STRICT, WITHOUT ROWID;
INSERT INTO signal_counts (site_id, type, n) SELECT site_id, type, COUNT(*) FROM signals GROUP BY 1, 2;
CREATE TRIGGER signals_count_insert AFTER INSERT ON signals BEGIN
  INSERT INTO signal_counts (site_id, type, n) VALUES (new.site_id, new.type, 1) ON CONFLICT (site_id, type) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER signals_count_delete AFTER DELETE ON signals BEGIN
  UPDATE signal_counts SET n = n - 1 WHERE site_id = old.site_id AND type = old.type;
END;

CREATE TABLE outreach_draft_counts (
  site_id  TEXT NOT NULL,
  status   TEXT NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (site_id, status)
) STRICT, WITHOUT ROWID;
INSERT INTO outreach_draft_counts (site_id, status, n) SELECT site_id, status, COUNT(*) FROM outreach_drafts GROUP BY 1, 2;
CREATE TRIGGER outreach_drafts_count_insert AFTER INSERT ON outreach_drafts BEGIN
  INSERT INTO outreach_draft_counts (site_id, status, n) VALUES (new.site_id, new.status, 1) ON CONFLICT (site_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outreach_drafts_count_update AFTER UPDATE OF site_id, status ON outreach_drafts
  WHEN old.site_id IS NOT new.site_id OR old.status IS NOT new.status BEGIN
  UPDATE outreach_draft_counts SET n = n - 1 WHERE site_id = old.site_id AND status = old.status;
  INSERT INTO outreach_draft_counts (site_id, status, n) VALUES (new.site_id, new.status, 1) ON CONFLICT (site_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outreach_drafts_count_delete AFTER DELETE ON outreach_drafts BEGIN
  UPDATE outreach_draft_counts SET n = n - 1 WHERE site_id = old.site_id AND status = old.status;
END;

-- Deliveries per webhook endpoint (GET /api/v1/webhooks/{id}/deliveries); an endpoint's
-- deletion cascades to its deliveries, and so to this count.
CREATE TABLE endpoint_delivery_counts (
  endpoint_id  TEXT PRIMARY KEY,
  n            INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO endpoint_delivery_counts (endpoint_id, n) SELECT endpoint_id, COUNT(*) FROM deliveries WHERE endpoint_id IS NOT NULL GROUP BY 1;
CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries WHEN new.endpoint_id IS NOT NULL BEGIN
  INSERT INTO endpoint_delivery_counts (endpoint_id, n) VALUES (new.endpoint_id, 1) ON CONFLICT (endpoint_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries WHEN old.endpoint_id IS NOT NULL BEGIN
  UPDATE endpoint_delivery_counts SET n = n - 1 WHERE endpoint_id = old.endpoint_id;
END;
