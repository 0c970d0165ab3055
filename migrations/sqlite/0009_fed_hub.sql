-- 0009_fed_hub.sql (SQLite): the provider <-> hub <-> national database flows of issue 9
-- (src/service/fed_hub.c; docs/internals/federation.md): the hub's relays of received authority
-- reports to national databases, a national database's relayed reports, early-release records
-- sent to the hub with the authorities' assessment, blackout windows and MPS consents taken from
-- the hub, and the advisory-published notices a hub received.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE hub_relays (
	id INTEGER PRIMARY KEY,
	hub_report_id INTEGER NOT NULL REFERENCES hub_reports(id),
	peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	envelope_id TEXT,
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	UNIQUE (hub_report_id, peer_id)
);
CREATE INDEX hub_relays_unsent ON hub_relays(sent_at);
CREATE TABLE db_reports (
	id INTEGER PRIMARY KEY,
	inbox_id INTEGER NOT NULL UNIQUE REFERENCES federation_inbox(id),
	hub_peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	hub_report_id INTEGER NOT NULL,
	provider_key_id TEXT NOT NULL,
	provider_name TEXT,
	provider_jurisdiction TEXT,
	case_ref TEXT NOT NULL,
	version INTEGER NOT NULL,
	content_sha256 TEXT NOT NULL,
	learned_at INTEGER,
	hub_received_at INTEGER NOT NULL,
	received_at INTEGER NOT NULL,
	UNIQUE (hub_peer_id, hub_report_id)
);
CREATE TABLE hub_early_releases (
	id INTEGER PRIMARY KEY,
	inbox_id INTEGER NOT NULL UNIQUE REFERENCES federation_inbox(id),
	provider_peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	case_ref TEXT NOT NULL,
	steps TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	assessment TEXT,
	assessed_at INTEGER,
	assessed_by TEXT,
	envelope_id TEXT
);
CREATE TABLE fed_blackouts (
	id INTEGER PRIMARY KEY,
	source_peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	kind TEXT NOT NULL,
	source_id INTEGER NOT NULL,
	local_id INTEGER NOT NULL,
	received_at INTEGER NOT NULL,
	UNIQUE (source_peer_id, kind, source_id)
);
CREATE TABLE hub_published (
	id INTEGER PRIMARY KEY,
	inbox_id INTEGER NOT NULL UNIQUE REFERENCES federation_inbox(id),
	provider_peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	case_ref TEXT,
	advisory TEXT NOT NULL,
	title TEXT,
	url TEXT,
	published_at INTEGER NOT NULL,
	received_at INTEGER NOT NULL
);
