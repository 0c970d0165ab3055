-- 0014_filing_review.sql (sqlite): the hub's review of the filings platforms send it (issue 9,
-- Art. 10).  On a hub each received version is pending, accepted or returned (with a note),
-- with who reviewed it and when; /registry lists a platform's newest accepted version.
-- Versions received before this migration were published on receipt: marked accepted.
-- On a platform each version keeps the decision the hub sent back (filing_review), NULL
-- until one arrives; versions sent before this migration were published by the hub on
-- receipt: marked accepted too.
-- Times are integer microseconds since the Unix epoch, UTC.
ALTER TABLE hub_platform_filings ADD COLUMN review_state TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE hub_platform_filings ADD COLUMN review_note TEXT;
ALTER TABLE hub_platform_filings ADD COLUMN reviewed_by TEXT;
ALTER TABLE hub_platform_filings ADD COLUMN reviewed_at INTEGER;
ALTER TABLE hub_platform_filings ADD COLUMN review_envelope_id TEXT;
UPDATE hub_platform_filings SET review_state = 'accepted', reviewed_at = received_at;
CREATE INDEX hub_platform_filings_review ON hub_platform_filings(review_state, id);
ALTER TABLE platform_filings ADD COLUMN review_state TEXT;
ALTER TABLE platform_filings ADD COLUMN review_note TEXT;
ALTER TABLE platform_filings ADD COLUMN reviewed_at INTEGER;
UPDATE platform_filings SET review_state = 'accepted' WHERE envelope_id IS NOT NULL;
