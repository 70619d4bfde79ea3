import { composeDraft, type IntentLabeler } from './outreach/draft.js';
import { outreachSettingsOf } from './outreach/settings.js';
import { compileIntentPatterns } from './score/patterns.js';
import type { Db } from './store/db.js';
import type { OutboxWriter } from './store/signals.js';
import { draftPages, findDraftContact, hasDraft, saveDraft } from './store/outreach-drafts.js';
import { getSiteSettings, scoringModelOf } from './store/site-settings.js';
import { getSite } from './store/sites.js';

/**
 * Makes or remakes a contact's draft: the store's facts through the pure outreach modules.
 * Used by POST /api/dashboard/outreach and, on a contact's first identification, by
 * draftForNewContact.
 */

/** The pages a draft names are from the last 30 days: older visits make a stale opener. */
const pageWindowMs = 30 * 86_400_000;

export type MadeDraft = { id: string; created: boolean } | null;

export function makeDraft(db: Db, siteId: string, by: { contactId: string } | { email: string }, now: number): MadeDraft {
  const contact = findDraftContact(db, siteId, by);
  const site = getSite(db, siteId);
  if (!contact || !site) return null;
  const settings = getSiteSettings(db, siteId);
  const outreach = outreachSettingsOf(settings?.outreach);
  const patterns = scoringModelOf(settings).intent.patterns;
  const matcher = compileIntentPatterns(patterns);
  const intentOf: IntentLabeler = (path) => {
    const index = matcher.match(path);
    return index < 0 ? null : { name: patterns[index]!.name, weight: patterns[index]!.weight };
  };
  const { pagesOf, pages } = draftPages(db, contact, now - pageWindowMs);
  const draft = composeDraft({
    contact,
    companyName: contact.companyName,
    pagesOf,
    pages,
    siteName: site.name,
    senderName: outreach.senderName,
    templates: outreach.templates,
    highIntentPatterns: outreach.highIntentPatterns,
    intentOf,
  });
  return saveDraft(db, { siteId, contactId: contact.id, ...draft, now });
}

/**
 * The draft made when a contact is first identified (identify, ingested contact, webhook
 * person): nothing when the site turned outreach.autoGenerate off or the contact has a draft
 * already. Call it after the transaction that created the contact has committed.
 */
export function draftForNewContact(db: Db, siteId: string, contactId: string, now: number): MadeDraft {
  if (!outreachSettingsOf(getSiteSettings(db, siteId)?.outreach).autoGenerate) return null;
  if (hasDraft(db, contactId)) return null;
  return makeDraft(db, siteId, { contactId }, now);
}

/**
 * Drafts are made on contact.identified: an outbox writer, so the draft is stored in the
 * transaction that stores the signal, and a follower that crashes before it commits makes
 * both again. A draft that cannot be made (a contact erased meanwhile, say) is given up
 * alone, inside its own savepoint, so it never holds up the signals behind it.
 */
export function draftOnContactIdentified(onError: (error: unknown) => void): OutboxWriter {
  return (db, signal) => {
    if (signal.type !== 'contact.identified' || !signal.contact) return;
    const contactId = signal.contact.id;
    try {
      db.transaction(() => draftForNewContact(db, signal.siteId, contactId, Date.parse(signal.createdAt)))();
    } catch (error) {
      onError(error);
    }
  };
}
