import { describe, expect, it } from 'vitest';
import { countryCode } from '../../packages/collector/src/mapping/country.js';
import { mapWebhookPayload, normalizeFieldName, parseEmployeeCount } from '../../packages/collector/src/mapping/webhook-fields.js';
import { normalizeSiteDomain } from '../../packages/collector/src/site-domain.js';

const helpers = {
  normalizeDomain: normalizeSiteDomain,
  companyDomainFromEmail: (email: string) => {
    const domain = email.split('@')[1]!;
    return domain === 'gmail.com' ? null : domain;
  },
};
const map = (payload: Record<string, unknown>) => mapWebhookPayload(payload, helpers);

describe('mapWebhookPayload', () => {
  it('maps the document example and keeps custom_field as custom metadata', () => {
    expect(
      map({
        company_name: 'Acme Corp',
        domain: 'acme.com',
        industry: 'Technology',
        employee_count: 142,
        city: 'San Francisco',
        country: 'US',
        custom_field: 'any additional data',
      }),
    ).toEqual({
      company: { name: 'Acme Corp', domain: 'acme.com', industry: 'Technology', employeeCount: 142, city: 'San Francisco', country: 'US' },
      contact: null,
      mapped: {
        company_name: 'company.name',
        domain: 'company.domain',
        industry: 'company.industry',
        employee_count: 'company.employeeCount',
        city: 'company.city',
        country: 'company.country',
      },
      custom: { custom_field: 'any additional data' },
      notes: [],
      refused: [],
    });
  });

  it('treats companyName, "Company Name" and COMPANY-NAME as the same field', () => {
    expect(map({ companyName: 'A', domain: 'a.com' }).company.name).toBe('A');
    expect(map({ 'Company Name': 'B', domain: 'a.com' }).company.name).toBe('B');
    expect(map({ 'COMPANY-NAME': 'C', domain: 'a.com' }).company.name).toBe('C');
  });

  it('prefers company_name over a bare name and keeps the loser as custom', () => {
    const result = map({ name: 'Jane Doe', company_name: 'Acme', domain: 'acme.com' });
    expect(result.company.name).toBe('Acme');
    expect(result.custom).toEqual({ name: 'Jane Doe' });
  });

  it('reduces a website URL to its domain', () => {
    expect(map({ website: 'https://www.Acme.com/about?x=1' }).company.domain).toBe('acme.com');
    expect(map({ url: 'http://shop.acme.co.uk:8080/' }).company.domain).toBe('shop.acme.co.uk');
  });

  it('files an employee range sent as employees under size', () => {
    const result = map({ domain: 'acme.com', employees: '51-200' });
    expect(result.company).toEqual({ domain: 'acme.com', size: '51-200' });
    expect(result.mapped).toEqual({ domain: 'company.domain', employees: 'company.size' });
  });

  it('turns an English country name into its ISO code and keeps an unknown one as custom with a note', () => {
    expect(map({ domain: 'a.com', country: 'Germany' }).company.country).toBe('DE');
    const unknown = map({ domain: 'a.com', country: 'Atlantis' });
    expect(unknown.company.country).toBeUndefined();
    expect(unknown.custom).toEqual({ country: 'Atlantis' });
    expect(unknown.notes).toEqual([{ field: 'country', message: 'not an ISO 3166-1 country code or English country name' }]);
  });

  it('makes a contact from email and name fields, and takes the company domain from a business email', () => {
    const result = map({ email: 'Sarah@Acme.com', first_name: 'Sarah', last_name: 'Chen', job_title: 'VP of Marketing', company: 'Acme' });
    expect(result.contact).toEqual({ email: 'sarah@acme.com', firstName: 'Sarah', lastName: 'Chen', jobTitle: 'VP of Marketing' });
    expect(result.company).toEqual({ domain: 'acme.com', name: 'Acme' });
  });

  it('keeps contact fields without an email as custom metadata', () => {
    const result = map({ domain: 'acme.com', first_name: 'Sarah' });
    expect(result.contact).toBeNull();
    expect(result.custom).toEqual({ first_name: 'Sarah' });
    expect(result.mapped).toEqual({ domain: 'company.domain' });
  });

  it('finds no domain in a payload without one or a business email', () => {
    expect(map({ company_name: 'Acme', email: 'sarah@gmail.com' }).company.domain).toBeNull();
  });

  it('keeps objects given for text fields, and a field named __proto__, as custom data', () => {
    const payload = JSON.parse('{"domain":"acme.com","industry":{"a":1},"__proto__":{"x":1}}') as Record<string, unknown>;
    const result = map(payload);
    expect(result.company).toEqual({ domain: 'acme.com' });
    expect(Object.keys(result.custom)).toEqual(['industry', '__proto__']);
    expect(Object.getPrototypeOf(result.custom)).toBe(Object.prototype);
  });
});

describe('the mapping helpers', () => {
  it('normalize field names to lower-case letters and digits', () => {
    expect(normalizeFieldName('Employee_Count')).toBe('employeecount');
  });
  it('read employee counts with thousands separators and refuse ranges', () => {
    expect(parseEmployeeCount('1,200')).toBe(1200);
    expect(parseEmployeeCount(142)).toBe(142);
    expect(parseEmployeeCount('51-200')).toBeNull();
    expect(parseEmployeeCount(-1)).toBeNull();
  });
  it('map UK to GB and names to codes', () => {
    expect(countryCode('uk')).toBe('GB');
    expect(countryCode('United States')).toBe('US');
    expect(countryCode('USA')).toBe('US');
  });
});
