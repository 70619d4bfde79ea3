import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { endpoints, openApiDocument } from '../../packages/collector/src/api/app.js';

describe('the OpenAPI document', () => {
  it('passes the Redocly recommended lint rules without errors or warnings', async () => {
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: JSON.stringify(openApiDocument()), absoluteRef: '/openapi.json', config });
    const lines = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`);
    expect(lines).toEqual([]);
  });

  it('describes every endpoint the app mounts, with its method', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    for (const endpoint of endpoints) expect(paths[endpoint.path]?.[endpoint.method.toLowerCase()], `${endpoint.method} ${endpoint.path}`).toBeDefined();
  });

  it('is version 3.1 and names the sixteen documented company fields', () => {
    const doc = openApiDocument() as { openapi: string; components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> } };
    expect(doc.openapi).toBe('3.1.0');
    const company = doc.components.schemas.Company!;
    expect(Object.keys(company.properties)).toEqual([
      'id', 'name', 'domain', 'industry', 'size', 'city', 'region', 'country', 'logoUrl', 'linkedinUrl', 'employeeCount', 'revenue', 'leadScore', 'firstSeen', 'lastSeen', 'visitorCount',
    ]);
    expect(company.required).toHaveLength(16);
  });
});
