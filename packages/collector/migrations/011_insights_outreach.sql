-- Cohort insights (GET /api/dashboard/insights) read rollups kept by a follower job
-- (store/insight-rollups.ts), never page_view_rows: scanning a month of page views costs
-- seconds at millions of rows. The follower reads page views after its watermark, sums
-- them in memory and writes each key once, in one transaction with the watermark, so the
-- beacon commit path does none of this work and a crash neither loses nor double-counts.
--
-- Buckets: grain 0 is a quarter-hour (ts / 900000), grain 1 a UTC day (ts / 86400000).
-- Every zone in use today is offset from UTC by a whole number of quarter-hours, so a
-- local midnight is a quarter-hour edge: a window starting at one reads the quarters up to
-- the next UTC midnight and whole days after it, exactly, in any zone.
--
-- Site and company are the small numbers of site_numbers and companies.num (migration 007).

-- How far the follower has read page_view_rows (by id); one row.
CREATE TABLE insight_progress (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  last_id  INTEGER NOT NULL
) STRICT;
INSERT INTO insight_progress (id, last_id) VALUES (1, 0);

-- A site being rebuilt (clearview rollups rebuild): its page views up to upto are counted by
-- the rebuild, in order, done_to so far; the follower counts the ones after upto as usual.
CREATE TABLE insight_rebuilds (
  site     INTEGER PRIMARY KEY,
  upto     INTEGER NOT NULL,
  done_to  INTEGER NOT NULL
) STRICT;

-- Non-bot page views per path and bucket (the 50 most viewed paths).
CREATE TABLE insight_path_views (
  site    INTEGER NOT NULL,
  grain   INTEGER NOT NULL,
  bucket  INTEGER NOT NULL,
  path    TEXT NOT NULL,
  views   INTEGER NOT NULL,
  PRIMARY KEY (site, grain, bucket, path)
) STRICT, WITHOUT ROWID;

-- The latest title seen for a path, to show beside it.
CREATE TABLE insight_path_titles (
  site   INTEGER NOT NULL,
  path   TEXT NOT NULL,
  ts     INTEGER NOT NULL,
  title  TEXT NOT NULL,
  PRIMARY KEY (site, path)
) STRICT, WITHOUT ROWID;

-- Visits (a non-bot page view with no earlier page view in its session) by referrer domain.
CREATE TABLE insight_referrers (
  site    INTEGER NOT NULL,
  grain   INTEGER NOT NULL,
  bucket  INTEGER NOT NULL,
  domain  TEXT NOT NULL,
  visits  INTEGER NOT NULL,
  PRIMARY KEY (site, grain, bucket, domain)
) STRICT, WITHOUT ROWID;

-- Non-bot page views per quarter-hour: any zone's day of week, exactly.
CREATE TABLE insight_quarters (
  site    INTEGER NOT NULL,
  bucket  INTEGER NOT NULL,
  views   INTEGER NOT NULL,
  PRIMARY KEY (site, bucket)
) STRICT, WITHOUT ROWID;

-- Distinct counts over a window that ends now are counts of last sightings inside it: a
-- visitor saw a company in the last 30 days when its latest page view from that company
-- is in them. The follower keeps each pair's latest sighting (the three tables below, which
-- only it reads), and the reads count sightings by bucket.

-- The latest non-bot page view of each (company, visitor).
CREATE TABLE insight_company_visitors (
  site     INTEGER NOT NULL,
  company  INTEGER NOT NULL,
  visitor  INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  PRIMARY KEY (site, company, visitor)
) STRICT, WITHOUT ROWID;

-- The latest non-bot page view of each company.
CREATE TABLE insight_company_last (
  site     INTEGER NOT NULL,
  company  INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  PRIMARY KEY (site, company)
) STRICT, WITHOUT ROWID;

-- The latest non-bot page view of each (path, company): the companies behind a page.
CREATE TABLE insight_path_companies (
  site     INTEGER NOT NULL,
  path     TEXT NOT NULL,
  company  INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  PRIMARY KEY (site, path, company)
) STRICT, WITHOUT ROWID;
-- A company's pages, for the triggers below.
CREATE INDEX insight_path_companies_company ON insight_path_companies (site, company, path, last_ts);

-- Per path and bucket: how many companies' latest view of the path is in it, and the sum of
-- their lead scores now. Joining each page's companies to their scores at answer time reads
-- every (page, company) pair of the window; these marks make it a few hundred rows. The
-- trigger below moves a company's score in them in the transaction that changes its score,
-- so the average is the one of the current scores at any time.
CREATE TABLE insight_path_marks (
  site       INTEGER NOT NULL,
  grain      INTEGER NOT NULL,
  bucket     INTEGER NOT NULL,
  path       TEXT NOT NULL,
  companies  INTEGER NOT NULL,
  score_sum  INTEGER NOT NULL,
  PRIMARY KEY (site, grain, bucket, path)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER insight_company_score AFTER UPDATE OF lead_score ON companies WHEN old.lead_score IS NOT new.lead_score BEGIN
  INSERT INTO insight_path_marks (site, grain, bucket, path, companies, score_sum)
    SELECT p.site, g.grain, p.last_ts / g.ms, p.path, 0, new.lead_score - old.lead_score
      FROM insight_path_companies p, (SELECT 0 AS grain, 900000 AS ms UNION ALL SELECT 1, 86400000) g
     WHERE p.site = (SELECT num FROM site_numbers WHERE site_id = new.site_id) AND p.company = new.num
    ON CONFLICT (site, grain, bucket, path) DO UPDATE SET score_sum = score_sum + excluded.score_sum;
END;

-- Per company and bucket: 1 when the company's latest sighting is in it (companies), and how
-- many of its visitors' latest sightings are (visitors).
CREATE TABLE insight_company_marks (
  site       INTEGER NOT NULL,
  company    INTEGER NOT NULL,
  grain      INTEGER NOT NULL,
  bucket     INTEGER NOT NULL,
  companies  INTEGER NOT NULL,
  visitors   INTEGER NOT NULL,
  PRIMARY KEY (site, company, grain, bucket)
) STRICT, WITHOUT ROWID;

-- The same marks summed by the company's industry and size ('' when unknown): the read sums
-- a few hundred rows instead of joining every company seen. The triggers below move a
-- company's marks when its industry or size changes, in the transaction that changes it,
-- so a company re-typed by ingest counts under its new industry at once.
CREATE TABLE insight_segments (
  site       INTEGER NOT NULL,
  facet      TEXT NOT NULL CHECK (facet IN ('industry', 'size')),
  value      TEXT NOT NULL,
  grain      INTEGER NOT NULL,
  bucket     INTEGER NOT NULL,
  companies  INTEGER NOT NULL,
  visitors   INTEGER NOT NULL,
  PRIMARY KEY (site, grain, bucket, facet, value)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER insight_company_facets AFTER UPDATE OF industry, size ON companies
  WHEN old.industry IS NOT new.industry OR old.size IS NOT new.size BEGIN
  INSERT INTO insight_segments (site, facet, value, grain, bucket, companies, visitors)
    SELECT m.site, f.facet, f.value, m.grain, m.bucket, f.sign * m.companies, f.sign * m.visitors
      FROM insight_company_marks m,
           (SELECT 'industry' AS facet, coalesce(old.industry, '') AS value, -1 AS sign
            UNION ALL SELECT 'industry', coalesce(new.industry, ''), 1
            UNION ALL SELECT 'size', coalesce(old.size, ''), -1
            UNION ALL SELECT 'size', coalesce(new.size, ''), 1) f
     WHERE m.company = new.num AND m.site = (SELECT num FROM site_numbers WHERE site_id = new.site_id)
    ON CONFLICT (site, grain, bucket, facet, value) DO UPDATE SET companies = companies + excluded.companies, visitors = visitors + excluded.visitors;
END;

-- An erased company leaves every insight: its marks leave the segments and the pages, its sightings go.
CREATE TRIGGER insight_company_delete AFTER DELETE ON companies BEGIN
  INSERT INTO insight_segments (site, facet, value, grain, bucket, companies, visitors)
    SELECT m.site, f.facet, f.value, m.grain, m.bucket, -m.companies, -m.visitors
      FROM insight_company_marks m,
           (SELECT 'industry' AS facet, coalesce(old.industry, '') AS value UNION ALL SELECT 'size', coalesce(old.size, '')) f
     WHERE m.company = old.num AND m.site = (SELECT num FROM site_numbers WHERE site_id = old.site_id)
    ON CONFLICT (site, grain, bucket, facet, value) DO UPDATE SET companies = companies + excluded.companies, visitors = visitors + excluded.visitors;
  DELETE FROM insight_company_marks WHERE company = old.num AND site = (SELECT num FROM site_numbers WHERE site_id = old.site_id);
  DELETE FROM insight_company_visitors WHERE company = old.num AND site = (SELECT num FROM site_numbers WHERE site_id = old.site_id);
  DELETE FROM insight_company_last WHERE company = old.num AND site = (SELECT num FROM site_numbers WHERE site_id = old.site_id);
  INSERT INTO insight_path_marks (site, grain, bucket, path, companies, score_sum)
    SELECT p.site, g.grain, p.last_ts / g.ms, p.path, -1, -old.lead_score
      FROM insight_path_companies p, (SELECT 0 AS grain, 900000 AS ms UNION ALL SELECT 1, 86400000) g
     WHERE p.site = (SELECT num FROM site_numbers WHERE site_id = old.site_id) AND p.company = old.num
    ON CONFLICT (site, grain, bucket, path) DO UPDATE SET companies = companies + excluded.companies, score_sum = score_sum + excluded.score_sum;
  DELETE FROM insight_path_companies WHERE company = old.num AND site = (SELECT num FROM site_numbers WHERE site_id = old.site_id);
END;

-- A page view the follower has counted whose company changes afterwards (resolved late, by
-- reverse DNS) or which is deleted: queued here, in the same transaction, for the follower
-- to recount its visitor's and company's sightings from the raw rows. Page views it has not
-- read yet need nothing: it will read them as they are.
CREATE TABLE insight_changes (
  id       INTEGER PRIMARY KEY,
  pv       INTEGER NOT NULL,
  site     INTEGER NOT NULL,
  visitor  INTEGER NOT NULL,
  path     TEXT NOT NULL,
  ts       INTEGER NOT NULL,
  company  INTEGER,
  is_bot   INTEGER NOT NULL,
  deleted  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER insight_page_view_company AFTER UPDATE OF company ON page_view_rows
  WHEN old.company IS NOT new.company AND old.id <= (SELECT last_id FROM insight_progress WHERE id = 1) BEGIN
  INSERT INTO insight_changes (pv, site, visitor, path, ts, company, is_bot, deleted)
    VALUES (old.id, old.site, old.visitor, old.path, old.ts, old.company, old.is_bot, 0);
END;
CREATE TRIGGER insight_page_view_delete AFTER DELETE ON page_view_rows
  WHEN old.id <= (SELECT last_id FROM insight_progress WHERE id = 1) BEGIN
  INSERT INTO insight_changes (pv, site, visitor, path, ts, company, is_bot, deleted)
    VALUES (old.id, old.site, old.visitor, old.path, old.ts, old.company, old.is_bot, 1);
END;

-- Outreach drafts (api/outreach.ts). At most one pending draft per contact: regenerating
-- rewrites it in place.
CREATE TABLE outreach_drafts (
  id          TEXT PRIMARY KEY,
  site_id     TEXT NOT NULL,
  contact_id  TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dismissed')),
  intent      TEXT NOT NULL CHECK (intent IN ('highIntent', 'general')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  sent_at     INTEGER
) STRICT;
CREATE UNIQUE INDEX outreach_drafts_pending ON outreach_drafts (contact_id) WHERE status = 'pending';
-- The list, newest first: by status, of every status, or for one contact.
CREATE INDEX outreach_drafts_list ON outreach_drafts (site_id, status, created_at, id);
CREATE INDEX outreach_drafts_all ON outreach_drafts (site_id, created_at, id);
CREATE INDEX outreach_drafts_contact ON outreach_drafts (site_id, contact_id, created_at, id);
-- An erased contact takes its drafts with it.
CREATE TRIGGER outreach_drafts_contact_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM outreach_drafts WHERE contact_id = old.id;
END;
