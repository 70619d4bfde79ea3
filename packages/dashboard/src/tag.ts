import type { Session } from './types.js';

/** The tag to paste, on this collector's address; with storage off it keeps no visitor id in localStorage. */
export const trackingTag = (session: Session, noStorage = false) =>
  `<script defer src="${location.origin}/t.js" data-site-key="${session.site.siteKey}"${noStorage ? ' data-no-storage' : ''}></script>`;
