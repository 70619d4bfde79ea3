import { describe, expect, it } from 'vitest';
import { OrgNamesBuilder } from '../../packages/collector/src/resolve/org-names.js';

const bytes = (s: string) => Buffer.from(s);

function build(fields: string[]) {
  const b = new OrgNamesBuilder();
  for (const f of fields) {
    // Each field inside some surrounding text, as in a CSV line.
    const line = bytes(`1,2,3,${f}\n`);
    b.add(line, 6, line.length - 1);
  }
  return b.build();
}

describe('OrgNames', () => {
  it('decodes bare and quoted fields, with "" for a quote, trimmed', () => {
    const names = build(['Acme Corp', '"Cloudflare, Inc."', '"The ""Q"" Co"', '  Spaced  ', '', '""', 'Zürich Net', '"']);
    expect(Array.from({ length: names.count }, (_, id) => names.get(id))).toEqual(['Acme Corp', 'Cloudflare, Inc.', 'The "Q" Co', 'Spaced', '', '', 'Zürich Net', '"']);
  });

  it('keeps every name exact across storage blocks, for long fields and after repeated reads', () => {
    const fields = Array.from({ length: 20_000 }, (_, i) => `Org ${i}:${'x'.repeat(i % 50)}`); // ~600 KB: three blocks
    fields.push('L'.repeat(65_535), 'M'.repeat(65_536), 'N'.repeat(300_000), 'after the long ones');
    const names = build(fields);
    expect(names.count).toBe(fields.length);
    const read = Array.from({ length: names.count }, (_, id) => names.get(id));
    expect(read).toEqual(fields);
    expect(names.get(7)).toBe(read[7]);
  });
});
