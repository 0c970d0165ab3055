#!/usr/bin/python3
"""tests/rewards/scenarios.py - rewards for reporters (Art. 7(4), issue 7 item 5) end to end,
through the real server.

Usage:
    /usr/bin/python3 tests/rewards/scenarios.py --binary build-check/vulnflow
        [--db postgresql://USER@HOST:PORT/DB] [--filter SUBSTR] [--keep]

Starts its own instance: `vulnflow init`, users and API tokens made with the
CLI (admin, two coordinators, two analysts, auditor, two reporter accounts),
and `vulnflow serve --listen 127.0.0.1:0`.  Reports come in through
POST /api/v1/reports, signed in as a reporter account or anonymously.

Scenarios (each a group of TAP lines; a failed step that later steps need
ends its scenario):

  policy      versions of the reward policy: who may read and change it,
              validation, canonical amounts, history, older versions, audit
  lifecycle   propose (in range) -> approve -> paid by the roles allowed, with
              history rows and audit events; what the reporter sees (/mine)
  guards      outside the range needs a reason and a coordinator; the proposer
              cannot approve; pay before approval; reject needs a reason;
              final states; one live decision per reporter per case; no grade,
              another currency, the CVSS band row
  reporters   who a reward can be for: account id, e-mail, {"report_id"} of an
              anonymous report, not a reporter of the case
  access      need-to-know: analysts see decisions on their cases only;
              auditors read; reporters only /mine, and only approved or paid
  list        filters (state, case, reporter), paging with cursors, bad
              parameters
  ledger      the CSV byte for byte for a known ledger (BOM, header, CRLF,
              quoting, Chinese, formula guard, UTC and Asia/Shanghai times),
              filters, the audited export, the CLI's ledger the same bytes
  concurrency simultaneous proposals for one reporter (one wins, the rest 409
              reward_exists); simultaneous approvals (one wins, the rest 409)
  cli         `vulnflow reward ... --help` for every subcommand; propose,
              approve, list through the CLI; usage errors exit 2

Each line is "ok N - BACKEND: scenario: step" or "not ok N - ...: detail";
the plan line and "N passed, N failed" come last.  Exit 1 if anything failed
(or the server printed a sanitizer report).  With --db, DB must be an empty
PostgreSQL database.  The instance, the TAP stream and the runner are
tests/lib/vfharness.py's.
"""

import datetime
import json
import os
import secrets
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import vfharness  # noqa: E402
from vfharness import RUN, Server, parallel  # noqa: E402

CVSS_CRIT = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"      # 9.8 critical
CVSS_HIGH = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N"      # 8.1 high
GBT_HIGH = "AP:N/TR:L/PR:L/UI:N/C:S/I:N/A:N"      # 高危 with the built-in tables
GBT_MEDIUM = "AP:N/TR:L/PR:L/UI:N/C:M/I:N/A:N"    # 中危
LEDGER_COLS = ["reward_id", "case_id", "reporter", "reporter_user_id", "report_id", "amount",
               "currency", "state", "within_policy", "policy_version", "grade", "cvss_severity",
               "reason", "proposed_by", "proposed_at_utc", "proposed_at_shanghai", "approved_by",
               "approved_at_utc", "approved_at_shanghai", "paid_at_utc", "paid_at_shanghai",
               "reference", "rejected_by", "rejected_at_utc", "rejected_at_shanghai",
               "reject_reason"]
POLICY = {"currency": "CNY", "note": "奖励标准（测试）",
          "ranges": [{"grade": "超危", "min": 20000, "max": "50000"},
                     {"grade": "high", "cvss_severity": "critical", "min": "10000",
                      "max": "30000.5"},
                     {"grade": "high", "min": "5000", "max": "20000"},
                     {"grade": "medium", "min": "1000", "max": "5000"},
                     {"grade": "low", "min": 0, "max": 1000}]}


# ---------------------------------------------------------------- times


def parse_utc(s):
    """RFC 3339 with Z and microseconds -> aware datetime."""
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)


def shanghai(s):
    """The UTC time s shown in Asia/Shanghai (UTC+08:00, no DST since 1991), as the server
    formats it."""
    if s is None:
        return ""
    d = parse_utc(s).astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    return d.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+08:00"


# ---------------------------------------------------------------- the server


USERS = (("coordinator", "coordinator"), ("coordinator2", "coordinator"),
         ("analyst", "analyst"), ("analyst2", "analyst"), ("auditor", "auditor"),
         ("reporter", "reporter"), ("reporter2", "reporter"))


def make_server(binary, db, tmp):
    """An instance with USERS (reporters at example.cn) and no test clock or mail relay."""
    users = [(who, role, f"{who}-{RUN}@" + ("example.cn" if role == "reporter"
                                           else "psirt.example.cn"))
             for who, role in USERS]
    return Server(binary, db, tmp, users, token_name="rw-{}", test_clock=False)


# ---------------------------------------------------------------- helpers


class H:
    def __init__(self, srv, tap):
        self.srv, self.t = srv, tap
        self.notes = {}

    def api(self, *a, **kw):
        return self.srv.api(*a, **kw)

    def uid(self, who):
        return self.srv.users[who]["id"]

    def email(self, who):
        return self.srv.users[who]["email"]

    def report(self, who=None):
        """A report received from reporter account who (None: anonymous); its id."""
        body = {"title": f"路由器命令注入 {RUN}-{secrets.token_hex(2)}",
                "description": "诊断页面的 ping 参数未经过滤，直接拼接进 shell 命令。",
                "language": "zh-CN",
                "product": {"name": "智能路由器", "model": "AX-3000", "version": "1.2.7"},
                "reporter": {"name": "张伟", "email": f"zw-{secrets.token_hex(3)}@lab.example.cn",
                             "country": "CN"}}
        r = self.api("POST", "/api/v1/reports", body, who=who)
        self.t.status(r, 201, name="a report is received", need=True)
        return r.json["receipt"]["id"]

    def case(self, reports, who="analyst", gbt=GBT_HIGH, cvss=CVSS_HIGH):
        """A case (assigned to who when an analyst opens it) from reports, graded."""
        r = self.api("POST", "/api/v1/cases", {"report_ids": reports,
                                               "title": f"奖励测试 {RUN}"}, who=who)
        self.t.status(r, 201, name="case created", need=True)
        cid = r.json["id"]
        patch = {}
        if gbt:
            patch["gbt_vector"] = gbt
        if cvss:
            patch["cvss_vector"] = cvss
        if patch:
            r = self.api("PATCH", f"/api/v1/cases/{cid}", patch, who="coordinator")
            self.t.status(r, 200, name="case graded", need=True)
        return cid

    def propose(self, cid, body, who="analyst", expect=201, code=None, name=None, need=None):
        r = self.api("POST", f"/api/v1/cases/{cid}/rewards", body, who=who)
        self.t.status(r, expect, code, name or f"propose {body.get('amount')} -> {expect}"
                      + (f" {code}" if code else ""),
                      need=(expect == 201) if need is None else need)
        return r

    def step(self, rid, action, body=None, who="coordinator", expect=200, code=None, name=None,
             need=None):
        r = self.api("POST", f"/api/v1/rewards/{rid}/{action}", body, who=who)
        self.t.status(r, expect, code, name or f"{action} by {who} -> {expect}"
                      + (f" {code}" if code else ""),
                      need=(expect == 200) if need is None else need)
        return r

    def audit(self, action):
        r = self.api("GET", f"/api/v1/audit?action={action}&limit=500", who="auditor")
        self.t.status(r, 200, name=f"GET audit {action}", need=True)
        return r.json["items"]

    def missing(self, r):
        return r.json.get("error", {}).get("missing") if isinstance(r.json, dict) else None


# ---------------------------------------------------------------- scenarios


def sc_policy(h):
    t = h.t
    r = h.api("GET", "/api/v1/reward-policy", who="coordinator")
    t.status(r, 404, "no_reward_policy", "no policy yet: 404 no_reward_policy")
    t.status(h.api("PUT", "/api/v1/reward-policy", POLICY, who="analyst"), 403, "forbidden",
             "an analyst cannot change the policy")
    t.status(h.api("PUT", "/api/v1/reward-policy", POLICY, who="auditor"), 403, None,
             "an auditor cannot change the policy")
    for what, doc in (
            ("min above max", {"ranges": [{"grade": "high", "min": "2", "max": "1"}]}),
            ("an unknown grade", {"ranges": [{"grade": "severe", "min": 1, "max": 2}]}),
            ("a JSON fraction", {"ranges": [{"grade": "high", "min": 1.5, "max": 2}]}),
            ("three decimals", {"ranges": [{"grade": "high", "min": "1.005", "max": 2}]}),
            ("a negative amount", {"ranges": [{"grade": "high", "min": -1, "max": 2}]}),
            ("a duplicate range", {"ranges": [{"grade": "high", "min": 1, "max": 2},
                                              {"grade": "高危", "min": 1, "max": 3}]}),
            ("a bad currency", {"currency": "rmb", "ranges": []}),
            ("an unknown field", {"ranges": [], "bonus": 1}),
            ("a missing max", {"ranges": [{"grade": "low", "min": 1}]}),
            ("a bad CVSS band", {"ranges": [{"grade": "low", "cvss_severity": "huge",
                                             "min": 1, "max": 2}]})):
        r = h.api("PUT", "/api/v1/reward-policy", doc, who="coordinator")
        t.ok(r.status == 422, f"refused: {what} (422)", f"{r.status} {r.text[:300]}")
    r = h.api("PUT", "/api/v1/reward-policy", {"ranges": [{"grade": "low", "min": 1, "max": 2}],
                                                "change_note": "first draft"}, who="admin")
    t.status(r, 200, name="an admin sets version 1", need=True)
    t.eq(r.json["version"], 1, "it is version 1")
    t.eq(r.json["policy"]["currency"], "CNY", "currency defaults to CNY")
    t.eq(r.json["change_note"], "first draft", "the change note is kept")
    body = dict(POLICY, change_note="标准 v2")
    r = h.api("PUT", "/api/v1/reward-policy", body, who="coordinator")
    t.status(r, 200, name="a coordinator sets version 2", need=True)
    t.eq(r.json["version"], 2, "it is version 2")
    t.eq(r.json["policy"]["ranges"][0], {"grade": "critical", "min": "20000.00",
                                         "max": "50000.00"},
         "grades become ids and amounts canonical decimal strings")
    t.eq(r.json["policy"]["ranges"][1]["max"], "30000.50", "\"30000.5\" is 30000.50")
    t.eq(r.json["policy"]["ranges"][1]["cvss_severity"], "critical", "the CVSS band is kept")
    t.eq(r.json["policy"]["note"], "奖励标准（测试）", "the note is kept in Chinese")
    t.eq(r.json["created_by"], h.email("coordinator"), "who made it")
    t.ok(r.json["created_at"].endswith("Z") and r.json["created_at_local"].endswith("+08:00"),
         "created_at in UTC and Asia/Shanghai", r.text[:300])
    r = h.api("GET", "/api/v1/reward-policy", who="analyst")
    t.status(r, 200, name="an analyst reads the policy")
    t.eq(r.json and r.json["version"], 2, "the latest is version 2")
    r = h.api("GET", "/api/v1/reward-policy?version=1", who="auditor")
    t.status(r, 200, name="an auditor reads version 1")
    t.eq(r.json and r.json["policy"]["ranges"],
         [{"grade": "low", "min": "1.00", "max": "2.00"}], "version 1 is as it was")
    t.status(h.api("GET", "/api/v1/reward-policy?version=9", who="coordinator"), 404,
             "no_reward_policy", "an unknown version is 404")
    t.status(h.api("GET", "/api/v1/reward-policy?version=x", who="coordinator"), 422, None,
             "a bad version is 422")
    t.status(h.api("GET", "/api/v1/reward-policy", who="reporter"), 403, None,
             "a reporter does not read the policy through this route")
    r = h.api("GET", "/api/v1/reward-policy/history", who="coordinator")
    t.status(r, 200, name="the history")
    t.eq([x["version"] for x in r.json["items"]] if r.json else None, [2, 1],
         "history: every version, newest first")
    ev = [x for x in h.audit("reward.policy")]
    t.ok(len(ev) == 2 and {str(x["object_id"]) for x in ev} == {"1", "2"},
         "each version is an audit event", ev[:3])


def sc_lifecycle(h):
    t = h.t
    rep = h.report(who="reporter")
    cid = h.case([rep])
    r = h.propose(cid, {"reporter": h.uid("reporter"), "amount": "8000",
                        "reason": "有效的命令注入"})
    w = r.json
    t.eq(w["state"], "proposed", "the decision is proposed")
    t.eq(w["amount"], "8000.00", "amount as a decimal string")
    t.eq(w["currency"], "CNY", "currency from the policy")
    t.eq(w["within_policy"], True, "8000 lies in the high range")
    t.eq(w["policy_version"], 2, "checked against policy version 2")
    t.eq(w["policy_range"], {"min": "5000.00", "max": "20000.00"}, "the high range applied")
    t.eq(w["grade"], "high", "the case's grade")
    t.eq(w["cvss_severity"], "high", "the case's CVSS band")
    t.eq(w["reporter"], {"key": f"user:{h.uid('reporter')}", "user_id": h.uid("reporter"),
                         "report_id": None, "label": h.email("reporter")}, "the reporter")
    t.eq(w["proposed_by"], {"id": h.uid("analyst"), "name": h.email("analyst")},
         "the proposer")
    rid = w["id"]
    h.step(rid, "approve", who="analyst", expect=403, code="forbidden",
           name="an analyst cannot approve (403)")
    h.step(rid, "approve", who="admin", expect=403, code="forbidden",
           name="an admin cannot approve (403): approval is a coordinator's")
    r = h.step(rid, "paid", {"reference": "TX-1", "paid_at": "2026-01-01T00:00:00Z"},
               who="admin", expect=409, code="illegal_transition",
               name="pay before approval: 409 illegal_transition")
    t.eq(h.missing(r), ["approval"], "... naming the approval as missing")
    r = h.step(rid, "approve", {"note": "同意"}, who="coordinator")
    t.eq(r.json["state"], "approved", "approved")
    t.eq(r.json["approved_by"], {"id": h.uid("coordinator"), "name": h.email("coordinator")},
         "approved_by")
    t.ok(r.json["approved_at"] and r.json["approved_at_local"].endswith("+08:00"),
         "approved_at in both zones", r.text[:300])
    h.step(rid, "approve", who="coordinator2", expect=409, code="illegal_transition",
           name="approving twice is 409")
    r = h.step(rid, "paid", {}, who="admin", expect=409, code="guard_failed",
               name="paid without reference or time: 409 guard_failed")
    t.eq(h.missing(r), ["reference", "paid_at"], "... naming both")
    h.step(rid, "paid", {"reference": "TX-1", "paid_at": "2026-01-01"}, who="admin",
           expect=422, name="a paid_at that is not RFC 3339 is 422")
    h.step(rid, "paid", {"reference": "TX-1", "paid_at": "2999-01-01T00:00:00Z"}, who="admin",
           expect=422, name="a paid_at in the future is 422")
    h.step(rid, "paid", {"reference": "TX-1", "paid_at": "2001-01-01T00:00:00Z"}, who="admin",
           expect=422, name="a paid_at before the proposal is 422")
    h.step(rid, "paid", {"reference": "TX-1", "paid_at": "2001-01-01T00:00:00Z", "x": 1},
           who="admin", expect=422, code="unknown_field", name="an unknown field is 422")
    h.step(rid, "paid", {"reference": "TX-1"}, who="analyst", expect=403,
           name="an analyst cannot record a payment (403)")
    paid_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    r = h.step(rid, "paid", {"reference": "银行流水 2026-0001", "paid_at": paid_at}, who="admin")
    t.eq(r.json["state"], "paid", "paid")
    t.eq(r.json["paid_at"], paid_at, "paid_at as given")
    t.eq(r.json["paid_at_local"], shanghai(paid_at), "paid_at in Asia/Shanghai")
    t.eq(r.json["reference"], "银行流水 2026-0001", "the payment reference")
    t.eq(r.json["approved_by"]["name"], h.email("coordinator"), "the approval is kept")
    hist = r.json["history"]
    t.eq([(x["action"], x["from"], x["to"]) for x in hist],
         [("propose", None, "proposed"), ("approve", "proposed", "approved"),
          ("pay", "approved", "paid")], "three history rows")
    t.eq([x["actor"] for x in hist],
         [h.email("analyst"), h.email("coordinator"), h.email("admin")], "... with their actors")
    t.eq(hist[1]["reason"], "同意", "the approval note is in the history")
    h.step(rid, "reject", {"reason": "x"}, who="coordinator", expect=409,
           code="illegal_transition", name="a paid reward cannot be rejected")
    for action in ("propose", "approve", "pay"):
        ev = [x for x in h.audit(f"reward.{action}") if str(x["object_id"]) == str(rid)]
        t.eq(len(ev), 1, f"one reward.{action} audit event")
    r = h.api("GET", f"/api/v1/rewards/{rid}", who="auditor")
    t.status(r, 200, name="an auditor reads the decision")
    t.eq(r.json and len(r.json["history"]), 3, "with its history")
    r = h.api("GET", "/api/v1/rewards/mine", who="reporter")
    t.status(r, 200, name="the reporter reads their own rewards", need=True)
    mine = [x for x in r.json["items"] if x["id"] == rid]
    t.eq(len(mine), 1, "the paid reward is there")
    if mine:
        m = mine[0]
        t.eq(m["report_ids"], [rep], "with the reporter's report in that case")
        t.eq((m["amount"], m["currency"], m["state"], m["reference"]),
             ("8000.00", "CNY", "paid", "银行流水 2026-0001"), "amount, state and reference")
        t.ok("reason" not in m and "proposed_by" not in m and "approved_by" not in m,
             "no internal reason or decider", m)
    r = h.api("GET", "/api/v1/rewards/mine", who="reporter2")
    t.ok(r.status == 200 and all(x["id"] != rid for x in r.json["items"]),
         "another reporter does not see it", r.text[:300])
    t.status(h.api("GET", "/api/v1/rewards/mine", who="analyst"), 403, None,
             "an analyst has no rewards of their own (403)")
    h.notes["paid"] = (rid, cid, rep)


def sc_guards(h):
    t = h.t
    rep = h.report(who="reporter2")
    cid = h.case([rep])
    who = h.uid("reporter2")
    r = h.propose(cid, {"reporter": who, "amount": 25000}, expect=409, code="guard_failed",
                  name="an analyst above the range without a reason: 409")
    t.eq(h.missing(r), ["reason", "coordinator"], "... missing a reason and a coordinator")
    r = h.propose(cid, {"reporter": who, "amount": 25000, "reason": "影响面大"}, expect=409,
                  code="guard_failed", name="an analyst above the range with a reason: 409")
    t.eq(h.missing(r), ["coordinator"], "... missing a coordinator")
    r = h.propose(cid, {"reporter": who, "amount": 25000}, who="coordinator", expect=409,
                  code="guard_failed", name="a coordinator without a reason: 409")
    t.eq(h.missing(r), ["reason"], "... missing a reason")
    h.propose(cid, {"reporter": who, "amount": 100}, who="admin", expect=403, code="forbidden",
              name="an admin does not propose (403)")
    h.propose(cid, {"reporter": who, "amount": 100}, who="auditor", expect=403,
              name="an auditor does not propose (403)")
    r = h.propose(cid, {"reporter": who, "amount": "25000.00", "reason": "影响面大"},
                  who="coordinator", name="a coordinator above the range with a reason: 201")
    w = r.json
    t.eq((w["within_policy"], w["reason"]), (False, "影响面大"), "recorded as outside the policy")
    h.propose(cid, {"reporter": who, "amount": 6000}, expect=409, code="reward_exists",
              name="a second live decision for the same reporter and case: 409")
    r = h.step(w["id"], "approve", who="coordinator", expect=409, code="guard_failed",
               name="the proposer cannot approve: 409")
    t.eq(h.missing(r), ["second_coordinator"], "... missing a second coordinator")
    r = h.step(w["id"], "reject", {}, who="coordinator2", expect=409, code="guard_failed",
               name="reject without a reason: 409")
    t.eq(h.missing(r), ["reason"], "... missing a reason")
    h.step(w["id"], "reject", {"reason": "x"}, who="analyst", expect=403,
           name="an analyst cannot reject (403)")
    r = h.step(w["id"], "reject", {"reason": "超出预算"}, who="coordinator2")
    t.eq((r.json["state"], r.json["reject_reason"], r.json["rejected_by"]),
         ("rejected", "超出预算", h.email("coordinator2")), "rejected, with reason and who")
    h.step(w["id"], "approve", who="coordinator2", expect=409, code="illegal_transition",
           name="a rejected reward cannot be approved")
    h.step(w["id"], "paid", {"reference": "x", "paid_at": "2026-01-01T00:00:00Z"}, who="admin",
           expect=409, code="illegal_transition", name="nor paid")
    r = h.propose(cid, {"reporter": who, "amount": 20000}, name="after a rejection a new"
                  " proposal may be made (20000: the top of the range)")
    t.eq(r.json["within_policy"], True, "the range's bounds are inside it")
    r2 = h.step(r.json["id"], "approve", who="coordinator2",
                name="a coordinator approves an analyst's proposal")
    h.step(r.json["id"], "reject", {"reason": "付款前撤销"}, who="admin",
           name="an approved reward can still be rejected before payment")
    del r2
    t.status(h.api("POST", "/api/v1/rewards/99999999/approve", None, who="coordinator"), 404,
             None, "an unknown reward is 404")
    t.status(h.api("POST", f"/api/v1/rewards/{w['id']}/approve", raw=b"[1]",
                   who="coordinator"), 422, None, "a body that is not an object is 422")
    t.status(h.api("POST", f"/api/v1/rewards/{w['id']}/approve", raw=b"{",
                   who="coordinator"), 400, "malformed_json", "a broken body is 400")
    # the CVSS band row and the grade-only row
    rep2 = h.report(who="reporter2")
    crit = h.case([rep2], cvss=CVSS_CRIT)
    r = h.propose(crit, {"reporter": who, "amount": "29000"},
                  name="high grade, critical CVSS band: 29000 lies in the band's range")
    t.eq(r.json["policy_range"], {"min": "10000.00", "max": "30000.50"},
         "the (high, critical) row applied")
    # another currency, no grade
    rep3 = h.report(who="reporter2")
    nog = h.case([rep3], gbt=None, cvss=None)
    r = h.propose(nog, {"reporter": who, "amount": 10}, expect=409, code="guard_failed",
                  name="a case without a grade: no range applies, 409")
    t.eq(h.missing(r), ["reason", "coordinator"], "... it needs a reason and a coordinator")
    rep4 = h.report(who="reporter2")
    usd = h.case([rep4], gbt=GBT_MEDIUM)
    h.propose(usd, {"reporter": who, "amount": 2000, "currency": "USD"}, expect=409,
              code="guard_failed", name="another currency than the policy's is outside it")
    r = h.propose(usd, {"reporter": who, "amount": 2000, "currency": "CNY"},
                  name="the same amount in CNY is in the medium range")
    t.eq(r.json["grade"], "medium", "grade medium")
    for what, body, code in (
            ("a JSON fraction amount", {"reporter": who, "amount": 1.5}, "invalid_amount"),
            ("a negative amount", {"reporter": who, "amount": -5}, "invalid_amount"),
            ("an amount with three decimals", {"reporter": who, "amount": "1.001"},
             "invalid_amount"),
            ("a missing amount", {"reporter": who}, "missing_field"),
            ("a missing reporter", {"amount": 1}, "missing_field"),
            ("a bad currency", {"reporter": who, "amount": 1, "currency": "yuan"}, None),
            ("an unknown field", {"reporter": who, "amount": 1, "tip": 1}, "unknown_field")):
        h.propose(usd, body, expect=422, code=code, name=f"{what} is 422")
    t.status(h.api("POST", "/api/v1/cases/99999999/rewards", {"reporter": who, "amount": 1},
                   who="coordinator"), 404, None, "an unknown case is 404")


def sc_reporters(h):
    t = h.t
    anon = h.report(who=None)
    signed = h.report(who="reporter")
    cid = h.case([anon, signed])
    r = h.propose(cid, {"reporter": h.email("reporter"), "amount": 6000},
                  name="a reporter account by e-mail")
    t.eq(r.json["reporter"]["key"], f"user:{h.uid('reporter')}", "keyed by the account")
    h.propose(cid, {"reporter": {"report_id": signed}, "amount": 6000}, expect=409,
              code="reward_exists",
              name="{report_id} of a signed-in report is the same reporter (409)")
    r = h.propose(cid, {"reporter": {"report_id": anon}, "amount": 5000},
                  name="the sender of an anonymous report by {report_id}")
    t.eq(r.json["reporter"], {"key": f"report:{anon}", "user_id": None, "report_id": anon,
                              "label": f"report {anon}"}, "keyed by the report")
    h.notes["anon"] = (r.json["id"], anon)
    for what, rep, code in (
            ("a reporter account with no report in the case", h.uid("reporter2"),
             "not_a_reporter"),
            ("a staff account", h.uid("analyst"), "not_a_reporter"),
            ("an unknown e-mail", "nobody@example.cn", "not_a_reporter"),
            ("a report of another case", {"report_id": h.report(who=None)}, "not_a_reporter"),
            ("a string that is no e-mail", "reporter", None),
            ("report_id 0", {"report_id": 0}, None)):
        h.propose(cid, {"reporter": rep, "amount": 5000}, expect=422, code=code,
                  name=f"{what}: 422")


def sc_access(h):
    t = h.t
    rep = h.report(who="reporter")
    cid = h.case([rep], who="analyst2")
    r = h.propose(cid, {"reporter": h.uid("reporter"), "amount": 5000}, who="analyst2",
                  name="analyst 2 proposes on their own case")
    rid = r.json["id"]
    h.propose(cid, {"reporter": h.uid("reporter"), "amount": 5000}, who="analyst", expect=404,
              name="analyst 1 cannot propose on analyst 2's case (404)")
    t.status(h.api("GET", f"/api/v1/rewards/{rid}", who="analyst"), 404, None,
             "analyst 1 cannot read it (404)")
    h.step(rid, "approve", who="analyst", expect=404,
           name="nor approve it: a decision on a case one may not see is 404")
    t.status(h.api("GET", f"/api/v1/rewards/{rid}", who="analyst2"), 200, None,
             "analyst 2 reads it")
    ids = [x["id"] for x in h.api("GET", "/api/v1/rewards?limit=500", who="analyst").json["items"]]
    t.ok(rid not in ids, "analyst 1's list does not hold it", ids[:20])
    # a team of analyst 1's assigned to the case opens it to them (Art. 11 teams)
    r = h.api("POST", "/api/v1/teams", {"name": f"奖励组 {cid}"}, who="admin")
    t.status(r, 201, None, "the admin creates a team")
    team = r.json["id"]
    t.status(h.api("POST", f"/api/v1/teams/{team}/members", {"user_id": h.uid("analyst")},
                   who="admin"), 200, None, "with analyst 1 in it")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {"team_id": team}, who="coordinator"), 200,
             None, "the case is assigned to the team")
    t.status(h.api("GET", f"/api/v1/rewards/{rid}", who="analyst"), 200, None,
             "now analyst 1, in the case's team, reads the decision")
    ids = [x["id"] for x in h.api("GET", "/api/v1/rewards?limit=500", who="analyst").json["items"]]
    t.ok(rid in ids, "and lists it", ids[:20])
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {"team_id": None}, who="coordinator"), 200,
             None, "the team is taken off the case again")
    t.status(h.api("GET", f"/api/v1/rewards/{rid}", who="analyst"), 404, None,
             "and analyst 1 no longer sees it")
    items = h.api("GET", "/api/v1/rewards?limit=500", who="analyst2").json["items"]
    t.ok(rid in [x["id"] for x in items] and all(x["case_id"] == cid for x in items),
         "analyst 2's list holds only decisions on their cases", [x["case_id"] for x in items])
    r = h.api("GET", "/api/v1/rewards?limit=500", who="auditor")
    t.ok(r.status == 200 and rid in [x["id"] for x in r.json["items"]], "an auditor lists all",
         r.text[:200])
    t.status(h.api("GET", "/api/v1/rewards", who="reporter"), 403, None,
             "a reporter cannot list decisions (403)")
    t.status(h.api("GET", f"/api/v1/rewards/{rid}", who="reporter"), 403, None,
             "nor read one (403)")
    t.status(h.api("GET", "/api/v1/rewards/ledger.csv", who="reporter"), 403, None,
             "nor export the ledger (403)")
    t.status(h.api("GET", "/api/v1/rewards", who=None), 401, None, "anonymous: 401")
    t.status(h.api("GET", "/api/v1/rewards/mine", who=None), 401, None, "anonymous /mine: 401")
    mine = h.api("GET", "/api/v1/rewards/mine", who="reporter").json["items"]
    t.ok(rid not in [x["id"] for x in mine], "a proposal is not shown to the reporter", mine)
    h.step(rid, "approve", who="coordinator", name="a coordinator approves")
    mine = h.api("GET", "/api/v1/rewards/mine", who="reporter").json["items"]
    got = [x for x in mine if x["id"] == rid]
    t.ok(len(got) == 1 and got[0]["state"] == "approved" and got[0]["paid_at"] is None,
         "once approved the reporter sees it (not yet paid)", mine)
    t.ok(all(x["state"] in ("approved", "paid") for x in mine), "only approved or paid ones",
         [x["state"] for x in mine])


def sc_list(h):
    t = h.t
    r = h.api("GET", "/api/v1/rewards?limit=500", who="coordinator")
    t.status(r, 200, name="the full list", need=True)
    every = r.json["items"]
    t.ok(len(every) >= 8, "the decisions of the earlier scenarios are listed", len(every))
    ids = [x["id"] for x in every]
    t.eq(ids, sorted(ids, reverse=True), "newest first")
    for state in ("proposed", "approved", "paid", "rejected"):
        r = h.api("GET", f"/api/v1/rewards?state={state}&limit=500", who="coordinator")
        t.eq(sorted(x["id"] for x in r.json["items"]),
             sorted(x["id"] for x in every if x["state"] == state), f"state={state}")
    cid = every[0]["case_id"]
    r = h.api("GET", f"/api/v1/rewards?case={cid}", who="coordinator")
    t.eq(sorted(x["id"] for x in r.json["items"]),
         sorted(x["id"] for x in every if x["case_id"] == cid), "case=ID")
    uid = h.uid("reporter2")
    for q in (str(uid), f"user:{uid}"):
        r = h.api("GET", f"/api/v1/rewards?reporter={q}&limit=500", who="coordinator")
        t.eq(sorted(x["id"] for x in r.json["items"]),
             sorted(x["id"] for x in every if x["reporter"]["user_id"] == uid),
             f"reporter={q}")
    aid, anon = h.notes.get("anon", (None, None))
    if aid:
        r = h.api("GET", f"/api/v1/rewards?reporter=report:{anon}", who="coordinator")
        t.eq([x["id"] for x in r.json["items"]], [aid], "reporter=report:N")
    seen, cursor, pages = [], None, 0
    while pages < 100:
        q = "/api/v1/rewards?limit=3" + (f"&cursor={cursor}" if cursor else "")
        r = h.api("GET", q, who="coordinator")
        t.need(r.status == 200, f"page {pages + 1}", r.text[:300])
        seen += [x["id"] for x in r.json["items"]]
        cursor = r.json["next_cursor"]
        pages += 1
        if not cursor:
            break
    t.eq(seen, ids, f"paging by 3 ({pages} pages) walks the whole list once")
    for q, what in (("state=done", "an unknown state"), ("case=x", "a bad case"),
                    ("reporter=bob", "a bad reporter"), ("limit=0", "limit 0"),
                    ("limit=501", "limit 501"), ("cursor=abc", "a bad cursor")):
        r = h.api("GET", f"/api/v1/rewards?{q}", who="coordinator")
        t.eq(r.status, 422, f"{what} is 422")


def csv_field(s):
    """The ledger's quoting, written independently of the server."""
    if s is None:
        return ""
    s = str(s)
    if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        s = "'" + s
    if any(c in s for c in ",\"\r\n"):
        s = '"' + s.replace('"', '""') + '"'
    return s


def expected_row(w):
    def who(x):
        return x["name"] if x else None
    vals = [w["id"], w["case_id"], w["reporter"]["label"], w["reporter"]["user_id"],
            w["reporter"]["report_id"], w["amount"], w["currency"], w["state"],
            "yes" if w["within_policy"] else "no", w["policy_version"], w["grade"],
            w["cvss_severity"], w["reason"], w["proposed_by"]["name"], w["proposed_at"],
            shanghai(w["proposed_at"]), who(w["approved_by"]), w["approved_at"],
            shanghai(w["approved_at"]), w["paid_at"], shanghai(w["paid_at"]), w["reference"],
            w["rejected_by"], w["rejected_at"], shanghai(w["rejected_at"]), w["reject_reason"]]
    return ",".join(csv_field(v) for v in vals) + "\r\n"


def sc_ledger(h):
    t = h.t
    anon = h.report(who=None)
    signed = h.report(who="reporter2")
    cid = h.case([anon, signed], who="coordinator", gbt=GBT_MEDIUM)
    reason = '补充说明, 含"引号"\n和换行'
    r = h.propose(cid, {"reporter": h.uid("reporter2"), "amount": "1234.5", "reason": reason},
                  who="coordinator",
                  name="a proposal with a reason holding a comma, quotes and a newline")
    a = r.json["id"]
    h.step(a, "approve", who="coordinator2")
    r = h.step(a, "paid", {"reference": "=HYPERLINK(\"http://x\")",
                           "paid_at": r.json["proposed_at"]}, who="coordinator2",
               name="paid with a reference a spreadsheet would run as a formula")
    first = r.json
    r = h.propose(cid, {"reporter": {"report_id": anon}, "amount": 9999, "reason": "-超出"},
                  who="coordinator2", name="an out-of-policy proposal for the anonymous sender")
    b = r.json["id"]
    r = h.step(b, "reject", {"reason": "@重复报告"}, who="coordinator")
    second = r.json
    want = ("\ufeff" + ",".join(LEDGER_COLS) + "\r\n" + expected_row(first) +
            expected_row(second)).encode("utf-8")
    r = h.api("GET", f"/api/v1/rewards/ledger.csv?case={cid}", who="auditor")
    t.status(r, 200, name="the ledger of the case", need=True)
    t.eq(r.headers.get("content-type"), "text/csv; charset=utf-8; header=present",
         "Content-Type text/csv; charset=utf-8")
    t.ok("attachment" in r.headers.get("content-disposition", ""), "a download",
         r.headers.get("content-disposition"))
    t.ok(r.body.startswith(b"\xef\xbb\xbf"), "it starts with the UTF-8 BOM", r.body[:10])
    t.eq(r.body, want, "the CSV byte for byte")
    lines = r.body.decode("utf-8-sig").split("\r\n")
    t.eq(lines[0].split(","), LEDGER_COLS, "the documented column order")
    t.ok("'=HYPERLINK" in r.text and "\"'@重复报告\"" not in r.text and "'@重复报告" in r.text,
         "formula-like text is prefixed with '", r.text[:800])
    t.ok(",1234.50,CNY,paid,yes," in r.text, "amount, currency, state, within_policy", r.text)
    import csv
    import io
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
    t.eq(len(rows), 3, "Python's csv reads a header and two rows")
    t.eq(rows[1][LEDGER_COLS.index("reason")], reason, "the reason survives quoting exactly")
    t.eq(rows[1][LEDGER_COLS.index("paid_at_shanghai")], shanghai(first["paid_at"]),
         "paid_at in Asia/Shanghai")
    t.eq(rows[2][LEDGER_COLS.index("reporter")], f"report {anon}", "the anonymous sender")
    r = h.api("GET", f"/api/v1/rewards/ledger.csv?case={cid}&state=paid", who="coordinator")
    t.eq(r.body, ("\ufeff" + ",".join(LEDGER_COLS) + "\r\n" + expected_row(first)).encode(),
         "state=paid selects the paid row")
    r = h.api("GET", "/api/v1/rewards/ledger.csv?case=99999999", who="coordinator")
    t.eq(r.body, ("\ufeff" + ",".join(LEDGER_COLS) + "\r\n").encode(),
         "an empty ledger is the header alone")
    r = h.api("GET", "/api/v1/rewards/ledger.csv?state=bad", who="coordinator")
    t.eq(r.status, 422, "a bad state is 422")
    r = h.api("GET", "/api/v1/rewards/ledger.csv", who="analyst")
    t.ok(r.status == 200 and f"\r\n{a}," not in r.text, "an analyst's ledger holds only"
         " their cases", r.text[:300])
    ev = h.audit("reward.ledger")
    t.ok(len(ev) >= 4 and any(x["actor"] == h.email("auditor") for x in ev),
         "each export is an audit event", ev[:2])
    p = h.srv.cli_dir("reward", "ledger", "--case", cid, text=False)
    t.eq(p.returncode, 0, "vulnflow reward ledger exits 0")
    t.eq(p.stdout, want, "the CLI's ledger is the same bytes")
    h.notes["ledger_case"] = cid


def sc_concurrency(h):
    t = h.t
    rep = h.report(who="reporter")
    cid = h.case([rep])
    body = {"reporter": h.uid("reporter"), "amount": 6000}
    rs = parallel(8, lambda i: h.api("POST", f"/api/v1/cases/{cid}/rewards", body,
                                     who="analyst" if i % 2 else "coordinator"))
    codes = sorted((r.status, r.code) for r in rs)
    t.eq(codes, [(201, None)] + [(409, "reward_exists")] * 7,
         "8 simultaneous proposals: one 201, seven 409 reward_exists")
    won = [r for r in rs if r.status == 201]
    if not won:
        return
    rid = won[0].json["id"]
    proposer = won[0].json["proposed_by"]["id"]
    approvers = [w for w in ("coordinator", "coordinator2") if h.uid(w) != proposer]
    rs = parallel(6, lambda i: h.api("POST", f"/api/v1/rewards/{rid}/approve", None,
                                     who=approvers[i % len(approvers)]))
    codes = sorted(r.status for r in rs)
    t.eq(codes, [200] + [409] * 5, "6 simultaneous approvals: one 200, five 409")
    r = h.api("GET", f"/api/v1/rewards/{rid}", who="coordinator")
    t.eq([x["action"] for x in r.json["history"]], ["propose", "approve"],
         "one approval in the history")
    t.eq(len([x for x in h.audit("reward.approve") if str(x["object_id"]) == str(rid)]), 1,
         "one reward.approve audit event")


def sc_cli(h):
    t = h.t
    p = h.srv.cli("reward", "--help")
    t.ok(p.returncode == 0 and "propose" in p.stdout and "ledger" in p.stdout,
         "vulnflow reward --help", p.stderr[-300:])
    for sub in ("policy", "propose", "approve", "paid", "reject", "show", "list", "ledger"):
        p = h.srv.cli("reward", sub, "--help")
        t.ok(p.returncode == 0 and f"vulnflow reward {sub}" in p.stdout,
             f"vulnflow reward {sub} --help", p.stdout[:200] + p.stderr[-200:])
    p = h.srv.cli("--help")
    t.ok(p.returncode == 0 and "reward" in p.stdout, "the command is in vulnflow --help")
    p = h.srv.cli("reward", "frobnicate")
    t.eq(p.returncode, 2, "an unknown subcommand exits 2")
    rep = h.report(who="reporter")
    cid = h.case([rep])
    p = h.srv.cli_dir("reward", "propose", cid, "--reporter", h.uid("reporter"), "--amount",
                      "7000")
    t.ok(p.returncode == 2 and "--as" in p.stderr, "propose without --as exits 2", p.stderr)
    p = h.srv.cli_dir("reward", "propose", cid, "--reporter", h.email("reporter"), "--amount",
                      "7000", "--as", h.email("analyst"), "--json")
    t.eq(p.returncode, 0, "propose --as an analyst", )
    w = json.loads(p.stdout) if p.returncode == 0 else {}
    t.eq((w.get("state"), w.get("amount"), (w.get("proposed_by") or {}).get("name")),
         ("proposed", "7000.00", h.email("analyst")), "proposed in the analyst's name")
    p = h.srv.cli_dir("reward", "approve", w.get("id", 1), "--as", h.email("analyst"))
    t.eq(p.returncode, 1, "approve --as an analyst fails (exit 1)")
    p = h.srv.cli_dir("reward", "approve", w.get("id", 1), "--as", h.email("coordinator"),
                      "--json")
    t.ok(p.returncode == 0 and json.loads(p.stdout)["state"] == "approved",
         "approve --as a coordinator", p.stderr)
    p = h.srv.cli_dir("reward", "paid", w.get("id", 1), "--as", h.email("admin"))
    t.ok(p.returncode == 1 and "reference" in p.stderr, "paid without --reference names it",
         p.stderr)
    p = h.srv.cli_dir("reward", "list", "--case", cid)
    t.ok(p.returncode == 0 and "approved" in p.stdout and "7000.00" in p.stdout,
         "reward list --case", p.stdout + p.stderr)
    p = h.srv.cli_dir("reward", "policy", "--json")
    t.ok(p.returncode == 0 and json.loads(p.stdout)["version"] == 2, "reward policy (show)",
         p.stderr)
    p = h.srv.cli_dir("reward", "policy", "history", "--json")
    t.ok(p.returncode == 0 and len(json.loads(p.stdout)["items"]) == 2, "reward policy history",
         p.stderr)


SCENARIOS = [("policy", sc_policy), ("lifecycle", sc_lifecycle), ("guards", sc_guards),
             ("reporters", sc_reporters), ("access", sc_access), ("list", sc_list),
             ("ledger", sc_ledger), ("concurrency", sc_concurrency), ("cli", sc_cli)]


def setup(srv, tap):
    srv.start()
    return H(srv, tap)


def main():
    return vfharness.run("reward scenarios (issue 7 item 5)", SCENARIOS, make_server, setup,
                         "instance, users, tokens and server", "vf-rewards-",
                         always=("policy",),
                         filter_help="run only scenarios whose name contains this (policy"
                         " always runs: the others need it)")


if __name__ == "__main__":
    sys.exit(main())
