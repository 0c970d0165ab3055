-- 0005_bulletins.sql (SQLite): the advisories we publish ("bulletins" in code; issue 7), their
-- revisions, approvals, reviews (attestations and cleared findings), the early-release record
-- of a case (Art. 9(1)), major-event blackout windows with MPS consents (Art. 9(6)), and every
-- decision of the publication gate.  Times are integer microseconds since the Unix epoch, UTC.
-- A bulletin's fields are JSON text (`content`): every revision keeps its full copy.
CREATE TABLE bulletins (
	id INTEGER PRIMARY KEY,
	ident TEXT NOT NULL UNIQUE,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	state TEXT NOT NULL,
	revision INTEGER NOT NULL,
	content TEXT NOT NULL,
	created_by INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	scheduled_at INTEGER,
	scheduled_by INTEGER,
	published_at INTEGER,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bulletins_case ON bulletins(case_id);
CREATE INDEX bulletins_state ON bulletins(state, id);
CREATE INDEX bulletins_scheduled ON bulletins(scheduled_at);
CREATE TABLE bulletin_revisions (
	bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
	number INTEGER NOT NULL,
	content TEXT NOT NULL,
	author_id INTEGER,
	author TEXT NOT NULL,
	at INTEGER NOT NULL,
	summary TEXT,
	PRIMARY KEY (bulletin_id, number)
);
CREATE TABLE bulletin_approvals (
	id INTEGER PRIMARY KEY,
	bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
	revision INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	actor TEXT NOT NULL,
	role TEXT NOT NULL,
	at INTEGER NOT NULL,
	comment TEXT,
	UNIQUE (bulletin_id, revision, user_id)
);
CREATE TABLE bulletin_reviews (
	id INTEGER PRIMARY KEY,
	bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
	revision INTEGER NOT NULL,
	kind TEXT NOT NULL,
	finding_id TEXT,
	user_id INTEGER NOT NULL,
	actor TEXT NOT NULL,
	at INTEGER NOT NULL,
	note TEXT
);
CREATE INDEX bulletin_reviews_bulletin ON bulletin_reviews(bulletin_id, id);
CREATE TABLE early_releases (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	step TEXT NOT NULL,
	at INTEGER NOT NULL,
	ref TEXT NOT NULL,
	note TEXT,
	recorded_at INTEGER NOT NULL,
	recorded_by INTEGER,
	actor TEXT NOT NULL
);
CREATE INDEX early_releases_case ON early_releases(case_id, id);
CREATE TABLE blackouts (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	start_at INTEGER NOT NULL,
	end_at INTEGER NOT NULL,
	note TEXT,
	created_at INTEGER NOT NULL,
	created_by INTEGER
);
CREATE INDEX blackouts_end ON blackouts(end_at);
CREATE TABLE blackout_consents (
	id INTEGER PRIMARY KEY,
	blackout_id INTEGER NOT NULL REFERENCES blackouts(id),
	bulletin_id INTEGER REFERENCES bulletins(id),
	ref TEXT NOT NULL,
	at INTEGER NOT NULL,
	recorded_at INTEGER NOT NULL,
	recorded_by INTEGER
);
CREATE INDEX blackout_consents_window ON blackout_consents(blackout_id, id);
CREATE TABLE gate_decisions (
	id INTEGER PRIMARY KEY,
	bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
	revision INTEGER NOT NULL,
	kind TEXT NOT NULL,
	passed INTEGER NOT NULL,
	evaluated_for INTEGER NOT NULL,
	decided_at INTEGER NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	failed TEXT NOT NULL,
	report TEXT NOT NULL
);
CREATE INDEX gate_decisions_bulletin ON gate_decisions(bulletin_id, id);
-- What publication exported (issue 7 item 4): the exact bytes the CSAF provider feed
-- (/.well-known/csaf/) and the OSV feed (/osv/) serve, made once when the gate passed, with
-- their digests and the detached OpenPGP signature of the CSAF bytes (NULL: the organisation
-- had no key; the feed then names no key and links no signature).  path is the document's
-- path under the TLP directory ("2026/vf-2026-0001.json").  Never updated: a new revision is
-- a new row.
CREATE TABLE bulletin_exports (
	bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
	revision INTEGER NOT NULL,
	ident TEXT NOT NULL,
	title TEXT NOT NULL,
	lang TEXT NOT NULL,
	path TEXT NOT NULL,
	initial_release INTEGER NOT NULL,
	current_release INTEGER NOT NULL,
	csaf TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	sha512 TEXT NOT NULL,
	signature TEXT,
	signer TEXT,
	osv TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (bulletin_id, revision)
);
CREATE INDEX bulletin_exports_path ON bulletin_exports(path, revision);
CREATE INDEX bulletin_exports_ident ON bulletin_exports(ident, revision);
-- The public part of every key that signed an export, by fingerprint, as exported then
-- (/.well-known/csaf/openpgp/FPR.asc keeps verifying old signatures after a key change).
CREATE TABLE bulletin_signing_keys (
	fingerprint TEXT PRIMARY KEY,
	public_key TEXT NOT NULL,
	first_used INTEGER NOT NULL
);
