import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp, openApiDocument } from '../../packages/collector/src/api/app.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Answered by server.ts before a request reaches Express, so no walk of the Express app can find them. */
const servedBeforeExpress = ['POST /api/v1/collect'];
/** The interactive reference, its assets, and the pages that lead to it or to the dashboard: pages about the API, not operations of it. */
const outsideTheDocument = [
  'GET /',
  'GET /dashboard',
  'GET /docs',
  'GET /docs/',
  'GET /docs/docs.css',
  'GET /docs/docs.js',
  'GET /docs/swagger-ui-bundle.js',
  'GET /docs/swagger-ui.css',
];

const operationMethods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];

let server: TestServer;
let documented: string[];
beforeAll(async () => {
  server = await startTestServer();
  // The document as a user fetches it from a running collector.
  const paths = ((await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }).paths;
  documented = Object.entries(paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => operationMethods.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
});
afterAll(() => server.stop());

interface RouteLike {
  path: string | string[];
  methods: Record<string, boolean>;
}

/**
 * Every "METHOD /path" the Express app routes, read from its router stack (Express 5), with
 * :param written {param} as in OpenAPI. The OPTIONS answer and the 405 catch-all that every
 * path gets are left out; a route answering all methods and nothing in particular shows as ALL.
 */
function mountedOperations(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: Array<{ route?: RouteLike; handle?: { stack?: unknown } }> } }).router.stack;
  const operations: string[] = [];
  for (const layer of stack) {
    if (!layer.route) {
      // A router mounted with app.use would hide its routes from this walk: teach the walk first.
      if (Array.isArray(layer.handle?.stack)) throw new Error('a nested router is mounted on the API app; walk it too');
      continue;
    }
    const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all' && m !== 'options');
    for (const path of [layer.route.path].flat()) {
      for (const method of methods.length > 0 ? methods : ['all']) operations.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return operations.sort();
}

describe('the OpenAPI document', () => {
  it('passes the Redocly recommended lint rules without errors or warnings', async () => {
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: JSON.stringify(openApiDocument()), absoluteRef: '/openapi.json', config });
    const lines = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`);
    expect(lines).toEqual([]);
  });

  it('documents every route the API app mounts, and documents no route but those and the beacon path', () => {
    const mounted = mountedOperations(createApiApp(server.ctx));
    expect(mounted.length).toBeGreaterThan(10);
    const mountedButUndocumented = mounted.filter((op) => !documented.includes(op) && !outsideTheDocument.includes(op));
    const documentedButNotMounted = documented.filter((op) => !mounted.includes(op) && !servedBeforeExpress.includes(op));
    const beforeExpressButUndocumented = servedBeforeExpress.filter((op) => !documented.includes(op));
    expect(mountedButUndocumented, 'mounted on the API app but not in the document').toEqual([]);
    expect(documentedButNotMounted, 'in the document but mounted neither on the API app nor before it').toEqual([]);
    expect(beforeExpressButUndocumented, 'served before Express but not in the document').toEqual([]);
  });

  it('names only operations the running collector answers, the beacon path included', async () => {
    const unanswered: string[] = [];
    for (const op of documented) {
      const [method, template] = op.split(' ') as [string, string];
      const path = template.replace(/\{\w+\}/g, 'probe');
      const hasBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
      // No key and an empty object: an operation that exists refuses it (400, 401, 403) or answers it;
      // only a path nobody routes answers 404, and only a method nobody routes answers 405.
      const res = await fetch(`${server.url}${path}`, { method, headers: hasBody ? { 'Content-Type': 'application/json' } : {}, body: hasBody ? '{}' : undefined });
      await res.arrayBuffer();
      if (res.status === 404 || res.status === 405) unanswered.push(`${op} answered ${res.status}`);
    }
    expect(documented).toEqual(expect.arrayContaining(servedBeforeExpress));
    expect(unanswered, 'documented operations the running collector does not route').toEqual([]);
  });

  it("is version 3.1 and names the sixteen documented company fields, then ClearView's watchedDomain", () => {
    const doc = openApiDocument() as { openapi: string; components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> } };
    expect(doc.openapi).toBe('3.1.0');
    const company = doc.components.schemas.Company!;
    expect(Object.keys(company.properties)).toEqual([
      'id',
      'name',
      'domain',
      'industry',
      'size',
      'city',
      'region',
      'country',
      'logoUrl',
      'linkedinUrl',
      'employeeCount',
      'revenue',
      'leadScore',
      'firstSeen',
      'lastSeen',
      'visitorCount',
      'watchedDomain',
    ]);
    expect(company.required).toHaveLength(17);
  });
});

describe('the document describes everything', () => {
  type Node = Record<string, unknown>;
  const doc = () => openApiDocument() as { paths: Record<string, Record<string, Node>>; components: { schemas: Record<string, Node> } };

  it('types every whole-number query parameter as an integer', () => {
    const params = doc().paths['/api/v1/companies']!.get!.parameters as { name: string; schema: Node }[];
    for (const name of ['page', 'limit', 'min_score']) expect(params.find((p) => p.name === name)!.schema.type).toBe('integer');
  });

  it('describes every parameter and every field', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${where}[${i}]`));
      if (!node || typeof node !== 'object') return;
      const { properties } = node as Node;
      if (properties && typeof properties === 'object') {
        for (const [field, schema] of Object.entries(properties as Record<string, Node>)) if (!schema.description) missing.push(`${where}.${field}`);
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${where}/${key}`);
    };
    for (const [path, methods] of Object.entries(doc().paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const p of (op.parameters ?? []) as Node[]) if (!p.description) missing.push(`${method} ${path} ${String(p.name)}`);
        walk(op, `${method} ${path}`);
      }
    }
    walk(doc().components.schemas, 'components');
    expect(missing).toEqual([]);
  });
});
