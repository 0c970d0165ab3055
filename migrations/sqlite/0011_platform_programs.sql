-- 0011_platform_programs.sql (SQLite): graded access to the platform's provider directory (the
-- 2022 filing measures: what a researcher may see and submit depends on their level) and the
-- providers' advisory-published notices on the platform (issue 9).  On a platform: each
-- directory entry's minimum researcher level, the program a researcher designated for one of
-- their reports, and the advisories a provider published for a routed report.  On a provider:
-- which advisories were sent back to the platform a report came from.
-- Times are integer microseconds since the Unix epoch, UTC (docs/internals/federation.md).
ALTER TABLE platform_providers ADD COLUMN min_level INTEGER NOT NULL DEFAULT 1;
CREATE TABLE platform_programs (
	report_id INTEGER PRIMARY KEY REFERENCES reports(id),
	provider_id INTEGER NOT NULL REFERENCES platform_providers(id),
	user_id INTEGER NOT NULL,
	designated_at INTEGER NOT NULL
);
CREATE TABLE platform_routed_advisories (
	id INTEGER PRIMARY KEY,
	routed_id INTEGER NOT NULL REFERENCES platform_routed(id),
	inbox_id INTEGER NOT NULL REFERENCES federation_inbox(id),
	advisory TEXT NOT NULL,
	title TEXT,
	url TEXT,
	published_at INTEGER NOT NULL,
	received_at INTEGER NOT NULL,
	UNIQUE (routed_id, advisory)
);
CREATE TABLE provider_routed_advisories (
	routed_in_id INTEGER NOT NULL REFERENCES provider_routed_in(id),
	advisory TEXT NOT NULL,
	envelope_id TEXT,
	sent_at INTEGER NOT NULL,
	PRIMARY KEY (routed_in_id, advisory)
);
