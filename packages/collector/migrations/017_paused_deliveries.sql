-- A turned-off endpoint's pending deliveries leave the due index (next_attempt_at NULL) and
-- come back, due at once, when it is turned on again. The delivery job's query used to find
-- them due on every tick and pass over each one: with a large backlog behind an endpoint
-- turned off (by hand, a 410 or three days of failures) that held the thread that answers
-- beacons for tens of milliseconds a tick.
UPDATE deliveries SET next_attempt_at = NULL
 WHERE status = 'pending' AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = 0);

CREATE TRIGGER webhook_endpoint_paused AFTER UPDATE OF enabled ON webhook_endpoints
  WHEN old.enabled = 1 AND new.enabled = 0 BEGIN
  UPDATE deliveries SET next_attempt_at = NULL WHERE endpoint_id = new.id AND status = 'pending';
END;
-- Both ways of turning one on (PATCH, and nothing else today) set updated_at to the clock.
CREATE TRIGGER webhook_endpoint_resumed AFTER UPDATE OF enabled ON webhook_endpoints
  WHEN old.enabled = 0 AND new.enabled = 1 BEGIN
  UPDATE deliveries SET next_attempt_at = new.updated_at WHERE endpoint_id = new.id AND status = 'pending' AND next_attempt_at IS NULL;
END;
