-- The outbox: webhook endpoints a site registers, and one delivery row per (signal,
-- destination), written in the transaction that stores the signal and sent by a job
-- (jobs/deliveries.ts), so no network call ever happens inside a commit and a restart
-- resumes from here. A delivery carries what it sends: the signals table (009) may be
-- pruned or rebuilt without losing what is owed to receivers.

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- A JSON array of signal types, or ["*"] for every type.
  events TEXT NOT NULL DEFAULT '["*"]',
  enabled INTEGER NOT NULL DEFAULT 1,
  -- Why the job turned the endpoint off (410 Gone, three days of failures); NULL when enabled.
  disabled_reason TEXT,
  -- Stored as is, since it must sign; whsec_ and base64. Never logged, shown once.
  secret TEXT NOT NULL,
  -- After a rotation the old secret signs too until previous_secret_until, so receivers can switch.
  previous_secret TEXT,
  previous_secret_until INTEGER,
  -- The first failed attempt since the last success: three days of nothing but failures disable the endpoint.
  failing_since INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id, created_at);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  -- The signal's UUID: the webhook-id header, the same on every attempt. No foreign key:
  -- test deliveries have no signal row.
  signal_id TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('webhook', 'slack', 'email')),
  -- The endpoint's id for webhooks, the channel's name for slack and email: one row per pair.
  destination TEXT NOT NULL,
  endpoint_id TEXT REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  -- The signal as JSON, exactly as it was when the delivery was written.
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  -- Retries go on for 72 hours from here; a redelivery starts the window again.
  retry_from INTEGER NOT NULL,
  last_attempt_at INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  delivered_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (signal_id, destination)
) STRICT;
-- The job's read: the due rows, oldest first; only pending rows are in the index.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
-- GET /api/v1/webhooks/{id}/deliveries, newest first.
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, created_at DESC, id DESC) WHERE endpoint_id IS NOT NULL;

-- Whether this collector can send email (CLEARVIEW_SMTP_URL set), written by server.ts at
-- start: the outbox is filled from any connection (the writer thread's too), and the
-- database is what they all share.
CREATE TABLE outbox_channels (
  channel TEXT PRIMARY KEY CHECK (channel IN ('email')),
  available INTEGER NOT NULL
) STRICT;

-- Today's alerts.webhook.url becomes an endpoint for every type. Its secret is new and
-- was never shown: POST /api/v1/webhooks/{id}/rotate-secret shows one (hex is valid base64).
INSERT INTO webhook_endpoints (id, site_id, url, description, events, secret, created_at, updated_at)
SELECT 'wh_' || lower(hex(randomblob(8))), id, json_extract(settings, '$.alerts.webhook.url'), 'From alerts.webhook.url', '["*"]',
       'whsec_' || lower(hex(randomblob(32))), CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM sites
WHERE json_valid(settings) AND json_type(settings, '$.alerts.webhook.url') = 'text';

UPDATE sites SET settings = json_remove(settings, '$.alerts.webhook')
WHERE json_valid(settings) AND json_type(settings, '$.alerts.webhook') IS NOT NULL;
