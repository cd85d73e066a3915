-- Delivery errors stored before redaction could quote a webhook URL (credentials,
-- secret path) or a receiver's reply; they are dropped rather than shown again.
UPDATE notification_outbox
   SET last_error = 'error text removed: it was stored before secrets were redacted'
 WHERE last_error IS NOT NULL;
