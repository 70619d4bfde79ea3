/**
 * A signal: one ClearView event (a watched company on the site, a company or a contact
 * seen for the first time, a lead turning hot), stored once and delivered by the outbox.
 * The shape is the one GET /api/v1/signals answers, so a delivery body and the feed agree.
 */
export const signalTypes = ['watchlist.hit', 'company.identified', 'lead.hot', 'contact.identified'] as const;
export type SignalType = (typeof signalTypes)[number];

export interface SignalCompany {
  id: string;
  name: string;
  domain: string | null;
  leadScore: number;
}

export interface SignalContact {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  linkedinUrl: string | null;
}

/** A page of a visit, as signals and alerts list them. */
export interface SignalPage {
  url: string;
  title: string | null;
  /** ISO 8601. */
  at: string;
}

export interface Signal {
  /** UUID v4, the same in the feed, in every delivery attempt (webhook-id) and in every channel. */
  id: string;
  siteId: string;
  type: SignalType;
  company: SignalCompany | null;
  contact: SignalContact | null;
  /** One plain sentence, for people. */
  summary: string;
  /** The facts: `pages` (SignalPage[]) for visits; `score` and `breakdown` for lead.hot. */
  data: Record<string, unknown>;
  /** ISO 8601. */
  createdAt: string;
  /** When the thing reported was over: the moment itself, or a visit's last page view (null while it goes on). */
  completedAt: string | null;
}
