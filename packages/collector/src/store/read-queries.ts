import { getCompany, getCompanyByDomain, listCompanies, listCompanyTopPaths } from './company-queries.js';
import { getContact, listCompanyContacts, listContacts } from './contact-queries.js';
import type { Db } from './db.js';
import { listEndpointDeliveries } from './deliveries.js';
import { readInsightSums } from './insight-queries.js';
import { listPageViews, listRecentCompanyPageViews } from './page-view-queries.js';
import { getSignal, listSignals } from './signals.js';
import { findAddressFacts, listCompanyVisitors, listVisitors } from './visitor-queries.js';
import { listCompaniesUnderDomains, listWatchList } from './watch-list.js';

/**
 * The store's read queries that the API may run on the read thread, by name.
 * Each takes the connection first and plain, cloneable values after, and returns
 * plain rows: arguments and answers cross threads by structured clone.
 */
export const readQueries = {
  listCompanies,
  getCompany,
  getCompanyByDomain,
  listCompanyTopPaths,
  listContacts,
  getContact,
  listCompanyContacts,
  listPageViews,
  listRecentCompanyPageViews,
  listVisitors,
  listCompanyVisitors,
  findAddressFacts,
  listWatchList,
  listCompaniesUnderDomains,
  listSignals,
  getSignal,
  listEndpointDeliveries,
  readInsightSums,
} satisfies Record<string, (db: Db, ...args: never[]) => unknown>;

export type ReadQueries = typeof readQueries;
export type ReadName = keyof ReadQueries;
export type ReadArgs<K extends ReadName> = ReadQueries[K] extends (db: Db, ...args: infer A) => unknown ? A : never;
export type ReadResult<K extends ReadName> = ReturnType<ReadQueries[K]>;
