import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntakeLog } from '../../packages/collector/src/intake/intake-log.js';
import { encodeLogRecord } from '../../packages/collector/src/intake/log-line.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { pageViewRecord } from '../helpers/records.js';
import { runCli } from '../helpers/process.js';
import { runCollector } from './processes.js';

const segment = '0000000000000001.ndjson';

let dir: string;
let dbPath: string;
let siteId: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-damage-'));
  dbPath = join(dir, 'clearview.db');
  const db = openDatabase(dbPath);
  siteId = createSite(db, { name: 'Damaged', domains: ['example.com'] }).site.id;
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const intakeDir = () => `${dbPath}-intake`;
const segmentPath = () => join(intakeDir(), segment);
const pvIds = (count: number) => Array.from({ length: count }, (_, i) => `pv_damage_${i + 1}`);

/** The log a crash leaves behind: `count` page views logged, none of them committed. */
function logPageViews(count: number): void {
  const { log } = IntakeLog.open(intakeDir(), 0);
  log.append(pvIds(count).map((pvId) => encodeLogRecord(pageViewRecord(siteId, pvId))));
  log.close();
}

/** The same log as a collector before checksums wrote it: `SEQ JSON` lines, no header. */
function logPageViewsWithoutChecksums(count: number): void {
  mkdirSync(intakeDir(), { recursive: true });
  writeFileSync(
    segmentPath(),
    pvIds(count)
      .map((pvId, i) => `${i + 1} ${JSON.stringify(pageViewRecord(siteId, pvId))}\n`)
      .join(''),
  );
}

/** Rewrites the segment's lines, its header included when it has one. */
function editLines(edit: (lines: Buffer[]) => Buffer[]): void {
  const bytes = readFileSync(segmentPath());
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const end = bytes.indexOf(10, start);
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  writeFileSync(segmentPath(), Buffer.concat(edit(lines).flatMap((line) => [line, Buffer.from('\n')])));
}

/** Rewrites the segment's event lines (the first is event 1), leaving its header as it is. */
function editEvents(edit: (events: Buffer[]) => Buffer[]): void {
  editLines((lines) => {
    const headers = lines.findIndex((line) => /^\d/.test(line.toString('latin1')));
    return [...lines.slice(0, headers), ...edit(lines.slice(headers))];
  });
}

const cli = (...args: string[]) => runCli(dbPath, ...args);

function stored(): { pageViews: string[]; failures: Array<{ seq: number; event: string; error: string }>; progress: number } {
  const db = new Database(dbPath, { readonly: true });
  const pageViews = (db.prepare('SELECT pv_id FROM page_views ORDER BY id').all() as Array<{ pv_id: string }>).map((r) => r.pv_id);
  const failures = db.prepare('SELECT seq, event, error FROM intake_failures ORDER BY seq').all() as Array<{ seq: number; event: string; error: string }>;
  const { seq } = db.prepare('SELECT seq FROM intake_progress').get() as { seq: number };
  db.close();
  return { pageViews, failures, progress: seq };
}

/** The collector refuses the log, naming where and what; verify says the same; repair mends it. */
async function expectRefusedThenRepaired(where: RegExp): Promise<{ repair: string }> {
  const refused = await runCollector(dbPath);
  expect(refused.started, refused.output).toBe(false);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toMatch(where);
  expect(stored().pageViews, 'nothing replayed from a damaged log').toEqual([]);

  const verify = await cli('intake', 'verify');
  expect(verify.code, verify.stdout + verify.stderr).toBe(1);
  expect(verify.stdout).toMatch(where);

  const repair = await cli('intake', 'repair');
  expect(repair.code, repair.stderr).toBe(0);
  expect((await cli('intake', 'verify')).code).toBe(0);
  expect(readdirSync(intakeDir()).filter((name) => name.endsWith('.ndjson'))).toEqual([]);
  return { repair: repair.stdout };
}

const backstop = { timeout: 120_000 };

describe('an intake log damaged on disk', () => {
  it('loses a torn last line as before, and the collector says which segment it cut and by how much', backstop, async () => {
    logPageViews(3);
    writeFileSync(segmentPath(), Buffer.concat([readFileSync(segmentPath()), Buffer.from('4 ["p","st_')]));
    const verify = await cli('intake', 'verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/torn tail of 11 bytes/);
    const run = await runCollector(dbPath);
    expect(run.started, run.output).toBe(true);
    expect(run.output).toMatch(new RegExp(`torn tail of 11 bytes off intake segment ${segment}`));
    expect(stored().pageViews).toEqual(pvIds(3));
  });

  it('loses a tail of NUL bytes as a power cut leaves it, and replays the whole lines before it', backstop, async () => {
    logPageViews(5);
    // The last two lines' blocks never reached the disk: the file keeps its length, filled with zeros.
    const bytes = readFileSync(segmentPath());
    const cut = bytes.lastIndexOf(10, bytes.lastIndexOf(10, bytes.length - 2) - 1) + 1;
    bytes.fill(0, cut);
    writeFileSync(segmentPath(), bytes);
    const run = await runCollector(dbPath);
    expect(run.started, run.output).toBe(true);
    expect(run.output).toMatch(new RegExp(`torn tail of ${bytes.length - cut} bytes off intake segment ${segment}`));
    expect(stored().pageViews).toEqual(pvIds(3));
  });

  it('refuses a segment rewritten with CR LF line endings, and the repair writes every event in it', backstop, async () => {
    logPageViews(3);
    editLines((lines) => lines.map((line) => Buffer.concat([line, Buffer.from('\r')])));
    await expectRefusedThenRepaired(new RegExp(`${segment} lines 1 to 4: ends in CR LF`));
    expect(stored()).toEqual({ pageViews: pvIds(3), failures: [], progress: 3 });
  });

  it('refuses a line whose JSON changed on disk, and the repair keeps its bytes in intake_failures', backstop, async () => {
    logPageViews(3);
    let damaged = '';
    editEvents((events) => {
      damaged = events[1]!.toString().replace('["p",', '["p"');
      return events.map((line, i) => (i === 1 ? Buffer.from(damaged) : line));
    });
    await expectRefusedThenRepaired(new RegExp(`${segment} line 3: the checksum does not match`));
    const { pageViews, failures, progress } = stored();
    expect(pageViews).toEqual(['pv_damage_1', 'pv_damage_3']);
    expect(failures).toEqual([{ seq: 3, event: damaged, error: expect.stringMatching(new RegExp(`${segment} line 3: the checksum does not match`)) }]);
    expect(progress).toBe(3);
  });

  it('refuses random bytes in place of a line, and the repair keeps them in intake_failures, in base64 as they are not text', backstop, async () => {
    logPageViews(3);
    const noise = Buffer.from([0xff, 0x00, 0x9c, 0x37, 0x20, 0xfe, 0x41, 0x0d, 0x80, 0x7b]);
    editEvents((events) => events.map((line, i) => (i === 1 ? noise : line)));
    await expectRefusedThenRepaired(new RegExp(`${segment} line 3: not an intake-log line`));
    const { pageViews, failures } = stored();
    expect(pageViews).toEqual(['pv_damage_1', 'pv_damage_3']);
    expect(failures).toEqual([{ seq: 3, event: `base64:${noise.toString('base64')}`, error: expect.stringMatching(/line 3: not an intake-log line.*base64/) }]);
  });

  it('refuses two swapped lines, and the repair writes both in the order of their numbers', backstop, async () => {
    logPageViews(4);
    editEvents(([one, two, three, four]) => [one!, three!, two!, four!]);
    await expectRefusedThenRepaired(new RegExp(`${segment} line 3: numbered 3 where 2 belongs`));
    expect(stored()).toEqual({ pageViews: pvIds(4), failures: [], progress: 4 });
  });

  it('refuses a line whose number changed, by its checksum or, in a log written before checksums, by its place', backstop, async () => {
    logPageViews(3);
    editEvents((events) => events.map((line, i) => (i === 1 ? Buffer.from(line.toString().replace(/^2 /, '9999 ')) : line)));
    await expectRefusedThenRepaired(new RegExp(`${segment} line 3: the checksum does not match`));
    expect(stored().pageViews).toEqual(['pv_damage_1', 'pv_damage_3']);

    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
    const db = openDatabase(dbPath);
    siteId = createSite(db, { name: 'Damaged', domains: ['example.com'] }).site.id;
    db.close();
    logPageViewsWithoutChecksums(3);
    editEvents((events) => events.map((line, i) => (i === 1 ? Buffer.from(line.toString().replace(/^2 /, '9999 ')) : line)));
    await expectRefusedThenRepaired(new RegExp(`${segment} line 2: numbered 9999 where 2 belongs`));
    // Every event is kept; the numbers after the repair continue above the highest the log held.
    expect(stored()).toEqual({ pageViews: ['pv_damage_1', 'pv_damage_3', 'pv_damage_2'], failures: [], progress: 9999 });
  });

  it('refuses a duplicated number in a log written before checksums, and the repair keeps both events', backstop, async () => {
    logPageViewsWithoutChecksums(4);
    editEvents((events) => events.map((line, i) => (i === 2 ? Buffer.from(line.toString().replace(/^3 /, '2 ')) : line)));
    await expectRefusedThenRepaired(new RegExp(`${segment} line 3: numbered 2 where 3 belongs`));
    expect(stored()).toEqual({ pageViews: pvIds(4), failures: [], progress: 4 });
  });

  it('refuses a directory named like a segment, naming it, and the repair renames it aside', backstop, async () => {
    logPageViews(2);
    mkdirSync(join(intakeDir(), '0000000000000009.ndjson'));
    const refused = await runCollector(dbPath);
    expect(refused.started).toBe(false);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/0000000000000009\.ndjson: is a directory, not a segment file/);
    expect((await cli('intake', 'verify')).stdout).toMatch(/0000000000000009\.ndjson: is a directory/);
    const repair = await cli('intake', 'repair');
    expect(repair.code).toBe(0);
    expect(repair.stdout).toMatch(/Renamed .*0000000000000009\.ndjson to .*0000000000000009\.ndjson\.not-a-segment/);
    expect(existsSync(join(intakeDir(), '0000000000000009.ndjson.not-a-segment'))).toBe(true);
    // The rest of the log was sound: the collector replays it.
    const run = await runCollector(dbPath);
    expect(run.started, run.output).toBe(true);
    expect(stored().pageViews).toEqual(pvIds(2));
  });
});

describe('an intake log from before checksums', () => {
  it('is replayed by the collector after an upgrade', backstop, async () => {
    logPageViewsWithoutChecksums(3);
    const run = await runCollector(dbPath);
    expect(run.started, run.output).toBe(true);
    expect(run.code).toBe(0);
    expect(stored()).toEqual({ pageViews: pvIds(3), failures: [], progress: 3 });
  });
});
