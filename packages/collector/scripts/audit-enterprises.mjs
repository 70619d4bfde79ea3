#!/usr/bin/env node
// Audits the curated enterprise list (data/enterprises/enterprises.json, plus any
// operator files given as arguments) against the installed AS data: for every
// organisation, the ASes whose organisation name, normalised (org-name-key.mjs),
// equals or begins with the organisation's normalised name or one of its
// `aliases`, and that the entry does not claim. Each such candidate must be
// reviewed: claimed (asPatterns or asns), or listed in the entry's `excludeAsns`
// as { "asn", "kind", "reason" }. A candidate another entry claims, or that a
// not-company list (data/networks/) holds, has been reviewed there.
//
// Also fails when one AS is claimed by two entries, or by an entry and a
// not-company list.
//
// Usage:
//   node packages/collector/scripts/audit-enterprises.mjs [extra.json ...] [--json] [--verbose]
//     --json           print the whole result as JSON (what test/resolve/enterprise-audit.test.ts reads)
//     --verbose        list every candidate with how it was reviewed
//   node packages/collector/scripts/audit-enterprises.mjs --names "Name" ["Other name" ...]
//     lists the ASes whose normalised name begins with each name's key, with their
//     current owner (an entry or a not-company list): the review list for a new entry.
// Exit status 1 when anything is unreviewed or claimed twice. No dependencies.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAsNames } from './build-enterprise-asns.mjs';
import { keyBeginsWith, orgNameKey } from './org-name-key.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const collectorDir = resolve(here, '..');
const defaultSource = join(collectorDir, 'data', 'enterprises', 'enterprises.json');
const networksDir = join(collectorDir, 'data', 'networks');

/** Why a candidate AS is not the organisation's own network. Closed list: the report counts by kind. */
export const EXCLUDE_KINDS = {
  isp: "the group's internet access or transit business",
  mobile: "the group's mobile network",
  hosting: "the group's hosting, data-centre or IT-outsourcing network for customers",
  cloud: "the group's public cloud or SaaS network",
  cdn: "the group's CDN or streaming delivery network",
  vpn: 'a VPN or proxy network',
  education: 'a university, school or research network',
  government: 'a public body',
  public: 'a network whose users are mostly the public (venue, airport, guest Wi-Fi)',
  namesake: 'another organisation whose name begins the same way',
  separate: 'a separate company (joint venture, sold or separately listed business) not folded into this entry',
};

/** The AS number of an excludeAsns element (a bare number from an operator file, or the reviewed form). */
export const excludedAsn = (e) => (typeof e === 'number' ? e : e?.asn);

export function loadOrganizations(files) {
  const byDomain = new Map();
  for (const file of files) {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const orgs = Array.isArray(json) ? json : json.organizations;
    for (const o of orgs) byDomain.set(String(o.domain).toLowerCase(), { ...o, domain: String(o.domain).toLowerCase(), file });
  }
  return [...byDomain.values()];
}

/** AS number -> { kind, file } from the not-company lists. */
export function loadNotCompany(dir = networksDir) {
  const out = new Map();
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json') || f === 'ptr-domains.json') continue;
    const data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    for (const n of data.networks ?? []) out.set(n.asn, { kind: data.kind, file: f });
  }
  return out;
}

/**
 * The literal text every match of an anchored pattern starts with, lower-cased
 * ("^Siemens (AG|...)$" -> "siemens "), so only names starting with it are tried.
 */
function literalPrefix(pattern) {
  if (!pattern.startsWith('^') || hasTopLevelAlternation(pattern)) return '';
  let out = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i];
    if ('?*{'.includes(c)) return out.slice(0, -1);
    if ('\\.^$|+()[]}'.includes(c)) return out;
    out += c;
  }
  return out;
}

function hasTopLevelAlternation(pattern) {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** AS names sorted lower-cased, for prefix ranges. */
export function sortNames(names) {
  return [...names.entries()].map(([asn, name]) => ({ asn, name, lower: name.toLowerCase() })).sort((a, b) => (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : 0));
}

function* withPrefix(sorted, prefix) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].lower < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && sorted[i].lower.startsWith(prefix); i++) yield sorted[i];
}

/** Every AS an organisation claims: its patterns' matches and its explicit numbers, minus its exclusions. */
function claimsOf(o, sorted) {
  const excluded = new Set((o.excludeAsns ?? []).map(excludedAsn));
  const out = new Set();
  for (const p of o.asPatterns ?? []) {
    const re = new RegExp(p, 'i');
    for (const { asn, name } of withPrefix(sorted, literalPrefix(p).toLowerCase())) if (!excluded.has(asn) && re.test(name)) out.add(asn);
  }
  for (const asn of o.asns ?? []) if (!excluded.has(asn)) out.add(asn);
  return out;
}

/**
 * Indexes AS names by every word-prefix of their key, so "begins with" is one
 * lookup per organisation key instead of a scan of ~90,000 names.
 */
export function indexAsNames(names) {
  const byPrefix = new Map();
  for (const [asn, name] of names) {
    const key = orgNameKey(name);
    if (!key) continue;
    let at = key.indexOf(' ');
    for (;;) {
      const prefix = at === -1 ? key : key.slice(0, at);
      let list = byPrefix.get(prefix);
      if (!list) byPrefix.set(prefix, (list = []));
      list.push(asn);
      if (at === -1) break;
      at = key.indexOf(' ', at + 1);
    }
  }
  return byPrefix;
}

/**
 * The audit itself, pure over its inputs.
 * @param {{ orgs: object[], names: Map<number, string>, notCompany: Map<number, {kind: string, file: string}> }} input
 */
export function audit({ orgs, names, notCompany }) {
  const sorted = sortNames(names);
  const byPrefix = indexAsNames(names);
  const problems = [];
  const owner = new Map(); // asn -> domains claiming it
  const claims = new Map();
  for (const o of orgs) {
    const c = claimsOf(o, sorted);
    claims.set(o.domain, c);
    for (const asn of c) {
      const list = owner.get(asn);
      if (list) list.push(o.domain);
      else owner.set(asn, [o.domain]);
    }
  }
  for (const [asn, domains] of owner) {
    if (domains.length > 1) problems.push(`AS${asn} "${names.get(asn)}" is claimed by ${domains.join(', ')}`);
    const nc = notCompany.get(asn);
    if (nc) problems.push(`AS${asn} "${names.get(asn)}" is claimed by ${domains.join(', ')} and listed as ${nc.kind} in ${nc.file}`);
  }

  const candidates = [];
  for (const o of orgs) {
    const mine = claims.get(o.domain);
    const excludes = new Map();
    for (const e of o.excludeAsns ?? []) {
      const asn = excludedAsn(e);
      if (typeof e === 'number' || !EXCLUDE_KINDS[e?.kind] || typeof e?.reason !== 'string' || !e.reason.trim() || e.reason.includes('\n')) {
        problems.push(`${o.domain}: excludeAsns entry ${JSON.stringify(e)} needs a kind (${Object.keys(EXCLUDE_KINDS).join(', ')}) and a one-line reason`);
      }
      if (!names.has(asn)) problems.push(`${o.domain}: excluded AS${asn} is not in the installed AS data`);
      if ((o.asns ?? []).includes(asn)) problems.push(`${o.domain}: AS${asn} is both claimed and excluded`);
      excludes.set(asn, e);
    }
    const keys = [...new Set([o.name, ...(o.aliases ?? [])].map(orgNameKey).filter(Boolean))];
    const seen = new Set();
    for (const key of keys) {
      const firstWord = key.split(' ', 1)[0];
      for (const asn of byPrefix.get(firstWord) ?? []) {
        if (seen.has(asn) || !keyBeginsWith(orgNameKey(names.get(asn)), key)) continue;
        seen.add(asn);
        const c = { domain: o.domain, asn, name: names.get(asn), key };
        if (mine.has(asn)) c.status = 'claimed';
        else if (excludes.has(asn)) Object.assign(c, { status: 'excluded', kind: excludes.get(asn).kind, reason: excludes.get(asn).reason });
        else if (owner.has(asn)) Object.assign(c, { status: 'other_entry', by: owner.get(asn).join(', ') });
        else if (notCompany.has(asn)) Object.assign(c, { status: 'not_company', kind: notCompany.get(asn).kind });
        else c.status = 'unreviewed';
        candidates.push(c);
      }
    }
  }
  for (const c of candidates) if (c.status === 'unreviewed') problems.push(`${c.domain}: AS${c.asn} "${c.name}" is unreviewed: claim it or exclude it with a reason`);

  const count = (pred) => candidates.filter(pred).length;
  const excludedByKind = {};
  for (const c of candidates) if (c.status === 'excluded') excludedByKind[c.kind] = (excludedByKind[c.kind] ?? 0) + 1;
  const summary = {
    organizations: orgs.length,
    candidates: candidates.length,
    claimed: count((c) => c.status === 'claimed'),
    excluded: count((c) => c.status === 'excluded'),
    excludedByKind,
    claimedByOtherEntry: count((c) => c.status === 'other_entry'),
    inNotCompanyList: count((c) => c.status === 'not_company'),
    unreviewed: count((c) => c.status === 'unreviewed'),
    claimedAsns: owner.size,
  };
  return { summary, candidates, problems };
}

/** The ASes whose key begins with `name`'s key, with who holds each today. */
export function listNames(name, { orgs, names, notCompany }) {
  const key = orgNameKey(name);
  const sorted = sortNames(names);
  const owner = new Map();
  for (const o of orgs) for (const asn of claimsOf(o, sorted)) owner.set(asn, o.domain);
  const out = [];
  for (const [asn, n] of names) {
    if (!keyBeginsWith(orgNameKey(n), key)) continue;
    out.push({ asn, name: n, holder: owner.get(asn) ?? (notCompany.has(asn) ? `not-company:${notCompany.get(asn).kind}` : null) });
  }
  return out.sort((a, b) => a.asn - b.asn);
}

function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const verbose = args.includes('--verbose');
  const namesAt = args.indexOf('--names');
  const { names, version } = loadAsNames();
  const notCompany = loadNotCompany();
  if (namesAt !== -1) {
    const orgs = loadOrganizations([defaultSource]);
    for (const n of args.slice(namesAt + 1)) {
      process.stdout.write(`${n}  [${orgNameKey(n)}]\n`);
      for (const r of listNames(n, { orgs, names, notCompany })) process.stdout.write(`  AS${r.asn}\t${r.name}${r.holder ? `\t(${r.holder})` : ''}\n`);
    }
    return;
  }
  const files = [defaultSource, ...args.filter((a) => !a.startsWith('--')).map((a) => resolve(a))];
  for (const f of files) {
    if (!existsSync(f)) {
      process.stderr.write(`error: ${f} not found\n`);
      process.exit(2);
    }
  }
  const result = audit({ orgs: loadOrganizations(files), names, notCompany });
  if (json) process.stdout.write(`${JSON.stringify({ source: `@ip-location-db/asn ${version}`, ...result })}\n`);
  else {
    const s = result.summary;
    process.stdout.write(
      `${s.organizations} organizations, ${s.claimedAsns} claimed ASes (@ip-location-db/asn ${version})\n` +
        `${s.candidates} candidates: ${s.claimed} claimed, ${s.excluded} excluded with a reason, ${s.claimedByOtherEntry} claimed by another entry, ` +
        `${s.inNotCompanyList} in a not-company list, ${s.unreviewed} unreviewed\n` +
        `excluded by kind: ${Object.entries(s.excludedByKind)
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}\n`,
    );
    if (verbose)
      for (const c of result.candidates)
        process.stdout.write(`${c.status}\t${c.domain}\tAS${c.asn}\t${c.name}${c.kind ? `\t${c.kind}` : ''}${c.by ? `\t${c.by}` : ''}\n`);
    for (const p of result.problems) process.stderr.write(`${p}\n`);
  }
  // exitCode, not exit(): a piped stdout is written asynchronously and exit() would cut the JSON short.
  if (result.problems.length > 0) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
