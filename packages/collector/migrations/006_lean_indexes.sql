-- Every page view moves its visitor's last_seen. An index holding last_seen has its
-- entry deleted and reinserted at a random place on each of those writes, and the
-- WAL frames of those random pages were most of the batch writer's commit time.
-- Only visitors_recent needs last_seen in order; the lookups below match a few
-- rows per company or address, which SQLite sorts in memory.

-- GET /api/v1/resolve?ip=: the visitors behind one address.
DROP INDEX visitors_last_ip;
CREATE INDEX visitors_last_ip ON visitors (site_id, last_ip);

-- A company's visitors. Most visitors come from ISPs and have no company: a partial
-- index skips them, and every lookup is by a company id, which implies NOT NULL.
DROP INDEX visitors_company;
CREATE INDEX visitors_company ON visitors (site_id, company_id) WHERE company_id IS NOT NULL;

-- A company's page views, for the same reason.
DROP INDEX page_views_company;
CREATE INDEX page_views_company ON page_views (site_id, company_id, ts) WHERE company_id IS NOT NULL;
