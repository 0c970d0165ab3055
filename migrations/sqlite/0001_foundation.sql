-- 0001_foundation.sql (SQLite): organisations, users, sessions, API tokens, audit events.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE orgs (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	jurisdiction TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	totp_secret TEXT,
	totp_enabled INTEGER NOT NULL DEFAULT 0,
	totp_required INTEGER NOT NULL DEFAULT 0,
	totp_last_step INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	last_login_at INTEGER
);
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE audit_events (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_user_id INTEGER REFERENCES users(id),
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	request_id TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE TABLE health (
	id INTEGER PRIMARY KEY,
	checked_at INTEGER NOT NULL
);
INSERT INTO health (id, checked_at) VALUES (1, 0);
