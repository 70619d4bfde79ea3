-- Rescoring writes a company's row only when its score or the inputs behind its breakdown
-- changed. Every row write rewrites the whole page (three or four companies once their
-- breakdowns are stored), so writing every row on every decay check cost more than
-- computing the scores.

-- A digest of the aggregates and model a stored breakdown was computed from, and the
-- undecayed points its total decays from (score/rescore.ts). While the digest holds, the
-- total at a later clock is the base decayed to that clock: no need to score again.
ALTER TABLE companies ADD COLUMN score_inputs INTEGER;
ALTER TABLE companies ADD COLUMN score_base REAL;

-- scored_at is now the clock of the stored breakdown and changes only with it, so the
-- decay job no longer pages through companies by it; keeping this index cost about a
-- fifth of each row write.
DROP INDEX companies_scored_at;

-- When the decay job last checked every scored company of a site: each lead score was the
-- model's score at some moment at or after checked_at (or at its own scored_at, if later).
-- One row a site instead of a timestamp rewritten on every company.
CREATE TABLE score_checks (
  site_id     TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  checked_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
