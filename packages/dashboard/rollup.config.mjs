// Builds the dashboard (`npm run build:dashboard`) into packages/dashboard/dist, which the collector
// serves at /dashboard/: index.html, assets/app.js (one minified bundle) and assets/app.css.
// No hashed names: the collector sends them with Cache-Control: no-cache, and they are small.
import { readFileSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

const root = 'packages/dashboard';

/** Copies the page and the stylesheet next to the bundle. */
const staticFiles = {
  name: 'dashboard-static-files',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'index.html', source: readFileSync(`${root}/src/index.html`, 'utf8') });
    this.emitFile({ type: 'asset', fileName: 'assets/app.css', source: readFileSync(`${root}/src/app.css`, 'utf8') });
  },
};

export default {
  input: `${root}/src/main.ts`,
  output: { dir: `${root}/dist`, entryFileNames: 'assets/app.js', format: 'es' },
  plugins: [
    typescript({ tsconfig: `${root}/tsconfig.json`, noEmit: false, outDir: `${root}/dist`, declaration: false }),
    staticFiles,
    terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } }),
  ],
};
