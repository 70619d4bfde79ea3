-- The rollup rebuild (store/insight-rollups.ts) now counts a site's page views up to the
-- newest one, past the follower's watermark, set-based in slices. A page view it has counted
-- that changes afterwards must be recounted like one the follower counted, so the change
-- triggers of migration 011 also fire for page views up to a rebuild's done_to.
DROP TRIGGER insight_page_view_company;
DROP TRIGGER insight_page_view_delete;
CREATE TRIGGER insight_page_view_company AFTER UPDATE OF company ON page_view_rows
  WHEN old.company IS NOT new.company
   AND (old.id <= (SELECT last_id FROM insight_progress WHERE id = 1) OR old.id <= (SELECT done_to FROM insight_rebuilds WHERE site = old.site)) BEGIN
  INSERT INTO insight_changes (pv, site, visitor, path, ts, company, is_bot, deleted)
    VALUES (old.id, old.site, old.visitor, old.path, old.ts, old.company, old.is_bot, 0);
END;
CREATE TRIGGER insight_page_view_delete AFTER DELETE ON page_view_rows
  WHEN old.id <= (SELECT last_id FROM insight_progress WHERE id = 1) OR old.id <= (SELECT done_to FROM insight_rebuilds WHERE site = old.site) BEGIN
  INSERT INTO insight_changes (pv, site, visitor, path, ts, company, is_bot, deleted)
    VALUES (old.id, old.site, old.visitor, old.path, old.ts, old.company, old.is_bot, 1);
END;
