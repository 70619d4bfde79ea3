// Is an autonomous system a company's own network, or an ISP, carrier, host,
// CDN, VPN or school whose addresses say nothing about which company a
// visitor works for? Pure: data comes in through `curated`.
//
// The costly mistake is calling a residential or mobile visitor a company, so
// every rule leans towards "not a company" and nothing here ever says
// "business" from a name alone: only the curated enterprise table does.

import type { NetworkKind } from './types.js';

export interface CuratedNetworks {
  /** AS number -> kind, from packages/collector/data/networks/*.json (never 'business' or 'unknown'). */
  kinds: ReadonlyMap<number, NetworkKind>;
  /** AS numbers of the curated enterprise table (asn-table.json and operator files). */
  enterprise: ReadonlySet<number> | ReadonlyMap<number, unknown>;
}

export interface Classification {
  kind: NetworkKind;
  /** Which rule decided, e.g. 'curated:isp', 'enterprise_table', 'name:hosting', 'no_rule'. */
  rule: string;
}

interface NameRule {
  rule: string;
  kind: NetworkKind;
  pattern: RegExp;
}

// Name rules, tried in order on the organization name. Order matters: the
// more specific kinds come first because names mix words ("Vodafone Data",
// "University Network", "VPN hosting").
const NAME_RULES: readonly NameRule[] = [
  // VPN and proxy providers first: they are usually registered as hosting
  // companies, but their traffic is people hiding their origin, so "vpn" is the
  // truer label. Brands are the big consumer VPNs whose ASes carry their name.
  {
    rule: 'name:vpn',
    kind: 'vpn',
    pattern:
      /\bvpn\b|\bproxy\b|\bproxies\b|nordvpn|expressvpn|surfshark|mullvad|private internet access|ipvanish|windscribe|cyberghost|purevpn|hide\.me|\bproton ag\b|packethub|tefincom/,
  },
  // CDNs and edge networks: client addresses there are proxies (iCloud Private
  // Relay runs on Akamai, Cloudflare and Fastly), edge workers or prefetchers.
  {
    rule: 'name:cdn',
    kind: 'cdn',
    pattern:
      /\bcdn\b|cdn77|content deliver|cloudflare|akamai|fastly|edgecast|edgio|limelight|stackpath|highwinds|incapsula|imperva|bunnyway|bunnycdn|keycdn|cachefly|medianova|chinacache|wangsu|chinanetcenter|cdnetworks/,
  },
  // The big clouds by brand: their AS names ("Amazon.com, Inc.", "Google LLC",
  // "Microsoft Corporation") carry no hosting word, yet most traffic from them
  // is servers, crawlers and headless browsers. A company's own corporate AS
  // under such a brand is exempted through the curated enterprise table.
  {
    rule: 'name:cloud_brand',
    kind: 'hosting',
    pattern:
      /\bamazon\b|\bgoogle\b|\bmicrosoft\b|\balibaba\b|\baliyun\b|\btencent\b|\bbaidu\b|huawei cloud|huawei international|oracle cloud|oracle public cloud|\bibm cloud\b|\bsoftlayer\b/,
  },
  // Generic hosting vocabulary: servers rent these addresses, people do not
  // browse from them. "cloud" and "data center" also catch small regional
  // clouds whose names are otherwise unknown to us.
  {
    rule: 'name:hosting',
    kind: 'hosting',
    pattern:
      /hosting|\bhoster\b|\bhost(s|ers)?\b|webhost|hostpapa|hostroyale|hostline|liquid web|datapipe|databank|internap|flexential|cologix|tierpoint|lightedge|\bntirety\b|quickpacket|peg tech|plusserver|\bequinix\b|\bxneelo\b|\baruba s\.p\.a\b|\bservers?\b|\bvps\b|\bvds\b|data ?cent(er|re)s?|datacent|\bcolo(cation)?\b|colocrossing|\bcloud\b|\bclouds\b|dedicated|\biaas\b|\bcompute\b|web services|digitalocean|\blinode\b|\bvultr\b|constant company|\bchoopa\b|hetzner|\bovh\b|leaseweb|contabo|scaleway|hostinger|godaddy|rackspace|\bionos\b|netcup|hivelocity|quadranet|psychz|\bm247\b|datacamp|clouvider|zenlayer|\bucloud\b|upcloud|kamatera|\bgcore\b|g-core|selectel|timeweb|\bbeget\b|frantech|racknerd|\bxtom\b|latitude\.sh|worldstream|\bnforce\b|serverius|\biomart\b/,
  },
  // Universities, schools and national research and education networks
  // (NRENs): students and staff, not a company's employees.
  {
    rule: 'name:education',
    kind: 'education',
    pattern:
      /universit|universidad|universidade|universita|\buniv\b|hochschule|college|\bschools?\b|school district|polytechn|politecn|politechn|institute of technology|\binstituto? (federal|tecnologico|nacional)|\bacadem(y|ic|ia)\b|research (and|&) education|education (and|&) research|education network|research network|national laborator|\blaboratory\b|research institute|research organi[sz]ation|scientific|nuclear research|\bcern\b|\besnet\b|ministry of education|department of education|board of education|\bk-?12\b|lyc[eé]e|\bescola\b|\bescuela\b|\bcolegio\b|\bliceo\b|forschungsnetz|\bnren\b|\bgeant\b|\bcernet\b|\baarnet\b|\bcanarie\b|\bjisc\b|\brenater\b|\bgarr\b|\brediris\b|\bsurfnet\b|\bsunet\b|\bnordunet\b|internet2|\bcenic\b|\bkreonet\b|\bernet\b|\brnp\b/,
  },
  // Public administration and the military. Not "not a company" (an agency
  // can be a buyer), but never a company by name: only reverse DNS or the
  // site's own identity data can say which agency.
  {
    rule: 'name:government',
    kind: 'government',
    pattern:
      /\bgovernment\b|\bgov(t)?\b|ministry|ministerio|minist[eè]re|ministerium|bundesamt|\bdep(artmen)?t\.? of\b|\bagency\b|national institutes of health|\bprovince of\b|\bcommission\b|ministerie|shared services canada|\bdod\b|\bcounty of\b|\bcity of\b|\bstate of\b|\bcommonwealth of\b|municipal|prefecture|parliament|\bsenate\b|\barmy\b|\bnavy\b|air force|\bmilitary\b|\bpolice\b|national aeronautics/,
  },
  // Mobile carriers: subscribers sit behind carrier-grade NAT, thousands per
  // address. Checked before the ISP rule because carriers also say "telecom".
  {
    rule: 'name:mobile',
    kind: 'mobile',
    pattern:
      /\bmobile\b|mobility|cellular|\bcelular\b|\bm[oó]vil\b|\bm[oó]vel\b|\bgsm\b|\blte\b|\b[345]g\b|t-mobile|vodafone|telefonica m[oó]viles|\bjio\b|\bairtel\b|\bmtn\b|\bglobacom\b|safaricom|turkcell|vimpelcom|megafon|\bmts pjsc\b|mobile telesystems|kyivstar|lifecell|telkomsel|indosat|axiata|\bviettel\b|\btelcel\b|radiomovil|\bpcs\b|hutchison drei|\bclaro\b|\btigo\b|\bentel\b|\bdigicel\b|\bzain\b|ooredoo|etisalat|\bmobily\b|\btelenor\b|hutchison 3g|hutchison telecom|\bh3g\b|\bwind tre\b|\bdtac\b|\bsmart communications\b/,
  },
  // Fixed-line access providers and carriers: homes and small offices behind
  // dynamic addresses, and transit networks whose customers we cannot name.
  // Words first, then unambiguous brands whose AS names have no such word.
  {
    rule: 'name:isp',
    kind: 'isp',
    pattern:
      /telecom|telekom|telecommunica|telekommunikation|telecomunica|telekomunika|telecable|\btelco\b|telefon|telephon|telenet|telesystem|\btelevis|broadband|\bcable\b|cablevision|\bkabel\b|\bcatv\b|fib(er|re|ra)\b|fibernet|fibra|\btele\b|\btel\b|infocomm|svyaz|banda ancha|bredband|breitband|cable ?tv|\bmultimedia\b|\bon-?line\b|datacom|\bftth\b|\b[av]?dsl\b|\bisp\b|internet|\bbackbone\b|\bcommunications?\b|\bcomunica|\bnetworks?\b|\bnet\b|\bnetz\b|netcom|\bwifi\b|wi-fi|\bwisp\b|wireless|satellite|starlink|\bptt\b|\bcomcast\b|verizon|\bat&t\b|centurylink|\blumen\b|windstream|mediacom|suddenlink|\baltice\b|\brogers\b|\bvideotron\b|\bcogeco\b|\bbell canada\b|virgin media|\bsky uk\b|talktalk|\borange\b|\bfree sas\b|\bsfr\b|\bproximus\b|\bswisscom\b|\bkpn\b|\bziggo\b|\btelia\b|\btele2\b|\belisa\b|\bfastweb\b|\btiscali\b|rostelecom|chinanet|china (telecom|unicom|mobile)|\bntt\b|\bkddi\b|softbank|sk broadband|\blg (dacom|powercomm|uplus)\b|\bbsnl\b|\bhathway\b|\bpldt\b|\boptus\b|\btelstra\b|\btpg\b|\biinet\b|\bsingnet\b|\bsingtel\b|\bstarhub\b|\bunitymedia\b|\bbt\b|\bee limited\b|\bodido\b|\bv tal\b|\bte-as\b|\bte data\b|\blinkdotnet\b/,
  },
];

/** The kinds that are never a company: visitors there stay unresolved. */
export function isNotCompany(kind: NetworkKind): boolean {
  switch (kind) {
    case 'isp':
    case 'mobile':
    case 'hosting':
    case 'cdn':
    case 'vpn':
    case 'education':
      return true;
    // Companies (curated), agencies (may be buyers) and unknown networks can
    // still be named by identity data or reverse DNS.
    case 'business':
    case 'government':
    case 'unknown':
      return false;
    default:
      return kind satisfies never;
  }
}

/** The kinds whose traffic raises the bot signal (`hostingSignal`). */
/**
 * Whether a resolution marks its traffic as a bot's: a hosting or VPN network,
 * unless the site's own identity data names the address (a customer's office
 * behind a cloud desktop is people, whatever its network).
 */
export function botByNetwork(r: { hostingSignal: boolean; source: string | null }): boolean {
  return r.hostingSignal && r.source !== 'identity';
}

export function raisesHostingSignal(kind: NetworkKind): boolean {
  switch (kind) {
    // Servers and rented exits: crawlers, headless browsers and scrapers
    // live here, and so do VPN exits that bots rent by the hour.
    case 'hosting':
    case 'vpn':
      return true;
    // CDN egress is mostly people (iCloud Private Relay, Cloudflare WARP),
    // so it is no bot signal on its own.
    case 'cdn':
    case 'business':
    case 'isp':
    case 'mobile':
    case 'education':
    case 'government':
    case 'unknown':
      return false;
    default:
      return kind satisfies never;
  }
}

/**
 * Classifies one AS. `org` is matched case-insensitively; names are bounded
 * (AS names are short; anything longer is truncated before the regexes).
 */
export function classifyNetwork(asn: number | null, org: string | null, curated: CuratedNetworks): Classification {
  if (asn !== null) {
    // Curated not-company files win over everything, the enterprise table
    // included: a carrier that also sells to businesses is still a carrier.
    const curatedKind = curated.kinds.get(asn);
    if (curatedKind !== undefined) return { kind: curatedKind, rule: `curated:${curatedKind}` };
    // The enterprise table is the only source of 'business': someone checked
    // that this AS is one organization's own network.
    if (curated.enterprise.has(asn)) return { kind: 'business', rule: 'enterprise_table' };
  }
  if (org) {
    const name = org.slice(0, 200).toLowerCase();
    for (const r of NAME_RULES) if (r.pattern.test(name)) return { kind: r.kind, rule: r.rule };
  }
  // No rule: unknown. Identity data and reverse DNS may still name a company.
  return { kind: 'unknown', rule: 'no_rule' };
}

/** The name rules, for documentation and tests. */
export const NAME_RULE_NAMES: readonly string[] = NAME_RULES.map((r) => r.rule);
