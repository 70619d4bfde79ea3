/**
 * Trust follows the credential (migration 013). Bit i of a row's trusted_fields is set
 * when field i holds a value from a trusted source: ingest, the webhook secret or an API
 * key. Data that arrives with only the public site key (webhook X-Site-Key, identify
 * beacons) may create records and fill fields, but never replaces a trusted value: the
 * site key sits in every tracked page, so anyone can send with it.
 */
export type FieldSource = 'trusted' | 'site_key';

/** A field as [named parameter, column]; its index in the list is its bit. */
export type TrustField = readonly [param: string, column: string];

export const companyTrustFields: readonly TrustField[] = [
  ['name', 'name'],
  ['industry', 'industry'],
  ['size', 'size'],
  ['employeeCount', 'employee_count'],
  ['revenue', 'revenue'],
  ['city', 'city'],
  ['region', 'region'],
  ['country', 'country'],
  ['linkedinUrl', 'linkedin_url'],
  ['logoUrl', 'logo_url'],
];

export const contactTrustFields: readonly TrustField[] = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['jobTitle', 'job_title'],
  ['seniority', 'seniority'],
  ['department', 'department'],
  ['phone', 'phone'],
  ['linkedinUrl', 'linkedin_url'],
  ['companyName', 'company_name'],
  ['companyDomain', 'company_domain'],
];

/** The bits a write from `source` marks trusted: the fields it sends, when the source is trusted; none from the site key. */
export function trustBits(fields: readonly TrustField[], values: Record<string, unknown>, source: FieldSource): number {
  if (source === 'site_key') return 0;
  let bits = 0;
  fields.forEach(([param], i) => {
    if (values[param] != null) bits |= 1 << i;
  });
  return bits;
}

/**
 * The SET list that writes `fields` from `source`; `incoming(param)` is the SQL for the new
 * value (a named parameter, or excluded.column in an upsert). An absent (NULL) value keeps
 * what is stored. A trusted source replaces any value: it is the customer's own data. The
 * site key replaces only values no trusted source wrote. @trustBits are the fields marked
 * trusted by this write (trustBits above).
 */
export function trustedSetList(fields: readonly TrustField[], source: FieldSource, incoming: (param: string, column: string) => string): string {
  const sets = fields.map(([param, column], i) =>
    source === 'trusted'
      ? `${column} = COALESCE(${incoming(param, column)}, ${column})`
      : `${column} = CASE WHEN trusted_fields & ${1 << i} THEN ${column} ELSE COALESCE(${incoming(param, column)}, ${column}) END`,
  );
  sets.push('trusted_fields = trusted_fields | @trustBits');
  return sets.join(', ');
}
