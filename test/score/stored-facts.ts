import type { Db } from '../../packages/collector/src/store/db.js';
import { getSiteScoringModel } from '../../packages/collector/src/store/site-settings.js';

/** A company's facts for the pure model and its site's model, read here, independently of the rescorer's loader. */
export function storedFacts(db: Db, id: string) {
  const c = db.prepare('SELECT * FROM companies WHERE id = ?').get(id) as Record<string, any>;
  const pathViews = db.prepare('SELECT path, views FROM company_paths WHERE company_id = ? ORDER BY views DESC, path LIMIT 50').all(id) as Array<{
    path: string;
    views: number;
  }>;
  const facts = {
    pageViews: c.page_views,
    engagedSeconds: Math.round(c.engaged_ms / 1000),
    visitors: c.visitor_count,
    sessions: c.sessions,
    lastSeenMs: c.last_seen,
    pathViews,
    industry: c.industry,
    size: c.size,
    country: c.country,
    watched: false,
  };
  return { facts, model: getSiteScoringModel(db, c.site_id) };
}
