import type { Express } from 'express';

/**
 * The interactive reference at /docs: one small page that renders
 * /api/v1/openapi.json with plain JavaScript. Self-contained on purpose:
 * collectors are self-hosted, often without internet, so no CDN script, and
 * no inline script either, so a strict Content-Security-Policy holds.
 */
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ClearView API reference</title>
<link rel="stylesheet" href="/docs/docs.css">
<script src="/docs/docs.js" defer></script>
</head>
<body>
<header>
  <h1>ClearView API reference</h1>
  <p id="intro">Loading <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>…</p>
  <label>API key <input id="key" type="password" autocomplete="off" placeholder="cv_live_..." size="44"></label>
  <small>Kept in this tab only (sessionStorage); sent as X-Api-Key, or Bearer for /ingest.</small>
</header>
<nav id="toc"></nav>
<main id="ops"></main>
</body>
</html>
`;

const css = `
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
header{padding:1rem 2rem;background:#14213d;color:#fff}header a{color:#9cc3ff}header input{font:inherit;margin:0 .5rem}
header small{opacity:.75}#toc{padding:.5rem 2rem;background:#e8ecf3}#toc a{margin-right:1rem;color:#14213d}
main{padding:1rem 2rem;max-width:70rem}h2{margin-top:2rem;border-bottom:1px solid #ccd}
details.op{background:#fff;border:1px solid #d5d9e2;border-radius:6px;margin:.5rem 0;padding:.25rem .75rem}
summary{cursor:pointer;font-family:ui-monospace,Menlo,monospace}.m{display:inline-block;width:4.5rem;font-weight:700}
.GET{color:#0b7a3e}.POST{color:#0b5cad}.PATCH{color:#a35d00}.DELETE{color:#b3261e}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}
pre{background:#0f1624;color:#e6edf3;padding:.75rem;border-radius:4px;overflow:auto;max-height:28rem;font-size:13px}
textarea{width:100%;font-family:ui-monospace,monospace;min-height:8rem}button{font:inherit;padding:.3rem 1rem;margin:.5rem 0}
.perm{font-size:12px;background:#eef;border-radius:3px;padding:0 .4rem;margin-left:.5rem}
`;

const js = `'use strict';
(function () {
  var keyInput = document.getElementById('key');
  keyInput.value = sessionStorage.getItem('cv-key') || '';
  keyInput.addEventListener('input', function () { sessionStorage.setItem('cv-key', keyInput.value); });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function resolveRef(spec, node) {
    while (node && node.$ref) {
      node = node.$ref.replace(/^#\\//, '').split('/').reduce(function (o, p) { return o && o[p.replace(/~1/g, '/').replace(/~0/g, '~')]; }, spec);
    }
    return node;
  }
  // Inlines $refs (one level of each name) so a schema reads as one JSON object.
  function expand(spec, node, seen) {
    if (Array.isArray(node)) return node.map(function (n) { return expand(spec, n, seen); });
    if (!node || typeof node !== 'object') return node;
    if (node.$ref) {
      if (seen.indexOf(node.$ref) >= 0) return { $ref: node.$ref };
      return expand(spec, resolveRef(spec, node), seen.concat([node.$ref]));
    }
    var out = {};
    Object.keys(node).forEach(function (k) { out[k] = expand(spec, node[k], seen); });
    return out;
  }

  function operation(spec, path, method, op) {
    var params = op.parameters || [];
    var form = el('form');
    var inputs = {};
    if (params.length) {
      var rows = params.map(function (p) {
        var s = p.schema || {};
        var input = el('input', { name: p.name, placeholder: s.default !== undefined ? String(s.default) : '' });
        inputs[p.name] = { input: input, where: p.in };
        return el('tr', {}, [el('td', {}, [el('code', { text: p.name })]), el('td', { text: p.in + (p.required ? ', required' : '') }),
          el('td', { text: (s.type || '') + (s.enum ? ' (' + s.enum.join(', ') + ')' : '') + (s.minimum !== undefined ? ' ' + s.minimum + '..' + (s.maximum !== undefined ? s.maximum : '') : '') }),
          el('td', { text: p.description || '' }), el('td', {}, [input])]);
      });
      form.appendChild(el('table', {}, [el('tr', {}, ['Parameter', 'In', 'Type', 'Description', 'Value'].map(function (h) { return el('th', { text: h }); }))].concat(rows)));
    }
    var body = null;
    var content = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    if (content) {
      body = el('textarea', {});
      body.value = JSON.stringify(content.example || {}, null, 2);
      form.appendChild(el('p', {}, [el('strong', { text: 'Request body' })]));
      form.appendChild(body);
      form.appendChild(el('details', {}, [el('summary', { text: 'Body schema' }), el('pre', { text: JSON.stringify(expand(spec, content.schema, []), null, 2) })]));
    }
    var out = el('pre', { text: '' });
    form.appendChild(el('button', { type: 'submit', text: 'Send' }));
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var url = path;
      var query = [];
      Object.keys(inputs).forEach(function (name) {
        var v = inputs[name].input.value;
        if (inputs[name].where === 'path') url = url.replace('{' + name + '}', encodeURIComponent(v));
        else if (v !== '') query.push(encodeURIComponent(name) + '=' + encodeURIComponent(v));
      });
      if (query.length) url += '?' + query.join('&');
      var headers = {};
      var key = keyInput.value.trim();
      if (key) { if (path === '/api/v1/ingest') headers.Authorization = 'Bearer ' + key; else headers['X-Api-Key'] = key; }
      var init = { method: method.toUpperCase(), headers: headers };
      if (body) { headers['Content-Type'] = 'application/json'; init.body = body.value; }
      out.textContent = method.toUpperCase() + ' ' + url + ' …';
      fetch(url, init).then(function (res) {
        return res.text().then(function (text) {
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
          var limits = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'].filter(function (h) { return res.headers.get(h); })
            .map(function (h) { return h + ': ' + res.headers.get(h); }).join('\\n');
          out.textContent = res.status + ' ' + res.statusText + '\\n' + (limits ? limits + '\\n' : '') + '\\n' + shown;
        });
      }).catch(function (error) { out.textContent = 'Request failed: ' + error; });
    });
    var responses = Object.keys(op.responses || {}).map(function (status) {
      var r = resolveRef(spec, op.responses[status]);
      var schema = r.content && r.content['application/json'] && r.content['application/json'].schema;
      return el('details', {}, [el('summary', { text: status + ' ' + (r.description || '') }),
        schema ? el('pre', { text: JSON.stringify(expand(spec, schema, []), null, 2) }) : null]);
    });
    return el('details', { class: 'op', id: op.operationId }, [
      el('summary', {}, [el('span', { class: 'm ' + method.toUpperCase(), text: method.toUpperCase() }), path + ' — ' + op.summary,
        el('span', { class: 'perm', text: op['x-permission'] === 'none' ? 'no key' : op['x-permission'] })]),
      el('p', { text: op.description || '' }), form, el('p', {}, [el('strong', { text: 'Responses' })])].concat(responses).concat([out]));
  }

  fetch('/api/v1/openapi.json').then(function (r) { return r.json(); }).then(function (spec) {
    document.getElementById('intro').textContent = spec.info.title + ' ' + spec.info.version + '. ' + spec.info.description;
    var byTag = {};
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'Other';
        (byTag[tag] = byTag[tag] || []).push(operation(spec, path, method, op));
      });
    });
    var toc = document.getElementById('toc');
    var main = document.getElementById('ops');
    (spec.tags || []).forEach(function (t) {
      if (!byTag[t.name]) return;
      var id = 'tag-' + t.name.replace(/\\W+/g, '-');
      toc.appendChild(el('a', { href: '#' + id, text: t.name }));
      main.appendChild(el('h2', { id: id, text: t.name }));
      main.appendChild(el('p', { text: t.description || '' }));
      byTag[t.name].forEach(function (node) { main.appendChild(node); });
    });
  }).catch(function (error) { document.getElementById('intro').textContent = 'Could not load the OpenAPI document: ' + error; });
})();
`;

const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function docsAssets(app: Express): void {
  const send = (type: string, body: string) => (_req: unknown, res: import('express').Response) => {
    res.set({ 'Content-Type': type, 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache' }).send(body);
  };
  app.get(['/docs', '/docs/'], send('text/html; charset=utf-8', html));
  app.get('/docs/docs.js', send('text/javascript; charset=utf-8', js));
  app.get('/docs/docs.css', send('text/css; charset=utf-8', css));
}
