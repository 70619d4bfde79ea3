// The enterprise audit (packages/collector/scripts/audit-enterprises.mjs) run on the shipped
// data: every AS whose normalised organisation name begins with a curated organisation's name
// or alias must have been reviewed (claimed, or excluded with a kind and a reason), and no AS
// may be claimed twice or by an entry and a not-company list.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

interface Candidate {
  domain: string;
  asn: number;
  name: string;
  status: 'claimed' | 'excluded' | 'other_entry' | 'not_company' | 'unreviewed';
  kind?: string;
  reason?: string;
}
interface AuditResult {
  summary: { organizations: number; candidates: number; claimed: number; excluded: number; unreviewed: number };
  candidates: Candidate[];
  problems: string[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(root, 'packages', 'collector', 'scripts', 'audit-enterprises.mjs');

function runAudit(...files: string[]): { status: number | null; result: AuditResult } {
  const run = spawnSync(process.execPath, [script, '--json', ...files], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (!run.stdout) throw new Error(`the audit printed nothing: ${run.stderr}`);
  return { status: run.status, result: JSON.parse(run.stdout) as AuditResult };
}

describe('the enterprise audit on the shipped data', () => {
  let shipped: { status: number | null; result: AuditResult };
  beforeAll(() => {
    shipped = runAudit();
  }, 120_000);

  it('finds candidates and leaves none of them unreviewed', () => {
    expect(shipped.result.summary.candidates).toBeGreaterThan(1000);
    expect(shipped.result.candidates.filter((c) => c.status === 'unreviewed').map((c) => `${c.domain}: AS${c.asn} ${c.name}`)).toEqual([]);
  });

  it('reports no AS claimed by two entries or by an entry and a not-company list, and no exclusion without a reason', () => {
    expect(shipped.result.problems).toEqual([]);
    expect(shipped.status).toBe(0);
  });

  it('finds the group AS forms the old patterns missed', () => {
    const claimed = new Set(shipped.result.candidates.filter((c) => c.status === 'claimed').map((c) => `${c.asn} ${c.domain}`));
    // "The X Company", "The X Group, Inc.", "X SAS", "X N.V.", "X Co., Ltd.", "X S.A."
    for (const pair of ['196 boeing.com', '6195 goldmansachs.com', '206720 airbus.com', '22683 philips.com', '24263 honda.com', '62043 repsol.com']) {
      expect(claimed.has(pair), pair).toBe(true);
    }
  });

  it('gives every exclusion one of the documented kinds and a one-line reason', () => {
    const kinds = new Set(['isp', 'mobile', 'hosting', 'cloud', 'cdn', 'vpn', 'education', 'government', 'public', 'namesake', 'separate']);
    const bad = shipped.result.candidates.filter((c) => c.status === 'excluded' && (!kinds.has(c.kind ?? '') || !c.reason?.trim() || c.reason.includes('\n')));
    expect(bad).toEqual([]);
  });
});

describe('the enterprise audit on an operator file', () => {
  let audited: { status: number | null; result: AuditResult };
  beforeAll(() => {
    audited = runAudit(join(root, 'test', 'resolve', 'fixtures', 'enterprises-unreviewed.json'));
  }, 120_000);

  it('fails when an entry leaves a candidate unreviewed', () => {
    expect(audited.status).toBe(1);
    const mine = audited.result.candidates.filter((c) => c.domain === 'progressive-audit-fixture.example');
    expect(mine.find((c) => c.asn === 16386)?.status).toBe('unreviewed');
    expect(audited.result.problems).toContain(
      'progressive-audit-fixture.example: AS16386 "Progressive Produce Corporation" is unreviewed: claim it or exclude it with a reason',
    );
  });

  it('fails when two entries claim one AS', () => {
    expect(audited.result.problems).toContain('AS714 "Apple Inc." is claimed by apple.com, progressive-audit-fixture.example');
  });

  it('fails when an entry claims an AS a not-company list holds', () => {
    expect(audited.result.problems).toContain('AS7922 "Comcast Cable Communications, LLC" is claimed by cable-audit-fixture.example and listed as isp in isp.json');
  });
});
