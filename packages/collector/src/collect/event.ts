import type { CompanyWithLogo } from '../resolve/logo-url.js';
import type { NetworkKind, ResolveSource } from '../resolve/types.js';
import type { WireEvent } from './wire.js';

/** What the network resolution step needs from the resolver; the real one is in resolve/. */
export interface NetworkResolution {
  networkKind: NetworkKind;
  country: string | null;
  asn: number | null;
  hostingSignal: boolean;
  source: ResolveSource | null;
  company: CompanyWithLogo | null;
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
