-- 0013_hub_notices.sql (postgresql): which published advisories a provider has told its hub of
-- (issue 9, Art. 9: provider -> hub "advisory published").  The provider's platform worker
-- sends a notice for every published advisory not listed here (so a crash between the
-- publication and the notice only delays it) and lists it once sent.  Advisories published
-- before this table existed were told by the publish hook of the time: listed as sent.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE provider_hub_notices (
	advisory TEXT PRIMARY KEY,
	envelope_id TEXT,
	sent_at BIGINT NOT NULL
);
INSERT INTO provider_hub_notices (advisory, envelope_id, sent_at)
	SELECT ident, NULL, published_at FROM bulletins WHERE state = 'published';
