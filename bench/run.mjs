// `npm run bench`: every benchmark script in turn; each prints its own table and
// writes .bench/<name>.json. Run after `npm run build` (the prebench script does it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const order = [
  'tracker-size',
  'start',
  'resolve',
  'accuracy',
  'score',
  'rescore',
  'decay',
  'collect',
  'writer-ids',
  'api-read',
  'read-stall',
  'insights',
  'rollup-holds',
  'alerts',
  'dashboard',
];
const only = process.argv.slice(2);
let failed = false;
for (const name of order) {
  if (only.length && !only.includes(name)) continue;
  const file = `bench/${name}.mjs`;
  if (!existsSync(file)) continue;
  console.log(`\n## ${name}`);
  const result = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed = true;
    console.log(`bench/${name} failed (exit ${result.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
