#!/usr/bin/env node
// Builds packages/collector/data/enterprises/asn-table.json (ASN -> company domain)
// from the curated enterprises.json plus optional operator files, matched against
// the AS organisation names shipped in @ip-location-db/asn.
//
// Usage:
//   node packages/collector/scripts/build-enterprise-asns.mjs [extra.json ...]
//     [--out <file>]   write the table somewhere else (default: data/enterprises/asn-table.json)
//     [--check]        match and report only; exit 1 on problems, write nothing
//     [--verbose]      list every organisation with the AS numbers and names it matched
//     [--asn-dir <dir>] match against downloaded AS data (asn-ipv4-num.csv, asn-ipv6-num.csv; clearview data update)
// Extra files can also be given as CLEARVIEW_ENTERPRISES_FILES=a.json,b.json.
//
// Rules:
//   - an organisation claims every AS whose name matches one of its asPatterns
//     (case-insensitive) and every AS number listed in asns, minus excludeAsns;
//   - an explicit "asns" claim beats a pattern claim on the same AS;
//   - an organisation in a later file with the same domain replaces the earlier one;
//   - an AS claimed by two domains at the same strength is a conflict: the script fails;
//   - an AS on the built-in list of ISP / cloud / carrier networks is never written.
// No dependencies beyond Node's standard library.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const collectorDir = resolve(here, '..');
const dataDir = join(collectorDir, 'data', 'enterprises');
const defaultSource = join(dataDir, 'enterprises.json');
const defaultOut = join(dataDir, 'asn-table.json');

// Networks that carry consumer, mobile, hosting or cloud traffic. A match here is a
// curation mistake, so the script refuses to write it (and says so).
export const NEVER_ASNS = new Set([
  7922, 3320, 16509, 14618, 15169, 396982, 8075, 13335, 3215, 701, 702, 7018, 2856, 4134, 4837, 12322, 5089, 20940, 16625, 14061, 24940, 16276, 3269, 1299, 174, 3356,
  6939, 2914, 6830, 5607, 3352, 6805, 3301, 1136, 20115, 22773, 5650, 9318, 2527, 4766, 1221, 7552, 31898, 36351, 13445, 36692, 45102, 132203, 55990, 20473, 63949, 9009,
  60068, 212238, 54113,
]);

function parseArgs(argv) {
  const opts = { files: [], out: defaultOut, check: false, verbose: false, asnDir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') opts.out = resolve(argv[++i] ?? '');
    else if (a === '--asn-dir') opts.asnDir = resolve(argv[++i] ?? '');
    else if (a === '--check') opts.check = true;
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('node packages/collector/scripts/build-enterprise-asns.mjs [extra.json ...] [--out file] [--check] [--verbose]\n');
      process.exit(0);
    } else opts.files.push(resolve(a));
  }
  const env = process.env.CLEARVIEW_ENTERPRISES_FILES;
  if (env)
    for (const f of env
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      opts.files.push(resolve(f));
  return opts;
}

/** Splits one CSV line (RFC 4180 quoting) into fields. */
export function splitCsvLine(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Distinct AS number -> organisation name from the installed @ip-location-db/asn CSVs. */
export function loadAsNames(asnDir = null) {
  let pkgDir = asnDir;
  let version = `downloaded AS data in ${asnDir}`;
  let files = ['asn-ipv4-num.csv', 'asn-ipv6-num.csv'];
  if (!asnDir) {
    const require = createRequire(join(collectorDir, 'package.json'));
    const pkgJson = require.resolve('@ip-location-db/asn/package.json');
    pkgDir = dirname(pkgJson);
    version = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
    files = ['asn-ipv4.csv', 'asn-ipv6.csv'];
  }
  const names = new Map();
  // Both forms have the AS number and the organisation in the third and fourth columns.
  for (const file of files) {
    const text = readFileSync(join(pkgDir, file), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const f = splitCsvLine(line.replace(/\r$/, ''));
      const asn = Number(f[2]);
      if (!Number.isInteger(asn) || names.has(asn)) continue;
      names.set(asn, f.slice(3).join(','));
    }
  }
  return { names, version };
}

function loadOrganizations(file) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const orgs = Array.isArray(json) ? json : json.organizations;
  if (!Array.isArray(orgs)) throw new Error(`${file}: expected an "organizations" array`);
  return orgs.map((o, i) => {
    if (!o || typeof o.domain !== 'string' || !o.domain) throw new Error(`${file}: organization #${i} has no domain`);
    return { ...o, domain: o.domain.toLowerCase(), file };
  });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const problems = [];
  const warn = (msg) => process.stderr.write(`${msg}\n`);

  // Later files override earlier ones, organisation by organisation (keyed by domain).
  const byDomain = new Map();
  for (const file of [defaultSource, ...opts.files]) {
    if (!existsSync(file)) {
      warn(`error: ${file} not found`);
      process.exit(2);
    }
    for (const o of loadOrganizations(file)) {
      if (byDomain.has(o.domain) && byDomain.get(o.domain).file === file) {
        problems.push(`duplicate domain ${o.domain} in ${file}`);
      }
      byDomain.set(o.domain, o);
    }
  }
  const orgs = [...byDomain.values()];
  const { names, version } = loadAsNames(opts.asnDir);

  // asn -> { strength: 2 explicit | 1 pattern, domains: Set }
  const claims = new Map();
  const claim = (asn, domain, strength) => {
    const c = claims.get(asn);
    if (!c || strength > c.strength) claims.set(asn, { strength, domains: new Set([domain]) });
    else if (strength === c.strength) c.domains.add(domain);
  };
  const entries = [...names.entries()];
  const unmatched = [];
  for (const o of orgs) {
    // excludeAsns: bare numbers (operator files) or reviewed { asn, kind, reason } (audit-enterprises.mjs).
    const exclude = new Set((o.excludeAsns ?? []).map((e) => (typeof e === 'number' ? e : e?.asn)));
    const matched = new Set();
    let regexes = [];
    try {
      regexes = (o.asPatterns ?? []).map((p) => new RegExp(p, 'i'));
    } catch (err) {
      problems.push(`${o.domain}: bad pattern (${err.message})`);
    }
    for (const [asn, name] of entries) {
      if (exclude.has(asn)) continue;
      if (regexes.some((r) => r.test(name))) {
        matched.add(asn);
        claim(asn, o.domain, 1);
      }
    }
    for (const asn of o.asns ?? []) {
      if (!names.has(asn)) {
        problems.push(`${o.domain}: AS${asn} is not in @ip-location-db/asn ${version}`);
        continue;
      }
      matched.add(asn);
      claim(asn, o.domain, 2);
    }
    if (matched.size === 0) unmatched.push(o);
    if (opts.verbose) {
      const list = [...matched].sort((a, b) => a - b).map((a) => `AS${a} ${names.get(a)}`);
      process.stdout.write(`${o.domain}\t${o.name}\n${list.map((l) => `    ${l}\n`).join('')}`);
    }
  }

  const asns = {};
  for (const [asn, c] of [...claims.entries()].sort((a, b) => a[0] - b[0])) {
    if (c.domains.size > 1) {
      problems.push(`conflict: AS${asn} "${names.get(asn)}" claimed by ${[...c.domains].sort().join(', ')}`);
      continue;
    }
    if (NEVER_ASNS.has(asn)) {
      problems.push(`refused: AS${asn} "${names.get(asn)}" is an ISP/cloud/carrier network (claimed by ${[...c.domains][0]})`);
      continue;
    }
    asns[String(asn)] = [...c.domains][0];
  }

  for (const o of unmatched) problems.push(`no AS matched: ${o.name} (${o.domain}) from ${o.file}`);
  const domainsInTable = new Set(Object.values(asns));
  warn(
    `${orgs.length} organizations, ${domainsInTable.size} with at least one AS, ${Object.keys(asns).length} AS numbers ` +
      `(@ip-location-db/asn ${version}, ${names.size} AS names)`,
  );
  for (const p of problems) warn(p);
  if (problems.length > 0) {
    warn(`${problems.length} problem(s): nothing written`);
    process.exit(1);
  }
  if (opts.check) return;

  const source = `@ip-location-db/asn ${version}`;
  let generatedAt = new Date().toISOString();
  // Keep the old timestamp when nothing changed, so a rebuild is byte-for-byte stable.
  if (existsSync(opts.out)) {
    try {
      const prev = JSON.parse(readFileSync(opts.out, 'utf8'));
      if (prev.source === source && JSON.stringify(prev.asns) === JSON.stringify(asns)) generatedAt = prev.generatedAt;
    } catch {
      /* rewrite */
    }
  }
  writeFileSync(opts.out, `${JSON.stringify({ generatedAt, source, asns }, null, 2)}\n`);
  warn(`wrote ${opts.out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
