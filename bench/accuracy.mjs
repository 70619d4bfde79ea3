#!/usr/bin/env node
// Identification accuracy on the team's evaluation set (bench/eval/, how its labels were
// made is in bench/eval/README.md): recall on corporate networks (the address resolves
// to the labelled domain), wrong domains (it resolves to another company) and false
// positives (a not-company address resolves to any company). The shipped data only:
// no identity data, no reverse DNS. Run after `npm run build`; `--misses` lists what
// was missed. Prints a markdown table and writes .bench/accuracy.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { saveResult, table } from './lib.mjs';

const distUrl = new URL('../packages/collector/dist/resolve/resolver.js', import.meta.url);
const setPath = fileURLToPath(new URL('./eval/eval-set.json', import.meta.url));
const showMisses = process.argv.includes('--misses');

let createResolver;
try {
  ({ createResolver } = await import(distUrl.href));
} catch (error) {
  console.error(`bench/accuracy: cannot load ${fileURLToPath(distUrl)}; run \`npm run build\` first.\n${error.message}`);
  process.exit(1);
}

const set = JSON.parse(readFileSync(setPath, 'utf8'));
const resolver = await createResolver({ cache: { max: 0, ttlMs: 0 } });
const companyOf = (ip) => resolver.resolve('accuracy', ip).company?.domain ?? null;

const corp = { addresses: 0, found: 0, wrong: 0, networksAllFound: 0 };
const misses = [];
const wrong = [];
for (const n of set.corporate) {
  let found = 0;
  for (const ip of n.addresses) {
    corp.addresses++;
    const domain = companyOf(ip);
    if (domain === n.domain) found++;
    else if (domain !== null) {
      corp.wrong++;
      wrong.push(`${ip} AS${n.asn} "${n.asName}": ${domain}, labelled ${n.domain}`);
    } else misses.push(`${ip} AS${n.asn} "${n.asName}" (${n.domain})`);
  }
  corp.found += found;
  if (found === n.addresses.length) corp.networksAllFound++;
}

const nc = { addresses: 0, falsePositives: 0 };
const falsePositives = [];
for (const n of set.notCompany) {
  for (const ip of n.addresses) {
    nc.addresses++;
    const domain = companyOf(ip);
    if (domain !== null) {
      nc.falsePositives++;
      falsePositives.push(`${ip} AS${n.asn} "${n.asName}" (${n.kind}): ${domain}`);
    }
  }
}

const pct = (a, b) => `${((100 * a) / b).toFixed(1)}%`;
const orgs = new Set(set.corporate.map((n) => n.domain)).size;
console.log(`Evaluation set: ${set.corporate.length} corporate networks of ${orgs} organisations, ${set.notCompany.length} not-company networks (${set.source})\n`);
console.log(
  table(
    ['measure', 'value'],
    [
      ['recall (corporate addresses resolved to the labelled domain)', `${pct(corp.found, corp.addresses)} (${corp.found}/${corp.addresses})`],
      ['corporate networks with all three addresses found', `${corp.networksAllFound}/${set.corporate.length}`],
      ['wrong domains (corporate address resolved to another company)', `${corp.wrong}`],
      ['false positives (not-company address resolved to a company)', `${nc.falsePositives}/${nc.addresses}`],
    ],
  ),
);
for (const line of wrong) console.log(`wrong domain: ${line}`);
for (const line of falsePositives) console.log(`false positive: ${line}`);
if (showMisses) for (const line of misses) console.log(`missed: ${line}`);
saveResult('accuracy', { source: set.source, corporate: corp, notCompany: nc, recall: corp.found / corp.addresses, wrong, falsePositives });
