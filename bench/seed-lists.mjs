// Gives a synthetic site of bench/generate-site.mjs the rows of the lists that a live site
// fills over time, in proportion to its companies, through the collector's own store code:
// a watch list (one company in a hundred), signals (each company identified once, three
// visits of each watched one, one lead in ten turning hot), an outreach draft for every
// contact, and a webhook endpoint with a delivery for each visit and hot lead. Run before
// the collector opens the file (it writes); a site seeded once is left as it is. The signal
// follower is marked as having read the generated history.
//
//   import { seedLists } from './seed-lists.mjs'; const lists = seedLists(dbPath);
//
// Returns { writeKey, endpointId, signals, watched, drafts, deliveries }, also kept in the
// site's .json under "lists".
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'packages/collector/dist');

export async function seedLists(dbPath) {
  const metaPath = `${dbPath}.json`;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  if (meta.lists?.version === 2) return meta.lists;

  const { openDatabase } = await import(join(dist, 'store/db.js'));
  const { createApiKey } = await import(join(dist, 'store/api-keys.js'));
  const { addWatchDomains } = await import(join(dist, 'store/watch-list.js'));
  const { insertSignal } = await import(join(dist, 'store/signals.js'));
  const { saveDraft } = await import(join(dist, 'store/outreach-drafts.js'));
  const { createWebhookEndpoint, updateWebhookEndpoint } = await import(join(dist, 'store/webhook-endpoints.js'));
  const { enqueueDeliveries } = await import(join(dist, 'store/deliveries.js'));

  const { saveSignalProgress, lastPageViewId, deleteSignalInputsThrough } = await import(join(dist, 'store/signals.js'));

  const started = Date.now();
  const db = openDatabase(dbPath, { cacheKib: 1_000_000 });
  db.pragma('synchronous = OFF');
  // The generated history is the past, as for a site upgraded to signals (migration 009 starts
  // the follower at the last page view): without this a site made after 009 would have the
  // follower read every page view and queued contact and score change while the bench measures.
  saveSignalProgress(db, 'page_views', lastPageViewId(db));
  deleteSignalInputsThrough(db, db.prepare('SELECT MAX(id) FROM signal_inputs').pluck(true).get() ?? 0);
  if (meta.lists?.version === 1) {
    db.close();
    const lists = { ...meta.lists, version: 2 };
    writeFileSync(metaPath, `${JSON.stringify({ ...meta, lists }, null, 2)}\n`);
    return lists;
  }
  const siteId = meta.siteId;
  const now = Date.parse(meta.generatedAt);
  const iso = (ms) => new Date(ms).toISOString();
  const writeKey = createApiKey(db, { siteId, permission: 'write', label: 'bench write' }).key;
  // Subscribed to visits and hot leads; turned off once seeded, so the collector sends none of them.
  const { endpoint } = createWebhookEndpoint(
    db,
    { siteId, url: 'https://hooks.bench.example/clearview', description: 'bench', events: ['watchlist.hit', 'lead.hot'], enabled: true },
    now,
  );

  const companies = db
    .prepare('SELECT id, domain, name, lead_score AS score, first_seen AS first, last_seen AS last FROM companies WHERE site_id = ? ORDER BY num')
    .all(siteId);
  const watched = companies.filter((_, i) => i % 100 === 0);
  addWatchDomains(
    db,
    siteId,
    watched.map((c) => c.domain),
    now - 30 * 86_400_000,
  );
  const watchedIds = new Set(watched.map((c) => c.id));

  let signals = 0;
  const signal = (type, c, at, data, summary) => {
    const s = {
      id: randomUUID(),
      siteId,
      type,
      company: { id: c.id, name: c.name ?? c.domain, domain: c.domain, leadScore: c.score },
      contact: null,
      summary,
      data,
      createdAt: iso(at),
      completedAt: iso(at),
    };
    insertSignal(db, s, at, at, at);
    if (type !== 'company.identified') enqueueDeliveries(db, s);
    signals += 1;
  };
  const pages = (at) => [
    { url: 'https://www.bench.example/pricing', title: 'pricing | Bench', at: iso(at - 120_000) },
    { url: 'https://www.bench.example/demo', title: 'demo | Bench', at: iso(at) },
  ];
  // In time order, as the follower writes them: first sightings, then visits and hot leads.
  const events = [];
  companies.forEach((c, i) => {
    const first = c.first ?? now - 90 * 86_400_000;
    const last = c.last ?? first;
    events.push([first, 0, c]);
    if (watchedIds.has(c.id)) for (let v = 1; v <= 3; v++) events.push([first + ((last - first) * v) / 3, 1, c]);
    if (i % 10 === 0) events.push([last, 2, c]);
  });
  events.sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < events.length; i += 10_000) {
    db.transaction(() => {
      for (const [at, kind, c] of events.slice(i, i + 10_000)) {
        const ts = Math.floor(at);
        if (kind === 0) signal('company.identified', c, ts, {}, `${c.name ?? c.domain} was identified for the first time.`);
        else if (kind === 1) signal('watchlist.hit', c, ts, { pages: pages(ts) }, `${c.name ?? c.domain}, on your watch list, viewed 2 pages.`);
        else signal('lead.hot', c, ts, { score: c.score, breakdown: {} }, `${c.name ?? c.domain} reached a lead score of ${c.score}.`);
      }
    })();
  }
  updateWebhookEndpoint(db, siteId, endpoint.id, { enabled: false }, now);

  const contacts = db.prepare('SELECT id, first_name AS first, created_at AS at FROM contacts WHERE site_id = ? ORDER BY created_at, id').all(siteId);
  db.transaction(() => {
    for (const c of contacts) {
      saveDraft(db, {
        siteId,
        contactId: c.id,
        subject: 'Following up on your visit',
        body: `Hi ${c.first ?? 'there'},\n\nThanks for looking at our pricing page.`,
        intent: 'highIntent',
        now: c.at,
      });
    }
  })();
  const deliveries = db.prepare('SELECT n FROM endpoint_delivery_counts WHERE endpoint_id = ?').pluck(true).get(endpoint.id) ?? 0;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  const lists = { version: 2, writeKey, endpointId: endpoint.id, signals, watched: watched.length, drafts: contacts.length, deliveries };
  writeFileSync(metaPath, `${JSON.stringify({ ...meta, lists }, null, 2)}\n`);
  console.log(
    `bench/seed-lists: ${dbPath}: ${signals} signals, ${watched.length} watched domains, ${contacts.length} drafts, ${deliveries} deliveries in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return lists;
}
