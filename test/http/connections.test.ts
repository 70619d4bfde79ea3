import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestSite } from '../helpers/server.js';

// Issue 14, finding 3: slow senders and oversized bodies cannot hold the collector's connections.
const limits = { max: 4_000, headersTimeoutMs: 400, beaconBodyTimeoutMs: 400, bodyTimeoutMs: 1_000, keepAliveTimeoutMs: 5_000 };
let server: TestServer;
let site: TestSite;

beforeAll(async () => {
  server = await startTestServer({ config: { connections: limits } });
  site = server.addSite();
});
afterAll(() => server.stop());

interface Held {
  socket: Socket;
  /** Everything the server sent, once it closed the connection; with the time it took. */
  closed: Promise<{ text: string; ms: number }>;
}

/** Opens a connection, writes `head`, and then nothing more. */
function hold(head: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const started = Date.now();
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    const closed = new Promise<{ text: string; ms: number }>((done) => socket.once('close', () => done({ text, ms: Date.now() - started })));
    socket.once('error', () => undefined);
    socket.once('connect', () => {
      socket.write(head);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

const beaconHead = (declared: number) =>
  `POST /api/v1/collect HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${declared}\r\n\r\n{"k":"${site.siteKey}"`;

describe('bounded connections', () => {
  it('still answers /healthz while hundreds of slow connections are open, and cuts each slow beacon body at its limit', async () => {
    const slow = await Promise.all(Array.from({ length: 300 }, () => hold(beaconHead(500))));
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const closed = await Promise.all(slow.map((held) => held.closed));
    for (const { text, ms } of closed) {
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(text).toMatch(/connection: close/i);
      expect(text).toContain('"code":"REQUEST_TIMEOUT"');
      // Cut at its limit, not at Node's default of five minutes.
      expect(ms).toBeGreaterThanOrEqual(limits.beaconBodyTimeoutMs - 50);
      expect(ms).toBeLessThan(limits.beaconBodyTimeoutMs + 3_000);
    }
  });

  it('cuts headers that trickle in at the headers limit, with the documented error body', async () => {
    const held = await hold('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const { text, ms } = await held.closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"status":408');
    expect(ms).toBeLessThan(limits.headersTimeoutMs + 3_000);
  });

  it('cuts a slow API body at the request limit', async () => {
    const held = await hold(
      `POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: ${site.webhookSecret}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"domain":`,
    );
    const { text, ms } = await held.closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(limits.bodyTimeoutMs - 50);
    expect(ms).toBeLessThan(limits.bodyTimeoutMs + 3_000);
  });

  for (const [surface, head] of [
    ['a beacon', () => beaconHead(50_000_000)],
    ['the webhook', () => `POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: ${site.webhookSecret}\r\nContent-Length: 50000000\r\n\r\n{"a":"`],
  ] as const) {
    it(`answers a too large ${surface} body with 413 and Connection: close, and stops reading`, async () => {
      const held = await hold(head());
      // Keep sending: a server that went on reading would never close.
      const chunk = Buffer.alloc(64 * 1024, 97);
      const pump = setInterval(() => held.socket.writable && held.socket.write(chunk), 5);
      const { text } = await held.closed;
      clearInterval(pump);
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(text).toMatch(/connection: close/i);
      expect(text).toContain('"code":"PAYLOAD_TOO_LARGE"');
    });
  }

  it('answers a chunked API body that keeps sending past its limit with 413 and Connection: close at once, not at the body deadline', { timeout: 45_000 }, async () => {
    // The body deadline is the default 30 s here, so a server that drained the body would answer only then.
    const patient = await startTestServer({ config: { connections: { ...limits, bodyTimeoutMs: 30_000 } } });
    const patientSite = patient.addSite();
    try {
      const socket = connect(patient.port, '127.0.0.1');
      const started = Date.now();
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', () => undefined);
      const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
      socket.write(
        `POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: ${patientSite.webhookSecret}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      // Keep sending 64 KiB chunks: a server that went on reading would never close before its deadline.
      const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(64 * 1024, 97), Buffer.from('\r\n')]);
      const pump = setInterval(() => socket.writable && socket.write(chunk), 5);
      const ms = await closed;
      clearInterval(pump);
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(text).toMatch(/connection: close/i);
      expect(text).toContain('"code":"PAYLOAD_TOO_LARGE"');
      // Well under the 30 s deadline, with room for a loaded machine.
      expect(ms).toBeLessThan(10_000);
      expect((await fetch(`${patient.url}/healthz`)).status).toBe(200);
      // A chunked body within the limit is still read and stored.
      const within = new Blob([JSON.stringify({ company_name: 'Chunked Corp', domain: 'chunked.example' })]).stream();
      const stored = await fetch(`${patient.url}/api/v1/webhook`, {
        method: 'POST',
        headers: { 'X-Webhook-Secret': patientSite.webhookSecret, 'Content-Type': 'application/json' },
        body: within,
        duplex: 'half',
      } as RequestInit);
      expect(stored.status).toBe(200);
    } finally {
      await patient.stop();
    }
  });

  it('never runs the handler of a chunked body it answered 413, even when the body inflates to less than the limit', async () => {
    // Stored (level 0) gzip is a little larger than its content: over the webhook's 64 KiB as sent, under it inflated.
    const company = { company_name: 'Inflated Corp', domain: 'inflated.example', notes: '' };
    const json = JSON.stringify({ ...company, notes: 'a'.repeat(64 * 1024 - 8 - JSON.stringify(company).length) });
    const gz = gzipSync(json, { level: 0 });
    expect(Buffer.byteLength(json)).toBeLessThan(64 * 1024);
    expect(gz.length).toBeGreaterThan(64 * 1024);
    const held = await hold(
      `POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: ${site.webhookSecret}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    held.socket.write(Buffer.concat([Buffer.from(`${gz.length.toString(16)}\r\n`), gz, Buffer.from('\r\n0\r\n\r\n')]));
    const { text } = await held.closed;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    // Give a handler that ran regardless the time to store the company.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.ctx.db.prepare("SELECT COUNT(*) AS n FROM companies WHERE domain = 'inflated.example'").get()).toEqual({ n: 0 });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses connections past CLEARVIEW_MAX_CONNECTIONS', async () => {
    const small = await startTestServer({ config: { connections: { ...limits, max: 3, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 } } });
    try {
      const open = await Promise.all(
        Array.from(
          { length: 3 },
          () =>
            new Promise<Socket>((resolve) => {
              const socket = connect(small.port, '127.0.0.1', () => resolve(socket));
            }),
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      const refused = await fetch(`${small.url}/healthz`).then(
        (res) => res.status,
        () => 'refused',
      );
      expect(refused).toBe('refused');
      for (const socket of open) socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${small.url}/healthz`)).status).toBe(200);
    } finally {
      await small.stop();
    }
  });
});
