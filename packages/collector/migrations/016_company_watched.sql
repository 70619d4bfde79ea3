-- The watch-list filter of GET /api/v1/companies (?watched=true|false) and the dashboard's
-- watch toggle. Each company keeps the watch-list entry that covers it (its own domain or the
-- nearest parent that is watched), written with its score by the rescorer, which already asks
-- the watch list for the score's watchlist component; a change to the list rescores the
-- companies it concerns at once (api/watch-list.ts).
ALTER TABLE companies ADD COLUMN watched_domain TEXT;

-- The companies watched today: each domain and its parents, the nearest watched one kept.
WITH RECURSIVE parents (rid, site_id, d) AS (
  SELECT rowid, site_id, domain FROM companies WHERE site_id IN (SELECT site_id FROM watch_list)
  UNION ALL
  SELECT rid, site_id, substr(d, instr(d, '.') + 1) FROM parents WHERE instr(d, '.') > 0
)
UPDATE companies SET watched_domain = nearest.domain
  FROM (SELECT p.rid, w.domain, max(length(w.domain)) FROM parents p JOIN watch_list w ON w.site_id = p.site_id AND w.domain = p.d GROUP BY p.rid) AS nearest
 WHERE companies.rowid = nearest.rid;

-- One index per list order for the watched companies alone (as migration 007's, ending in the
-- rowid): few rows, so ?watched=true walks its order without reading the rest of the site.
CREATE INDEX companies_watched_score ON companies (site_id, lead_score, seen_last) WHERE watched_domain IS NOT NULL;
CREATE INDEX companies_watched_seen_last ON companies (site_id, seen_last) WHERE watched_domain IS NOT NULL;
CREATE INDEX companies_watched_seen_first ON companies (site_id, seen_first) WHERE watched_domain IS NOT NULL;
CREATE INDEX companies_watched_name ON companies (site_id, list_name) WHERE watched_domain IS NOT NULL;
CREATE INDEX companies_watched_visitors ON companies (site_id, visitor_count) WHERE watched_domain IS NOT NULL;
