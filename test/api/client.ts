import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../packages/collector/src/api/app.js';
import { startTestServer, type TestServer, type TestSite } from '../helpers/server.js';

type Json = Record<string, any>;

const spec = openApiDocument() as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
ajv.addFormat('email', true);
ajv.addSchema(spec, 'spec');

const templates = Object.keys(spec.paths as Json).map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
}));

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks an answer against the OpenAPI document: the operation's response for
 * this status (or the error schema for paths and methods it does not know).
 * Returns the problems, empty when the answer conforms.
 */
export function conformanceProblems(method: string, path: string, status: number, contentType: string | null, body: unknown): string[] {
  const match = templates.find((t) => t.regex.test(path));
  const operation = match ? (spec.paths[match.template] as Json)[method.toLowerCase()] : undefined;
  let ref: string;
  if (!operation || status === 404 || status === 405) {
    if (status < 400) return [`${method} ${path} answered ${status} but the document has no such operation`];
    ref = 'spec#/components/schemas/Error';
  } else {
    const responses = operation.responses as Json;
    if (!responses[String(status)]) return [`${method} ${match!.template} answered ${status}, which the document does not list`];
    let response = responses[String(status)] as Json;
    let base = `spec#/${pointer('paths', match!.template, method.toLowerCase(), 'responses', String(status))}`;
    if (response.$ref) {
      base = `spec${response.$ref}`;
      response = (response.$ref as string)
        .slice(2)
        .split('/')
        .reduce((o: Json, p: string) => o[p], spec);
    }
    if (!response.content) return [];
    ref = `${base}/content/${pointer('application/json')}/schema`;
  }
  if (!contentType?.startsWith('application/json')) return [`${method} ${path} ${status}: content type ${contentType}, not JSON`];
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${method} ${path} ${status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  key?: string;
  /** Send the key as Authorization: Bearer instead of X-Api-Key. */
  bearer?: boolean;
  headers?: Record<string, string>;
  body?: unknown;
  /** A body sent as is (for malformed JSON). */
  raw?: string;
  /** Skip the conformance check (for answers on purpose outside the API, like /docs). */
  unchecked?: boolean;
}

export interface Api {
  server: TestServer;
  url: string;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  addSite(domains?: string[]): TestSite;
  stop(): Promise<void>;
}

/** A real collector and a client whose every answer is checked against the OpenAPI document. */
export async function startApi(env: Record<string, string> = {}, options: Parameters<typeof startTestServer>[0] = {}): Promise<Api> {
  const server = await startTestServer({ ...options, env: { ...env, ...options.env } });
  return {
    server,
    url: server.url,
    addSite: (domains = ['example.com']) => server.addSite({ domains }),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key !== undefined) {
        if (options.bearer) headers.Authorization = `Bearer ${options.key}`;
        else headers['X-Api-Key'] = options.key;
      }
      let body: string | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      if (res.headers.get('content-type')?.startsWith('application/json') && text !== '') parsed = JSON.parse(text);
      if (!options.unchecked && method !== 'HEAD' && res.status !== 204) {
        const problems = conformanceProblems(method, path.split('?')[0]!, res.status, res.headers.get('content-type'), parsed);
        if (problems.length > 0) throw new Error(`Answer does not conform to the OpenAPI document:\n${problems.join('\n')}\nBody: ${text.slice(0, 2000)}`);
      }
      return { status: res.status, headers: res.headers, body: parsed as any };
    },
    stop: () => server.stop(),
  };
}

/** The error body every error has. */
export function expectErrorShape(body: any, status: number): void {
  if (!body || typeof body !== 'object' || !body.error) throw new Error(`not an error body: ${JSON.stringify(body)}`);
  const { code, message, status: s } = body.error;
  if (s !== status || typeof code !== 'string' || typeof message !== 'string' || message.length === 0) {
    throw new Error(`bad error body for ${status}: ${JSON.stringify(body)}`);
  }
}
