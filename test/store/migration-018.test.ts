import { describe, expect, it } from 'vitest';
import { listCompanies } from '../../packages/collector/src/store/company-queries.js';
import { listContacts } from '../../packages/collector/src/store/contact-queries.js';
import { migrate } from '../../packages/collector/src/store/db.js';
import { databaseAt } from '../helpers/migrations.js';

describe('migration 018', () => {
  it('indexes the companies and contacts a collector of 017 stored for search, each on its own site', () => {
    const db = databaseAt(17);
    try {
      db.exec(`INSERT INTO sites (id, name, site_key, webhook_secret_hash, created_at) VALUES ('st_a', 'A', 'site_a', 'x', 0), ('st_b', 'B', 'site_b', 'y', 0)`);
      const company = db.prepare('INSERT INTO companies (id, site_id, domain, name, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)');
      company.run('comp_a0', 'st_a', 'acme.com', 'Acme Corp');
      company.run('comp_a1', 'st_a', 'globex.com', 'Globex Zürich');
      company.run('comp_b0', 'st_b', 'acme-rival.io', 'Acme Rival');
      const contact = db.prepare('INSERT INTO contacts (id, site_id, email, first_name, last_name, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)');
      contact.run('ct_a0', 'st_a', 'sarah@acme.com', 'Sarah', 'Chen', 'ingest', 1);
      contact.run('ct_a1', 'st_a', 'tom@globex.com', 'Tom', null, 'ingest', 2);
      contact.run('ct_b0', 'st_b', 'sam@acme-rival.io', 'Sam', 'Chen', 'ingest', 3);
      migrate(db);
      const companies = (site: string, q: string) => listCompanies(db, site, { q }, { limit: 10, offset: 0, sort: 'name' }).rows.map((r) => r.id);
      const contacts = (site: string, q: string) => listContacts(db, site, { q }, { limit: 10, offset: 0 }).rows.map((r) => r.id);
      expect(companies('st_a', 'acme')).toEqual(['comp_a0']);
      expect(companies('st_a', 'zurich')).toEqual(['comp_a1']);
      expect(companies('st_b', 'a')).toEqual(['comp_b0']);
      expect(contacts('st_a', 'chen')).toEqual(['ct_a0']);
      expect(contacts('st_a', 'globex')).toEqual(['ct_a1']);
      expect(contacts('st_b', 'chen')).toEqual(['ct_b0']);
      // And the triggers keep it: a rename, an erasure.
      db.prepare("UPDATE contacts SET last_name = 'Lee' WHERE id = 'ct_a0'").run();
      db.prepare("DELETE FROM contacts WHERE id = 'ct_a1'").run();
      expect(contacts('st_a', 'chen')).toEqual([]);
      expect(contacts('st_a', 'lee')).toEqual(['ct_a0']);
      expect(contacts('st_a', 'globex')).toEqual([]);
      expect(listContacts(db, 'st_a', { q: 'globex' }, { limit: 10, offset: 0 }).total).toBe(0);
      expect(listContacts(db, 'st_a', { q: 'chen' }, { limit: 10, offset: 0 }).total).toBe(0);
    } finally {
      db.close();
    }
  });
});
