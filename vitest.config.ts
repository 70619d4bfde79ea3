import { defineConfig } from 'vitest/config';

// Two projects because the tracker runs in a browser-like DOM while the
// collector needs Node's real sockets, files and native SQLite module.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'tracker',
          include: ['test/tracker/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'collector',
          include: ['test/**/*.test.ts'],
          exclude: ['test/tracker/**', 'node_modules/**'],
          environment: 'node',
          // better-sqlite3 is a native addon: forks keep each file's handle in its own process.
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
