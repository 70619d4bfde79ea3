// The tracker's size, a number we track: raw, gzip -9 and brotli (quality 11) bytes of the
// built files, against the 1,200 B gzip budget of dist/t.js and the last figures measured.
// Prints a markdown table and writes .bench/tracker-size.json. Standalone: `node bench/tracker-size.mjs`
// after `npm run build:tracker`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = 'packages/tracker/dist';
const FILES = ['t.js', 'esm.js'];
/** Bytes of gzip -9 allowed for t.js (test/tracker/size.test.ts enforces it). */
const BUDGET = 1200;
const RESULT = '.bench/tracker-size.json';

function measure(name) {
  const path = `${DIST}/${name}`;
  if (!existsSync(path)) {
    console.error(`${path} is missing: run \`npm run build:tracker\` first.`);
    process.exit(1);
  }
  const code = readFileSync(path);
  return {
    raw: code.length,
    // As `gzip -9 FILE` counts it, the budget's measure (its deflate and the file name in its
    // header); zlib's bare stream plus the name where the gzip program is missing.
    gzip: gzipNine(path, code),
    brotli: brotliCompressSync(code, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
      },
    }).length,
  };
}

function gzipNine(path, code) {
  const gzip = spawnSync('gzip', ['-9', '-c', path]);
  return gzip.status === 0 ? gzip.stdout.length : gzipSync(code, { level: 9 }).length + path.split('/').pop().length + 1;
}

const previous = existsSync(RESULT) ? JSON.parse(readFileSync(RESULT, 'utf8')).files : undefined;
const files = Object.fromEntries(FILES.map((name) => [name, measure(name)]));

const change = (now, before) => (before === undefined || now === before ? '' : ` (${now > before ? '+' : ''}${now - before})`);
const rows = FILES.map((name) => {
  const now = files[name];
  const before = previous?.[name] ?? {};
  return `| dist/${name} | ${now.raw}${change(now.raw, before.raw)} | ${now.gzip}${change(now.gzip, before.gzip)} | ${now.brotli}${change(now.brotli, before.brotli)} |`;
});
const pass = files['t.js'].gzip <= BUDGET;
console.log(['| file | raw B | gzip -9 B | brotli B |', '| --- | --- | --- | --- |', ...rows].join('\n'));
console.log(`\nt.js: ${files['t.js'].gzip} of ${BUDGET} B gzip budget${pass ? '' : ' — OVER BUDGET'}${previous ? '; changes against the last run in brackets' : ''}`);

mkdirSync('.bench', { recursive: true });
writeFileSync(RESULT, `${JSON.stringify({ bench: 'tracker-size', measuredAt: new Date().toISOString(), budgetGzip: BUDGET, pass, files, previous }, null, 2)}\n`);
process.exitCode = pass ? 0 : 1;
