-- 0004_cases.sql (SQLite): cases, their reports and events, obligation clocks, the authority
-- report's submissions and notifications.  Times are integer microseconds since the Unix
-- epoch, UTC.  Undisclosed technical detail lives in `details`, sealed like report payloads
-- (base/seal.h); the columns beside it are what lists filter and sort on.
CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	role TEXT NOT NULL,
	state TEXT NOT NULL,
	title TEXT NOT NULL,
	learned_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	created_by INTEGER,
	assignee_id INTEGER,
	actively_exploited INTEGER NOT NULL DEFAULT 0,
	has_upstream INTEGER NOT NULL DEFAULT 0,
	severity TEXT,
	cvss_vector TEXT,
	cvss_score REAL,
	gbt_grade TEXT,
	cwe TEXT,
	cve_id TEXT,
	cnvd_id TEXT,
	cnnvd_id TEXT,
	nvdb_id TEXT,
	duplicate_of INTEGER REFERENCES cases(id),
	fix_available_at INTEGER,
	decided_not_to_publish INTEGER NOT NULL DEFAULT 0,
	details BLOB NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_state ON cases(state, id);
CREATE INDEX cases_learned ON cases(learned_at, id);
CREATE INDEX cases_assignee ON cases(assignee_id, id);
CREATE TABLE case_reports (
	report_id INTEGER PRIMARY KEY REFERENCES reports(id),
	case_id INTEGER NOT NULL REFERENCES cases(id),
	added_at INTEGER NOT NULL
);
CREATE INDEX case_reports_case ON case_reports(case_id);
CREATE TABLE case_events (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	kind TEXT NOT NULL,
	at INTEGER NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT,
	reason TEXT,
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, id);
CREATE TABLE case_clocks (
	case_id INTEGER NOT NULL REFERENCES cases(id),
	clock_id TEXT NOT NULL,
	trigger_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	state TEXT NOT NULL,
	met_by_event INTEGER,
	met_at INTEGER,
	next_escalation_at INTEGER,
	PRIMARY KEY (case_id, clock_id)
);
CREATE INDEX case_clocks_due ON case_clocks(state, due_at);
CREATE TABLE authority_submissions (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	version INTEGER NOT NULL,
	channel TEXT NOT NULL,
	submitted_at INTEGER NOT NULL,
	receipt_number TEXT,
	content_hash TEXT NOT NULL,
	content BLOB NOT NULL,
	leaf_index INTEGER,
	recorded_at INTEGER NOT NULL,
	recorded_by INTEGER,
	UNIQUE (case_id, version)
);
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	kind TEXT NOT NULL,
	recipient_name TEXT NOT NULL,
	email TEXT,
	country TEXT NOT NULL,
	is_provider INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	code TEXT,
	message_id TEXT,
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX notifications_case ON notifications(case_id, id);
