#!/usr/bin/env node
// Lead-score throughput: how long the rescoring job's pure part takes for 100,000 companies.
// Standalone; run by `npm run bench` after `npm run build` (it imports the compiled dist).
// Prints a markdown table and writes .bench/score.json (with the previous figure for comparison).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from './lib.mjs';

const COMPANIES = 100_000;
const RUNS = 5;
const TARGET_MS = 2_000;
const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 2, 1);

const distUrl = new URL('../packages/collector/dist/score/model.js', import.meta.url);
let score;
try {
  score = await import(distUrl.href);
} catch (error) {
  console.error(`bench/score: cannot load ${distUrl.pathname}; run \`npm run build\` first.\n${error.message}`);
  process.exit(1);
}
const { scoreCompany, defaultScoringModel } = score;

const random = mulberry32(20260301);
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (min, max) => min + Math.floor(random() * (max - min + 1));

// Paths as a real site sees them: intent pages (with locales, slashes and queries),
// a long tail of content shared between companies, and some one-off paths.
const intentPaths = [
  '/pricing',
  '/pricing/',
  '/Pricing?plan=team',
  '/de/pricing',
  '/plans/enterprise',
  '/demo',
  '/book-a-demo',
  '/request-demo?utm_source=ads',
  '/contact',
  '/contact/sales',
  '/signup',
  '/free-trial',
  '/get-started',
  '/security',
  '/trust/soc2',
  '/integrations',
  '/integrations/salesforce',
  '/customers',
  '/case-studies/acme',
  '/careers',
  '/careers/demo-engineer',
  '/jobs/42',
];
const contentPaths = [
  '/',
  '/about',
  '/product',
  '/features',
  '/features/reports',
  '/docs',
  '/docs/api',
  '/docs/install',
  ...Array.from({ length: 2_000 }, (_, i) => `/blog/post-${i}`),
  ...Array.from({ length: 500 }, (_, i) => `/docs/guide/${i}`),
];
const industries = ['Software', 'Fintech', 'Retail', 'Manufacturing', 'Healthcare', null, null];
const sizes = ['1-10', '11-50', '51-200', '201-500', '1001-5000', null];
const countries = ['DE', 'US', 'FR', 'GB', 'AT', 'NL', null];

function syntheticCompany(id) {
  const pathCount = int(8, 12);
  const pathViews = [];
  let pageViews = 0;
  for (let i = 0; i < pathCount; i++) {
    const roll = random();
    const path = roll < 0.3 ? pick(intentPaths) : roll < 0.9 ? pick(contentPaths) : `/blog/post-${id}-${i}?ref=${int(0, 1e6)}`;
    const views = int(1, 20);
    pathViews.push({ path, views });
    pageViews += views;
  }
  const visitors = int(1, 15);
  return {
    pageViews,
    engagedSeconds: int(0, 3_600),
    visitors,
    sessions: visitors + int(0, 20),
    lastSeenMs: NOW - int(0, 120 * DAY_MS),
    pathViews,
    industry: pick(industries),
    size: pick(sizes),
    country: pick(countries),
    watched: random() < 0.02,
  };
}

const companies = Array.from({ length: COMPANIES }, (_, id) => syntheticCompany(id));
const meanPaths = companies.reduce((sum, c) => sum + c.pathViews.length, 0) / COMPANIES;

function runOnce() {
  let checksum = 0;
  const start = performance.now();
  for (let i = 0; i < COMPANIES; i++) checksum += scoreCompany(companies[i], defaultScoringModel, NOW).total;
  return { ms: performance.now() - start, checksum };
}

const runs = [];
let checksum = 0;
for (let run = 0; run < RUNS; run++) {
  const result = runOnce();
  runs.push(result.ms);
  checksum = result.checksum;
}
const sorted = [...runs].sort((a, b) => a - b);
const medianMs = sorted[Math.floor(RUNS / 2)];
const pass = medianMs < TARGET_MS;

const outDir = new URL('../.bench/', import.meta.url);
const outFile = new URL('score.json', outDir);
let previous = null;
try {
  previous = JSON.parse(readFileSync(outFile, 'utf8'));
} catch {
  // First run on this machine: nothing to compare with.
}

const round = (x) => Math.round(x * 10) / 10;
const report = {
  bench: 'score',
  companies: COMPANIES,
  meanPathsPerCompany: round(meanPaths),
  model: scoreCompany(companies[0], defaultScoringModel, NOW).model,
  runs: RUNS,
  runsMs: runs.map(round),
  firstRunMs: round(runs[0]),
  medianMs: round(medianMs),
  perCompanyUs: Math.round((medianMs * 1000 * 100) / COMPANIES) / 100,
  targetMs: TARGET_MS,
  pass,
  checksum,
  node: process.version,
  previousMedianMs: previous?.medianMs ?? null,
};

mkdirSync(outDir, { recursive: true });
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);

const delta = report.previousMedianMs === null ? 'n/a' : `${report.previousMedianMs} ms (${((medianMs / report.previousMedianMs - 1) * 100).toFixed(1)}%)`;
console.log(`
| lead score (default model) | value |
| --- | --- |
| companies | ${COMPANIES.toLocaleString('en-US')} (${report.meanPathsPerCompany} paths each on average) |
| median of ${RUNS} runs | **${report.medianMs} ms** (${report.perCompanyUs} µs per company) |
| first (cold) run | ${report.firstRunMs} ms |
| all runs | ${report.runsMs.join(', ')} ms |
| target | < ${TARGET_MS} ms ${pass ? '✓' : '✗ over target'} |
| previous median | ${delta} |
| node | ${process.version} |
`);
