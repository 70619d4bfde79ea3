import { describe, expect, it } from 'vitest';
import { migrate } from '../../packages/collector/src/store/db.js';
import { databaseAt } from '../helpers/migrations.js';

describe('migration 016', () => {
  it('marks each company with the nearest watched domain that covers it, on its own site only', () => {
    const db = databaseAt(13);
    try {
      db.exec(`INSERT INTO sites (id, name, site_key, webhook_secret_hash, created_at) VALUES ('st_a', 'A', 'site_a', 'x', 0), ('st_b', 'B', 'site_b', 'y', 0)`);
      const company = db.prepare('INSERT INTO companies (id, site_id, domain, created_at, updated_at) VALUES (?, ?, ?, 0, 0)');
      const domains = ['acme.com', 'eu.acme.com', 'sales.eu.acme.com', 'us.acme.com', 'notacme.com', 'acme.com.evil.io', 'beta.io'];
      for (const [i, domain] of domains.entries()) company.run(`comp_a${i}`, 'st_a', domain);
      company.run('comp_b0', 'st_b', 'beta.io');
      const watch = db.prepare('INSERT INTO watch_list (site_id, domain, added_at) VALUES (?, ?, 0)');
      watch.run('st_a', 'acme.com');
      watch.run('st_a', 'eu.acme.com');
      watch.run('st_b', 'notacme.com');
      migrate(db);
      const marks = Object.fromEntries(
        (db.prepare("SELECT domain, watched_domain FROM companies WHERE site_id = 'st_a'").all() as Array<{ domain: string; watched_domain: string | null }>).map((r) => [
          r.domain,
          r.watched_domain,
        ]),
      );
      expect(marks).toEqual({
        'acme.com': 'acme.com',
        'eu.acme.com': 'eu.acme.com',
        'sales.eu.acme.com': 'eu.acme.com',
        'us.acme.com': 'acme.com',
        'notacme.com': null,
        'acme.com.evil.io': null,
        'beta.io': null,
      });
      expect(db.prepare("SELECT watched_domain FROM companies WHERE id = 'comp_b0'").pluck().get()).toBeNull();
    } finally {
      db.close();
    }
  });
});
