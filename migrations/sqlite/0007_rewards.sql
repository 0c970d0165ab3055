-- 0007_rewards.sql (SQLite): rewards for reporters (Art. 7(4)): the reward policy with every
-- version kept, one decision per reporter per case, and each decision's history.  Amounts are
-- integers in minor units (fen for CNY); times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE reward_policies (
	version INTEGER PRIMARY KEY,
	document TEXT NOT NULL,
	note TEXT,
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	created_by_name TEXT NOT NULL
);
CREATE TABLE rewards (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	reporter_key TEXT NOT NULL,
	reporter_user_id INTEGER,
	report_id INTEGER,
	reporter_label TEXT NOT NULL,
	amount INTEGER NOT NULL,
	currency TEXT NOT NULL,
	state TEXT NOT NULL,
	within_policy INTEGER NOT NULL,
	policy_version INTEGER,
	range_min INTEGER,
	range_max INTEGER,
	grade TEXT,
	cvss_severity TEXT,
	reason TEXT,
	proposed_by INTEGER,
	proposed_by_name TEXT NOT NULL,
	proposed_at INTEGER NOT NULL,
	approved_by INTEGER,
	approved_by_name TEXT,
	approved_at INTEGER,
	paid_at INTEGER,
	paid_reference TEXT,
	paid_recorded_by_name TEXT,
	rejected_by_name TEXT,
	rejected_at INTEGER,
	reject_reason TEXT,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
-- one live decision per reporter per case (a rejected one does not block a new proposal)
CREATE UNIQUE INDEX rewards_live ON rewards(case_id, reporter_key) WHERE state <> 'rejected';
CREATE INDEX rewards_state ON rewards(state, id);
CREATE INDEX rewards_case ON rewards(case_id, id);
CREATE INDEX rewards_reporter ON rewards(reporter_user_id, id);
CREATE TABLE reward_events (
	id INTEGER PRIMARY KEY,
	reward_id INTEGER NOT NULL REFERENCES rewards(id),
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	at INTEGER NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	reason TEXT,
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX reward_events_reward ON reward_events(reward_id, id);
