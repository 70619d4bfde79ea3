import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAsDatabase, lookupV4, lookupV6, parseAsDatabase, type AsDatabase } from '../../packages/collector/src/resolve/networks.js';

const dir = mkdtempSync(join(tmpdir(), 'cv-networks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(v4: string, v6: string): [string, string] {
  const p4 = join(dir, `v4-${Math.random()}.csv`);
  const p6 = join(dir, `v6-${Math.random()}.csv`);
  writeFileSync(p4, v4);
  writeFileSync(p6, v6);
  return [p4, p6];
}

/** Everything a database holds, as plain values. */
function dump(db: AsDatabase) {
  return {
    table: Array.from({ length: db.table.count }, (_, id) => [db.table.asn[id], db.table.org.get(id)]),
    v4: Array.from({ length: db.v4.count }, (_, i) => [db.v4.starts[i], db.v4.ends[i], db.v4.as[i]]),
    v6: Array.from(db.v6.starts.subarray(0, db.v6.count * 4)).concat(Array.from(db.v6.ends.subarray(0, db.v6.count * 4)), Array.from(db.v6.as.subarray(0, db.v6.count))),
  };
}

const V6 = '42540766411282592856903984951653826560,42540766411282592856903984951653826815,64500,Doc Net\n';

describe('parseAsDatabase', () => {
  it('reads rows, one table entry per AS, quoted organizations unescaped and trimmed', () => {
    const db = parseAsDatabase(
      '16777216,16777471,13335,"Cloudflare, Inc."\r\n16778240,16779263,38803, Gtelecom Pty Ltd \n16779264,16779519,13335,ignored second name\n33554432,33554687,4200000001,"The ""Q"" Co"',
      V6,
    );
    expect(dump(db)).toEqual({
      table: [
        [13335, 'Cloudflare, Inc.'],
        [38803, 'Gtelecom Pty Ltd'],
        [4200000001, 'The "Q" Co'],
        [64500, 'Doc Net'],
      ],
      v4: [
        [16777216, 16777471, 0],
        [16778240, 16779263, 1],
        [16779264, 16779519, 0],
        [33554432, 33554687, 2],
      ],
      v6: [0x20010db8, 0, 0, 0, 0x20010db8, 0, 0, 0xff, 3],
    });
    expect(lookupV4(db, 16777300)).toBe(0);
    expect(lookupV4(db, 16777472)).toBe(-1);
    expect(lookupV6(db, new Uint32Array([0x20010db8, 0, 0, 0x80]))).toBe(3);
  });

  it('skips malformed rows and clips overlaps so the earlier row keeps its addresses', () => {
    const db = parseAsDatabase('garbage\n10,5,1,bad bounds\n1,x,1,bad number\n100,200,1,A\n150,300,2,B\n160,180,3,C\n', '');
    expect(dump(db).v4).toEqual([
      [100, 200, 0],
      [201, 300, 1],
    ]);
  });

  it('sorts unsorted rows', () => {
    const db = parseAsDatabase('300,400,2,B\n100,200,1,A\n', '');
    expect(dump(db).v4).toEqual([
      [100, 200, 1],
      [300, 400, 0],
    ]);
  });
});

describe('loadAsDatabase', () => {
  it('gives what parseAsDatabase gives for the same text, across many read chunks and a missing last newline', async () => {
    // About 1.5 MB: lines cross the 256 KB read chunks at every position.
    const rows: string[] = [];
    for (let i = 0; i < 30_000; i++) rows.push(`${i * 1000},${i * 1000 + 999},${64500 + (i % 700)},"Org ${i % 700}, ""${'x'.repeat(i % 13)}"""`);
    const v4 = rows.join('\n');
    const v6 = V6.repeat(3).trimEnd();
    const [p4, p6] = files(v4, v6);
    const loaded = await loadAsDatabase(p4, p6);
    expect(loaded.v4.count).toBe(30_000);
    expect(dump(loaded)).toEqual(dump(parseAsDatabase(v4, v6)));
  });

  it('reads a line longer than its read buffer', async () => {
    const org = 'N'.repeat(300_000);
    const [p4, p6] = files(`1,2,64500,${org}\n3,4,64501,short\n`, '');
    const db = await loadAsDatabase(p4, p6);
    expect(dump(db).table).toEqual([
      [64500, org],
      [64501, 'short'],
    ]);
  });

  it('loads empty files', async () => {
    const db = await loadAsDatabase(...files('', ''));
    expect([db.table.count, db.v4.count, db.v6.count]).toEqual([0, 0, 0]);
  });
});
