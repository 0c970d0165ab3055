-- 0010_platform.sql (SQLite): the platform side of federation (issue 9): a collection platform's
-- filing data (Art. 10) and, on a hub, the filings received from platforms (the registry); the
-- platform's provider directory, the reports it routed to providers (Art. 7 note) with the status
-- each provider sent back; on a provider, the reports routed to it by platforms.
-- Times are integer microseconds since the Unix epoch, UTC (docs/internals/federation.md).
CREATE TABLE platform_filings (
	id INTEGER PRIMARY KEY,
	data TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	envelope_id TEXT
);
CREATE TABLE hub_platform_filings (
	id INTEGER PRIMARY KEY,
	inbox_id INTEGER NOT NULL UNIQUE REFERENCES federation_inbox(id),
	peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	version INTEGER NOT NULL,
	data TEXT NOT NULL,
	received_at INTEGER NOT NULL
);
CREATE INDEX hub_platform_filings_peer ON hub_platform_filings(peer_id, version);
CREATE TABLE platform_providers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	patterns TEXT NOT NULL,
	peer_key_id TEXT,
	email TEXT,
	jurisdiction TEXT,
	created_at INTEGER NOT NULL,
	removed_at INTEGER
);
CREATE TABLE platform_routed (
	id INTEGER PRIMARY KEY,
	report_id INTEGER NOT NULL REFERENCES reports(id),
	provider_id INTEGER NOT NULL REFERENCES platform_providers(id),
	channel TEXT NOT NULL,
	envelope_id TEXT,
	message_id TEXT,
	guard TEXT NOT NULL,
	routed_at INTEGER NOT NULL,
	routed_by INTEGER,
	status TEXT,
	status_detail TEXT,
	status_at INTEGER
);
CREATE INDEX platform_routed_report ON platform_routed(report_id);
CREATE TABLE provider_routed_in (
	id INTEGER PRIMARY KEY,
	inbox_id INTEGER NOT NULL UNIQUE REFERENCES federation_inbox(id),
	peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	platform_ref TEXT NOT NULL,
	envelope_id TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	report_id INTEGER REFERENCES reports(id),
	sent_state TEXT,
	UNIQUE (peer_id, platform_ref)
);
-- A platform's researchers (the 2022 filing measures): real-name identity (sealed at rest:
-- name, ID number, phone), its verification by platform staff, and the researcher's level.
-- Every change is in the audit log; reputation is computed from the cases of their reports.
CREATE TABLE platform_researchers (
	user_id INTEGER PRIMARY KEY REFERENCES users(id),
	identity BLOB,
	identity_at INTEGER,
	verification TEXT NOT NULL,
	verified_by INTEGER,
	verified_at INTEGER,
	verification_note TEXT,
	level INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
