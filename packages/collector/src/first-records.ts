import type { Logger } from './logger.js';
import type { FirstRecord } from './store/events.js';

/**
 * The operator's log line for a company or contact seen for the first time on a site: the moments
 * worth telling (a new lead), a few a day, never a line a page view. A contact is named by its id,
 * never its email address, which stays in the database.
 */
export function logFirst(logger: Logger, first: FirstRecord): void {
  if (first.kind === 'company') {
    logger.info({ siteId: first.siteId, companyId: first.companyId, domain: first.domain }, `company identified for the first time: ${first.name ?? first.domain}`);
  } else {
    logger.info({ siteId: first.siteId, contactId: first.contactId }, 'contact identified for the first time');
  }
}
