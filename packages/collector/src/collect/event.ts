import type { WireEvent } from './wire.js';

/** What the network resolution step needs from the resolver; the real one is in resolve/. */
export interface NetworkResolution {
  /** The network's kind (resolve/types.ts NetworkKind): isp, mobile, hosting, business, unknown... */
  networkKind: string;
  country: string | null;
  asn: number | null;
  hostingSignal: boolean;
  company: CompanyProfileLike | null;
}
export interface CompanyProfileLike {
  domain: string;
  name?: string;
  industry?: string;
  size?: string;
  employeeCount?: number;
  revenue?: string;
  country?: string;
  city?: string;
  region?: string;
  logoUrl?: string;
}

/** A beacon as it moves through the steps: each step fills in what it knows. */
export interface CollectEvent {
  wire: WireEvent;
  receivedAt: number;
  ip: string;
  userAgent: string;
  site?: { id: string; domains: readonly string[] };
  visitorId?: string;
  client?: { browser: string | null; os: string | null; device: string };
  isBot?: boolean;
  network?: NetworkResolution;
}
