// Builds the tracker twice from packages/tracker/src (`npm run build:tracker`):
//   dist/t.js    the tag, one IIFE served by the collector at /t.js; budget 1,200 B gzip -9
//                (test/tracker/size.test.ts), figures from `node bench/tracker-size.mjs`
//   dist/esm.js  init() for apps that bundle the tracker, with dist/esm.d.ts
import { resolve } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

const source = 'packages/tracker/src';
const dist = 'packages/tracker/dist';
const tsconfig = 'packages/tracker/tsconfig.json';

/** The compile-time constants declared in src/globals.d.ts, set per build (terser compress.global_defs). */
const flags = {
  tag: { LOG_IGNORED: false },
  esm: { LOG_IGNORED: true },
};

/** Ships only the public declarations: esm.d.ts and the types it re-exports. */
const publicTypesOnly = {
  name: 'public-types-only',
  generateBundle(_options, bundle) {
    for (const name of Object.keys(bundle)) {
      if (name.endsWith('.d.ts') && name != 'esm.d.ts' && name != 'types.d.ts') delete bundle[name];
    }
  },
};

export default [
  {
    input: `${source}/index.ts`,
    // The IIFE keeps every name local: `clearview` is the only global. No "use strict" (13 bytes):
    // TypeScript already rules out what sloppy mode would let through.
    output: { file: `${dist}/t.js`, format: 'iife', strict: false },
    plugins: [
      typescript({ tsconfig, declaration: false }),
      terser({
        ecma: 2020,
        toplevel: true,
        compress: { passes: 3, global_defs: flags.tag, unsafe_arrows: true, unsafe_methods: true },
        // No property mangling: the settings come from the tag's dataset and the wire keys are
        // already one letter, so there is nothing left to rename safely.
        format: { comments: false },
      }),
    ],
  },
  {
    input: `${source}/esm.ts`,
    output: { dir: dist, entryFileNames: 'esm.js', format: 'es' },
    plugins: [
      typescript({
        tsconfig,
        declaration: true,
        declarationDir: resolve(dist),
        rootDir: resolve(source),
        filterRoot: resolve('packages/tracker'),
      }),
      publicTypesOnly,
      // Left readable for the app's own bundler, which minifies anyway: only the flags are applied.
      terser({
        ecma: 2020,
        module: true,
        compress: { defaults: false, global_defs: flags.esm, dead_code: true, evaluate: true, conditionals: true },
        mangle: false,
        format: { beautify: true, comments: false },
      }),
    ],
  },
];
