import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, runCli, spawnCollector } from '../helpers/process.js';

const exec = promisify(execFile);
let dir: string;
let dbPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-cli-'));
  dbPath = join(dir, 'clearview.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(dbPath, ...args);

describe('the clearview CLI', () => {
  let siteId = '';

  it('refuses a database that does not exist, naming its path, and creates none', async () => {
    for (const args of [
      ['sites', 'list'],
      ['keys', 'list', '--site', 'st_x'],
      ['backup', join(dir, 'b.db')],
    ]) {
      const { code, stdout, stderr } = await cli(...args);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `clearview: no database at ${dbPath}; run \`clearview init\` (or \`npm start\`) to create one, or set CLEARVIEW_DB to the database you meant\n`,
      );
    }
    const json = await cli('sites', 'list', '--json');
    expect(JSON.parse(json.stderr).error.message).toMatch(/^no database at /);
    expect(existsSync(dbPath)).toBe(false);
  });

  it('init creates and migrates the database', async () => {
    const { code, stdout } = await cli('init', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ database: dbPath });
    expect(existsSync(dbPath)).toBe(true);
    expect(await cli('sites', 'list')).toMatchObject({ code: 0, stdout: 'No sites\n' });
  });

  it("prints a command's own usage for --help, and exits 0", async () => {
    const { code, stdout } = await cli('sites', 'create', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: clearview sites create --name NAME --domain DOMAIN/);
    expect(stdout).not.toContain('keys create');
    expect((await cli('keys', 'revoke', '-h')).stdout).toMatch(/^Usage: clearview keys revoke KEY_ID/);
    expect((await cli('--help')).stdout).toContain('intake repair');
  });

  it('names an unknown command and shows the usage, with a non-zero exit', async () => {
    const unknown = await cli('site', 'list');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^clearview: unknown command "site"\n\nUsage: clearview <command>/);
    const action = await cli('sites', 'remove');
    expect(action.code).toBe(2);
    expect(action.stderr).toMatch(/^clearview: unknown command "sites remove"\n\nUsage:\n {2}clearview sites create/);
    expect(action.stderr).not.toContain('keys create');
  });

  it("names an unknown option and shows that command's usage", async () => {
    const { code, stdout, stderr } = await cli('sites', 'create', '--name', 'X', '--domian', 'x.com');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^clearview: unknown option --domian\n\nUsage: clearview sites create /);
    const json = await cli('sites', 'list', '--bogus', '--json');
    expect(json.stderr).toBe(`${JSON.stringify({ error: { message: 'unknown option --bogus' } })}\n`);
  });

  it('creates a site and prints exactly one JSON object with its key and webhook secret', async () => {
    const { code, stdout } = await cli('sites', 'create', '--name', 'Acme', '--domain', 'https://www.Acme.example/', '--domain', 'acme.io', '--json');
    expect(code).toBe(0);
    const site = JSON.parse(stdout);
    expect(Object.keys(site).sort()).toEqual(['domains', 'id', 'name', 'siteKey', 'webhookSecret']);
    expect(site).toMatchObject({ name: 'Acme', domains: ['acme.example', 'acme.io'] });
    expect(site.siteKey).toMatch(/^site_[A-Za-z0-9]{24}$/);
    siteId = site.id;
  });

  it('lists sites without any secret', async () => {
    const { stdout } = await cli('sites', 'list', '--json');
    const { sites } = JSON.parse(stdout);
    expect(sites).toHaveLength(1);
    expect(sites[0]).not.toHaveProperty('webhookSecret');
    expect(stdout).not.toContain('whsec_');
  });

  it('creates an API key, shows it once and stores only its hash', async () => {
    const { code, stdout } = await cli('keys', 'create', '--site', siteId, '--permission', 'read', '--label', 'Backend', '--json');
    expect(code).toBe(0);
    const key = JSON.parse(stdout);
    expect(key).toMatchObject({ permission: 'read', label: 'Backend', siteId });
    expect(key.key).toMatch(/^cv_live_[A-Za-z0-9]{32}$/);
    const db = new Database(dbPath, { readonly: true });
    const dump = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
    db.close();
    expect(dump).not.toContain(key.key);

    const list = JSON.parse((await cli('keys', 'list', '--site', siteId, '--json')).stdout);
    expect(list.keys).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(key.key);

    const revoked = await cli('keys', 'revoke', key.id, '--json');
    expect(JSON.parse(revoked.stdout)).toEqual({ id: key.id, revoked: true });
    expect(JSON.parse((await cli('keys', 'list', '--site', siteId, '--json')).stdout).keys[0].revoked).toBe(true);
  });

  it('prints a one-time dashboard sign-in link on CLEARVIEW_PUBLIC_URL, storing only its digest', async () => {
    const { code, stdout } = await exec(process.execPath, [cliBin, 'dashboard-link', '--site', siteId, '--permission', 'read', '--json'], {
      env: { ...process.env, CLEARVIEW_DB: dbPath, CLEARVIEW_PUBLIC_URL: 'https://cv.example.com/' },
    }).then((r) => ({ code: 0, stdout: r.stdout }));
    expect(code).toBe(0);
    const link = JSON.parse(stdout);
    expect(link.url).toMatch(/^https:\/\/cv\.example\.com\/dashboard\/#token=[A-Za-z0-9]{43}$/);
    expect(link).toMatchObject({ siteId, permission: 'read' });
    const token = link.url.split('#token=')[1];
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT token_hash, permission FROM dashboard_link_tokens').all() as Array<{ token_hash: string; permission: string }>;
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token);
    expect((await cli('dashboard-link', '--site', siteId, '--permission', 'owner')).code).toBe(2);
  });

  it('reports errors on stderr with a non-zero exit', async () => {
    const bad = await cli('keys', 'create', '--site', siteId, '--permission', 'owner', '--label', 'x', '--json');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe('');
    expect(JSON.parse(bad.stderr).error.message).toMatch(/read, write or admin/);
    const unknown = await cli('sites', 'create', '--name', 'X', '--domain', 'not a domain');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/not a domain name/);
    const noSite = await cli('keys', 'list', '--site', 'st_missing');
    expect(noSite.code).not.toBe(0);
  });

  it('backs up the database consistently while the collector runs on it', async () => {
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath });
    try {
      const backupPath = join(dir, 'backup.db');
      const { code } = await cli('backup', backupPath);
      expect(code).toBe(0);
      const copy = new Database(backupPath, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('SELECT COUNT(*) AS n FROM sites').get() as { n: number }).n).toBe(1);
      copy.close();
      // The CLI can change the database under a running collector.
      expect((await cli('sites', 'create', '--name', 'Beta', '--domain', 'beta.example')).code).toBe(0);
    } finally {
      collector.child.kill('SIGTERM');
      await collector.exited;
    }
  });
});

describe('npm start on a brand-new database', () => {
  it('creates one site and one admin key and prints them once on stderr with the tag to paste', async () => {
    const fresh = join(dir, 'fresh.db');
    const first = await spawnCollector({ CLEARVIEW_DB: fresh });
    first.child.kill('SIGTERM');
    await first.exited;
    // On stderr, to the terminal, never through the logger.
    const out = first.stderr();
    expect(out).toMatch(/Admin API key:\s+cv_live_[A-Za-z0-9]{32}/);
    // A localhost site: the tracker sends from a local page only with data-allow-local.
    expect(out).toMatch(/<script defer src="http:\/\/localhost:\d+\/t\.js" data-site-key="site_[A-Za-z0-9]{24}" data-allow-local><\/script>/);
    expect(out).toMatch(/npx clearview sites update st_\w+ --domain example\.com/);
    expect(out).toMatch(/http:\/\/localhost:\d+\/dashboard\/#token=[A-Za-z0-9]{43}/);

    const second = await spawnCollector({ CLEARVIEW_DB: fresh });
    second.child.kill('SIGTERM');
    await second.exited;
    expect(second.stdout()).not.toContain('cv_live_');
  });
});
