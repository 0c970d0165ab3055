-- 0002_intake.sql (SQLite): the receipt log (RFC 9162 Merkle tree) and received reports.
-- Hashes are 32 raw bytes.  Times are integer microseconds since the Unix epoch, UTC,
-- except STH timestamps (milliseconds, as in RFC 9162).
CREATE TABLE tlog_meta (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	log_id TEXT NOT NULL,
	hash_alg TEXT NOT NULL,
	sig_alg TEXT NOT NULL,
	public_key BLOB NOT NULL,
	tree_size INTEGER NOT NULL DEFAULT 0,
	frontier BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE tlog_leaves (
	idx INTEGER PRIMARY KEY,
	leaf_hash BLOB NOT NULL,
	entry BLOB NOT NULL
);
CREATE TABLE tlog_nodes (
	level INTEGER NOT NULL,
	idx INTEGER NOT NULL,
	hash BLOB NOT NULL,
	PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE tlog_sth (
	id INTEGER PRIMARY KEY,
	tree_size INTEGER NOT NULL,
	timestamp_ms INTEGER NOT NULL,
	root_hash BLOB NOT NULL,
	signature BLOB NOT NULL
);
CREATE INDEX tlog_sth_size ON tlog_sth(tree_size);
CREATE TABLE reports (
	id INTEGER PRIMARY KEY,
	leaf_index INTEGER NOT NULL UNIQUE,
	channel TEXT NOT NULL,
	disposition TEXT NOT NULL,
	status TEXT NOT NULL,
	status_token_hash TEXT UNIQUE,
	received_at INTEGER NOT NULL,
	reporter_user_id INTEGER,
	language TEXT,
	payload BLOB,
	payload_size INTEGER NOT NULL,
	spam_reason TEXT,
	spam_by INTEGER,
	spam_at INTEGER,
	purged_at INTEGER
);
CREATE INDEX reports_queue ON reports(status, id);
CREATE INDEX reports_reporter ON reports(reporter_user_id, id);
CREATE INDEX reports_received ON reports(received_at);
CREATE TABLE report_attachments (
	id INTEGER PRIMARY KEY,
	report_id INTEGER NOT NULL REFERENCES reports(id),
	seq INTEGER NOT NULL,
	media_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	data BLOB,
	UNIQUE (report_id, seq)
);
