import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { companyDomainFromPtr } from '../../packages/collector/src/resolve/ptr.js';
import type { NetworkKind } from '../../packages/collector/src/resolve/types.js';

const shipped = JSON.parse(readFileSync(new URL('../../packages/collector/data/networks/ptr-domains.json', import.meta.url), 'utf8')) as {
  domains: Record<string, NetworkKind>;
};
const providers = new Map(Object.entries(shipped.domains));
const v4 = (a: number, b: number, c: number, d: number) => new Uint8Array([a, b, c, d]);

describe('companyDomainFromPtr', () => {
  it('maps a corporate PTR name to its registrable domain', () => {
    expect(companyDomainFromPtr('gw1.nyc.example.com', providers)).toEqual({ domain: 'example.com' });
    expect(companyDomainFromPtr('GW1.NYC.Example.COM.', providers)).toEqual({ domain: 'example.com' });
    expect(companyDomainFromPtr('vpn-egress.lon.initech.co.uk', providers)).toEqual({ domain: 'initech.co.uk' });
    expect(companyDomainFromPtr('example.com', providers)).toEqual({ domain: 'example.com' });
  });

  it('ignores names under known ISP, carrier, cloud and CDN domains', () => {
    for (const name of [
      'c-73-22-1-5.hsd1.ma.comcast.net',
      'pool-71-1-2-3.nycmny.fios.verizon.net',
      'cpe-1-2-3-4.nyc.res.rr.com',
      'ec2-54-1-2-3.compute-1.amazonaws.com',
      '3.2.1.34.bc.googleusercontent.com',
      'p5b1c2d3e.dip0.t-ipconnect.de',
      'host81-1-1-1.range81-1.btcentralplus.com',
      'server-13-32-1-1.fra56.r.cloudfront.net',
      'lfbn-idf1-1-2-3.w86-1.abo.wanadoo.fr',
      'anything.retail.telecomitalia.it',
      'ns1.comcast.net',
    ]) {
      expect(companyDomainFromPtr(name, providers), name).toEqual({ ignored: 'provider_domain' });
    }
  });

  it('ignores names that spell out the address', () => {
    expect(companyDomainFromPtr('203-0-113-9.smallisp.example', providers)).toEqual({ ignored: 'no_domain' });
    expect(companyDomainFromPtr('ip-203-0-113-9.smallisp.com', providers)).toEqual({ ignored: 'ip_embedded' });
    expect(companyDomainFromPtr('9.113.0.203.in.smallisp.com', providers)).toEqual({ ignored: 'ip_embedded' });
    expect(companyDomainFromPtr('cb00710a.smallisp.com', providers, v4(203, 0, 113, 10))).toEqual({ ignored: 'ip_embedded' });
    expect(companyDomainFromPtr('h203000113010.smallisp.com', providers, v4(203, 0, 113, 10))).toEqual({ ignored: 'ip_embedded' });
    expect(companyDomainFromPtr('2001-db8-0-0-1.smallisp.com', providers)).toEqual({ ignored: 'ip_embedded' });
  });

  it('ignores names with ISP words as whole tokens', () => {
    for (const name of [
      'dynamic.smallisp.com',
      'dsl-12.smallisp.com',
      'static.acme-hosting-42.com',
      'customer.example.org',
      'pool.nyc.example.com',
      'dhcp-17.campus.example.net',
      'broadband.x.example.com',
      'ppp1.example.com',
    ]) {
      expect(companyDomainFromPtr(name, providers), name).toEqual({ ignored: 'isp_word' });
    }
    // Tokens, not substrings: "liverpool" holds "pool", "dslr" holds "dsl".
    expect(companyDomainFromPtr('liverpool.example.com', providers)).toEqual({ domain: 'example.com' });
    expect(companyDomainFromPtr('dslr-lab.example.com', providers)).toEqual({ domain: 'example.com' });
  });

  it('ignores provider-looking registrable domains no list knows', () => {
    expect(companyDomainFromPtr('gw.fastcable.net', providers)).toEqual({ ignored: 'provider_name' });
    expect(companyDomainFromPtr('r1.ruraltelecom.com', providers)).toEqual({ ignored: 'provider_name' });
  });

  it('rejects names with no public registrable domain', () => {
    expect(companyDomainFromPtr('', providers)).toEqual({ ignored: 'invalid' });
    expect(companyDomainFromPtr('x'.repeat(300), providers)).toEqual({ ignored: 'invalid' });
    expect(companyDomainFromPtr('localhost', providers)).toEqual({ ignored: 'no_domain' });
    expect(companyDomainFromPtr('router.lan', providers)).toEqual({ ignored: 'no_domain' });
    expect(companyDomainFromPtr('192.0.2.1', providers)).toEqual({ ignored: 'no_domain' });
  });
});
