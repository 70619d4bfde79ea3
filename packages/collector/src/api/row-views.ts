import { renderCompany, renderContact, renderPageView, renderVisitor } from './render.js';

/**
 * The row renderers a read thread applies before an answer crosses to the thread that
 * answers beacons (store/read-pool.ts renderList): that thread then sends the rows' JSON
 * text as it is, without rebuilding, rendering and stringifying a hundred objects a read.
 * Each takes the row and the options the handler passes, which must be cloneable.
 */
export const rowViews = {
  company: (row: Parameters<typeof renderCompany>[0], options: { logoUrlTemplate: string | null }) => renderCompany(row, options.logoUrlTemplate),
  contact: (row: Parameters<typeof renderContact>[0]) => renderContact(row),
  pageView: (row: Parameters<typeof renderPageView>[0]) => renderPageView(row),
  visitor: (row: Parameters<typeof renderVisitor>[0]) => renderVisitor(row),
};

export type RowViewName = keyof typeof rowViews;
