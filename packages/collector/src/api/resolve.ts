import { z } from 'zod';
import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { normalizeIp } from '../resolve/ip.js';
import { normalizeSiteDomain } from '../site-domain.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { contactModel, errorModel, visitorModel } from './models.js';
import { renderContact, renderVisitor } from './render.js';
import { parseQuery } from './schemas.js';

export const resolveQuery = z.strictObject({
  ip: z.string().max(100, 'ip must be at most 100 characters').optional().describe('IPv4 or IPv6 address to resolve to a person and company'),
  domain: z.string().max(300, 'domain must be at most 300 characters').optional().describe('Company domain to look up its visitors and contacts'),
});

const personModel = z.object({
  upId: z.string().describe('Our contact id (the same id as in /companies/{id} contacts)'),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  businessEmail: z.string(),
  jobTitle: z.string().nullable(),
  seniority: z.string().nullable(),
  linkedinUrl: z.string().nullable(),
});

export const resolveIpModel = z.object({
  company: z
    .object({
      id: z.string().nullable().describe('The company id on this site, when the site has seen or ingested it'),
      name: z.string(),
      domain: z.string(),
      industry: z.string().describe('"" when unknown'),
      employeeCount: z.int().nullable(),
      revenue: z.string().nullable(),
    })
    .nullable()
    .describe('null when the address resolves to no company (an ISP, a mobile carrier, a private address...)'),
  person: personModel.nullable().describe('The contact who identified from this address most recently; null when none is known'),
  isBot: z.boolean().describe('Hosting, cloud or VPN network, or a visitor from this address flagged as a bot'),
  ip: z.string().describe('The address, normalized'),
  network: z.object({
    asn: z.int().nullable(),
    organization: z.string().nullable(),
    kind: z.string().describe('business, isp, mobile, hosting, cdn, vpn, education, government or unknown'),
    country: z.string().nullable(),
  }),
  reason: z.string().describe('Why the address resolved as it did: identity, enterprise, rdns, not_company, no_match, reserved, ...'),
});

export const resolveDomainModel = z.object({
  company: z.object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    leadScore: z.int().min(0).max(100),
    pageViews: z.int().min(0),
    visitorCount: z.int().min(0),
  }),
  contacts: z.array(contactModel),
  visitors: z.array(visitorModel).describe("The company's 100 most recently seen visitors"),
});

async function resolveIp(ctx: AppContext, siteId: string, ip: string): Promise<z.infer<typeof resolveIpModel>> {
  const r = ctx.resolver.resolve(siteId, ip);
  const [row, facts] = await Promise.all([
    r.company ? ctx.reads.run('getCompanyByDomain', siteId, r.company.domain) : null,
    ctx.reads.run('findAddressFacts', siteId, ip),
  ]);
  const company = r.company
    ? {
        id: row?.id ?? null,
        name: row?.name ?? r.company.name ?? r.company.domain,
        domain: r.company.domain,
        industry: row?.industry ?? r.company.industry ?? '',
        employeeCount: row?.employee_count ?? r.company.employeeCount ?? null,
        revenue: row?.revenue ?? r.company.revenue ?? null,
      }
    : null;
  const contact = facts.contactId ? await ctx.reads.run('getContact', siteId, facts.contactId) : null;
  // The site's own identity data names a person or company there: not a bot, whatever the network.
  const hosting = r.hostingSignal && r.source !== 'identity';
  return {
    company,
    person: contact
      ? {
          upId: contact.id,
          firstName: contact.first_name,
          lastName: contact.last_name,
          businessEmail: contact.email,
          jobTitle: contact.job_title,
          seniority: contact.seniority,
          linkedinUrl: contact.linkedin_url,
        }
      : null,
    isBot: hosting || facts.isBot,
    ip: r.ip,
    network: { asn: r.asn, organization: r.asOrg, kind: r.networkKind, country: r.country },
    reason: r.reason,
  };
}

export const resolveEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/resolve',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(resolveQuery, req.query);
      if ((query.ip === undefined) === (query.domain === undefined)) {
        throw badRequest('Give exactly one of ip or domain, e.g. ?ip=203.0.113.42 or ?domain=acme.com');
      }
      const { siteId } = callerOf(res);
      if (query.ip !== undefined) {
        const ip = normalizeIp(query.ip.trim());
        if (!ip)
          throw badRequest(`ip must be an IPv4 or IPv6 address such as 203.0.113.42, got "${query.ip.slice(0, 60)}"`, [{ field: 'ip', message: 'not an IP address' }]);
        res.json(await resolveIp(ctx, siteId, ip));
        return;
      }
      const domain = normalizeSiteDomain(query.domain!);
      if (!domain)
        throw badRequest(`domain must be a domain name such as acme.com, got "${query.domain!.slice(0, 60)}"`, [{ field: 'domain', message: 'not a domain name' }]);
      const row = await ctx.reads.run('getCompanyByDomain', siteId, domain);
      if (!row) throw notFound(`No company with domain "${domain}" has been seen or ingested on this site`);
      const [contacts, visitors] = await Promise.all([ctx.reads.run('listCompanyContacts', siteId, row, 100), ctx.reads.run('listCompanyVisitors', siteId, row.id, 100)]);
      res.json({
        company: { id: row.id, name: row.name ?? row.domain, domain: row.domain, leadScore: row.lead_score, pageViews: row.page_views, visitorCount: row.visitor_count },
        contacts: contacts.map(renderContact),
        visitors: visitors.map(renderVisitor),
      });
    },
    doc: {
      tag: 'Resolve',
      summary: 'Resolve an IP address or look up a domain',
      description:
        "Give exactly one of `ip` or `domain`. `ip` answers the company behind the address (from the site's identity data and the resolution engine), the person who identified from it most recently, and whether it looks like a bot. `domain` answers the company with its known contacts and visitors; an unknown domain is 404.",
      query: resolveQuery,
      responses: {
        200: { description: 'With ip: the resolution. With domain: the company, contacts and visitors.', schema: z.union([resolveIpModel, resolveDomainModel]) },
        404: { description: 'domain: no such company on this site', schema: errorModel },
      },
    },
  },
];
