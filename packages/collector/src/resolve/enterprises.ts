// The curated enterprise table: companies that run their own AS, with
// firmographics (data/enterprises/enterprises.json, curated by hand) and the
// AS -> domain table generated from it (data/enterprises/asn-table.json, by
// scripts/build-enterprise-asns.mjs). Operators may add files of the same
// format; their AS claims are matched here at load.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeDomain } from './email-domain.js';
import type { AsTable } from './networks.js';
import type { CompanyProfile } from './types.js';

interface OrganizationEntry {
  name?: unknown;
  domain?: unknown;
  industry?: unknown;
  size?: unknown;
  employeeCount?: unknown;
  revenue?: unknown;
  country?: unknown;
  asPatterns?: unknown;
  asns?: unknown;
  excludeAsns?: unknown;
}

export interface EnterpriseData {
  /** AS number -> company domain. */
  byAsn: Map<number, string>;
  /** Domain -> firmographics. */
  byDomain: Map<string, CompanyProfile>;
  files: string[];
}

/** The parsed file, or undefined when it does not exist. */
async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function profileOf(o: OrganizationEntry, domain: string): CompanyProfile {
  const p: CompanyProfile = { domain };
  const name = str(o.name);
  if (name) p.name = name;
  const industry = str(o.industry);
  if (industry) p.industry = industry;
  const size = str(o.size);
  if (size) p.size = size;
  if (typeof o.employeeCount === 'number' && Number.isFinite(o.employeeCount)) p.employeeCount = o.employeeCount;
  const revenue = str(o.revenue);
  if (revenue) p.revenue = revenue;
  const country = str(o.country);
  if (country) p.country = country.toUpperCase();
  // Shared by every resolution of this company: frozen so no caller can edit it for the others.
  return Object.freeze(p);
}

function asnList(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((a): a is number => Number.isInteger(a) && a > 0 && a <= 0xffffffff) : [];
}

/** excludeAsns holds bare numbers or reviewed `{ asn, kind, reason }` records (scripts/audit-enterprises.mjs). */
function excludedList(v: unknown): number[] {
  return asnList(Array.isArray(v) ? v.map((e: unknown) => (typeof e === 'object' && e !== null ? (e as { asn?: unknown }).asn : e)) : v);
}

/**
 * Loads the shipped table from `dir` (both files optional) and then each
 * operator file in order. In operator files an organization claims its
 * `asns` and every AS whose organization name matches one of its `asPatterns`
 * (case-insensitive regular expressions, as in the shipped generator), minus
 * `excludeAsns`; explicit numbers beat patterns, and a later file's entry for
 * the same domain replaces the earlier firmographics.
 */
export async function loadEnterprises(dir: string, extraFiles: readonly string[], asTable: AsTable | null, asnTablePath?: string): Promise<EnterpriseData> {
  const byAsn = new Map<number, string>();
  const byDomain = new Map<string, CompanyProfile>();
  const files: string[] = [];

  const addOrganizations = (path: string, data: unknown, matchPatterns: boolean) => {
    const orgs = (data as { organizations?: unknown })?.organizations;
    if (!Array.isArray(orgs)) throw new Error(`${path}: "organizations" must be an array`);
    const patternClaims = new Map<number, string>();
    for (const o of orgs as OrganizationEntry[]) {
      const domain = typeof o.domain === 'string' ? normalizeDomain(o.domain) : null;
      if (!domain) continue;
      byDomain.set(domain, profileOf(o, domain));
      const excluded = new Set(excludedList(o.excludeAsns));
      for (const asn of asnList(o.asns)) if (!excluded.has(asn)) byAsn.set(asn, domain);
      if (matchPatterns && asTable && Array.isArray(o.asPatterns)) {
        const patterns = o.asPatterns
          .filter((p): p is string => typeof p === 'string')
          .map((p) => {
            try {
              return new RegExp(p, 'i');
            } catch {
              throw new Error(`${path}: ${domain}: bad asPattern ${JSON.stringify(p)}`);
            }
          });
        if (patterns.length === 0) continue;
        for (let id = 0; id < asTable.count; id++) {
          const asn = asTable.asn[id];
          if (excluded.has(asn)) continue;
          if (patterns.some((re) => re.test(asTable.org.get(id)))) patternClaims.set(asn, domain);
        }
      }
    }
    // Explicit numbers (already in byAsn from this file) beat pattern matches.
    const explicit = new Set<number>();
    for (const o of orgs as OrganizationEntry[]) for (const a of asnList(o.asns)) explicit.add(a);
    for (const [asn, domain] of patternClaims) if (!explicit.has(asn)) byAsn.set(asn, domain);
  };

  const shippedPath = join(dir, 'enterprises.json');
  const shipped = await readJson(shippedPath);
  if (shipped !== undefined) {
    // The shipped patterns were matched by the generator into asn-table.json.
    addOrganizations(shippedPath, shipped, false);
    files.push(shippedPath);
  }
  // Downloaded AS data comes with its own table, regenerated against it (clearview data update).
  const tablePath = asnTablePath ?? join(dir, 'asn-table.json');
  const table = (await readJson(tablePath)) as { asns?: Record<string, unknown> } | undefined;
  if (table?.asns) {
    for (const [k, v] of Object.entries(table.asns)) {
      const asn = Number(k);
      const domain = typeof v === 'string' ? normalizeDomain(v) : null;
      if (Number.isInteger(asn) && asn > 0 && domain) byAsn.set(asn, domain);
    }
    files.push(tablePath);
  }
  for (const path of extraFiles) {
    const data = await readJson(path);
    if (data === undefined) throw new Error(`${path}: enterprise file not found`);
    addOrganizations(path, data, true);
    files.push(path);
  }
  return { byAsn, byDomain, files };
}
