-- The decay check pages through the companies whose rounded score can have changed,
-- instead of reading every company of a site every few minutes (at a million companies
-- that read held the writer for seconds).

-- When the stored total can next differ from the model's (score/rescore.ts, scoreDueAt):
-- the clock at which decay takes it below its rounding edge. NULL: never, as the total is 0.
-- 0: now, because the facts behind the score changed since it was stored.
ALTER TABLE companies ADD COLUMN score_due INTEGER;

-- Only companies that can change are in the index; most rows of an old site score 0.
CREATE INDEX companies_score_due ON companies (score_due) WHERE score_due IS NOT NULL;

-- A change to a fact the score reads makes the company due at once, in the same transaction
-- as the change: a rescore that fails or never runs (a crash between a batch's commit and
-- its rescore) is then caught by the next check. The paths a company read change only with
-- its page_views. The trigger's own write names none of these columns, so it fires once.
CREATE TRIGGER companies_score_facts AFTER UPDATE OF page_views, engaged_ms, visitor_count, sessions, last_seen, industry, size, country ON companies
  WHEN new.score_due IS NOT 0 AND (
    old.page_views IS NOT new.page_views OR old.engaged_ms IS NOT new.engaged_ms OR old.visitor_count IS NOT new.visitor_count
    OR old.sessions IS NOT new.sessions OR old.last_seen IS NOT new.last_seen OR old.industry IS NOT new.industry
    OR old.size IS NOT new.size OR old.country IS NOT new.country)
BEGIN
  UPDATE companies SET score_due = 0 WHERE rowid = new.rowid;
END;

-- The model (score/compile.ts label) every company of the site was last checked against.
-- The due times assume the model they were computed with: when a site's model differs
-- (after a settings change), the check reads every company of the site once, in pages.
ALTER TABLE score_checks ADD COLUMN model TEXT;

-- The sites there are now have companies scored without due times: a row with no model
-- has the first check read all of them once. A site created from now on has no row until
-- its first check, and its companies have due times from their first score.
INSERT OR IGNORE INTO score_checks (site_id, checked_at) SELECT id, 0 FROM sites;
