import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardLink } from '../../packages/collector/src/dashboard-link.js';
import { startTestServer, type TestServer, type TestSite } from '../helpers/server.js';

let server: TestServer;
let site: TestSite;
let clock = Date.now();

beforeAll(async () => {
  server = await startTestServer({ now: () => clock, env: { CLEARVIEW_TRUST_PROXY: '1' } });
  site = server.addSite({ name: 'Session site' });
});
afterAll(() => server.stop());

/** Each test signs in from its own address: the sign-in limit counts per address. */
let addressCounter = 0;
const freshIp = () => `198.51.100.${++addressCounter}`;

async function signIn(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/dashboard/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': freshIp(), ...headers },
    body: JSON.stringify(body),
  });
}
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;
const linkToken = (permission: 'read' | 'write' | 'admin' = 'admin') =>
  new URL(createDashboardLink(server.ctx.db, { siteId: site.id, permission }, server.url, clock).url).hash.slice('#token='.length);

describe('POST /api/dashboard/session', () => {
  it('sets an HttpOnly, SameSite=Strict cookie for 12 hours that acts as the key on /api/v1', async () => {
    const res = await signIn({ key: site.keys.read });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cv_session=[A-Za-z0-9]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const body = await res.json();
    expect(body).toMatchObject({ site: { id: site.id, siteKey: site.siteKey, domains: ['example.com'] }, permission: 'read', via: 'session' });
    const companies = await fetch(`${server.url}/api/v1/companies`, { headers: { Cookie: cookieOf(res) } });
    expect(companies.status).toBe(200);
  });

  it('marks the cookie Secure when the trusted proxy says the browser used https', async () => {
    const res = await signIn({ key: site.keys.read }, { 'X-Forwarded-Proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('stores only a digest of the session', async () => {
    const res = await signIn({ key: site.keys.read });
    const secret = cookieOf(res).split('=')[1]!;
    const rows = server.ctx.db.prepare('SELECT id_hash FROM dashboard_sessions').all() as Array<{ id_hash: string }>;
    expect(rows.some((r) => r.id_hash.includes(secret))).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses a wrong key, both key and token, and neither', async () => {
    expect((await signIn({ key: 'cv_live_' + 'x'.repeat(32) })).status).toBe(401);
    expect((await signIn({ key: site.keys.read, token: 'a'.repeat(43) })).status).toBe(400);
    expect((await signIn({})).status).toBe(400);
    expect((await signIn({ key: 42 })).status).toBe(422);
  });

  it('refuses a sign-in posted from another origin', async () => {
    const res = await signIn({ key: site.keys.read }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('FORBIDDEN');
  });

  it('answers 429 on the eleventh attempt in a minute from one address', async () => {
    const ip = '203.0.113.99';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await signIn({ key: 'cv_live_' + 'y'.repeat(32) }, { 'X-Forwarded-For': ip })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('one-time sign-in links', () => {
  it('sign in once with the link’s permission, and never again', async () => {
    const token = linkToken('write');
    const first = await signIn({ token });
    expect(first.status).toBe(201);
    expect((await first.json()).permission).toBe('write');
    const second = await signIn({ token });
    expect(second.status).toBe(401);
    expect((await second.json()).error.message).toMatch(/already used/);
  });

  it('expire after ten minutes', async () => {
    const token = linkToken();
    clock += 10 * 60 * 1000 + 1;
    expect((await signIn({ token })).status).toBe(401);
  });
});

describe('a dashboard session', () => {
  it('needs the collector’s own Origin to change anything', async () => {
    const cookie = cookieOf(await signIn({ key: site.keys.admin }));
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/v1/keys`, {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ label: 'from the dashboard', permission: 'read' }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ Origin: server.url })).status).toBe(201);
  });

  it('of a read key cannot create a key', async () => {
    const cookie = cookieOf(await signIn({ key: site.keys.read }));
    const res = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: server.url, 'Content-Type': 'application/json' },
      body: JSON.stringify({ label: 'x', permission: 'admin' }),
    });
    expect(res.status).toBe(403);
  });

  it('slides its end twelve hours past its last use, and ends twelve hours after it', async () => {
    const cookie = cookieOf(await signIn({ key: site.keys.read }));
    clock += 11 * 60 * 60 * 1000;
    const used = await fetch(`${server.url}/api/dashboard/session`, { headers: { Cookie: cookie } });
    expect(used.status).toBe(200);
    expect(used.headers.get('set-cookie')).toMatch(/Max-Age=43200/);
    expect(Date.parse((await used.json()).expiresAt)).toBe(clock + 12 * 60 * 60 * 1000);
    clock += 11 * 60 * 60 * 1000;
    expect((await fetch(`${server.url}/api/dashboard/session`, { headers: { Cookie: cookie } })).status).toBe(200);
    clock += 12 * 60 * 60 * 1000 + 1;
    expect((await fetch(`${server.url}/api/dashboard/session`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('ends when its key is revoked', async () => {
    const key = await (
      await fetch(`${server.url}/api/v1/keys`, {
        method: 'POST',
        headers: { 'X-Api-Key': site.keys.admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ label: 'to revoke', permission: 'read' }),
      })
    ).json();
    const cookie = cookieOf(await signIn({ key: key.key }));
    expect((await fetch(`${server.url}/api/v1/companies`, { headers: { Cookie: cookie } })).status).toBe(200);
    await fetch(`${server.url}/api/v1/keys/${key.id}`, { method: 'DELETE', headers: { 'X-Api-Key': site.keys.admin } });
    expect((await fetch(`${server.url}/api/v1/companies`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('ends on DELETE /api/dashboard/session', async () => {
    const cookie = cookieOf(await signIn({ key: site.keys.read }));
    const refused = await fetch(`${server.url}/api/dashboard/session`, { method: 'DELETE', headers: { Cookie: cookie } });
    expect(refused.status).toBe(403);
    const ended = await fetch(`${server.url}/api/dashboard/session`, { method: 'DELETE', headers: { Cookie: cookie, Origin: server.url } });
    expect(await ended.json()).toEqual({ ended: true });
    expect(ended.headers.get('set-cookie')).toMatch(/^cv_session=; .*Max-Age=0/);
    expect((await fetch(`${server.url}/api/v1/companies`, { headers: { Cookie: cookie } })).status).toBe(401);
  });
});
describe('the dashboard’s files', () => {
  it('are where / redirects, under a strict CSP', async () => {
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard/');
    const bare = await fetch(`${server.url}/dashboard`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/dashboard/');
    expect((await fetch(`${server.url}/dashboard/`)).status).toBe(200);
    const page = await fetch(`${server.url}/dashboard/companies?min_score=10`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; img-src 'self' data:; frame-ancestors 'none'/);
    expect(await page.text()).not.toMatch(/<script>|<style>| style=/);
    const script = await fetch(`${server.url}/dashboard/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.url}/dashboard/assets/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${server.url}/dashboard/assets/nothing.js`)).status).toBe(404);
  });
});
