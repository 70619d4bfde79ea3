import { domainAndParents } from '../mapping/domain.js';

/** Where the watched domains come from: store/watch-list.ts on the caller's connection. */
export interface WatchListSource {
  /** A number that moves whenever a domain is added or removed, on any connection. */
  version(): number;
  domains(siteId: string): string[];
}

/**
 * Each site's watched domains, in memory: a company is matched by set lookups of its
 * domain and its parents, never by a query. A site's set is read on first use and all
 * are dropped when `refresh` sees the version move (one read, once per batch or run).
 */
export interface WatchedDomains {
  refresh(): void;
  /** The watched domain that covers this company domain (itself or a parent), or null. */
  match(siteId: string, companyDomain: string): string | null;
  isWatched(siteId: string, companyDomain: string): boolean;
}

export function createWatchedDomains(source: WatchListSource): WatchedDomains {
  const sites = new Map<string, Set<string>>();
  let version = source.version();
  const domainsOf = (siteId: string): Set<string> => {
    let set = sites.get(siteId);
    if (!set) {
      set = new Set(source.domains(siteId));
      sites.set(siteId, set);
    }
    return set;
  };
  const match = (siteId: string, companyDomain: string): string | null => {
    const set = domainsOf(siteId);
    if (set.size === 0) return null;
    for (const domain of domainAndParents(companyDomain)) if (set.has(domain)) return domain;
    return null;
  };
  return {
    refresh() {
      const now = source.version();
      if (now !== version) {
        version = now;
        sites.clear();
      }
    },
    match,
    isWatched: (siteId, companyDomain) => match(siteId, companyDomain) !== null,
  };
}
