-- List reads that stay fast as a site grows, and page views that take less room.
--
-- 1. Page views and visitors move to compact tables (page_view_rows, visitor_rows): a
--    site, a visitor and a page's origin are small integers there, and ids made only of
--    digits (the tracker's) are packed two digits a byte. `page_views` and `visitors`
--    stay as views with the old columns, for tools and ad-hoc SQL; the collector reads
--    and writes the tables.
-- 2. Every list total comes from counts kept in the same transaction as the rows (by the
--    triggers below, or by the writer for the per-visitor and per-company page views).
-- 3. Every list order has an index that ends with the row's key, so pages and cursors
--    seek instead of sorting; company search has a full-text index.

-- A number per site, for the tables with a row per page view or visitor. Numbers are
-- never reused: rows of a deleted site keep pointing to nothing.
CREATE TABLE site_numbers (
  num      INTEGER PRIMARY KEY,
  site_id  TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO site_numbers (site_id) SELECT id FROM sites ORDER BY created_at, id;
INSERT OR IGNORE INTO site_numbers (site_id) SELECT DISTINCT site_id FROM visitors;
INSERT OR IGNORE INTO site_numbers (site_id) SELECT DISTINCT site_id FROM page_views;
INSERT OR IGNORE INTO site_numbers (site_id) SELECT DISTINCT site_id FROM companies;
CREATE TRIGGER sites_number AFTER INSERT ON sites BEGIN
  INSERT OR IGNORE INTO site_numbers (site_id) VALUES (new.id);
END;

-- The scheme and host of page URLs (a site has a few), so a page view keeps only its
-- path and query: url = origin || path || '?' || query, or the url itself when not.
CREATE TABLE page_origins (
  num     INTEGER PRIMARY KEY,
  origin  TEXT NOT NULL UNIQUE
) STRICT;

-- A number per company, for the same tables: its rowid when it was added, kept in a column
-- because SQLite does not promise to keep the rowid of a table without an INTEGER PRIMARY KEY
-- through VACUUM (3.53 does). Company search compares the two (store/company-queries.ts).
ALTER TABLE companies ADD COLUMN num INTEGER;
UPDATE companies SET num = rowid;
CREATE UNIQUE INDEX companies_num ON companies (num);
CREATE TRIGGER companies_number AFTER INSERT ON companies WHEN new.num IS NULL BEGIN
  UPDATE companies SET num = new.rowid WHERE rowid = new.rowid;
END;

-- Visitors. visitor_id is the id as sent, or, when it is all digits (the tracker's
-- time-first ids), those digits packed as a BLOB: unhex(digits, padded with F).
-- bot_page_views: how many of page_views were flagged as bots; company: companies.num.
CREATE TABLE visitor_rows (
  id              INTEGER PRIMARY KEY,
  site            INTEGER NOT NULL,
  visitor_id      ANY NOT NULL,
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  session_id      TEXT NOT NULL,
  session_count   INTEGER NOT NULL DEFAULT 1,
  page_views      INTEGER NOT NULL DEFAULT 0,
  bot_page_views  INTEGER NOT NULL DEFAULT 0,
  is_bot          INTEGER NOT NULL DEFAULT 0,
  last_ip         TEXT,
  country         TEXT,
  browser         TEXT,
  os              TEXT,
  device          TEXT,
  company         INTEGER,
  contact_id      TEXT
) STRICT;
INSERT INTO visitor_rows (site, visitor_id, first_seen, last_seen, session_id, session_count, page_views, bot_page_views, is_bot,
                          last_ip, country, browser, os, device, company, contact_id)
  SELECT n.num,
         CASE WHEN v.id <> '' AND v.id NOT GLOB '*[^0-9]*' THEN unhex(v.id || CASE WHEN length(v.id) % 2 = 1 THEN 'F' ELSE '' END) ELSE v.id END,
         v.first_seen, v.last_seen, v.session_id, v.session_count, v.page_views,
         -- A visitor is flagged as soon as one of its page views is, so only flagged ones can have any.
         CASE WHEN v.is_bot = 0 THEN 0 ELSE (SELECT COUNT(*) FROM page_views p WHERE p.site_id = v.site_id AND p.visitor_id = v.id AND p.is_bot = 1) END,
         v.is_bot, v.last_ip, v.country, v.browser, v.os, v.device, (SELECT num FROM companies WHERE id = v.company_id), v.contact_id
    FROM visitors v JOIN site_numbers n ON n.site_id = v.site_id
   ORDER BY v.site_id, v.first_seen;
-- A page view whose visitor row is missing (none should be) gets one, so that none is lost.
INSERT INTO visitor_rows (site, visitor_id, first_seen, last_seen, session_id, session_count, page_views, bot_page_views, is_bot)
  SELECT n.num,
         CASE WHEN p.visitor_id <> '' AND p.visitor_id NOT GLOB '*[^0-9]*' THEN unhex(p.visitor_id || CASE WHEN length(p.visitor_id) % 2 = 1 THEN 'F' ELSE '' END) ELSE p.visitor_id END,
         MIN(p.ts), MAX(p.ts), MIN(p.session_id), 1, COUNT(*), SUM(p.is_bot), MAX(p.is_bot)
    FROM page_views p JOIN site_numbers n ON n.site_id = p.site_id
   WHERE NOT EXISTS (SELECT 1 FROM visitors v WHERE v.site_id = p.site_id AND v.id = p.visitor_id)
   GROUP BY p.site_id, p.visitor_id;
CREATE UNIQUE INDEX visitor_rows_id ON visitor_rows (site, visitor_id);

-- Page views; pv_id is packed as visitor_id is, company is companies.num. With an origin,
-- url is '' and the URL is origin || path [|| '?' || query]; source is NULL for the tracker's.
CREATE TABLE page_view_rows (
  id               INTEGER PRIMARY KEY,
  site             INTEGER NOT NULL,
  pv_id            ANY NOT NULL,
  visitor          INTEGER NOT NULL,
  session_id       TEXT NOT NULL,
  ts               INTEGER NOT NULL,
  is_bot           INTEGER NOT NULL DEFAULT 0,
  company          INTEGER,
  engaged_ms       INTEGER NOT NULL DEFAULT 0,
  origin           INTEGER,
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
  source           TEXT
) STRICT;
-- Old page views keep their full URL: splitting it here would mean parsing it in SQL.
INSERT INTO page_view_rows (id, site, pv_id, visitor, session_id, ts, is_bot, company, engaged_ms, url, path, query,
                            utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, referrer_domain, title, screen_width,
                            ip, country, asn, browser, os, device, source)
  SELECT p.id, n.num,
         CASE WHEN p.pv_id <> '' AND p.pv_id NOT GLOB '*[^0-9]*' THEN unhex(p.pv_id || CASE WHEN length(p.pv_id) % 2 = 1 THEN 'F' ELSE '' END) ELSE p.pv_id END,
         v.id, p.session_id, p.ts, p.is_bot, (SELECT num FROM companies WHERE id = p.company_id), p.engaged_ms, p.url, p.path, p.query,
         p.utm_source, p.utm_medium, p.utm_campaign, p.utm_term, p.utm_content, p.referrer, p.referrer_domain, p.title, p.screen_width,
         p.ip, p.country, p.asn, p.browser, p.os, p.device, NULLIF(p.source, 'tracker')
    FROM page_views p
    JOIN site_numbers n ON n.site_id = p.site_id
    JOIN visitor_rows v ON v.site = n.num
                       AND v.visitor_id = CASE WHEN p.visitor_id <> '' AND p.visitor_id NOT GLOB '*[^0-9]*'
                                               THEN unhex(p.visitor_id || CASE WHEN length(p.visitor_id) % 2 = 1 THEN 'F' ELSE '' END) ELSE p.visitor_id END
   ORDER BY p.id;
DROP TABLE page_views;
DROP TABLE visitors;

-- A page view by its id (duplicates, engagement).
CREATE UNIQUE INDEX page_view_rows_pv ON page_view_rows (site, pv_id);
-- GET /api/v1/page-views, newest first, without or with bots (the two merged in order).
CREATE INDEX page_view_rows_recent ON page_view_rows (site, is_bot, ts);
-- ?company_id= and a company's latest page views.
CREATE INDEX page_view_rows_company ON page_view_rows (site, company, is_bot, ts) WHERE company IS NOT NULL;
-- ?visitor_id=: visitor numbers are unique across sites.
CREATE INDEX page_view_rows_visitor ON page_view_rows (visitor, is_bot, ts);

-- GET /api/v1/visitors, most recently seen first, and by company.
CREATE INDEX visitor_rows_recent ON visitor_rows (site, is_bot, last_seen);
CREATE INDEX visitor_rows_company ON visitor_rows (site, company, is_bot, last_seen) WHERE company IS NOT NULL;
-- GET /api/v1/resolve?ip=: the visitors behind one address.
CREATE INDEX visitor_rows_last_ip ON visitor_rows (site, last_ip);
-- A company's contacts through its visitors.
CREATE INDEX visitor_rows_contact ON visitor_rows (site, contact_id) WHERE contact_id IS NOT NULL;

CREATE VIEW visitors AS
SELECT s.site_id AS site_id,
       CASE WHEN typeof(v.visitor_id) = 'blob' THEN rtrim(hex(v.visitor_id), 'F') ELSE v.visitor_id END AS id,
       v.first_seen, v.last_seen, v.session_id, v.session_count, v.page_views, v.last_ip, v.country, v.browser, v.os, v.device,
       v.is_bot, c.id AS company_id, v.contact_id
  FROM visitor_rows v LEFT JOIN site_numbers s ON s.num = v.site LEFT JOIN companies c ON c.num = v.company;

CREATE VIEW page_views AS
SELECT p.id, s.site_id AS site_id,
       CASE WHEN typeof(p.pv_id) = 'blob' THEN rtrim(hex(p.pv_id), 'F') ELSE p.pv_id END AS pv_id,
       CASE WHEN typeof(v.visitor_id) = 'blob' THEN rtrim(hex(v.visitor_id), 'F') ELSE v.visitor_id END AS visitor_id,
       p.session_id, p.ts, CASE WHEN p.origin IS NULL THEN p.url ELSE o.origin || p.path || COALESCE('?' || p.query, '') END AS url, p.path, p.query,
       p.utm_source, p.utm_medium, p.utm_campaign, p.utm_term, p.utm_content, p.referrer, p.referrer_domain, p.title, p.screen_width,
       p.ip, p.country, p.asn, p.browser, p.os, p.device, p.is_bot, c.id AS company_id, p.engaged_ms, COALESCE(p.source, 'tracker') AS source
  FROM page_view_rows p
  LEFT JOIN site_numbers s ON s.num = p.site
  LEFT JOIN visitor_rows v ON v.id = p.visitor
  LEFT JOIN page_origins o ON o.num = p.origin
  LEFT JOIN companies c ON c.num = p.company;

-- Page views per site, bot flag and hour: a list's total is a sum over the hours, and a
-- time window's is the whole hours in it plus its two ends counted through
-- page_view_rows_recent. Per visitor and per company the writer keeps them on the row
-- (page_views, bot_page_views).
CREATE TABLE page_view_counts (
  site    INTEGER NOT NULL,
  is_bot  INTEGER NOT NULL,
  hour    INTEGER NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (site, is_bot, hour)
) STRICT, WITHOUT ROWID;
INSERT INTO page_view_counts (site, is_bot, hour, n)
  SELECT site, is_bot, ts / 3600000, COUNT(*) FROM page_view_rows GROUP BY site, is_bot, ts / 3600000;
CREATE TRIGGER page_view_rows_count_insert AFTER INSERT ON page_view_rows BEGIN
  INSERT INTO page_view_counts (site, is_bot, hour, n) VALUES (new.site, new.is_bot, new.ts / 3600000, 1)
    ON CONFLICT (site, is_bot, hour) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER page_view_rows_count_update AFTER UPDATE OF site, is_bot, ts ON page_view_rows
  WHEN old.site IS NOT new.site OR old.is_bot IS NOT new.is_bot OR old.ts / 3600000 IS NOT new.ts / 3600000 BEGIN
  UPDATE page_view_counts SET n = n - 1 WHERE site = old.site AND is_bot = old.is_bot AND hour = old.ts / 3600000;
  INSERT INTO page_view_counts (site, is_bot, hour, n) VALUES (new.site, new.is_bot, new.ts / 3600000, 1)
    ON CONFLICT (site, is_bot, hour) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER page_view_rows_count_delete AFTER DELETE ON page_view_rows BEGIN
  UPDATE page_view_counts SET n = n - 1 WHERE site = old.site AND is_bot = old.is_bot AND hour = old.ts / 3600000;
END;

-- Visitors per site (company 0) and per company, by bot flag.
CREATE TABLE visitor_counts (
  site     INTEGER NOT NULL,
  company  INTEGER NOT NULL,
  is_bot   INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (site, company, is_bot)
) STRICT, WITHOUT ROWID;
INSERT INTO visitor_counts (site, company, is_bot, n)
  SELECT site, 0, is_bot, COUNT(*) FROM visitor_rows GROUP BY site, is_bot
  UNION ALL
  SELECT site, company, is_bot, COUNT(*) FROM visitor_rows WHERE company IS NOT NULL GROUP BY site, company, is_bot;
CREATE TRIGGER visitor_rows_count_insert AFTER INSERT ON visitor_rows BEGIN
  INSERT INTO visitor_counts (site, company, is_bot, n) VALUES (new.site, 0, new.is_bot, 1)
    ON CONFLICT (site, company, is_bot) DO UPDATE SET n = n + 1;
  INSERT INTO visitor_counts (site, company, is_bot, n) SELECT new.site, new.company, new.is_bot, 1 WHERE new.company IS NOT NULL
    ON CONFLICT (site, company, is_bot) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER visitor_rows_count_update AFTER UPDATE OF site, company, is_bot ON visitor_rows
  WHEN old.site IS NOT new.site OR old.company IS NOT new.company OR old.is_bot IS NOT new.is_bot BEGIN
  UPDATE visitor_counts SET n = n - 1 WHERE site = old.site AND company = 0 AND is_bot = old.is_bot;
  UPDATE visitor_counts SET n = n - 1 WHERE site = old.site AND company = old.company AND is_bot = old.is_bot;
  INSERT INTO visitor_counts (site, company, is_bot, n) VALUES (new.site, 0, new.is_bot, 1)
    ON CONFLICT (site, company, is_bot) DO UPDATE SET n = n + 1;
  INSERT INTO visitor_counts (site, company, is_bot, n) SELECT new.site, new.company, new.is_bot, 1 WHERE new.company IS NOT NULL
    ON CONFLICT (site, company, is_bot) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER visitor_rows_count_delete AFTER DELETE ON visitor_rows BEGIN
  UPDATE visitor_counts SET n = n - 1 WHERE site = old.site AND company = 0 AND is_bot = old.is_bot;
  UPDATE visitor_counts SET n = n - 1 WHERE site = old.site AND company = old.company AND is_bot = old.is_bot;
END;

-- Companies: the sort keys as columns, so that a cursor (a row value) seeks on them. A
-- company never seen sorts as seen at 0, last, as it did when these were NULL.
ALTER TABLE companies ADD COLUMN seen_last INTEGER GENERATED ALWAYS AS (COALESCE(last_seen, 0)) VIRTUAL;
ALTER TABLE companies ADD COLUMN seen_first INTEGER GENERATED ALWAYS AS (COALESCE(first_seen, 0)) VIRTUAL;
ALTER TABLE companies ADD COLUMN list_name TEXT GENERATED ALWAYS AS (COALESCE(name, domain)) VIRTUAL COLLATE NOCASE;
-- Page views flagged as bots (companies.page_views counts the others), for ?include_bots=true.
ALTER TABLE companies ADD COLUMN bot_page_views INTEGER NOT NULL DEFAULT 0;
UPDATE companies SET bot_page_views = b.n
  FROM (SELECT company, COUNT(*) AS n FROM page_view_rows WHERE is_bot = 1 AND company IS NOT NULL GROUP BY company) AS b
 WHERE companies.num = b.company;

-- One index per order of GET /api/v1/companies, each ending in the rowid. All ascending:
-- a descending order walks one backwards, rowid descending too.
DROP INDEX companies_score;
DROP INDEX companies_last_seen;
DROP INDEX companies_name;
CREATE INDEX companies_score ON companies (site_id, lead_score, seen_last);
CREATE INDEX companies_seen_last ON companies (site_id, seen_last);
CREATE INDEX companies_seen_first ON companies (site_id, seen_first);
CREATE INDEX companies_name ON companies (site_id, list_name);
CREATE INDEX companies_visitors ON companies (site_id, visitor_count);
-- The total of a combination of filters the counts below do not keep (industry and country,
-- say) is counted in this index alone, from the industry's range when one is asked for.
CREATE INDEX companies_filters ON companies (site_id, industry COLLATE NOCASE, country COLLATE NOCASE, size, lead_score);

-- Companies per industry, country and size, and score: the total of one of those
-- filters, with or without min_score, is a sum over at most 101 rows. Industry and
-- country match case-insensitively (ASCII), so they are counted lowercased.
CREATE TABLE company_facet_counts (
  site_id     TEXT NOT NULL,
  facet       TEXT NOT NULL CHECK (facet IN ('industry', 'country', 'size')),
  value       TEXT NOT NULL,
  lead_score  INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (site_id, facet, value, lead_score)
) STRICT, WITHOUT ROWID;
INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
  SELECT site_id, 'industry', lower(industry), lead_score, COUNT(*) FROM companies WHERE industry IS NOT NULL GROUP BY 1, 3, 4
  UNION ALL
  SELECT site_id, 'country', lower(country), lead_score, COUNT(*) FROM companies WHERE country IS NOT NULL GROUP BY 1, 3, 4
  UNION ALL
  SELECT site_id, 'size', size, lead_score, COUNT(*) FROM companies WHERE size IS NOT NULL GROUP BY 1, 3, 4;
CREATE TRIGGER companies_facet_count_insert AFTER INSERT ON companies BEGIN
  INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
    SELECT new.site_id, 'industry', lower(new.industry), new.lead_score, 1 WHERE new.industry IS NOT NULL
    ON CONFLICT (site_id, facet, value, lead_score) DO UPDATE SET n = n + 1;
  INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
    SELECT new.site_id, 'country', lower(new.country), new.lead_score, 1 WHERE new.country IS NOT NULL
    ON CONFLICT (site_id, facet, value, lead_score) DO UPDATE SET n = n + 1;
  INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
    SELECT new.site_id, 'size', new.size, new.lead_score, 1 WHERE new.size IS NOT NULL
    ON CONFLICT (site_id, facet, value, lead_score) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER companies_facet_count_update AFTER UPDATE OF site_id, industry, country, size, lead_score ON companies
  WHEN old.site_id IS NOT new.site_id OR old.lead_score IS NOT new.lead_score OR old.industry IS NOT new.industry
    OR old.country IS NOT new.country OR old.size IS NOT new.size BEGIN
  UPDATE company_facet_counts SET n = n - 1 WHERE site_id = old.site_id AND facet = 'industry' AND value = lower(old.industry) AND lead_score = old.lead_score;
  UPDATE company_facet_counts SET n = n - 1 WHERE site_id = old.site_id AND facet = 'country' AND value = lower(old.country) AND lead_score = old.lead_score;
  UPDATE company_facet_counts SET n = n - 1 WHERE site_id = old.site_id AND facet = 'size' AND value = old.size AND lead_score = old.lead_score;
  INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
    SELECT new.site_id, 'industry', lower(new.industry), new.lead_score, 1 WHERE new.industry IS NOT NULL
    ON CONFLICT (site_id, facet, value, lead_score) DO UPDATE SET n = n + 1;
  INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
    SELECT new.site_id, 'country', lower(new.country), new.lead_score, 1 WHERE new.country IS NOT NULL
    ON CONFLICT (site_id, facet, value, lead_score) DO UPDATE SET n = n + 1;
  INSERT INTO company_facet_counts (site_id, facet, value, lead_score, n)
    SELECT new.site_id, 'size', new.size, new.lead_score, 1 WHERE new.size IS NOT NULL
    ON CONFLICT (site_id, facet, value, lead_score) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER companies_facet_count_delete AFTER DELETE ON companies BEGIN
  UPDATE company_facet_counts SET n = n - 1 WHERE site_id = old.site_id AND facet = 'industry' AND value = lower(old.industry) AND lead_score = old.lead_score;
  UPDATE company_facet_counts SET n = n - 1 WHERE site_id = old.site_id AND facet = 'country' AND value = lower(old.country) AND lead_score = old.lead_score;
  UPDATE company_facet_counts SET n = n - 1 WHERE site_id = old.site_id AND facet = 'size' AND value = old.size AND lead_score = old.lead_score;
END;

-- Company search (?q=): the words of the name and the domain, matched by prefix. The
-- full-text rowid is the site's number times 2^40 plus the company's number, so one
-- site's matches are a rowid range and are counted without reading companies.
CREATE VIRTUAL TABLE company_search USING fts5(name, domain, content = '', contentless_delete = 1, prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO company_search (rowid, name, domain)
  SELECT (SELECT num FROM site_numbers WHERE site_id = c.site_id) * 1099511627776 + c.num, c.name, c.domain FROM companies c;
-- A new company is indexed once it has its number (companies_number sets it).
CREATE TRIGGER companies_search_insert AFTER UPDATE OF num ON companies WHEN old.num IS NULL BEGIN
  INSERT OR IGNORE INTO site_numbers (site_id) VALUES (new.site_id);
  INSERT INTO company_search (rowid, name, domain)
    VALUES ((SELECT num FROM site_numbers WHERE site_id = new.site_id) * 1099511627776 + new.num, new.name, new.domain);
END;
CREATE TRIGGER companies_search_insert_numbered AFTER INSERT ON companies WHEN new.num IS NOT NULL BEGIN
  INSERT OR IGNORE INTO site_numbers (site_id) VALUES (new.site_id);
  INSERT INTO company_search (rowid, name, domain)
    VALUES ((SELECT num FROM site_numbers WHERE site_id = new.site_id) * 1099511627776 + new.num, new.name, new.domain);
END;
CREATE TRIGGER companies_search_update AFTER UPDATE OF site_id, name, domain ON companies
  WHEN old.site_id IS NOT new.site_id OR old.name IS NOT new.name OR old.domain IS NOT new.domain BEGIN
  DELETE FROM company_search WHERE rowid = (SELECT num FROM site_numbers WHERE site_id = old.site_id) * 1099511627776 + old.num;
  INSERT OR IGNORE INTO site_numbers (site_id) VALUES (new.site_id);
  INSERT INTO company_search (rowid, name, domain)
    VALUES ((SELECT num FROM site_numbers WHERE site_id = new.site_id) * 1099511627776 + new.num, new.name, new.domain);
END;
CREATE TRIGGER companies_search_delete AFTER DELETE ON companies BEGIN
  DELETE FROM company_search WHERE rowid = (SELECT num FROM site_numbers WHERE site_id = old.site_id) * 1099511627776 + old.num;
END;

-- Contacts, latest updated first, overall and by company domain.
DROP INDEX contacts_company;
CREATE INDEX contacts_updated ON contacts (site_id, updated_at, id);
CREATE INDEX contacts_company ON contacts (site_id, company_domain, updated_at, id);

-- Contacts per site (''), per source ('s:' || source) and per company domain ('d:' || domain).
CREATE TABLE contact_counts (
  site_id  TEXT NOT NULL,
  key      TEXT NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (site_id, key)
) STRICT, WITHOUT ROWID;
INSERT INTO contact_counts (site_id, key, n)
  SELECT site_id, '', COUNT(*) FROM contacts GROUP BY site_id
  UNION ALL
  SELECT site_id, 's:' || source, COUNT(*) FROM contacts GROUP BY site_id, source
  UNION ALL
  SELECT site_id, 'd:' || company_domain, COUNT(*) FROM contacts WHERE company_domain IS NOT NULL GROUP BY site_id, company_domain;
CREATE TRIGGER contacts_count_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contact_counts (site_id, key, n)
    SELECT new.site_id, value, 1 FROM (SELECT '' AS value UNION ALL SELECT 's:' || new.source UNION ALL SELECT 'd:' || new.company_domain) WHERE value IS NOT NULL
    ON CONFLICT (site_id, key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER contacts_count_update AFTER UPDATE OF site_id, source, company_domain ON contacts
  WHEN old.site_id IS NOT new.site_id OR old.source IS NOT new.source OR old.company_domain IS NOT new.company_domain BEGIN
  UPDATE contact_counts SET n = n - 1 WHERE site_id = old.site_id AND key IN ('', 's:' || old.source, 'd:' || old.company_domain);
  INSERT INTO contact_counts (site_id, key, n)
    SELECT new.site_id, value, 1 FROM (SELECT '' AS value UNION ALL SELECT 's:' || new.source UNION ALL SELECT 'd:' || new.company_domain) WHERE value IS NOT NULL
    ON CONFLICT (site_id, key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER contacts_count_delete AFTER DELETE ON contacts BEGIN
  UPDATE contact_counts SET n = n - 1 WHERE site_id = old.site_id AND key IN ('', 's:' || old.source, 'd:' || old.company_domain);
END;
