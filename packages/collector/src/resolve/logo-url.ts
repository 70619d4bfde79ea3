import type { CompanyProfile } from './types.js';

/** The logo URL an operator's template (CLEARVIEW_LOGO_URL_TEMPLATE, e.g. https://logos.example/{domain}.png) gives a domain. */
export function logoUrlFor(template: string | null, domain: string): string | null {
  return template ? template.replace('{domain}', domain) : null;
}

export type CompanyWithLogo = CompanyProfile & { logoUrl?: string };

/**
 * Adds the template's logo URL to resolved companies. Profiles are shared by every
 * resolution naming them and never mutated, so each gets its copy with a logo once;
 * without a template the profile passes through untouched.
 */
export function companyLogos(template: string | null): (company: CompanyProfile) => CompanyWithLogo {
  if (!template) return (company) => company;
  const withLogo = new WeakMap<CompanyProfile, CompanyWithLogo>();
  return (company) => {
    let decorated = withLogo.get(company);
    if (!decorated) withLogo.set(company, (decorated = { ...company, logoUrl: logoUrlFor(template, company.domain)! }));
    return decorated;
  };
}
