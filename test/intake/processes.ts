import { spawn } from 'node:child_process';
import { collectorMain, freePort } from '../helpers/process.js';

/**
 * Runs the built collector (`npm start`'s entry point) on a database until it answers /healthz, then
 * stops it with SIGTERM, or until it exits on its own (it refused to start): what it printed, and how it exited.
 */
export async function runCollector(dbPath: string): Promise<{ started: boolean; code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [collectorMain], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CLEARVIEW_LOG_LEVEL: 'warn', CLEARVIEW_DB: dbPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let started = false;
  while (child.exitCode === null && !started) {
    started = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (!started) await new Promise((r) => setTimeout(r, 50));
  }
  if (started) child.kill('SIGTERM');
  const code = await exited;
  return { started, code, output };
}
