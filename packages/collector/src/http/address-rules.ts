import { BlockList, isIP } from 'node:net';

/**
 * Which addresses ClearView may send a request to (webhooks, Slack, later callbacks):
 * pure rules, no I/O. Each range names why it is refused, and the reason reaches the
 * user when a URL is refused, never the address a name resolved to.
 */

type Range = [network: string, prefix: number];

const ipv4Rules: Array<[reason: string, ranges: Range[]]> = [
  // 0.0.0.0 reaches this host on most systems; the whole 0/8 is "this network".
  ['an unspecified address', [['0.0.0.0', 8]]],
  ['a loopback address', [['127.0.0.0', 8]]],
  // RFC 1918: the operator's own network, where internal services listen.
  [
    'a private address',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  // Cloud metadata services (169.254.169.254) hand out credentials to whoever asks.
  ['a link-local address', [['169.254.0.0', 16]]],
  // Carrier-grade NAT: another customer's side of the provider's network.
  ['a shared (CGNAT) address', [['100.64.0.0', 10]]],
  ['a multicast address', [['224.0.0.0', 4]]],
  // Protocol assignments, documentation, 6to4 relays, benchmarking, class E and broadcast: no receiver lives there.
  [
    'a reserved address',
    [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['192.88.99.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
    ],
  ],
];

const ipv6Rules: Array<[reason: string, ranges: Range[]]> = [
  ['an unspecified address', [['::', 128]]],
  ['a loopback address', [['::1', 128]]],
  // ::ffff:127.0.0.1 is 127.0.0.1 to the socket: a mapped address is refused whatever it maps.
  ['an IPv4-mapped IPv6 address', [['::ffff:0:0', 96]]],
  // NAT64, 6to4, Teredo and IPv4-compatible forms carry an IPv4 address a gateway may reach.
  [
    'an IPv6 address that embeds an IPv4 address',
    [
      ['::', 96],
      ['64:ff9b::', 96],
      ['64:ff9b:1::', 48],
      ['2002::', 16],
      ['2001::', 32],
    ],
  ],
  ['a unique local (private) address', [['fc00::', 7]]],
  [
    'a link-local address',
    [
      ['fe80::', 10],
      ['fec0::', 10],
    ],
  ],
  ['a multicast address', [['ff00::', 8]]],
  [
    'a reserved address',
    [
      ['100::', 64],
      ['2001:db8::', 32],
    ],
  ],
];

function compile(rules: Array<[string, Range[]]>, type: 'ipv4' | 'ipv6'): Array<[string, BlockList]> {
  return rules.map(([reason, ranges]) => {
    const list = new BlockList();
    for (const [network, prefix] of ranges) list.addSubnet(network, prefix, type);
    return [reason, list];
  });
}

const ipv4Lists = compile(ipv4Rules, 'ipv4');
const ipv6Lists = compile(ipv6Rules, 'ipv6');
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** Why a request to this IP address is refused, or null when it is a public unicast address. Not an address at all: refused. */
export function addressRefusal(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return ipv4Lists.find(([, list]) => list.check(bare, 'ipv4'))?.[0] ?? null;
  if (version === 6) {
    const refused = ipv6Lists.find(([, list]) => list.check(bare, 'ipv6'))?.[0];
    if (refused) return refused;
    // Only 2000::/3 is allocated for global unicast; the rest of the space is reserved.
    return globalUnicast.check(bare, 'ipv6') ? null : 'a reserved address';
  }
  return 'not an IP address';
}
