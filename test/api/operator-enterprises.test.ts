import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

const operatorFile = fileURLToPath(new URL('../resolve/fixtures/operator-enterprises.json', import.meta.url));

let api: Api;
let site: TestSite;
beforeAll(async () => {
  api = await startApi({ CLEARVIEW_ENTERPRISES_FILES: ` ${operatorFile} ,` });
  site = api.addSite();
});
afterAll(() => api.stop());

describe('CLEARVIEW_ENTERPRISES_FILES', () => {
  it('resolves an address on an AS claimed by an operator enterprise file to that company', async () => {
    const res = await api.call('GET', '/api/v1/resolve?ip=129.42.1.1', { key: site.keys.read });
    expect(res.status).toBe(200);
    expect([res.body.company?.domain, res.body.reason]).toEqual(['kyndryl.com', 'enterprise']);
  });
});
