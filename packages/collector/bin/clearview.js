#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm install` builds it (the root postinstall runs `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('clearview: the collector is not built; run `npm run build` in the repository root\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
