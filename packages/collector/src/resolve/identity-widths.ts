/** A site's identity data as the resolver asks it: which range widths it uses, and the domain an address maps to. */
export interface IdentityData {
  /** The distinct prefix lengths of the site's ranges, longest first (none for most sites). */
  widths(siteId: string): number[];
  /** The company domain for an address key, probing only these widths. */
  find(siteId: string, ipKey: string, widths: readonly number[]): string | null;
}

/**
 * The resolver's view of identity data, with each site's widths remembered until
 * its data changes: a miss on a site without identity data (most sites) then costs
 * no query at all, and one with data probes only the widths it uses.
 */
export function rememberWidths(data: IdentityData) {
  const widthsBySite = new Map<string, number[]>();
  const widthsOf = (siteId: string) => {
    let widths = widthsBySite.get(siteId);
    if (!widths) widthsBySite.set(siteId, (widths = data.widths(siteId)));
    return widths;
  };
  return {
    identity: (siteId: string, ipKey: string): string | null => {
      const widths = widthsOf(siteId);
      return widths.length === 0 ? null : data.find(siteId, ipKey, widths);
    },
    hasIdentity: (siteId: string): boolean => widthsOf(siteId).length > 0,
    forget: (siteId: string) => widthsBySite.delete(siteId),
    forgetAll: () => widthsBySite.clear(),
  };
}
