#!/usr/bin/env node
// Builds bench/eval/eval-set.json, the team's evaluation set, from the two label files
// beside it (README.md there says where each label comes from): for every labelled AS,
// three IPv4 addresses inside ranges the installed @ip-location-db/asn data attributes to
// that AS (the middle of its first, middle and last range; or a quarter, half and three
// quarters into its only range). Checks each label's AS name against the installed data
// and drops, with a note on stderr, any AS the data no longer has or has renamed.
//
//   node bench/eval/build-eval-set.mjs
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'packages', 'collector', 'package.json'));
const asnDir = dirname(require.resolve('@ip-location-db/asn/package.json'));
const version = JSON.parse(readFileSync(join(asnDir, 'package.json'), 'utf8')).version;

const { loadAsNames } = await import('../../packages/collector/scripts/build-enterprise-asns.mjs');
const { names } = loadAsNames();

// AS number -> its IPv4 ranges [start, end], in address order.
const ranges = new Map();
for (const line of readFileSync(join(asnDir, 'asn-ipv4-num.csv'), 'utf8').split('\n')) {
  if (!line) continue;
  const [start, end, asn] = line.split(',', 3).map(Number);
  const list = ranges.get(asn);
  if (list) list.push([start, end]);
  else ranges.set(asn, [[start, end]]);
}

const ipv4 = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function addressesOf(asn) {
  const list = ranges.get(asn) ?? [];
  if (list.length === 0) return null;
  if (list.length >= 3) {
    return [list[0], list[list.length >> 1], list[list.length - 1]].map(([s, e]) => ipv4(s + Math.floor((e - s) / 2)));
  }
  const [s, e] = list.reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a));
  if (e - s < 2) return null;
  return [1, 2, 3].map((q) => ipv4(s + Math.floor(((e - s) * q) / 4)));
}

function readTsv(file) {
  const [head, ...lines] = readFileSync(join(here, file), 'utf8').split('\n').filter(Boolean);
  const cols = head.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])));
}

function build(file, shape) {
  const out = [];
  for (const row of readTsv(file)) {
    const asn = Number(row.asn);
    if (names.get(asn) !== row.as_name) {
      process.stderr.write(`${file}: AS${asn} is "${names.get(asn)}" in the installed data, labelled "${row.as_name}": left out\n`);
      continue;
    }
    const addresses = addressesOf(asn);
    if (!addresses) {
      process.stderr.write(`${file}: AS${asn} has no IPv4 range of 3+ addresses: left out\n`);
      continue;
    }
    out.push({ ...shape(row), asn, asName: row.as_name, addresses });
  }
  return out;
}

const corporate = build('corporate.tsv', (r) => ({ domain: r.domain, company: r.company }));
const notCompany = build('not-company.tsv', (r) => ({ kind: r.kind, labelSource: r.label_source }));
// One network a line, so a rebuild after a data update diffs line by line.
const lines = (list) => list.map((n) => `  ${JSON.stringify(n)}`).join(',\n');
writeFileSync(
  join(here, 'eval-set.json'),
  `{"source": ${JSON.stringify(`@ip-location-db/asn ${version}`)},\n"corporate": [\n${lines(corporate)}\n],\n"notCompany": [\n${lines(notCompany)}\n]}\n`,
);
process.stderr.write(
  `${corporate.length} corporate networks (${new Set(corporate.map((c) => c.domain)).size} organisations), ${notCompany.length} not-company networks\n`,
);
