import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, spawnCollector } from '../helpers/process.js';

const exec = promisify(execFile);
const modules = fileURLToPath(new URL('../../node_modules/@ip-location-db/', import.meta.url));
const shipped: Record<string, Buffer> = {
  'asn-ipv4-num.csv': readFileSync(join(modules, 'asn/asn-ipv4-num.csv')),
  'asn-ipv6-num.csv': readFileSync(join(modules, 'asn/asn-ipv6-num.csv')),
  'geo-whois-asn-country.mmdb': readFileSync(join(modules, 'geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')),
};

/** A release server: /good/ the shipped files, /cut/ a v4 file with its last two thirds gone, /broken/ a
 * v4 answer that stops halfway through its Content-Length, /corrupt/ a country file of junk. */
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const [, set, name] = (req.url ?? '').split('/');
    let body = shipped[name ?? ''];
    if (!body) return void res.writeHead(404).end();
    if (set === 'cut' && name === 'asn-ipv4-num.csv') body = body.subarray(0, body.lastIndexOf('\n', Math.floor(body.length / 3)) + 1);
    if (set === 'corrupt' && name === 'geo-whois-asn-country.mmdb') body = Buffer.alloc(body.length, 0x5a);
    if (set === 'broken' && name === 'asn-ipv4-num.csv') {
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function update(dbPath: string, source: string) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cliBin, 'data', 'update', '--source', source, '--json'], { env: { ...process.env, CLEARVIEW_DB: dbPath } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('clearview data update', () => {
  let dir = '';
  let dbPath = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clearview-ipdata-'));
    dirs.push(dir);
    dbPath = join(dir, 'clearview.db');
  });

  it('installs good data, regenerates the enterprise table, and the running collector loads it without a restart', async () => {
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath, CLEARVIEW_LOG_LEVEL: 'info' });
    try {
      const { code, stdout, stderr } = await update(dbPath, `${base}/good/`);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({ reloadedPid: collector.child.pid, ranges: { v4: expect.any(Number), v6: expect.any(Number) } });
      expect(result.enterpriseAsns).toBeGreaterThan(1000);
      const current = join(dir, 'ip-data/current');
      expect(readlinkSync(current)).toMatch(/^releases\/\d{4}-/);
      for (const file of ['asn-ipv4-num.csv', 'asn-ipv6-num.csv', 'geo-whois-asn-country.mmdb', 'asn-table.json', 'manifest.json'])
        expect(existsSync(join(current, file))).toBe(true);
      for (let i = 0; i < 600 && !collector.stdout().includes('IP data reloaded'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(collector.stdout()).toContain(join(dir, 'ip-data/current'));
      expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
    } finally {
      collector.child.kill('SIGTERM');
      await collector.exited;
    }
  }, 300_000);

  for (const [set, reason] of [
    ['broken', /the download broke off|got \d+ of \d+ bytes/],
    ['cut', /IPv4 AS data has \d+ ranges against \d+ in use/],
    ['corrupt', /does not parse/],
  ] as const) {
    it(`refuses ${set} data and keeps the data in use`, async () => {
      const before = readlinkSync(join(dir, 'ip-data/current'));
      const { code, stdout, stderr } = await update(dbPath, `${base}/${set}/`);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(JSON.parse(stderr).error.message).toMatch(/^not installed, the data in use stays: /);
      expect(JSON.parse(stderr).error.message).toMatch(reason);
      expect(readlinkSync(join(dir, 'ip-data/current'))).toBe(before);
      expect(existsSync(join(dir, 'ip-data/current/manifest.json'))).toBe(true);
    }, 300_000);
  }
});
