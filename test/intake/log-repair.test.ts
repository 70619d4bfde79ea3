import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntakeLog } from '../../packages/collector/src/intake/intake-log.js';
import { encodeLogRecord } from '../../packages/collector/src/intake/log-line.js';
import { repairIntakeLog } from '../../packages/collector/src/intake/log-repair.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { readIntakeProgress } from '../../packages/collector/src/store/intake-progress.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { pageViewRecord } from '../helpers/records.js';

let dir: string;
let db: Db;
let siteId: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-repair-'));
  db = openDatabase(join(dir, 'c.db'));
  siteId = createSite(db, { name: 'Repaired', domains: ['example.com'] }).site.id;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const logDir = () => join(dir, 'c.db-intake');
const segment = () => join(logDir(), '0000000000000001.ndjson');
const pageViews = () => (db.prepare('SELECT pv_id FROM page_views ORDER BY id').all() as Array<{ pv_id: string }>).map((r) => r.pv_id);
const lines = () => readFileSync(segment(), 'utf8').split('\n');

function logPageViews(...pvIds: string[]): void {
  const { log } = IntakeLog.open(logDir(), 0);
  log.append(pvIds.map((pvId) => encodeLogRecord(pageViewRecord(siteId, pvId))));
  log.close();
}

describe('repairing the intake log', () => {
  it('changes nothing in a sound log', () => {
    logPageViews('pv_1', 'pv_2');
    const before = readFileSync(segment());
    const report = repairIntakeLog(db, logDir(), 1000);
    expect(report).toMatchObject({ problems: [], written: 0, removed: [], progressAfter: 0 });
    expect(readFileSync(segment())).toEqual(before);
    expect(pageViews()).toEqual([]);
  });

  it('writes a line copied whole once, and says it skipped the copy', () => {
    logPageViews('pv_1', 'pv_2');
    const [header, one, two] = lines();
    writeFileSync(segment(), [header, one, one, two, ''].join('\n'));
    const report = repairIntakeLog(db, logDir(), 1000);
    expect(report.skipped).toEqual([{ segment: '0000000000000001.ndjson', line: 3, reason: 'a copy of 0000000000000001.ndjson line 2' }]);
    expect(pageViews()).toEqual(['pv_1', 'pv_2']);
    expect(readIntakeProgress(db)).toBe(3);
  });

  it('leaves segments that only a crash after its commit could leave behind for the next start to delete', () => {
    logPageViews('pv_1', 'pv_2', 'pv_3');
    const [header, one, two, three] = lines();
    writeFileSync(segment(), [header, one, three, two, ''].join('\n'));
    mkdirSync(join(dir, 'kept'));
    copyFileSync(segment(), join(dir, 'kept', 'segment'));
    repairIntakeLog(db, logDir(), 1000);
    expect(pageViews()).toEqual(['pv_1', 'pv_2', 'pv_3']);
    // As if the repair had died between its commit and deleting the segment.
    copyFileSync(join(dir, 'kept', 'segment'), segment());
    const { log, pending } = IntakeLog.open(logDir(), readIntakeProgress(db));
    log.close();
    expect(pending).toEqual([]);
    expect(readdirSync(logDir())).toEqual([]);
  });
});
