-- 0006_case_more.sql (SQLite): need-to-know teams (Art. 11), a case's team, and exports of
-- undisclosed details awaiting a second coordinator's approval (Art. 11).  Additive only.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE teams (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	created_by INTEGER
);
CREATE TABLE team_members (
	team_id INTEGER NOT NULL REFERENCES teams(id),
	user_id INTEGER NOT NULL,
	added_at INTEGER NOT NULL,
	PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id, team_id);
ALTER TABLE cases ADD COLUMN team_id INTEGER REFERENCES teams(id);
CREATE INDEX cases_team ON cases(team_id, id);
CREATE TABLE case_exports (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	recipient_name TEXT NOT NULL,
	recipient_email TEXT,
	recipient_country TEXT NOT NULL,
	is_provider INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL,
	status TEXT NOT NULL,
	requested_by INTEGER NOT NULL,
	requested_at INTEGER NOT NULL,
	approved_by INTEGER,
	approved_at INTEGER,
	fetched_at INTEGER
);
CREATE INDEX case_exports_case ON case_exports(case_id, id);

-- the clock lists walk (state, due_at, case_id, clock_id) in order and stop at the page's
-- limit; the old (state, due_at) index is a prefix of it
CREATE INDEX case_clocks_order ON case_clocks(state, due_at, case_id, clock_id);
DROP INDEX case_clocks_due;
