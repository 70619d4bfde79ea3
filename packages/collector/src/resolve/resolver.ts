// IP -> company. For each page view's client address, in this order:
//   1. the site's own identity data (ingested visitors, identify events);
//   2. the curated enterprise table, when the address's AS is a company's own;
//   3. reverse DNS, when enabled, for networks not known to be providers.
// Providers (ISPs, carriers, hosts, CDNs, VPNs, schools) stay unresolved, and
// hosting/VPN traffic raises the bot signal.
//
// resolve() is synchronous and never waits on the network: reverse DNS runs
// in the background and its answer is used from the next call on.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyNetwork, isNotCompany, raisesHostingSignal, type CuratedNetworks } from './classify.js';
import { loadCuratedNetworks, type CuratedData } from './curated.js';
import { normalizeDomain } from './email-domain.js';
import { loadEnterprises, type EnterpriseData } from './enterprises.js';
import { countryV4, countryV6, loadCountryDb, openCityDb, type CityLookup, type CountryDb } from './geo.js';
import { formatIp, isDocumentationIp, isReservedIp, keyOf, parseIp, v4ToInt, type ParsedIp } from './ip.js';
import { loadAsDatabase, lookupV4, lookupV6, type AsDatabase } from './networks.js';
import { companyDomainFromPtr } from './ptr.js';
import { RdnsCache, type PtrLookup } from './rdns.js';
import { rememberWidths, type IdentityData } from './identity-widths.js';
import { ResultCache } from './result-cache.js';
import { NETWORK_KINDS, type CompanyProfile, type NetworkKind, type Resolution, type ResolveReason, type ResolveSource } from './types.js';
import { bytesToLimbs } from './u128.js';

export type { Resolution, CompanyProfile, NetworkKind, ResolveReason } from './types.js';

export interface ResolverOptions {
  /** The site's identity data: company domain for an address key (ip.ts ipKey), or null. */
  identity?: (siteId: string, ipKey: string) => string | null;
  /** False when the site has no identity data: the address key (a 32-character string) is then not built. */
  hasIdentity?: (siteId: string) => boolean;
  /** The site's identity data as stored; the resolver remembers each site's range widths until invalidateSite. Replaces identity and hasIdentity. */
  identityData?: IdentityData;
  rdns?: {
    enabled: boolean;
    /** Defaults to dns.promises.reverse. */
    lookup?: PtrLookup;
    /** Default 1,500 ms. */
    timeoutMs?: number;
    /** How long PTR answers are kept. Default 1 hour. */
    ttlMs?: number;
    /** Lookups in flight at once. Default 256. */
    maxInFlight?: number;
  };
  /** An operator's GeoIP2/GeoLite2-City database (env CLEARVIEW_CITY_DB): region and city fill in. */
  cityDbPath?: string;
  /** Extra operator files in the enterprises.json format. */
  enterpriseFiles?: string[];
  /** Cache for answers that needed identity data, a city database or reverse DNS (the shipped tables alone answer faster than it). Default 100,000 entries for 10 minutes; max 0 turns it off. */
  cache?: { max: number; ttlMs: number };
  /** Folder holding networks/ and enterprises/. Default: the package's data/. */
  dataDir?: string;
  /** Overrides for the shipped databases (tests, or an operator's fresher copy). */
  asnV4Path?: string;
  asnV6Path?: string;
  countryDbPath?: string;
  /** The enterprise AS table generated for asnV4Path/asnV6Path (default: the shipped one). */
  asnTablePath?: string;
  /** Clock for cache expiry, in ms (tests). Default performance.now. */
  now?: () => number;
  logger?: { info(obj: object, msg?: string): void };
}

export interface ResolverStats {
  cacheHits: number;
  cacheMisses: number;
  cacheSize: number;
  rdnsLookups: number;
  rdnsTimeouts: number;
  rdnsFailures: number;
}

export interface ResolverInfo {
  loadMs: number;
  asCount: number;
  asRangesV4: number;
  asRangesV6: number;
  countryRangesV4: number;
  countryRangesV6: number;
  curatedAsns: number;
  enterpriseAsns: number;
  enterpriseCompanies: number;
  cityDb: boolean;
}

export interface Resolver {
  resolve(siteId: string, ip: string): Resolution;
  /** Identity data of the site changed: its cached answers are dropped. */
  invalidateSite(siteId: string): void;
  /** Drops every cached answer (results and reverse DNS). */
  clear(): void;
  /** Curated firmographics for a domain (any spelling normalizeDomain accepts). */
  lookupCompany(domain: string): CompanyProfile | null;
  stats(): ResolverStats;
  readonly info: ResolverInfo;
}

const require = createRequire(import.meta.url);
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

interface SharedData {
  as: AsDatabase;
  country: CountryDb;
}

// The databases are the same for every resolver in a process (tests build
// several): loaded once per set of paths.
const shared = new Map<string, Promise<SharedData>>();

function loadShared(v4: string, v6: string, countryPath: string): Promise<SharedData> {
  const key = `${v4}\n${v6}\n${countryPath}`;
  let p = shared.get(key);
  if (!p) {
    p = Promise.all([loadAsDatabase(v4, v6), loadCountryDb(countryPath)]).then(([as, country]) => ({ as, country }));
    p.catch(() => shared.delete(key));
    shared.set(key, p);
  }
  return p;
}

interface NetworkFacts {
  asn: number | null;
  asOrg: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  kind: NetworkKind;
  rule: string;
}

export async function createResolver(opts: ResolverOptions = {}): Promise<Resolver> {
  const started = performance.now();
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const asnDir = opts.asnV4Path && opts.asnV6Path ? '' : packageDir('@ip-location-db/asn');
  const v4Path = opts.asnV4Path ?? join(asnDir, 'asn-ipv4-num.csv');
  const v6Path = opts.asnV6Path ?? join(asnDir, 'asn-ipv6-num.csv');
  const countryPath = opts.countryDbPath ?? join(packageDir('@ip-location-db/geo-whois-asn-country-mmdb'), 'geo-whois-asn-country.mmdb');

  const [data, curatedData, city] = await Promise.all([
    loadShared(v4Path, v6Path, countryPath),
    loadCuratedNetworks(join(dataDir, 'networks')),
    opts.cityDbPath ? openCityDb(opts.cityDbPath) : Promise.resolve(null),
  ]);
  const enterprises = await loadEnterprises(join(dataDir, 'enterprises'), opts.enterpriseFiles ?? [], data.as.table, opts.asnTablePath);
  const widths = opts.identityData ? rememberWidths(opts.identityData) : null;
  const coreOpts = widths ? { ...opts, identity: widths.identity, hasIdentity: widths.hasIdentity } : opts;
  const core = new ResolverCore(coreOpts, data, curatedData, enterprises, city);
  const info: ResolverInfo = {
    loadMs: Math.round(performance.now() - started),
    asCount: data.as.table.count,
    asRangesV4: data.as.v4.count,
    asRangesV6: data.as.v6.count,
    countryRangesV4: data.country.v4.count,
    countryRangesV6: data.country.v6.count,
    curatedAsns: curatedData.kinds.size,
    enterpriseAsns: enterprises.byAsn.size,
    enterpriseCompanies: enterprises.byDomain.size,
    cityDb: city !== null,
  };
  opts.logger?.info({ resolver: info }, 'IP resolver data loaded');
  return {
    resolve: (siteId, ip) => core.resolve(siteId, ip),
    invalidateSite: (siteId) => {
      widths?.forget(siteId);
      core.invalidateSite(siteId);
    },
    clear: () => {
      widths?.forgetAll();
      core.clear();
    },
    lookupCompany: (domain) => core.lookupCompany(domain),
    stats: () => core.stats(),
    info,
  };
}

const KIND_CODE = new Map<NetworkKind, number>(NETWORK_KINDS.map((k, i) => [k, i + 1]));

class ResolverCore {
  private readonly cache: ResultCache<Resolution> | null;
  private readonly rdns: RdnsCache | null;
  private readonly curated: CuratedNetworks;
  // Classification per AS id, computed on first use: 0 = not yet, else 1 + index in NETWORK_KINDS.
  private readonly kindById: Uint8Array;
  private readonly ruleById: string[];
  private readonly limbs = new Uint32Array(4);
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly opts: ResolverOptions,
    private readonly data: SharedData,
    private readonly curatedData: CuratedData,
    private readonly enterprises: EnterpriseData,
    private readonly city: CityLookup | null,
  ) {
    const cacheOpts = opts.cache ?? { max: 100_000, ttlMs: 10 * 60 * 1000 };
    const now = opts.now;
    this.cache = cacheOpts.max > 0 ? new ResultCache<Resolution>(cacheOpts.max, cacheOpts.ttlMs, now) : null;
    this.rdns = opts.rdns?.enabled
      ? new RdnsCache({
          lookup: opts.rdns.lookup,
          timeoutMs: opts.rdns.timeoutMs ?? 1500,
          ttlMs: opts.rdns.ttlMs ?? 60 * 60 * 1000,
          max: 50_000,
          maxInFlight: opts.rdns.maxInFlight ?? 256,
          now,
        })
      : null;
    this.curated = { kinds: curatedData.kinds, enterprise: enterprises.byAsn };
    this.kindById = new Uint8Array(data.as.table.count);
    this.ruleById = new Array<string>(data.as.table.count);
  }

  resolve(siteId: string, ipText: string): Resolution {
    const identity = this.opts.identity !== undefined && this.opts.hasIdentity?.(siteId) !== false;
    const cache = this.worthCaching(identity) ? this.cache : null;
    if (cache !== null) {
      const hit = cache.get(siteId, ipText);
      if (hit !== undefined) {
        this.hits++;
        return hit;
      }
      this.misses++;
      const { res, cacheable } = this.compute(siteId, ipText, identity);
      if (cacheable) cache.set(siteId, ipText, res);
      return res;
    }
    this.misses++;
    return this.compute(siteId, ipText, identity).res;
  }

  /**
   * Whether an answer for this site is worth keeping. The shipped tables answer
   * from memory faster than a cache that visitors' addresses churn through, whose
   * entries also outlive the young generation and cost the GC (bench/resolve.mjs).
   * Only a lookup dearer than that is cached: a site's identity data (an SQLite
   * query), a city database, reverse DNS.
   */
  private worthCaching(usesIdentity: boolean): boolean {
    return this.cache !== null && (usesIdentity || this.rdns !== null || this.city !== null);
  }

  invalidateSite(siteId: string): void {
    this.cache?.deleteSite(siteId);
  }

  clear(): void {
    this.cache?.clear();
    this.rdns?.clear();
  }

  lookupCompany(domain: string): CompanyProfile | null {
    const d = normalizeDomain(domain);
    return d ? (this.enterprises.byDomain.get(d) ?? null) : null;
  }

  stats(): ResolverStats {
    return {
      cacheHits: this.hits,
      cacheMisses: this.misses,
      cacheSize: this.cache?.size ?? 0,
      rdnsLookups: this.rdns?.lookups ?? 0,
      rdnsTimeouts: this.rdns?.timeouts ?? 0,
      rdnsFailures: this.rdns?.failures ?? 0,
    };
  }

  private classifyId(id: number): number {
    let code = this.kindById[id];
    if (code === 0) {
      const c = classifyNetwork(this.data.as.table.asn[id], this.data.as.table.org.get(id), this.curated);
      code = KIND_CODE.get(c.kind)!;
      this.kindById[id] = code;
      this.ruleById[id] = c.rule;
    }
    return code;
  }

  private network(ip: ParsedIp, text: string): NetworkFacts {
    // Documentation ranges behave as public addresses for identity data, but
    // the packaged databases hold junk for them (203.0.113.42 -> AU): no lookup.
    if (isDocumentationIp(ip)) {
      return { asn: null, asOrg: null, country: null, region: null, city: null, kind: 'unknown', rule: 'documentation' };
    }
    let id: number;
    let country: string | null;
    if (ip.version === 4) {
      const n = v4ToInt(ip.bytes);
      id = lookupV4(this.data.as, n);
      country = countryV4(this.data.country, n);
    } else {
      bytesToLimbs(ip.bytes, this.limbs);
      id = lookupV6(this.data.as, this.limbs);
      country = countryV6(this.data.country, this.limbs);
    }
    let region: string | null = null;
    let cityName: string | null = null;
    if (this.city) {
      const c = this.city(text);
      if (c) {
        country = c.country ?? country;
        region = c.region;
        cityName = c.city;
      }
    }
    if (id < 0) return { asn: null, asOrg: null, country, region, city: cityName, kind: 'unknown', rule: 'no_as' };
    const code = this.classifyId(id);
    return {
      asn: this.data.as.table.asn[id],
      asOrg: this.data.as.table.org.get(id),
      country,
      region,
      city: cityName,
      kind: NETWORK_KINDS[code - 1],
      rule: this.ruleById[id],
    };
  }

  private companyFor(domain: string): CompanyProfile {
    const d = normalizeDomain(domain) ?? domain.toLowerCase();
    return this.enterprises.byDomain.get(d) ?? Object.freeze({ domain: d });
  }

  /** `usesIdentity`: the site has identity data to consult (asked once per resolve). */
  private compute(siteId: string, ipText: string, usesIdentity: boolean): { res: Resolution; cacheable: boolean } {
    const ip = parseIp(ipText);
    if (ip === null) {
      // Not cached: garbage input must not fill the cache.
      return { res: unresolved(String(ipText).slice(0, 64), 'invalid', null), cacheable: false };
    }
    const text = formatIp(ip);
    if (isReservedIp(ip)) return { res: unresolved(text, 'reserved', 'reserved'), cacheable: true };

    const net = this.network(ip, text);
    let company: CompanyProfile | null = null;
    let source: ResolveSource | null = null;
    let reason: ResolveReason;
    let cacheable = true;

    // 1. The site's own identity data is the most specific evidence there is:
    //    someone from this address told the site who they are.
    const identityDomain = usesIdentity ? this.opts.identity!(siteId, keyOf(ip)) : null;
    const enterpriseDomain = net.kind === 'business' && net.asn !== null ? this.enterprises.byAsn.get(net.asn) : undefined;
    if (identityDomain) {
      company = this.companyFor(identityDomain);
      source = 'identity';
      reason = 'identity';
    } else if (enterpriseDomain) {
      // 2. A curated enterprise AS (classifyNetwork already let curated
      //    not-company files win over the enterprise table).
      company = this.companyFor(enterpriseDomain);
      source = 'enterprise';
      reason = 'enterprise';
    } else if (isNotCompany(net.kind)) {
      // Provider networks stop here: a vanity PTR on a residential line must
      // not turn a household into a company.
      reason = 'not_company';
    } else {
      reason = net.asn === null ? 'unknown_network' : 'no_match';
      // 3. Reverse DNS, for unknown, business and government networks.
      if (this.rdns) {
        const answer = this.rdns.get(text);
        if (answer.state === 'pending') {
          reason = 'rdns_pending';
          cacheable = false;
        } else if (answer.state === 'done') {
          for (const name of answer.names) {
            const v = companyDomainFromPtr(name, this.curatedData.ptrDomains, ip.bytes);
            if ('domain' in v) {
              company = this.companyFor(v.domain);
              source = 'rdns';
              reason = 'rdns';
              break;
            }
          }
        } else {
          // Skipped under a lookup flood: answer without it, and do not
          // cache so a later call can still look it up.
          cacheable = false;
        }
      }
    }
    // One literal with every field, always in the same order: one hidden
    // class for all results (a spread or freeze here cost 5x in the bench).
    // Results are shared through the cache: callers must not mutate them.
    const res: Resolution = {
      ip: text,
      asn: net.asn,
      asOrg: net.asOrg,
      country: net.country,
      region: net.region,
      city: net.city,
      networkKind: net.kind,
      hostingSignal: raisesHostingSignal(net.kind),
      company,
      source,
      reason,
      networkRule: net.rule,
    };
    return { res, cacheable };
  }
}

function unresolved(ip: string, reason: ResolveReason, rule: string | null): Resolution {
  return {
    ip,
    asn: null,
    asOrg: null,
    country: null,
    region: null,
    city: null,
    networkKind: 'unknown',
    hostingSignal: false,
    company: null,
    source: null,
    reason,
    networkRule: rule,
  };
}
