-- ?q= on companies, rebuilt with a prefix index for each word length from 1 to 8: a word
-- typed into a search box then reads one list of rows, instead of merging the lists of
-- every indexed word it begins (a short word at a million companies begins a million).
-- The triggers of migration 007 keep writing to the new table by its name.
DROP TABLE company_search;
CREATE VIRTUAL TABLE company_search USING fts5(name, domain, content = '', contentless_delete = 1, prefix = '1 2 3 4 5 6 7 8', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO company_search (rowid, name, domain)
  SELECT s.num * 1099511627776 + c.num, c.name, c.domain FROM companies c JOIN site_numbers s ON s.site_id = c.site_id;

-- ?q= on contacts: the words of the email and the names, as for companies. The full-text
-- rowid is the site's number times 2^40 plus the contact's rowid (contacts is never vacuumed
-- and its rows are updated in place, so a rowid stays the contact's).
CREATE VIRTUAL TABLE contact_search USING fts5(email, first_name, last_name, content = '', contentless_delete = 1, prefix = '1 2 3 4 5 6 7 8', tokenize = 'unicode61 remove_diacritics 2');
INSERT OR IGNORE INTO site_numbers (site_id) SELECT DISTINCT site_id FROM contacts;
INSERT INTO contact_search (rowid, email, first_name, last_name)
  SELECT s.num * 1099511627776 + c.rowid, c.email, c.first_name, c.last_name FROM contacts c JOIN site_numbers s ON s.site_id = c.site_id;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
  INSERT OR IGNORE INTO site_numbers (site_id) VALUES (new.site_id);
  INSERT INTO contact_search (rowid, email, first_name, last_name)
    VALUES ((SELECT num FROM site_numbers WHERE site_id = new.site_id) * 1099511627776 + new.rowid, new.email, new.first_name, new.last_name);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF email, first_name, last_name ON contacts
  WHEN old.email IS NOT new.email OR old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name BEGIN
  DELETE FROM contact_search WHERE rowid = (SELECT num FROM site_numbers WHERE site_id = old.site_id) * 1099511627776 + old.rowid;
  INSERT INTO contact_search (rowid, email, first_name, last_name)
    VALUES ((SELECT num FROM site_numbers WHERE site_id = new.site_id) * 1099511627776 + new.rowid, new.email, new.first_name, new.last_name);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contact_search WHERE rowid = (SELECT num FROM site_numbers WHERE site_id = old.site_id) * 1099511627776 + old.rowid;
END;
