import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Express, Response } from 'express';

/**
 * The interactive reference at /docs: Swagger UI (swagger-ui-dist, served from node_modules)
 * rendering /api/v1/openapi.json. No CDN, since collectors are self-hosted and often offline,
 * and no inline script or style, so the strict Content-Security-Policy below holds.
 */
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The data credits each licence asks for where its results are shown (/resolve answers from this data). */
const credits = `IP-to-AS data: <a href="https://www.routeviews.org/">Route Views</a>, <a href="https://db-ip.com">IP Geolocation by DB-IP</a> and the
<a href="https://www.nro.net/">Number Resource Organization</a>, licensed under <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>,
merged by <a href="https://github.com/sapics/ip-location-db">ip-location-db</a>. Country data: geofeeds and the RIRs' WHOIS data,
<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a> by the <a href="https://www.nro.net/">NRO</a>.
ClearView is MIT-licensed; this reference is rendered by <a href="https://github.com/swagger-api/swagger-ui">Swagger UI</a> (Apache-2.0).`;

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ClearView API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="stylesheet" href="/docs/docs.css">
<script src="/docs/swagger-ui-bundle.js" defer></script>
<script src="/docs/docs.js" defer></script>
</head>
<body>
<div id="swagger-ui"><p class="loading">Loading the API reference from <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>…</p></div>
<footer id="credits"><p>${credits}</p></footer>
</body>
</html>
`;

// Swagger UI lays out for wide screens: at phone widths its long inputs and code would overflow the page.
const css = `
body{margin:0;background:#fff}
.loading{font:15px system-ui,sans-serif;padding:1rem}
#credits{font:13px/1.5 system-ui,sans-serif;color:#3b4151;border-top:1px solid #d8dde7;margin:2rem auto 0;padding:1rem 20px 2rem;max-width:1420px;box-sizing:border-box}
#credits a{color:#4990e2}
.swagger-ui input,.swagger-ui select,.swagger-ui textarea{max-width:100%;box-sizing:border-box}
.swagger-ui pre,.swagger-ui .microlight{overflow-x:auto;white-space:pre-wrap;word-break:break-word}
@media (max-width:600px){
  .swagger-ui .wrapper{padding:0 10px}
  .swagger-ui .info .title{font-size:24px}
  .swagger-ui .opblock .opblock-summary{flex-wrap:wrap}
  .swagger-ui .opblock .opblock-summary-path{max-width:100%;word-break:break-all}
  .swagger-ui table.parameters td,.swagger-ui table.parameters th{display:block;width:auto;padding:4px 0}
  .swagger-ui .parameters-col_description input{width:100%}
  .swagger-ui .auth-container input{width:100%;min-width:0}
  .swagger-ui .dialog-ux .modal-ux{width:95%;min-width:0}
  .swagger-ui .scheme-container .schemes{flex-wrap:wrap}
  .swagger-ui .servers,.swagger-ui .servers>label{max-width:100%;margin-right:0}
  .swagger-ui .servers select{width:100%}
}
`;

const js = `'use strict';
window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // The public validator is a network call to swagger.io: off, for offline collectors and the CSP.
    validatorUrl: null,
    tryItOutEnabled: true,
    // Keys typed into Authorize stay in this tab's memory: never in storage.
    persistAuthorization: false,
    defaultModelsExpandDepth: 0,
    docExpansion: 'list',
  });
});
`;

const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function docsAssets(app: Express): void {
  const send = (type: string, body: string) => (_req: unknown, res: Response) => {
    res.set({ 'Content-Type': type, 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache' }).send(body);
  };
  app.get(['/docs', '/docs/'], send('text/html; charset=utf-8', html));
  app.get('/docs/docs.js', send('text/javascript; charset=utf-8', js));
  app.get('/docs/docs.css', send('text/css; charset=utf-8', css));
  for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
    const path = join(swaggerDir, file);
    // The file changes only with the package: a day of caching spares a phone its megabytes on every visit.
    app.get(`/docs/${file}`, (_req, res, next) =>
      res.set('Content-Security-Policy', csp).sendFile(path, { maxAge: '1d', cacheControl: true }, (error) => error && next(error)),
    );
  }
}
