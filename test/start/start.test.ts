import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { staleBuilds } from '../../packages/collector/scripts/build-freshness.mjs';
import { freePort } from '../helpers/process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A checkout's layout with one source and one output per build, the outputs written at `built` (seconds). */
function checkout(built: number | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'clearview-start-'));
  dirs.push(dir);
  for (const [source, output] of [
    ['packages/collector/src/main.ts', 'packages/collector/dist/main.js'],
    ['packages/tracker/src/index.ts', 'packages/tracker/dist/t.js'],
  ]) {
    mkdirSync(join(dir, source, '..'), { recursive: true });
    writeFileSync(join(dir, source), '');
    utimesSync(join(dir, source), 1000, 1000);
    if (built !== null) {
      mkdirSync(join(dir, output, '..'), { recursive: true });
      writeFileSync(join(dir, output), '');
      utimesSync(join(dir, output), built, built);
    }
  }
  return dir;
}

describe('the build npm start checks', () => {
  it('finds nothing to build when every output is newer than its sources', () => {
    expect(staleBuilds(checkout(2000))).toEqual([]);
  });

  it('names a build that is missing', () => {
    expect(staleBuilds(checkout(null)).map((b) => b.name)).toEqual(['collector', 'tracker']);
    expect(staleBuilds(checkout(null))[0].reason).toMatch(/dist\/main\.js is missing/);
  });

  it('names a build whose sources changed after it was built', () => {
    const dir = checkout(2000);
    utimesSync(join(dir, 'packages/collector/src/main.ts'), 3000, 3000);
    expect(staleBuilds(dir)).toEqual([{ name: 'collector', reason: expect.stringMatching(/sources changed/) }]);
  });

  it('has nothing to build where there are no sources, as in the container image', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-start-'));
    dirs.push(dir);
    expect(staleBuilds(dir)).toEqual([]);
  });
});

describe('npm start', () => {
  it('runs the built collector without rebuilding it', async () => {
    // The test run builds first (pretest), so the checkout is up to date: start must not build again.
    expect(staleBuilds(root)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'clearview-start-'));
    dirs.push(dir);
    const args = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
      .split(/\s+/)
      .slice(1)
      .map((arg) => (arg.endsWith('.mjs') ? join(root, arg) : arg));
    const port = await freePort();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CLEARVIEW_DB: join(dir, 'cv.db'), CLEARVIEW_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      for (let answered = false; !answered;) {
        answered = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (res) => res.ok,
          () => false,
        );
        if (child.exitCode !== null) throw new Error(`collector exited:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(out).not.toMatch(/out of date|npm run build/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
