// Which builds `npm start` would run stale: a missing output, or a source file newer than it.
// Plain JavaScript, so it runs before anything is built.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time (ms) of any file under dir, or 0 when there is none. */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestUnder(path) : entry.isFile() ? statSync(path).mtimeMs : 0;
    if (time > newest) newest = time;
  }
  return newest;
}

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * The builds under root (a checkout) that are missing or older than their sources, each with why.
 * A folder without sources (an installed package, a container image) has nothing to rebuild.
 */
export function staleBuilds(root) {
  const builds = [
    {
      name: 'collector',
      sources: [join(root, 'packages/collector/src'), join(root, 'packages/collector/tsconfig.json')],
      output: join(root, 'packages/collector/dist/main.js'),
    },
    { name: 'tracker', sources: [join(root, 'packages/tracker/src'), join(root, 'rollup.config.mjs')], output: join(root, 'packages/tracker/dist/t.js') },
  ];
  const stale = [];
  for (const build of builds) {
    const source = Math.max(...build.sources.map((path) => (mtimeOf(path) === null ? 0 : newestUnder(path) || mtimeOf(path))));
    if (source === 0) continue;
    const output = mtimeOf(build.output);
    if (output === null) stale.push({ name: build.name, reason: `${build.output} is missing` });
    else if (source > output) stale.push({ name: build.name, reason: `its sources changed after ${build.output} was built` });
  }
  return stale;
}
