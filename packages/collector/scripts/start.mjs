// `npm start`: runs the built collector. The build happens at install (postinstall) and on
// `npm run build`, not on every start; only when the build is missing or older than its sources
// does this say so and build once, so a restart takes as long as the collector itself.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleBuilds } from './build-freshness.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const stale = staleBuilds(root);
if (stale.length > 0) {
  for (const build of stale) process.stderr.write(`clearview: the ${build.name} build is out of date (${build.reason}); running \`npm run build\` once\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('clearview: the build failed; fix it and run `npm run build`, then `npm start`\n');
    process.exit(result.status ?? 1);
  }
}
await import('../dist/main.js');
