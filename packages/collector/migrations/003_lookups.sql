-- Faster lookups for the REST API. IF NOT EXISTS: a development database may
-- have the index from an earlier draft of 002.

-- Identity lookups (store/identity.ts findIdentityDomain): the distinct prefixes of a
-- site by a loose index scan, then one probe per prefix at the masked address.
CREATE INDEX IF NOT EXISTS identity_ranges_prefix ON identity_ranges (site_id, prefix, ip_lo);

-- How many companies of a site have each lead score, kept by triggers. The total of
-- GET /api/v1/companies?min_score=N, the list's most common query, is then a sum
-- over at most 101 rows instead of a count of every matching company (tens of
-- thousands on a big site, most of the request's time).
CREATE TABLE company_score_counts (
  site_id     TEXT NOT NULL,
  lead_score  INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (site_id, lead_score)
) STRICT, WITHOUT ROWID;
INSERT INTO company_score_counts (site_id, lead_score, n)
  SELECT site_id, lead_score, COUNT(*) FROM companies GROUP BY site_id, lead_score;

CREATE TRIGGER companies_score_count_insert AFTER INSERT ON companies BEGIN
  INSERT INTO company_score_counts (site_id, lead_score, n) VALUES (new.site_id, new.lead_score, 1)
    ON CONFLICT (site_id, lead_score) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER companies_score_count_update AFTER UPDATE OF site_id, lead_score ON companies
  WHEN old.lead_score IS NOT new.lead_score OR old.site_id IS NOT new.site_id BEGIN
  UPDATE company_score_counts SET n = n - 1 WHERE site_id = old.site_id AND lead_score = old.lead_score;
  INSERT INTO company_score_counts (site_id, lead_score, n) VALUES (new.site_id, new.lead_score, 1)
    ON CONFLICT (site_id, lead_score) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER companies_score_count_delete AFTER DELETE ON companies BEGIN
  UPDATE company_score_counts SET n = n - 1 WHERE site_id = old.site_id AND lead_score = old.lead_score;
END;
