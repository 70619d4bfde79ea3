// ESLint 9 flat config. Rules are picked to catch defects (promises nobody awaits or voids, `any`
// leaking through, dead variables and casts), not to police taste: layout is Prettier's job, and
// eslint-config-prettier, last, turns off every rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = [
  'error',
  // A leading underscore marks a name unused on purpose (a callback's required parameter, a skipped tuple slot).
  { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
];

// @typescript-eslint/no-unnecessary-type-assertion, reporting casts (`x as T`) only. The house writes `xs[i]!`
// on index reads as if noUncheckedIndexedAccess were on; with it off, TypeScript calls each such `!` unnecessary
// (75 of the rule's 93 first findings). A cast that changes nothing is still reported: it would hide a later type change.
const unnecessaryTypeAssertion = tseslint.plugin.rules['no-unnecessary-type-assertion'];
const local = {
  rules: {
    'no-unnecessary-cast': {
      ...unnecessaryTypeAssertion,
      create(context) {
        const castsOnly = Object.create(context, {
          report: { value: (descriptor) => descriptor.node?.type === 'TSNonNullExpression' || context.report(descriptor) },
        });
        return unnecessaryTypeAssertion.create(castsOnly);
      },
    },
  },
};

export default defineConfig(
  // node_modules/ is ignored by default; packages/collector/data/ is generated.
  { ignores: ['**/dist/', '**/data/', '.bench/', 'coverage/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // TypeScript: the type-aware recommended set. Each file is checked against the tsconfig.json nearest it
  // (packages/tracker with the DOM lib, packages/collector with Node's, test/), as tsc itself does.
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    plugins: { local },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'local/no-unnecessary-cast': 'error',
      // Re-rejecting what a catch caught is the point of `catch (err) { return Promise.reject(err) }`: allow unknown, not literals.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `async` without `await` is how this code gives a function a promise-returning contract (a sync throw becomes a
      // rejection; fakes match the real lookup's signature). The defects are caught by no-floating-promises/no-misused-promises.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // vitest.config.ts's nearest tsconfig.json is the root one, which (having no `include`) would make a program of the
  // whole tree just for this file: about 10 s of every run. It is plain configuration, so it gets the syntax-only rules.
  { files: ['vitest.config.ts'], extends: [tseslint.configs.disableTypeChecked], rules: { 'local/no-unnecessary-cast': 'off' } },

  // Tests read HTTP and CLI JSON as `any` and assert on it: the expect() calls are the type check there, so the
  // no-unsafe-* family (three hundred findings, all of that shape) and no-explicit-any stay on for source only.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain JavaScript: bench/*.mjs, packages/collector/scripts, the CLI shim, rollup.config.mjs. Node globals; no type information.
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      'no-unused-vars': unusedVars,
    },
  },
  // The SPA page the end-to-end test loads runs in the browser.
  { files: ['test/fixtures/**/*.js'], languageOptions: { globals: globals.browser } },

  prettier,
);
