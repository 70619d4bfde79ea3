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
