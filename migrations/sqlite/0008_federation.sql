-- 0008_federation.sql (SQLite): federation between instances (issue 9): the peers we know by
-- their public keys, the envelopes we send (the durable outbox) and receive (the inbox), the
-- refusals of the inbox, and, on a hub, the authority reports received from providers.
-- Times are integer microseconds since the Unix epoch, UTC; key ids are the lowercase hex SHA-256
-- of a key's DER SubjectPublicKeyInfo (docs/internals/federation.md).
CREATE TABLE federation_peers (
	id INTEGER PRIMARY KEY,
	key_id TEXT NOT NULL UNIQUE,
	public_key TEXT NOT NULL,
	url TEXT NOT NULL,
	role TEXT NOT NULL,
	jurisdiction TEXT NOT NULL,
	name TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	removed_at INTEGER
);
CREATE TABLE federation_outbox (
	id INTEGER PRIMARY KEY,
	envelope_id TEXT NOT NULL UNIQUE,
	peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	type TEXT NOT NULL,
	envelope BLOB NOT NULL,
	envelope_sha256 TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	leaf_index INTEGER NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_attempt_at INTEGER,
	last_error TEXT,
	delivered_at INTEGER,
	receipt TEXT,
	remote_leaf_index INTEGER,
	case_id INTEGER,
	case_version INTEGER
);
CREATE INDEX federation_outbox_due ON federation_outbox(state, next_attempt_at);
CREATE TABLE federation_inbox (
	id INTEGER PRIMARY KEY,
	peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	envelope_id TEXT NOT NULL,
	type TEXT NOT NULL,
	envelope BLOB NOT NULL,
	envelope_sha256 TEXT NOT NULL,
	payload TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	leaf_index INTEGER NOT NULL,
	leaf_hash TEXT NOT NULL,
	receipt TEXT,
	UNIQUE (peer_id, envelope_id)
);
CREATE TABLE federation_refusals (
	id INTEGER PRIMARY KEY,
	received_at INTEGER NOT NULL,
	client TEXT NOT NULL,
	claimed_from TEXT,
	envelope_id TEXT,
	code TEXT NOT NULL,
	message TEXT NOT NULL,
	body_sha256 TEXT NOT NULL,
	body_size INTEGER NOT NULL
);
CREATE TABLE hub_reports (
	id INTEGER PRIMARY KEY,
	inbox_id INTEGER NOT NULL UNIQUE REFERENCES federation_inbox(id),
	provider_peer_id INTEGER NOT NULL REFERENCES federation_peers(id),
	case_ref TEXT NOT NULL,
	version INTEGER NOT NULL,
	content_sha256 TEXT NOT NULL,
	learned_at INTEGER,
	received_at INTEGER NOT NULL
);
CREATE INDEX hub_reports_provider ON hub_reports(provider_peer_id, received_at);
