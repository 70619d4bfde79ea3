-- The last intake-log sequence number whose event the database holds
-- (collect/intake-log.ts). It moves in the same transaction as the events, so a
-- replay after a crash writes each logged event exactly once.
CREATE TABLE intake_progress (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL
) STRICT;
INSERT INTO intake_progress (id, seq) VALUES (1, 0);

-- An acknowledged event that the database refused even on its own (a bug, a
-- constraint we did not foresee): kept with the reason, never dropped, so an
-- operator can see it and replay it once the cause is fixed.
CREATE TABLE intake_failures (
  seq        INTEGER PRIMARY KEY,
  event      TEXT NOT NULL,
  error      TEXT NOT NULL,
  failed_at  INTEGER NOT NULL
) STRICT;
