import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Express, Request, Response } from 'express';
import { serviceUnavailable } from '../errors.js';

/**
 * The dashboard's policy: its own scripts, styles and API only, images from itself or data:
 * URLs, never framed. No inline script or style is allowed, so a value that slipped into the
 * page as markup could still not run.
 */
export const dashboardCsp = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

/**
 * Serves the built dashboard (packages/dashboard/dist) at /dashboard/: its assets by name,
 * and index.html for every other path below it, as the pages are routed in the browser.
 * Files are read once and kept: the build is a few small files.
 */
export function dashboardFiles(app: Express, dir: string): void {
  const cache = new Map<string, Buffer | null>();
  const file = (name: string): Buffer | null => {
    if (!cache.has(name)) {
      try {
        cache.set(name, readFileSync(join(dir, name)));
      } catch {
        cache.set(name, null);
      }
    }
    return cache.get(name)!;
  };
  const send = (res: Response, name: string, body: Buffer) => {
    const type = types[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
    res
      .set({
        'Content-Type': type,
        'Content-Security-Policy': dashboardCsp,
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
        // Assets keep their names across builds: the browser asks again, and the answer is small.
        'Cache-Control': 'no-cache',
      })
      .send(body);
  };

  app.get('/', (_req, res) => res.redirect(302, '/dashboard/'));
  // Express matches /dashboard/ here too (routing is not strict): only the bare path is redirected.
  app.get('/dashboard', (req, res, next) => (req.path === '/dashboard' ? res.redirect(301, '/dashboard/') : next()));
  app.use('/dashboard', (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const asset = /^\/assets\/([a-z0-9-]+\.(?:js|css|svg))$/.exec(req.path)?.[1];
    if (asset) {
      const body = file(`assets/${asset}`);
      return body ? send(res, asset, body) : next();
    }
    if (req.path.startsWith('/assets/')) return next();
    const page = file('index.html');
    if (!page) throw serviceUnavailable('The dashboard is not built: run npm run build', 60);
    send(res, 'index.html', page);
  });
}
