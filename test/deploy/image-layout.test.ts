import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/process.js';

// Docker cannot run on these machines: this builds the runtime stage's layout from the built checkout,
// file by file as its COPY lines say, and starts the image's CMD in it.
const root = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const exec = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A JSON-array instruction (CMD, HEALTHCHECK ... CMD) as its arguments. */
const jsonArgs = (line: string) => JSON.parse(line.slice(line.indexOf('['))) as string[];

describe('the Dockerfile', () => {
  it('runs as a user that is not root, keeps the database on a volume and checks its health', () => {
    expect(dockerfile).toMatch(/^FROM node:24[\w.-]* AS build$/m);
    expect(runtime).toMatch(/^FROM node:24[\w.-]*$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^VOLUME \/data$/m);
    expect(runtime).toMatch(/CLEARVIEW_DB=\/data\/clearview\.db/);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
  });

  it("starts with the Node flags of package.json's start script", () => {
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const flags = start.split(/\s+/).filter((arg) => arg.startsWith('--'));
    const cmd = jsonArgs(runtime.split('\n').find((line) => line.startsWith('CMD '))!);
    expect(flags).toEqual(['--max-semi-space-size=2']);
    expect(cmd.slice(1, -1)).toEqual(flags);
  });

  it('copies everything the collector needs: its image layout starts, serves the tag and the docs, and passes the HEALTHCHECK', async () => {
    const app = mkdtempSync(join(tmpdir(), 'clearview-image-'));
    dirs.push(app);
    for (const match of runtime.matchAll(/^COPY --from=build \/app\/(\S+) \.\/(\S+)$/gm)) {
      const [, from, to] = match;
      // node_modules is the checkout's own (with its development packages): linked, not copied.
      if (from === 'node_modules') symlinkSync(join(root, 'node_modules'), join(app, to!));
      else cpSync(join(root, from!), join(app, to!), { recursive: true });
    }
    mkdirSync(join(app, 'data'));
    const cmd = jsonArgs(runtime.split('\n').find((line) => line.startsWith('CMD '))!);
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      CLEARVIEW_DB: join(app, 'data/clearview.db'),
      CLEARVIEW_LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let up = false; !up;) {
        if (child.exitCode !== null) throw new Error(`the image's CMD exited:\n${out}`);
        up = await fetch(`${url}/healthz`).then(
          (res) => res.ok,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect((await fetch(`${url}/t.js`)).status).toBe(200);
      expect((await fetch(`${url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
      const healthcheck = jsonArgs(
        runtime
          .slice(runtime.indexOf('HEALTHCHECK'))
          .split('\n')
          .find((line) => line.trim().startsWith('CMD '))!
          .trim(),
      );
      await expect(exec(process.execPath, healthcheck.slice(1), { env })).resolves.toBeDefined();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});

describe('the systemd units', () => {
  it('sandbox the service and restart it on failure', () => {
    const unit = readFileSync(join(root, 'deploy/clearview.service'), 'utf8');
    for (const line of ['DynamicUser=yes', 'StateDirectory=clearview', 'ProtectSystem=strict', 'Restart=on-failure']) expect(unit).toContain(`\n${line}\n`);
    expect(unit).toMatch(/ExecStart=\/usr\/bin\/node --max-semi-space-size=2 /);
  });
});
