#!/usr/bin/python3
"""tests/cases/scenarios.py - the case workflow (issue 4) end to end, through the real server.

Usage:
    /usr/bin/python3 tests/cases/scenarios.py --binary build-check/vulnflow
        [--db postgresql://USER@HOST:PORT/DB] [--filter SUBSTR] [--keep]

Starts its own instance: `vulnflow init`, users and API tokens made with the
CLI (admin, coordinator, two analysts, auditor, reporter), an SMTP sink
(aiosmtpd in a thread) as the mail relay, and `vulnflow serve --listen
127.0.0.1:0 --set test_clock=1 --set intake_rate_limit=0`.  Reports come in
through POST /api/v1/reports like any reporter's.  Time is moved only forward,
with POST /api/v1/test/clock (a case's events must never go back in time).

Scenarios (each a group of TAP lines; a failed step that later steps need
ends its scenario):

  lifecycle     a provider case meeting every clock, from a report to a case
                closed on a recorded decision not to publish; the authority
                report in JSON, HTML and text; its submission's leaf in the
                receipt log; the dossier
  upstream      the overseas guard of Art. 9(7): domestic supplier sent (mail
                in the sink), overseas non-provider refused and audited,
                overseas provider sent
  duplicates    two reports, two cases, one merged into the other
  operator      an operator case (Art. 8): never published, rmsv.operator_fix
                by grade, closed after fix_available
  resubmission  version 2 after a changed assessment; unchanged is 409
  learned_at    changing it needs a reason; the event and the clocks move
  access        need-to-know (Art. 11) by role, and the case.read audit events
  guards        illegal transitions and guard failures naming what is missing
  input         bad fields and ids, bad JSON and content type, list
                parameters, paging with cursors in every sort order, filters,
                clock paging
  html          markup in a case is escaped in the HTML report and dossier
  cra           the CRA clocks of an actively exploited provider case
  concurrency   simultaneous transitions, cases from one report, mutual
                duplicates, re-submissions (and no orphan leaf in the log)
  mail_lock     a slow mail relay must not stall intake or other cases
  late          a report learned 3 days ago: the authority-report clock
                missed, met late; GET /api/v1/clocks?state=missed; a case
                dismissed too late keeps its missed clocks
  replay        `vulnflow case verify` for every case of the run, then
                case_events / cases rows altered in the database and caught
  escalation    the server's escalation mail (checked every 10 s) for the
                clocks the late scenario pushed past their points
  clock         the test clock endpoint (admin only)

Each line is "ok N - BACKEND: scenario: step" or "not ok N - ...: detail";
the plan line and "N passed, N failed" come last.  Exit 1 if anything failed
(or the server printed a sanitizer report).  With --db, DB must be an empty
PostgreSQL database; the case_events tampering then goes through psql.

The instance, the TAP stream and the runner are tests/lib/vfharness.py's.
"""

import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import vfharness  # noqa: E402
from vfharness import (DAY, HOUR, RUN, SLOW_SECONDS, US, Clock, Server, Sink,  # noqa: E402
                       parallel, rfc, tlogverify, us)

UTC_US = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
LOCAL_US = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+08:00"
CVSS31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
GBT_HIGH = "AP:N/TR:L/PR:L/UI:N/C:S/I:N/A:N"      # 高危 with the built-in tables
GBT_MEDIUM = "AP:N/TR:L/PR:L/UI:N/C:M/I:N/A:N"    # 中危
GBT_LOW = "AP:L/TR:H/PR:L/UI:R/C:M/I:N/A:N"       # 低危
ZH_DESC = ("某型号家用路由器的 Web 管理界面存在命令注入漏洞：诊断页面的 ping 参数未经过滤，"
           "直接拼接进 shell 命令。未经身份验证的攻击者可在局域网内构造请求执行任意命令。")


# ---------------------------------------------------------------- helpers


class H:
    """Helpers bound to one server, clock and TAP stream; track every case made."""

    def __init__(self, srv, clk, tap):
        self.srv, self.clk, self.t = srv, clk, tap
        self.cases = []
        self.notes = {}         # case ids one scenario leaves for a later one

    def api(self, *a, **kw):
        return self.srv.api(*a, **kw)

    def report(self, title=None, product=None):
        body = {"title": title or f"路由器命令注入漏洞 {RUN}-{secrets.token_hex(2)}",
                "description": ZH_DESC, "language": "zh-CN",
                "product": product or {"name": "智能路由器", "model": "AX-3000",
                                       "version": "1.2.7"},
                "reporter": {"name": "张伟", "email": f"zw-{secrets.token_hex(3)}@lab.example.cn",
                             "organization": "某安全实验室", "country": "CN"}}
        r = self.api("POST", "/api/v1/reports", body, who=None)
        self.t.status(r, 201, name="a report is received", need=True)
        return r.json["receipt"]

    def create(self, body, who="coordinator", name="case created"):
        r = self.api("POST", "/api/v1/cases", body, who=who)
        self.t.status(r, 201, name=name, need=True)
        self.cases.append(r.json["id"])
        return r.json

    def get(self, cid, who="coordinator"):
        r = self.api("GET", f"/api/v1/cases/{cid}", who=who)
        self.t.status(r, 200, name=f"GET case {cid}", need=True)
        return r.json

    def patch(self, cid, body, who="coordinator", name=None, need=True):
        r = self.api("PATCH", f"/api/v1/cases/{cid}", body, who=who)
        self.t.status(r, 200, name=name or f"PATCH {sorted(body)}", need=need)
        return r.json

    def move(self, cid, to, reason=None, who="coordinator", expect=200, code=None, name=None,
             need=None, **extra):
        body = {"to": to, **extra}
        if reason is not None:
            body["reason"] = reason
        r = self.api("POST", f"/api/v1/cases/{cid}/transitions", body, who=who)
        self.t.status(r, expect, code, name or f"-> {to} is {expect}" + (f" {code}" if code else ""),
                      need=expect == 200 if need is None else need)
        return r

    def clocks(self, cid, who="coordinator"):
        r = self.api("GET", f"/api/v1/cases/{cid}/clocks", who=who)
        self.t.status(r, 200, name="GET clocks", need=True)
        return {c["id"]: c for c in r.json["clocks"]}

    def dossier(self, cid, who="coordinator"):
        r = self.api("GET", f"/api/v1/cases/{cid}/dossier", who=who)
        self.t.status(r, 200, name="GET dossier", need=True)
        return r.json

    def notify(self, cid, kind, recipients, who="coordinator", message=None):
        body = {"kind": kind, "recipients": recipients}
        if message:
            body["message"] = message
        r = self.api("POST", f"/api/v1/cases/{cid}/notifications", body, who=who)
        self.t.status(r, 201, name=f"{kind} notification answered 201", need=True)
        return r.json

    def submit(self, cid, who="coordinator", **body):
        body.setdefault("channel", "web_form")
        return self.api("POST", f"/api/v1/cases/{cid}/authority-report/submissions", body,
                        who=who)

    def audit(self, action, object_id=None, limit=500):
        r = self.api("GET", f"/api/v1/audit?action={action}&limit={limit}", who="auditor")
        self.t.status(r, 200, name=f"GET audit {action}", need=True)
        return [x for x in r.json["items"]
                if object_id is None or str(x.get("object_id")) == str(object_id)]

    def clock_state(self, clocks, cid, want, name):
        c = clocks.get(cid)
        return self.t.ok(c is not None and c["state"] == want, name,
                         f"clock {cid}: {json.dumps(c, ensure_ascii=False) if c else 'absent'}")

    def full_case(self, title=None, who="coordinator", **extra):
        """A provider case (internal finding) with what assessment needs."""
        body = {"title": title or f"内部发现 {RUN}-{secrets.token_hex(2)}",
                "products": [{"name": "工业网关", "model": "GW-9", "versions": ["3.1.0"]}]}
        body.update(extra)
        return self.create(body, who=who)


def timeline_event(dossier, event_id):
    for ev in dossier.get("timeline", []):
        if ev.get("id") == event_id:
            return ev
    return None


# ---------------------------------------------------------------- scenarios


def sc_lifecycle(h):
    t, clk = h.t, h.clk
    rec = h.report(title=f"路由器诊断页命令注入 {RUN}")
    c = h.create({"report_ids": [rec["id"]]}, who="analyst",
                 name="an analyst opens a case from the report")
    cid = c["id"]
    t.eq(c["learned_at"], rec["received_at"], "learned_at is the report's receipt time")
    t.ok(re.fullmatch(LOCAL_US, c.get("learned_at_local") or "") and
         us(c["learned_at_local"]) == us(c["learned_at"]),
         "learned_at_local is the same instant in Asia/Shanghai", c.get("learned_at_local"))
    t.eq((c["state"], c["phase"], c["role"]), ("triage", "receipt", "provider"),
         "a new case is a provider case in triage (phase receipt)")
    t.eq(c["report_ids"], [rec["id"]], "the case holds the report")
    t.eq(c["assignee_id"], h.srv.users["analyst"]["id"], "the analyst who opened it is assigned")
    t.eq(c["products"], [{"name": "智能路由器", "model": "AX-3000", "versions": ["1.2.7"]}],
         "the product comes from the report")
    learned = us(c["learned_at"])
    cl = {x["id"]: x for x in c["clocks"]}
    t.eq(sorted(cl), ["rmsv.authority_report", "rmsv.verify"],
         "clocks of a new provider case (nothing upstream, not exploited)")
    ar = cl.get("rmsv.authority_report", {})
    t.ok(ar.get("state") == "pending" and us(ar.get("due_at", rfc(0))) == learned + 48 * HOUR and
         us(ar.get("due_at_local", rfc(0))) == learned + 48 * HOUR and
         re.fullmatch(LOCAL_US, ar.get("due_at_local", "")) is not None,
         "rmsv.authority_report pending, due learned_at + 48 h (UTC and +08:00)", ar)
    t.ok(us(cl.get("rmsv.verify", {}).get("due_at", rfc(0))) == learned + 24 * HOUR,
         "rmsv.verify due learned_at + 24 h", cl.get("rmsv.verify"))

    clk.advance(HOUR)
    supplier = f"sec-{RUN}@libfoo.example.cn"
    c = h.patch(cid, {"upstream": {"component": "libfoo", "version": "2.3.1",
                                   "supplier": "某某软件有限公司", "supplier_country": "CN",
                                   "contact": supplier}}, who="analyst",
                name="the upstream component and its supplier are set")
    cl = {x["id"]: x for x in c["clocks"]}
    up = cl.get("rmsv.upstream_notice")
    t.need(up is not None and up["state"] == "pending", "rmsv.upstream_notice starts", cl.keys())
    t.ok(abs(us(up["trigger_at"]) - clk.now()) < 60 * US and
         us(up["due_at"]) == us(up["trigger_at"]) + 24 * HOUR,
         "rmsv.upstream_notice due 24 h after the upstream was set", up)

    clk.advance(HOUR)
    h.move(cid, "verified", who="analyst", code="guard_failed", expect=409,
           name="verify without a reason is 409 guard_failed")
    c = h.move(cid, "verified", "reproduced on 1.2.7 with the report's steps", who="analyst").json
    t.eq((c["state"], c["phase"]), ("verified", "verification"), "verified (phase verification)")

    clk.advance(HOUR)
    n = h.notify(cid, "upstream", [{"name": "某某软件有限公司", "email": supplier, "country": "CN",
                                    "is_provider": False}], who="analyst",
                 message="libfoo 2.3.1 的 parse_ping() 存在命令注入，请尽快修复。")
    res = n["results"][0] if n.get("results") else {}
    t.ok(res.get("status") == "sent" and res.get("message_id"),
         "the domestic supplier's notice is sent by mail, with a message id", res)
    mails = h.srv.mails_to(supplier)
    t.ok(len(mails) == 1 and res.get("message_id") and res["message_id"] in mails[0],
         "the supplier's mail reached the relay, carrying that message id",
         f"{len(mails)} message(s) to {supplier}")

    c = h.patch(cid, {"cvss_vector": CVSS31, "gbt_vector": GBT_HIGH, "cwe": "CWE-78",
                      "scope": "全国约 12 万台在网设备，主要为家庭和小微企业用户",
                      "harm": "远程执行任意命令，完全控制设备",
                      "technical": "ping 参数未过滤，拼接进 system() 调用",
                      "ids": {"cve": "CVE-2026-12345", "cnvd": "cnvd-2026-01234"}},
                who="analyst", name="the assessment is recorded")
    t.eq((c["cvss"] or {}).get("score"), 9.8, "CVSS 3.1 score 9.8 recorded")
    sev = h.api("POST", "/api/v1/score", {"vector": CVSS31}).json["severity"]
    t.eq(c["severity"], sev, "severity from the CVSS vector, as POST /api/v1/score names it")
    t.eq(c["ids"]["cnvd"], "CNVD-2026-01234", "a lower-case CNVD id is upper-cased")
    h.move(cid, "assessed", who="analyst")

    clk.advance(2 * HOUR)
    r = h.api("GET", f"/api/v1/cases/{cid}/authority-report", who="analyst")
    t.status(r, 200, name="authority report (JSON)", need=True)
    rep = r.json
    t.eq(rep.get("products"), [{"name": "智能路由器", "model": "AX-3000", "versions": ["1.2.7"]}],
         "report: product name, model, version")
    t.eq((rep.get("affected_component") or {}).get("component"), "libfoo",
         "report: the affected component")
    v = rep.get("vulnerability") or {}
    t.ok(v.get("type", {}).get("cwe") == "CWE-78" and v.get("harm") and v.get("scope") and
         v.get("technical_characteristics") and v.get("grade", {}).get("gbt30279") == "高危",
         "report: type (CWE), technical characteristics, harm, grade, scope", v)
    t.ok(rep.get("learned_at") == c["learned_at"] and rep.get("verification_status") == "assessed"
         and len(rep.get("notifications") or []) == 1 and rep.get("report_ids") == [rec["id"]]
         and (rep.get("ids") or {}).get("cve") == "CVE-2026-12345"
         and (rep.get("reporting_organisation") or {}).get("contact") is not None,
         "report: learned_at, verification status, notifications, related ids, organisation",
         {k: rep.get(k) for k in ("learned_at", "verification_status", "notifications", "ids",
                                  "reporting_organisation")})
    r = h.api("GET", f"/api/v1/cases/{cid}/authority-report?format=html", who="analyst")
    t.ok(r.status == 200 and r.headers.get("content-type", "").startswith("text/html") and
         'lang="zh-CN"' in r.text and "网络产品安全漏洞信息报送" in r.text and
         "产品名称、型号、版本" in r.text and "智能路由器" in r.text and "AX-3000" in r.text,
         "authority report as a printable Chinese HTML page", f"{r.status} {r.text[:300]}")
    r = h.api("GET", f"/api/v1/cases/{cid}/authority-report?format=text", who="analyst")
    t.ok(r.status == 200 and r.headers.get("content-type", "").startswith("text/plain") and
         "产品名称、型号、版本" in r.text and "libfoo" in r.text,
         "authority report as plain text", f"{r.status} {r.text[:300]}")
    t.status(h.api("GET", f"/api/v1/cases/{cid}/authority-report?format=pdf", who="analyst"), 422,
             "invalid_parameter", "authority report format=pdf is 422")

    r = h.submit(cid, who="analyst", receipt_number=f"MIIT-{RUN}-1")
    t.status(r, 201, name="the authority report submission is recorded", need=True)
    sub = r.json
    t.ok(sub.get("version") == 1 and re.fullmatch(r"[0-9a-f]{64}", sub.get("content_sha256", ""))
         and isinstance(sub.get("leaf_index"), int),
         "submission: version 1, content hash, leaf index", sub)
    # the leaf is an outbound entry whose payload names this case, version and content hash
    sth = h.api("GET", "/api/v1/log/sth", who=None).json
    lr = h.api("GET", f"/api/v1/log/leaves?start={sub['leaf_index']}&end={sub['leaf_index'] + 1}",
               who="auditor")
    t.status(lr, 200, name="the submission's leaf is in the receipt log", need=True)
    entry = tlogverify.decode_entry(bytes.fromhex(lr.json["leaves"][0]["entry"]))
    payload = tlogverify.canonical_json({
        "v": 1, "channel": "outbound", "kind": "authority_report", "case_id": cid, "version": 1,
        "content_sha256": sub["content_sha256"], "submitted_via": "web_form"})
    t.ok(entry["channel"] == 5 and entry["disposition"] == 0 and
         entry["payload_hash"] == tlogverify.H(sth["hash_alg"], payload),
         "the leaf's entry: outbound, accepted, H(payload) binds case, version and content hash",
         f"entry {entry}, payload {payload!r}")
    p = h.srv.cli_dir("log", "verify")
    t.ok(p.returncode == 0, "`vulnflow log verify` accepts the log with the submission",
         f"exit {p.returncode}: {p.stdout[-500:]} {p.stderr[-500:]}")

    h.move(cid, "fixing", who="analyst")
    clk.advance(DAY)
    h.move(cid, "fix_available", who="analyst", expect=409, code="guard_failed",
           name="fix_available without remediation is 409 guard_failed")
    fix_at = clk.now()
    h.patch(cid, {"remediation": "升级固件至 1.2.8；临时缓解：关闭诊断页面",
                  "fix_available_at": rfc(fix_at)}, who="analyst")
    c = h.move(cid, "fix_available", who="analyst").json
    dn = {x["id"]: x for x in c["clocks"]}.get("rmsv.downstream_notice")
    t.ok(dn is not None and dn["state"] == "pending" and
         us(dn["due_at"]) == fix_at + 72 * HOUR,
         "rmsv.downstream_notice starts at fix_available_at, due 72 h later", dn)

    clk.advance(5 * HOUR)
    n = h.notify(cid, "downstream", [
        {"name": "某省电信分公司", "email": f"noc-{RUN}@telecom.example.cn", "country": "CN"},
        {"name": "某集成商", "country": "CN"}], who="analyst",
        message="请升级至 1.2.8 或关闭诊断页面。")
    t.ok([x.get("status") for x in n.get("results", [])] == ["sent", "recorded"],
         "downstream: a recipient with an address is mailed, one without is recorded",
         n.get("results"))

    h.move(cid, "disclosure_pending", who="analyst", expect=403, code="forbidden",
           name="an analyst cannot prepare disclosure (coordinator row)")
    h.move(cid, "disclosure_pending", who="coordinator")
    r = h.move(cid, "published", who="coordinator", expect=409, code="guard_failed",
               name="publishing without an advisory is 409 guard_failed")
    t.eq(r.error.get("missing"), ["advisory_published"], "publish: missing names advisory_published")
    r = h.move(cid, "fix_available", who="coordinator", expect=409, code="guard_failed",
               name="withdrawing without a reason is 409")
    t.eq(r.error.get("missing"), ["reason"], "withdraw: missing names reason")
    h.move(cid, "fix_available", "the advisory is not ready; we will not publish")
    r = h.move(cid, "closed", who="coordinator", expect=409, code="guard_failed",
               name="closing unpublished without a decision is 409")
    t.eq(r.error.get("missing"), ["decision_not_to_publish"],
         "close: missing names decision_not_to_publish")
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {"decided_not_to_publish": True})
    t.status(r, 422, "reason_required", "a decision not to publish without a reason is 422")
    h.patch(cid, {"decided_not_to_publish": True,
                  "reason": "fixed by a forced update on every device; no advisory needed"})
    c = h.move(cid, "closed", who="coordinator").json
    t.eq((c["state"], c["phase"]), ("closed", "tracking"), "closed (phase tracking)")
    h.notes["all_met"] = cid

    d = h.dossier(cid)
    clocks = {x["id"]: x for x in d.get("clocks", [])}
    expect_kind = {"rmsv.verify": ("transition", None),
                   "rmsv.upstream_notice": ("notification", "upstream"),
                   "rmsv.authority_report": ("authority_report.submitted", None),
                   "rmsv.downstream_notice": ("notification", "downstream")}
    t.eq(sorted(clocks), sorted(expect_kind), "dossier: the four clocks of this case")
    for cid_, (kind, sub_kind) in expect_kind.items():
        x = clocks.get(cid_, {})
        t.ok(x.get("state") == "met" and x.get("met_late") is False,
             f"dossier: {cid_} met in time", x)
        ev = timeline_event(d, x.get("met_by_event"))
        t.ok(ev is not None and ev["kind"] == kind and
             (sub_kind is None or (ev.get("detail") or {}).get("kind") == sub_kind),
             f"dossier: {cid_}'s met_by_event is the {kind} event in the timeline",
             f"met_by_event {x.get('met_by_event')!r} -> {ev}")
    t.eq([(x.get("kind"), x.get("status")) for x in d.get("notifications", [])
          if x.get("kind") != "reporter"],
         [("upstream", "sent"), ("downstream", "sent"), ("downstream", "recorded")],
         "dossier: every notification with its delivery status")
    moves = [x.get("to") for x in d["timeline"] if x["kind"] == "transition"]
    t.eq([x.get("state") for x in d.get("notifications", []) if x.get("kind") == "reporter"],
         moves, "dossier: the reporter was updated at every state change (tests/cases/more.py)")
    subs = d.get("authority_report_submissions", [])
    t.ok(len(subs) == 1 and subs[0].get("version") == 1 and
         subs[0].get("leaf_index") == sub["leaf_index"] and
         subs[0].get("content_hash") == sub["content_sha256"] and
         subs[0].get("receipt_number") == f"MIIT-{RUN}-1",
         "dossier: the submission with its hash, leaf and receipt number", subs)
    moves = [(x.get("from"), x.get("to")) for x in d.get("timeline", [])
             if x.get("kind") == "transition"]
    t.eq(moves, [("triage", "verified"), ("verified", "assessed"), ("assessed", "fixing"),
                 ("fixing", "fix_available"), ("fix_available", "disclosure_pending"),
                 ("disclosure_pending", "fix_available"), ("fix_available", "closed")],
         "dossier: the timeline holds every transition in order")
    r = h.api("GET", f"/api/v1/cases/{cid}/dossier?format=html")
    t.ok(r.status == 200 and r.headers.get("content-type", "").startswith("text/html") and
         'lang="zh-CN"' in r.text and "合规档案" in r.text and
         all(k in r.text for k in expect_kind),
         "dossier as a Chinese HTML page naming every clock", f"{r.status} {r.text[:300]}")
    t.ok(r.status == 200 and all(f"<td>{k}</td><td>met</td>" in r.text for k in expect_kind) and
         "<td>0</td></tr>" not in r.text and not re.search(r"<td>-\d+</td></tr>", r.text),
         "dossier HTML: each clock met, with the event that met it",
         re.findall(r"<tr><td>rmsv[^\n]*", r.text))


def sc_upstream(h):
    t, clk = h.t, h.clk
    c = h.full_case(upstream={"component": "openssl", "version": "3.0.1",
                              "supplier": "OpenSSL Foundation", "supplier_country": "US"})
    cid = c["id"]
    clk.advance(10 * 60 * US)
    dom = f"psirt-{RUN}@zhongke.example.cn"
    n = h.notify(cid, "upstream", [{"name": "某中科软件", "email": dom, "country": "CN"}])
    t.eq([x.get("status") for x in n["results"]], ["sent"], "a domestic supplier is sent")
    t.eq(len(h.srv.mails_to(dom)), 1, "its mail reached the relay")

    before = len(h.audit("case.share.refused", cid))
    overseas = f"security-{RUN}@thirdparty.example.com"
    n = h.notify(cid, "upstream", [{"name": "ThirdParty Inc.", "email": overseas,
                                    "country": "US", "is_provider": False}])
    res = n["results"][0] if n.get("results") else {}
    t.ok(res.get("status") == "refused" and res.get("code") == "rmsv_9_7_overseas",
         "an overseas non-provider is refused with rmsv_9_7_overseas", res)
    t.eq(h.srv.mails_to(overseas), [], "nothing was mailed to the refused recipient")
    ev = h.audit("case.share.refused", cid)
    t.ok(len(ev) == before + 1 and (ev[0].get("detail") or {}).get("country") == "US" and
         (ev[0].get("detail") or {}).get("code") == "rmsv_9_7_overseas",
         "the refusal is an audit event case.share.refused", ev[:1])

    prov = f"secalert-{RUN}@vendor.example.de"
    n = h.notify(cid, "upstream", [{"name": "Upstream GmbH (the product's provider)",
                                    "email": prov, "country": "DE", "is_provider": True}])
    t.eq([x.get("status") for x in n["results"]], ["sent"], "an overseas provider is allowed")
    t.eq(len(h.srv.mails_to(prov)), 1, "the overseas provider's mail reached the relay")

    n = h.notify(cid, "upstream", [
        {"name": "境内厂商", "country": "CN"},
        {"name": "Overseas Reseller", "country": "SG"},
        {"name": "Hong Kong Partner Ltd", "country": "HK"}])
    t.eq([(x.get("status"), x.get("code")) for x in n["results"]],
         [("recorded", None), ("refused", "rmsv_9_7_overseas"), ("refused", "rmsv_9_7_overseas")],
         "a mixed list: each recipient judged on its own")
    r = h.api("POST", f"/api/v1/cases/{cid}/notifications",
              {"kind": "upstream", "recipients": [{"name": "x", "country": "cn"}]})
    t.status(r, 422, name="a country that is not an ISO code is 422")
    r = h.api("POST", f"/api/v1/cases/{cid}/notifications",
              {"kind": "upstream", "recipients": [{"name": "x"}]})
    t.status(r, 422, name="a recipient without a country is 422 (the guard needs it)")
    r = h.api("POST", f"/api/v1/cases/{cid}/notifications",
              {"kind": "sideways", "recipients": [{"name": "x", "country": "CN"}]})
    t.status(r, 422, name="an unknown kind is 422")

    # a refused notice does not meet the upstream clock
    c2 = h.full_case(upstream={"component": "zlib", "supplier": "zlib authors",
                               "supplier_country": "US"})
    h.notify(c2["id"], "upstream", [{"name": "zlib authors", "country": "US"}])
    cl = h.clocks(c2["id"])
    h.clock_state(cl, "rmsv.upstream_notice", "pending",
                  "only a refused notice: rmsv.upstream_notice stays pending")


def sc_duplicates(h):
    t, clk = h.t, h.clk
    r1 = h.report(title=f"交换机越权访问 {RUN}-a")
    clk.advance(20 * 60 * US)
    r2 = h.report(title=f"交换机越权访问 {RUN}-b")
    a = h.create({"report_ids": [r1["id"]]}, name="case A from report 1")
    b = h.create({"report_ids": [r2["id"]]}, name="case B from report 2")
    r = h.api("POST", "/api/v1/cases", {"report_ids": [r1["id"]]})
    t.status(r, 409, "report_in_case", "a report already in a case cannot open another")
    r = h.move(b["id"], "duplicate", "same flaw", expect=409, code="guard_failed",
               name="duplicate without duplicate_of is 409")
    t.eq(r.error.get("missing"), ["duplicate_of"], "missing names duplicate_of")
    h.move(b["id"], "duplicate", "same flaw", duplicate_of=b["id"], expect=422,
           name="a case cannot duplicate itself (422)")
    h.move(b["id"], "duplicate", "same flaw", duplicate_of=987654321, expect=422,
           code="unknown_case", name="duplicate_of a case that does not exist is 422")
    clk.advance(HOUR)
    c = h.move(b["id"], "duplicate", "same flaw as case A", duplicate_of=a["id"]).json
    t.eq((c["state"], c["duplicate_of"], c["report_ids"]), ("duplicate", a["id"], []),
         "B is a duplicate of A and holds no report")
    ga = h.get(a["id"])
    t.eq(ga["report_ids"], sorted([r1["id"], r2["id"]]),
         "A holds both reports: every reporter keeps credit")
    t.eq(ga["state"], "triage", "A's state is unchanged by the merge")
    h.patch(a["id"], {"products": [{"name": "交换机", "versions": ["7.1"]}]})
    h.move(a["id"], "verified", "reproduced")
    r = h.api("GET", f"/api/v1/receipts/{r2['status_token']}", who=None)
    t.ok(r.status == 200 and "verified" in json.dumps(r.json),
         "report 2's reporter, following the receipt, sees the state of the case it is in now"
         " (docs/user-guide.md)", r.text[:300])
    cl = h.clocks(b["id"])
    for k in ("rmsv.verify", "rmsv.authority_report"):
        h.clock_state(cl, k, "cancelled", f"B's {k} is cancelled (dismissed in time)")
    cl = h.clocks(a["id"])
    h.clock_state(cl, "rmsv.authority_report", "pending", "A's authority report clock runs on")
    d = h.dossier(a["id"])
    t.ok(any(x.get("kind") == "merged" and (x.get("detail") or {}).get("from_case") == b["id"]
             for x in d.get("timeline", [])), "A's timeline records the merge of B")
    r = h.api("GET", f"/api/v1/cases/{a['id']}/authority-report")
    t.ok(r.status == 200 and r.json.get("report_ids") == sorted([r1["id"], r2["id"]]),
         "A's authority report lists both reports", r.text[:300])
    x = h.create({"title": f"第三个 {RUN}"}, name="case C (internal finding)")
    h.move(x["id"], "duplicate", "dup", duplicate_of=b["id"], expect=409,
           code="duplicate_of_duplicate", name="a duplicate of a duplicate is 409")
    # a merge of a case that was already verified (a late duplicate, row 6)
    r3 = h.report(title=f"交换机越权访问 {RUN}-c")
    e = h.create({"report_ids": [r3["id"]]}, name="case E from report 3")
    h.move(e["id"], "verified", "reproduced")
    h.move(e["id"], "assessed", expect=409, code="guard_failed", name="(E is not assessed)")
    h.move(e["id"], "duplicate", "same as A", duplicate_of=a["id"])
    t.eq(h.get(a["id"])["report_ids"], sorted([r1["id"], r2["id"], r3["id"]]),
         "a verified case merged later: its report moves to A too")
    h.notes["cancelled"] = e["id"]
    # the flaw was first learned through the case that is dismissed: the survivor's
    # duties run from that moment (docs/internals/case.md: "no clock is lost")
    early = h.create({"title": f"先获知 {RUN}", "learned_at": rfc(clk.now() - 10 * HOUR)},
                     name="a case learned 10 h ago")
    late = h.create({"title": f"后获知 {RUN}"}, name="the same flaw, learned now")
    h.move(early["id"], "duplicate", "same flaw", duplicate_of=late["id"])
    g = h.get(late["id"])
    t.eq(g["learned_at"], early["learned_at"],
         "merging the earlier-learned case into the later one keeps the earliest learned_at")
    ar = {x["id"]: x for x in g["clocks"]}.get("rmsv.authority_report", {})
    t.ok(us(ar.get("due_at", rfc(0))) == us(early["learned_at"]) + 48 * HOUR,
         "so the survivor's authority report is due 48 h after the first learning", ar)
    # need-to-know: an analyst cannot merge into a case they may not see
    mine = h.create({"title": f"分析员的 {RUN}"}, who="analyst", name="an analyst's case")
    hidden = h.create({"title": f"不可见的 {RUN}"}, name="a case the analyst may not see")
    h.move(mine["id"], "duplicate", "same", who="analyst", duplicate_of=hidden["id"], expect=422,
           code="unknown_case", need=False,
           name="duplicate_of a case the analyst may not see is 422 unknown_case, as if absent")
    # reopening a duplicate clears duplicate_of
    c = h.move(b["id"], "triage", "not the same flaw after all").json
    t.eq((c["state"], c["duplicate_of"]), ("triage", None), "a reopened duplicate forgets duplicate_of")


def sc_operator(h):
    t, clk = h.t, h.clk
    c = h.create({"role": "operator", "title": f"办公网 VPN 网关漏洞 {RUN}",
                  "products": [{"name": "VPN 网关", "versions": ["9.1"]}]},
                 name="an operator case (internal finding)")
    cid, learned = c["id"], us(c["learned_at"])
    cl = {x["id"]: x for x in c["clocks"]}
    t.eq(sorted(cl), ["rmsv.operator_fix", "rmsv.verify"],
         "operator clocks: verify and operator_fix (no authority report)")
    t.ok(us(cl.get("rmsv.operator_fix", {}).get("due_at", rfc(0))) == learned + 7 * DAY,
         "ungraded: rmsv.operator_fix due in 7 days (treated as 超危)", cl.get("rmsv.operator_fix"))
    for vec, days, grade in ((GBT_HIGH, 15, "高危"), (GBT_MEDIUM, 30, "中危"), (GBT_LOW, 90, "低危")):
        c = h.patch(cid, {"gbt_vector": vec}, name=f"graded {grade}")
        fx = {x["id"]: x for x in c["clocks"]}.get("rmsv.operator_fix", {})
        t.ok(c["gbt_grade"] == grade and us(fx.get("due_at", rfc(0))) == learned + days * DAY,
             f"{grade}: rmsv.operator_fix due in {days} days", (c["gbt_grade"], fx))
    h.patch(cid, {"gbt_vector": GBT_HIGH, "scope": "总部办公网 VPN 入口"})
    clk.advance(HOUR)
    h.move(cid, "verified", "confirmed on our gateway")
    h.move(cid, "assessed")
    h.patch(cid, {"remediation": "已升级到 9.2", "fix_available_at": rfc(clk.now())})
    c = h.move(cid, "fix_available").json
    t.ok(not any(o["to"] in ("disclosure_pending", "published") for o in c["transitions"]),
         "no publication option is offered for an operator case",
         [o["to"] for o in c["transitions"]])
    h.move(cid, "disclosure_pending", expect=409, code="transition_not_for_role",
           name="operator case -> disclosure_pending is 409 transition_not_for_role")
    h.move(cid, "published", expect=409, code="illegal_transition",
           name="operator case -> published is 409 (no such row)")
    cl = h.clocks(cid)
    h.clock_state(cl, "rmsv.operator_fix", "met", "the fix being available meets rmsv.operator_fix")
    t.ok("rmsv.downstream_notice" not in cl, "no downstream-notice clock for an operator case",
         sorted(cl))
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {"role": "provider"})
    t.status(r, 409, "role_fixed", "a case's role cannot change")
    c = h.move(cid, "closed", who="analyst", expect=404, need=False,
               name="an unassigned analyst cannot even see it (404)")
    c = h.move(cid, "closed", who="coordinator").json
    t.eq(c["state"], "closed", "the operator case closes after fix_available")


def sc_resubmission(h):
    t = h.t
    c = h.full_case(cvss_vector=CVSS31, scope="约 300 家企业客户", harm="信息泄露")
    cid = c["id"]
    r = h.submit(cid, receipt_number="R-1")
    t.status(r, 201, name="first submission", need=True)
    v1 = r.json
    t.eq(v1.get("version"), 1, "it is version 1")
    r = h.submit(cid, receipt_number="R-1b")
    t.status(r, 409, "unchanged", "the same content again is 409 unchanged")
    h.patch(cid, {"cvss_vector": "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N",
                  "harm": "有限的信息泄露", "reason": "re-assessed"})
    h.clk.advance(10 * 60 * US)
    r = h.submit(cid, channel="email", receipt_number="R-2")
    t.status(r, 201, name="after a changed assessment: a new submission", need=True)
    v2 = r.json
    t.ok(v2.get("version") == 2 and v2.get("content_sha256") != v1.get("content_sha256") and
         v2.get("leaf_index") != v1.get("leaf_index"),
         "it is version 2, with another hash and another leaf", v2)
    t.eq(((v2.get("content") or {}).get("vulnerability") or {}).get("harm"), "有限的信息泄露",
         "version 2 froze the changed assessment")
    r = h.submit(cid, channel="hub")
    t.status(r, 409, "unchanged", "version 2 again unchanged is 409")
    cl = h.clocks(cid)
    ar = cl.get("rmsv.authority_report", {})
    t.ok(ar.get("state") == "met" and ar.get("met_at") == v1.get("submitted_at"),
         "the clock stays met by the first submission", ar)
    d = h.dossier(cid)
    t.eq([(x.get("version"), x.get("channel")) for x in d.get("authority_report_submissions", [])],
         [(1, "web_form"), (2, "email")], "the dossier lists both versions")
    t.status(h.submit(cid, channel="fax"), 422, name="channel fax is 422")
    t.status(h.submit(cid, submitted_at=rfc(h.clk.now() + DAY)), 422,
             name="submitted_at in the future is 422")
    t.status(h.submit(cid, submitted_at="yesterday"), 422, name="submitted_at not RFC 3339 is 422")
    t.status(h.submit(cid, who="auditor"), 403, name="an auditor cannot record a submission")


def sc_learned_at(h):
    t, clk = h.t, h.clk
    c = h.full_case()
    cid, old = c["id"], us(c["learned_at"])
    new = old - 5 * HOUR
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {"learned_at": rfc(new)})
    t.status(r, 422, "reason_required", "learned_at without a reason is 422 reason_required")
    t.eq(h.get(cid)["learned_at"], rfc(old), "and nothing changed")
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {"learned_at": rfc(new), "reason": ""})
    t.status(r, 422, name="an empty reason is 422")
    before = len(h.audit("case.update", cid))
    c = h.patch(cid, {"learned_at": rfc(new), "reason": "the reporter first wrote to sales@"},
                name="learned_at with a reason")
    t.eq(c["learned_at"], rfc(new), "learned_at moved")
    cl = {x["id"]: x for x in c["clocks"]}
    t.ok(us(cl["rmsv.authority_report"]["due_at"]) == new + 48 * HOUR and
         us(cl["rmsv.verify"]["due_at"]) == new + 24 * HOUR,
         "the clocks moved with it", {k: v["due_at"] for k, v in cl.items()})
    d = h.dossier(cid)
    ev = [x for x in d["timeline"] if x["kind"] == "learned_at"]
    t.ok(len(ev) == 1 and ev[0].get("reason") == "the reporter first wrote to sales@" and
         us(ev[0]["detail"]["from"]) == old and us(ev[0]["detail"]["to"]) == new,
         "a learned_at event with the reason, from and to", ev)
    t.eq(len(h.audit("case.update", cid)), before + 1, "the change is audited")
    r = h.api("PATCH", f"/api/v1/cases/{cid}",
              {"learned_at": rfc(clk.now() + DAY), "reason": "typo"})
    t.status(r, 422, name="learned_at in the future is 422")
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {"learned_at": "2026-13-01T00:00:00Z",
                                                "reason": "x"})
    t.status(r, 422, name="learned_at not a time is 422")


def sc_access(h):
    t = h.t
    mine = h.create({"title": f"分析员案件 {RUN}", "products": [
        {"name": "摄像头", "versions": ["2.0"]}]}, who="analyst", name="analyst 1 opens a case")
    cid = mine["id"]
    other = h.create({"title": f"协调员案件 {RUN}"}, who="coordinator",
                     name="a coordinator opens an unassigned case")
    t.eq(other["assignee_id"], None, "a coordinator's new case is unassigned")
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="analyst2"), 404,
             name="analyst 2 cannot see analyst 1's case (404)")
    for what, m, p, b in (("PATCH", "PATCH", f"/api/v1/cases/{cid}", {"title": "x"}),
                          ("transition", "POST", f"/api/v1/cases/{cid}/transitions",
                           {"to": "rejected", "reason": "x"}),
                          ("clocks", "GET", f"/api/v1/cases/{cid}/clocks", None),
                          ("dossier", "GET", f"/api/v1/cases/{cid}/dossier", None),
                          ("authority report", "GET", f"/api/v1/cases/{cid}/authority-report",
                           None),
                          ("notification", "POST", f"/api/v1/cases/{cid}/notifications",
                           {"kind": "upstream", "recipients": [{"name": "x", "country": "CN"}]}),
                          ("submission", "POST",
                           f"/api/v1/cases/{cid}/authority-report/submissions",
                           {"channel": "web_form"})):
        t.status(h.api(m, p, b, who="analyst2"), 404, name=f"analyst 2: {what} is 404 too")
    t.status(h.api("GET", f"/api/v1/cases/{other['id']}", who="analyst"), 404,
             name="analyst 1 cannot see an unassigned case")
    ids = [x["id"] for x in h.api("GET", "/api/v1/cases?limit=200", who="analyst2").json["items"]]
    t.ok(cid not in ids, "analyst 2's list does not hold it", ids[:20])
    r = h.api("GET", "/api/v1/cases?limit=200", who="analyst")
    items = r.json["items"] if r.status == 200 else []
    t.ok(cid in [x["id"] for x in items] and
         all(x["assignee_id"] == h.srv.users["analyst"]["id"] for x in items),
         "analyst 1's list holds only cases assigned to them", [x["id"] for x in items][:20])
    r = h.api("GET", "/api/v1/clocks?limit=200", who="analyst2")
    t.ok(r.status == 200 and cid not in [x["case_id"] for x in r.json["items"]],
         "analyst 2's clock list does not hold its clocks", r.text[:300])
    h.patch(other["id"], {"assignee_id": h.srv.users["analyst2"]["id"]},
            name="the coordinator assigns a case to analyst 2")
    t.status(h.api("GET", f"/api/v1/cases/{other['id']}", who="analyst2"), 200,
             name="analyst 2 now sees it")
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="coordinator"), 200,
             name="a coordinator sees every case")
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="auditor"), 200,
             name="an auditor reads a case")
    t.status(h.api("GET", "/api/v1/cases", who="auditor"), 200, name="an auditor lists cases")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {"title": "x"}, who="auditor"), 403,
             name="an auditor cannot change a case (403)")
    t.status(h.api("POST", f"/api/v1/cases/{cid}/transitions",
                   {"to": "verified", "reason": "x"}, who="auditor"), 403,
             name="an auditor cannot move a case (403)")
    t.status(h.api("POST", f"/api/v1/cases/{cid}/notifications",
                   {"kind": "upstream", "recipients": [{"name": "x", "country": "CN"}]},
                   who="auditor"), 403, name="an auditor cannot notify (403)")
    t.status(h.api("POST", "/api/v1/cases", {"title": "x"}, who="auditor"), 403,
             name="an auditor cannot open a case (403)")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}",
                   {"decided_not_to_publish": True, "reason": "no advisory"}, who="analyst"), 403,
             name="an analyst cannot record the decision not to publish (a coordinator's)")
    t.status(h.api("GET", "/api/v1/cases", who="reporter"), 403,
             name="a reporter cannot list cases (403)")
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="reporter"), 403,
             name="a reporter cannot read a case (403)")
    t.status(h.api("GET", "/api/v1/clocks", who="reporter"), 403,
             name="a reporter cannot list clocks (403)")
    t.status(h.api("GET", "/api/v1/cases", who=None), 401, name="no credentials: 401")
    # every GET of a case is an audit event naming who and the request
    before = h.audit("case.read", cid)
    rids = []
    for who in ("analyst", "coordinator", "auditor"):
        r = h.api("GET", f"/api/v1/cases/{cid}", who=who)
        rids.append(r.headers.get("x-request-id"))
    after = h.audit("case.read", cid)
    new = after[:len(after) - len(before)]
    t.eq(len(new), 3, "three GETs of the case: three case.read audit events")
    t.eq(sorted(x.get("actor") for x in new),
         sorted(h.srv.users[w]["email"] for w in ("analyst", "coordinator", "auditor")),
         "each names who read it")
    t.eq(sorted(x.get("request_id") or "" for x in new), sorted(x or "" for x in rids),
         "each carries the request id")
    n = len(h.audit("case.read", other["id"]))
    h.api("GET", f"/api/v1/cases/{cid}", who="analyst2")
    t.eq(len(h.audit("case.read", cid)), len(after), "a refused read (404) is not a case.read")
    t.eq(len(h.audit("case.read", other["id"])), n, "(and reads of other cases are separate)")


def sc_guards(h):
    t = h.t
    c = h.create({"title": f"守卫测试 {RUN}"}, name="an internal finding without a product")
    cid = c["id"]
    r = h.move(cid, "verified", expect=409, code="guard_failed",
               name="verify with no reason and no product is 409 guard_failed")
    t.eq(r.error.get("missing"), ["reason", "affected_product"],
         "missing is exactly reason, affected_product")
    r = h.move(cid, "verified", "reproduced", expect=409, code="guard_failed",
               name="with a reason, still no product")
    t.eq(r.error.get("missing"), ["affected_product"], "missing is exactly affected_product")
    h.patch(cid, {"products": [{"name": "门禁控制器", "versions": []}]})
    r = h.move(cid, "verified", "reproduced", expect=409, code="guard_failed",
               name="a product without a version is not enough")
    t.eq(r.error.get("missing"), ["affected_product"], "missing is affected_product")
    for to in ("published", "closed", "fixing", "assessed", "triage", "disclosure_pending"):
        h.move(cid, to, "x", expect=409, code="illegal_transition",
               name=f"triage -> {to} is 409 illegal_transition")
    h.move(cid, "nowhere", "x", expect=422, code="unknown_state", name="an unknown state is 422")
    r = h.api("POST", f"/api/v1/cases/{cid}/transitions", {"reason": "x"})
    t.status(r, 422, "missing_field", "no \"to\" is 422 missing_field")
    h.move(cid, "verified", "x", duplicate_of="7", expect=422,
           name="duplicate_of not an integer is 422")
    h.patch(cid, {"products": [{"name": "门禁控制器", "versions": ["4.2"]}]})
    h.move(cid, "verified", "reproduced")
    r = h.move(cid, "assessed", expect=409, code="guard_failed", name="assess without a score")
    t.eq(r.error.get("missing"), ["score", "scope"], "missing is exactly score, scope")
    h.patch(cid, {"products": []})
    r = h.move(cid, "assessed", expect=409, code="guard_failed", name="and without a product")
    t.eq(r.error.get("missing"), ["affected_product", "score", "scope"],
         "missing is exactly affected_product, score, scope")
    h.patch(cid, {"products": [{"name": "门禁控制器", "versions": ["4.2"]}],
                  "gbt_vector": GBT_MEDIUM, "scope": "园区"})
    r = h.move(cid, "rejected", "not a flaw", who="analyst", expect=404, need=False,
               name="(an unassigned analyst gets 404)")
    h.patch(cid, {"assignee_id": h.srv.users["analyst"]["id"]})
    h.move(cid, "rejected", "not a flaw", who="analyst", expect=403, code="forbidden",
           name="an analyst cannot reject a verified case (coordinator row)")
    h.move(cid, "assessed", who="analyst")
    r = h.move(cid, "fix_available", who="analyst", expect=409, code="guard_failed",
               name="assessed -> fix_available without remediation")
    t.eq(r.error.get("missing"), ["remediation", "fix_available_at"],
         "missing is exactly remediation, fix_available_at")
    h.patch(cid, {"remediation": "更新", "fix_available_at": rfc(h.clk.now())}, who="analyst")
    h.move(cid, "fix_available", who="analyst")
    r = h.move(cid, "disclosure_pending", expect=409, code="guard_failed",
               name="disclosure without the authority report")
    t.eq(r.error.get("missing"), ["authority_report"], "missing is exactly authority_report")
    r = h.move(cid, "closed", expect=409, code="guard_failed",
               name="closing unpublished with neither report nor decision")
    t.eq(r.error.get("missing"), ["authority_report", "decision_not_to_publish"],
         "missing is exactly authority_report, decision_not_to_publish")
    r = h.move(cid, "fix_available", "x", expect=409, code="illegal_transition",
               name="a transition to the same state is 409 illegal_transition")
    g = h.get(cid)
    opts = {o["to"]: o for o in g["transitions"]}
    t.ok(opts.get("disclosure_pending", {}).get("missing") == ["authority_report"] and
         opts.get("fixing", {}).get("missing") == ["reason"],
         "GET lists the options with what each still needs", g["transitions"])


def sc_input(h):
    t = h.t
    rec = h.report()
    for body, code, what in (
            ({"report_ids": [rec["id"]], "bogus": 1}, "unknown_field", "an unknown field"),
            ({"title": "x", "products": [{"name": "a", "versions": ["1"], "vendor": "v"}]},
             "unknown_field", "an unknown product field"),
            ({"title": "x", "upstream": {"component": "a", "licence": "MIT"}}, "unknown_field",
             "an unknown upstream field"),
            ({"title": "x", "upstream": {"component": "a", "supplier_country": "China"}}, None,
             "a supplier country that is not ISO 3166"),
            ({"title": "x", "ids": {"osv": "GHSA-1"}}, "unknown_field", "an unknown id kind"),
            ({"title": "x", "ids": {"cve": "2024-1234"}}, None, "a CVE id without CVE-"),
            ({"title": "x", "ids": {"cve": "CVE-"}}, None, "a bare CVE-"),
            ({"title": "x", "ids": {"cve": 20241234}}, None, "a CVE id that is a number"),
            ({"title": "x", "ids": {"cnvd": "CNVD-2024 12345"}}, None, "a CNVD id with a space"),
            ({"title": "x", "ids": {"cnnvd": "CNVD-202401-1234"}}, None,
             "a CNVD id given as the CNNVD one"),
            ({"title": "x", "ids": {"cve": "CVE-hello"}}, None, "CVE-hello (no year, no number)"),
            ({"title": "x", "ids": {"cnvd": "CNVD-abc-def"}}, None, "CNVD-abc-def"),
            ({"title": "x", "ids": {"cnnvd": "CNNVD-2024-1234"}}, None,
             "CNNVD-2024-1234 (CNNVD ids carry YYYYMM)"),
            ({"title": "x", "cwe": "CWE-99999999"}, "unknown_cwe", "a CWE not in the catalogue"),
            ({"title": "x", "cwe": "79"}, "unknown_cwe", "a CWE without CWE-"),
            ({"title": "x", "role": "vendor"}, None, "an unknown role"),
            ({"title": ""}, None, "an empty title"),
            ({"title": "x", "actively_exploited": "yes"}, None, "actively_exploited not a boolean"),
            ({"title": "x", "assignee_id": -3}, None, "a negative assignee_id"),
            ({"title": "x", "assignee_id": 987654}, None, "an assignee_id that is no user"),
            ({"report_ids": [rec["id"], rec["id"]]}, None, "a report listed twice"),
            ({"report_ids": "1"}, None, "report_ids not an array"),
            ({"report_ids": [0]}, None, "report id 0"),
            ({"title": "x", "learned_at": "last tuesday"}, None, "learned_at not a time"),
            ({"title": "x", "fix_available_at": 17}, None, "fix_available_at not a time")):
        r = h.api("POST", "/api/v1/cases", body)
        t.status(r, 422, code, f"POST /cases with {what} is 422" + (f" {code}" if code else ""))
    for ids, want in (({"cve": "cve-2024-21762"}, {"cve": "CVE-2024-21762"}),
                      ({"cnvd": "cnvd-2024-12345"}, {"cnvd": "CNVD-2024-12345"}),
                      ({"cnnvd": "Cnnvd-202401-1234"}, {"cnnvd": "CNNVD-202401-1234"}),
                      ({"nvdb": "nvdb-2024-0001"}, {"nvdb": "NVDB-2024-0001"})):
        c = h.create({"title": f"编号 {RUN}", "ids": ids}, name=f"ids {ids} accepted")
        t.eq({k: v for k, v in c["ids"].items() if v}, want, f"{ids} is stored upper-cased")
    cid = h.create({"title": f"向量 {RUN}"})["id"]
    for field, vec in (("cvss_vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X"),
                       ("cvss_vector", "CVSS:3.1/AV:N"),
                       ("cvss_vector", "not a vector"),
                       ("gbt_vector", "AP:N")):
        r = h.api("PATCH", f"/api/v1/cases/{cid}", {field: vec})
        t.status(r, 422, name=f"{field} {vec!r} is 422")
        t.ok(r.code == "invalid_vector" and field in (r.error.get("message") or ""),
             f"{field} {vec!r}: code invalid_vector (as /score and /grade) and the message names"
             f" {field}", f"{r.code}: {r.error.get('message')}")
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {"cvss_vector": 7})
    t.status(r, 422, name="cvss_vector not a string is 422")
    c = h.patch(cid, {"cvss_vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"
                                     "/SA:N"}, name="a CVSS 4.0 vector is accepted")
    t.eq(((c.get("cvss") or {}).get("score"), c.get("severity")), (9.3, "Critical"),
         "CVSS 4.0 scored 9.3 Critical")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {}), 422, name="an empty PATCH is 422")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {"state": "closed"}), 422, "unknown_field",
             "PATCH state (not a field) is 422 unknown_field")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {"advisory_published": True}), 422,
             "unknown_field", "PATCH advisory_published (the gate's, not a field) is 422")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}",
                   {"fix_available_at": rfc(h.clk.now() + 10 * DAY)}), 422,
             name="fix_available_at in the future is 422 (the fix is not available yet)")
    t.status(h.api("POST", "/api/v1/cases", raw=b'{"title": "x",'), 400, "malformed_json",
             "malformed JSON is 400")
    t.status(h.api("POST", "/api/v1/cases", raw=b'["x"]'), 422, name="a JSON array body is 422")
    t.status(h.api("POST", "/api/v1/cases", raw=b'{"title":"x"}', ctype="text/plain"), 415,
             name="text/plain is 415")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", raw=b'title=x',
                   ctype="application/x-www-form-urlencoded"), 415, name="a form body is 415")
    t.status(h.api("POST", f"/api/v1/cases/{cid}/transitions", raw=b'{"to":'), 400,
             "malformed_json", "malformed JSON on transitions is 400")
    for bad in ("abc", "0", "-1", "99999999999", "1.5"):
        r = h.api("GET", f"/api/v1/cases/{bad}")
        t.ok(r.status in (404, 422), f"GET /cases/{bad} is 404 or 422", f"{r.status} {r.text[:200]}")
    for q, what in (("limit=0", "limit 0"), ("limit=100000", "limit 100000"),
                    ("sort=title", "sort by title"), ("state=open", "an unknown state"),
                    ("phase=done", "an unknown phase"), ("cursor=abc", "a cursor not given"),
                    ("actively_exploited=maybe", "actively_exploited=maybe"),
                    ("assignee_id=x", "assignee_id=x")):
        t.status(h.api("GET", f"/api/v1/cases?{q}"), 422, name=f"GET /cases with {what} is 422")
    for q in ("state=late", "due_before=tomorrow", "cursor=1.2", "limit=0"):
        t.status(h.api("GET", f"/api/v1/clocks?{q}"), 422, name=f"GET /clocks?{q} is 422")
    t.status(h.api("GET", "/api/v1/cases?q=" + "x" * 201), 422, name="q longer than 200 is 422")
    r = h.api("GET", "/api/v1/reports?status=rejected&limit=1", who="coordinator")
    h.api("POST", "/api/v1/reports", raw=b'{"title": "\xe6\xbc', who=None)
    r = h.api("GET", "/api/v1/reports?status=rejected&limit=1", who="coordinator")
    if r.status == 200 and r.json.get("items"):
        rr = h.api("POST", "/api/v1/cases", {"report_ids": [r.json["items"][0]["id"]]})
        t.ok(rr.status in (404, 409) and rr.code in ("not_found", "report_refused"),
             "a case cannot be opened from a refused submission",
             f"{rr.status} {rr.text[:200]}")
    else:
        t.ok(False, "a refused submission is listed for the case test", r.text[:200])
    # clocks: paging 7 at a time gives what one page of 200 gives
    full = h.api("GET", "/api/v1/clocks?limit=200")
    got, cursor = [], None
    for _ in range(60):
        r = h.api("GET", "/api/v1/clocks?limit=7" +
                  (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
        if r.status != 200:
            break
        got += [(x["case_id"], x["id"]) for x in r.json["items"]]
        cursor = r.json.get("next_cursor")
        if not cursor:
            break
    want = [(x["case_id"], x["id"]) for x in full.json["items"]] if full.status == 200 else None
    t.ok(want and got == want and len(want) < 200 and
         [us(x["due_at"]) for x in full.json["items"]] ==
         sorted(us(x["due_at"]) for x in full.json["items"]),
         f"GET /api/v1/clocks: {len(got)} clocks by due time, 7 a page via next_cursor",
         f"{len(got)} vs {len(want or [])}")

    # paging: 23 cases with a tag in their title, learned_at spread and some equal
    tag = f"翻页{RUN}"
    now = h.clk.now()
    made = []
    for i in range(23):
        learned = now - (5 + (i * 7) % 11) * HOUR          # 11 distinct times, repeats
        c = h.api("POST", "/api/v1/cases", {"title": f"{tag} {i:02d}", "learned_at": rfc(learned)})
        if c.status != 201:
            t.need(False, "paging: 23 cases created", c.text[:300])
        h.cases.append(c.json["id"])
        made.append((c.json["id"], us(c.json["learned_at"])))
    t.ok(True, "paging: 23 cases created")
    expect = {
        "id": [i for i, _ in sorted(made)],
        "-id": [i for i, _ in sorted(made, reverse=True)],
        "learned_at": [i for i, _ in sorted(made, key=lambda x: (x[1], x[0]))],
        "-learned_at": [i for i, _ in sorted(made, key=lambda x: (x[1], x[0]), reverse=True)]}
    for sort, want in expect.items():
        got, cursor, pages = [], None, 0
        while pages < 20:
            q = f"q={urllib.parse.quote(tag)}&limit=5&sort={sort}"
            if cursor:
                q += f"&cursor={urllib.parse.quote(cursor)}"
            r = h.api("GET", f"/api/v1/cases?{q}")
            if r.status != 200:
                break
            pages += 1
            got += [x["id"] for x in r.json["items"]]
            cursor = r.json.get("next_cursor")
            if not cursor:
                break
        t.eq(got, want, f"paging sort={sort}, 5 a page via next_cursor: every case once, in order")
    r = h.api("GET", f"/api/v1/cases?q={urllib.parse.quote(tag)}")
    t.eq([x["id"] for x in r.json["items"]] if r.status == 200 else r.text[:200], expect["-id"],
         "the default order is newest id first")
    # filters: state and phase
    a, b, c3 = expect["id"][:3]
    h.patch(a, {"products": [{"name": "p", "versions": ["1"]}]})
    h.move(a, "verified", "ok")
    h.move(b, "rejected", "not a flaw")
    for q, want in (("state=verified", [a]), ("state=rejected", [b]),
                    ("phase=verification", sorted([a, b], reverse=True)),
                    ("phase=receipt", [x for x in expect["-id"] if x not in (a, b)]),
                    ("phase=handling", [])):
        r = h.api("GET", f"/api/v1/cases?q={urllib.parse.quote(tag)}&{q}&limit=50")
        t.eq([x["id"] for x in r.json["items"]] if r.status == 200 else r.text[:200], want,
             f"filter {q}")
    r = h.api("GET", f"/api/v1/cases?q={urllib.parse.quote(tag + ' 0')}&limit=50")
    t.eq(sorted(x["id"] for x in r.json["items"]) if r.status == 200 else r.text[:200],
         sorted(expect["id"][:10]), "q matches a substring of the title")
    r = h.api("GET", "/api/v1/cases?q=%25&limit=5")
    t.ok(r.status == 200 and all("%" in x["title"] for x in r.json["items"]),
         "q=% is taken literally", r.text[:200])
    tag2 = f"筛选{RUN}"
    an = h.srv.users["analyst"]["id"]
    op = h.create({"title": f"{tag2} op", "role": "operator"})["id"]
    ex = h.create({"title": f"{tag2} ex", "actively_exploited": True})["id"]
    sv = h.create({"title": f"{tag2} sv", "cvss_vector": CVSS31})["id"]
    asg = h.create({"title": f"{tag2} asg", "assignee_id": an})["id"]
    for q, want in (("role=operator", [op]), ("role=provider", [asg, sv, ex]),
                    ("actively_exploited=true", [ex]),
                    ("actively_exploited=false", [asg, sv, op]),
                    ("severity=Critical", [sv]), (f"assignee_id={an}", [asg]),
                    ("assignee_id=-1", [sv, ex, op])):
        r = h.api("GET", f"/api/v1/cases?q={urllib.parse.quote(tag2)}&{q}")
        t.eq([x["id"] for x in r.json["items"]] if r.status == 200 else r.text[:200], want,
             f"filter {q}")


def sc_late(h):
    t, clk = h.t, h.clk
    rec = h.report(title=f"三天前获知 {RUN}")
    c = h.create({"report_ids": [rec["id"]]}, name="a case from a report")
    cid, learned = c["id"], us(c["learned_at"])
    other = h.create({"title": f"迟到的重复 {RUN}"}, name="another case, to be dismissed late")
    keep = h.create({"title": f"合并目标 {RUN}"}, name="the case it will duplicate")
    clk.set(learned + 3 * DAY)
    cl = h.clocks(cid)
    ar = cl.get("rmsv.authority_report", {})
    t.ok(ar.get("state") == "missed" and ar.get("met_by_event") is None,
         "3 days later: rmsv.authority_report missed, met by nothing", ar)
    h.clock_state(cl, "rmsv.verify", "missed", "rmsv.verify missed too")

    def listed(state, want_case=cid, clock="rmsv.authority_report"):
        cursor, pages = None, 0
        while pages < 200:
            q = f"state={state}&limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor
                                              else "")
            r = h.api("GET", f"/api/v1/clocks?{q}")
            if r.status != 200:
                return None, r
            pages += 1
            for x in r.json["items"]:
                if x["case_id"] == want_case and x["id"] == clock:
                    return x, r
            cursor = r.json.get("next_cursor")
            if not cursor:
                return False, r
        return False, r

    x, r = listed("missed")
    t.ok(x and x.get("state") == "missed", "GET /api/v1/clocks?state=missed lists it",
         f"{x} {r.status}")
    x, r = listed("pending")
    t.ok(x is False, "and ?state=pending does not", x)
    r = h.submit(cid, receipt_number=f"LATE-{RUN}")
    t.status(r, 201, name="a late submission is recorded", need=True)
    cl = h.clocks(cid)
    ar = cl.get("rmsv.authority_report", {})
    t.ok(ar.get("state") == "missed" and ar.get("met_late") is True and
         ar.get("met_by_event") is not None and ar.get("met_at") == r.json.get("submitted_at"),
         "after it: missed, met_late true, with the submission as met_by", ar)
    x, _ = listed("missed")
    t.ok(x and x.get("met_at") == r.json.get("submitted_at"),
         "GET /api/v1/clocks?state=missed still lists it, with its met_at", x)
    x, _ = listed("met")
    t.ok(x is False, "?state=met does not list a late one", x)
    # the CLI reads real time, not the server's test clock: the stored state says missed
    p = h.srv.cli_dir("clocks", "--state", "missed", "--limit", "1000")
    t.ok(p.returncode == 0 and re.search(rf"^case {cid} +rmsv\.authority_report +missed", p.stdout,
                                         re.M),
         "`vulnflow clocks --state missed` lists it", f"exit {p.returncode}: {p.stdout[-400:]}"
         f" {p.stderr[-300:]}")
    r = h.api("GET", f"/api/v1/clocks?state=missed&due_before={urllib.parse.quote(rfc(learned))}"
                     "&limit=200")
    t.ok(r.status == 200 and all(us(y["due_at"]) < learned for y in r.json["items"]) and
         cid not in [y["case_id"] for y in r.json["items"]],
         "due_before filters by due time", r.text[:300])
    # dismissed after the due time: the missed duty stays missed
    h.move(other["id"], "duplicate", "late duplicate", duplicate_of=keep["id"])
    cl = h.clocks(other["id"])
    for k in ("rmsv.verify", "rmsv.authority_report"):
        h.clock_state(cl, k, "missed", f"dismissed after its due time: {k} stays missed")


def sc_replay(h):
    t, srv = h.t, h.srv
    ids = sorted(set(h.cases))
    with ThreadPoolExecutor(4) as ex:
        runs = list(ex.map(lambda cid: srv.cli_dir("case", "verify", cid), ids))
    bad = [(cid, p.returncode, p.stdout.strip(), p.stderr.strip()) for cid, p in zip(ids, runs)
           if p.returncode != 0 or
           p.stdout.strip() != f"case {cid}: the state is what its events lead to"]
    t.ok(ids and not bad,
         f"`vulnflow case verify` agrees for every one of the {len(ids)} cases of the run",
         bad[:5])
    # three cases to spoil: A last moved triage -> verified; B has several transitions
    a = h.full_case()
    h.move(a["id"], "verified", "ok")
    b = h.full_case(cvss_vector=CVSS31, scope="s")
    h.move(b["id"], "verified", "ok")
    h.move(b["id"], "assessed")
    h.move(b["id"], "fixing")
    c = h.full_case()
    h.move(c["id"], "verified", "ok")
    for x in (a, b, c):
        p = srv.cli_dir("case", "verify", x["id"])
        t.need(p.returncode == 0, f"case {x['id']} verifies before tampering", p.stdout + p.stderr)
    ev = srv.sql(f"SELECT id FROM case_events WHERE case_id = {a['id']} AND kind = 'transition'"
                 " AND to_state = 'verified'")
    srv.sql(f"UPDATE case_events SET to_state = 'rejected' WHERE id = {ev[0][0]}")
    p = srv.cli_dir("case", "verify", a["id"])
    t.ok(p.returncode == 1 and "differs" in p.stdout,
         "a transition's to_state changed in case_events: verify exits 1, the state differs",
         f"exit {p.returncode}: {p.stdout} {p.stderr}")
    ev = srv.sql(f"SELECT id FROM case_events WHERE case_id = {b['id']} AND kind = 'transition'"
                 " AND to_state = 'assessed'")
    srv.sql(f"DELETE FROM case_events WHERE id = {ev[0][0]}")
    p = srv.cli_dir("case", "verify", b["id"])
    t.ok(p.returncode == 1 and re.search(r"event \d+", p.stdout + p.stderr) is not None,
         "a transition deleted from case_events: verify exits 1 naming the broken event",
         f"exit {p.returncode}: {p.stdout} {p.stderr}")
    srv.sql(f"UPDATE cases SET state = 'closed' WHERE id = {c['id']}")
    p = srv.cli_dir("case", "verify", c["id"])
    t.ok(p.returncode == 1 and "differs" in p.stdout,
         "cases.state changed behind the service's back: verify exits 1",
         f"exit {p.returncode}: {p.stdout} {p.stderr}")
    p = srv.cli_dir("case", "verify", 987654321)
    t.ok(p.returncode == 1 and "no such case" in p.stderr, "verify of a case that does not exist",
         f"exit {p.returncode}: {p.stdout} {p.stderr}")


def sc_clock(h):
    t = h.t
    t.status(h.api("POST", "/api/v1/test/clock", {"now": rfc(h.clk.now() + DAY)},
                   who="coordinator"), 403, name="a coordinator cannot move the clock")
    t.status(h.api("POST", "/api/v1/test/clock", {"now": "soon"}), 422,
             name="a time that is not RFC 3339 is 422")
    r = h.api("POST", "/api/v1/test/clock", {"now": None})
    t.ok(r.status == 200 and r.json.get("offset_us") == 0 and
         abs(us(r.json["now"]) - int(time.time() * US)) < 60 * US,
         "{\"now\": null} goes back to real time", r.text[:200])


def sc_html(h):
    t = h.t
    evil = '<script>alert("t")</script>'
    c = h.full_case(title=f"{evil} {RUN}", products=[{"name": "<b>网关</b>", "model": "\"M\"",
                                                       "versions": ["<1.0>"]}],
                    harm="<img src=x onerror=alert(1)>")
    h.move(c["id"], "verified", "<iframe src=//evil.example>")
    for path in (f"/api/v1/cases/{c['id']}/authority-report?format=html",
                 f"/api/v1/cases/{c['id']}/dossier?format=html"):
        r = h.api("GET", path)
        t.ok(r.status == 200 and "<script>" not in r.text and "<img" not in r.text and
             "<iframe" not in r.text and "<b>" not in r.text,
             f"{path.split('/')[-1]}: markup in titles, products, harm and reasons is escaped",
             re.findall(r"<(?:script|img|iframe|b)\b[^\n]{0,60}", r.text)[:3])
    r = h.api("GET", f"/api/v1/cases/{c['id']}/authority-report?format=text")
    t.ok(r.status == 200 and evil in r.text, "the text format keeps the title as written",
         r.text[:200])


def sc_cra(h):
    t, clk = h.t, h.clk
    c = h.full_case(actively_exploited=True, cvss_vector=CVSS31, scope="欧盟市场 2 万台")
    cid, learned = c["id"], us(c["learned_at"])
    cl = {x["id"]: x for x in c["clocks"]}
    t.eq(sorted(k for k in cl if k.startswith("cra.")), ["cra.early_warning", "cra.notification"],
         "actively exploited provider case: CRA early warning and notification clocks")
    t.ok(us(cl.get("cra.early_warning", {}).get("due_at", rfc(0))) == learned + 24 * HOUR and
         us(cl.get("cra.notification", {}).get("due_at", rfc(0))) == learned + 72 * HOUR,
         "due 24 h and 72 h after learning of the exploitation (here: learned_at)",
         {k: v.get("due_at") for k, v in cl.items()})
    c2 = h.full_case()
    t.ok(not any(x["id"].startswith("cra.") for x in c2["clocks"]), "not exploited: no CRA clock")
    clk.advance(2 * HOUR)
    c2 = h.patch(c2["id"], {"actively_exploited": True}, name="exploitation learned later")
    ew = {x["id"]: x for x in c2["clocks"]}.get("cra.early_warning", {})
    t.ok(ew and abs(us(ew["trigger_at"]) - clk.now()) < 60 * US and
         us(ew["due_at"]) == us(ew["trigger_at"]) + 24 * HOUR,
         "then the CRA clocks run from that moment, not from learned_at", ew)
    h.move(cid, "verified", "reproduced")
    h.move(cid, "assessed")
    fix_at = clk.now()
    h.patch(cid, {"remediation": "升级", "fix_available_at": rfc(fix_at)})
    c = h.move(cid, "fix_available").json
    fr = {x["id"]: x for x in c["clocks"]}.get("cra.final_report", {})
    t.ok(fr and us(fr["due_at"]) == fix_at + 14 * DAY,
         "cra.final_report due 14 days after the fix is available", fr)
    op = h.create({"role": "operator", "title": f"运营者 {RUN}", "actively_exploited": True})
    t.ok(not any(x["id"].startswith("cra.") for x in op["clocks"]),
         "an operator case has no CRA clock", [x["id"] for x in op["clocks"]])


def sc_concurrency(h):
    t, srv = h.t, h.srv
    c = h.full_case()
    cid = c["id"]
    rs = parallel(8, lambda i: srv.api("POST", f"/api/v1/cases/{cid}/transitions",
                                       {"to": "verified", "reason": f"try {i}"}))
    t.eq(sorted(r.status for r in rs), [200] + [409] * 7,
         "8 concurrent verify of one case: one 200, seven 409")
    t.ok(all(r.code == "illegal_transition" for r in rs if r.status != 200),
         "the seven are illegal_transition (the case had moved)",
         [(r.status, r.code) for r in rs])
    d = h.dossier(cid)
    t.eq([x.get("to") for x in d["timeline"] if x["kind"] == "transition"], ["verified"],
         "one transition event was written")
    rec = h.report()
    rs = parallel(6, lambda i: srv.api("POST", "/api/v1/cases", {"report_ids": [rec["id"]]},
                                       who="coordinator"))
    h.cases += [r.json["id"] for r in rs if r.status == 201]
    t.eq(sorted(r.status for r in rs), [201] + [409] * 5,
         "6 concurrent cases from one report: one 201, five 409")
    t.ok(all(r.code == "report_in_case" for r in rs if r.status != 201),
         "the five are report_in_case", [(r.status, r.code) for r in rs])
    # two cases marked duplicates of each other at once: never both
    for k in range(4):
        a, b = h.full_case(), h.full_case()
        rs = parallel(2, lambda i: srv.api("POST", f"/api/v1/cases/{(a, b)[i]['id']}/transitions",
                                           {"to": "duplicate", "reason": "same",
                                            "duplicate_of": (b, a)[i]["id"]},
                                           who="coordinator"))
        st = sorted(r.status for r in rs)
        t.ok(st == [200, 409], f"A dup of B and B dup of A at once (try {k + 1}): one 200, one 409",
             [(r.status, r.code, r.error.get("message")) for r in rs])
        sa, sb = h.get(a["id"])["state"], h.get(b["id"])["state"]
        t.ok((sa, sb).count("duplicate") == 1,
             "exactly one of the two is a duplicate (the other carries the reports)", (sa, sb))
    # concurrent submissions of a changed report
    c = h.full_case(cvss_vector=CVSS31, scope="s", harm="h1")
    t.status(h.submit(c["id"]), 201, name="a first submission", need=True)
    h.patch(c["id"], {"harm": "h2"})
    rs = parallel(6, lambda i: h.submit(c["id"], receipt_number=f"C-{i}"))
    t.eq(sorted(r.status for r in rs), [201] + [409] * 5,
         "6 concurrent re-submissions of the changed report: one 201 (version 2), five 409")
    t.ok(all(r.code == "unchanged" for r in rs if r.status != 201),
         "the five are 409 unchanged", [(r.status, r.code, r.error.get("message")) for r in rs])
    subs = h.dossier(c["id"])["authority_report_submissions"]
    t.eq([x["version"] for x in subs], [1, 2], "versions 1 and 2 are recorded, nothing else")
    # every outbound leaf of the log is a recorded submission (no orphan evidence)
    size = srv.api("GET", "/api/v1/log/sth", who=None).json["tree_size"]
    out_leaves = []
    for start in range(0, size, 1000):
        r = srv.api("GET", f"/api/v1/log/leaves?start={start}&end={min(size, start + 1000)}",
                    who="auditor")
        t.need(r.status == 200, "read the log's leaves", r.text[:200])
        out_leaves += [x["leaf_index"] for x in r.json["leaves"]
                       if tlogverify.decode_entry(bytes.fromhex(x["entry"]))["channel"] == 5]
    recorded = sorted(int(x[0]) for x in srv.sql("SELECT leaf_index FROM authority_submissions"))
    t.eq(sorted(out_leaves), recorded,
         "every outbound leaf in the receipt log is a recorded submission, and back")


def sc_mail_lock(h):
    t, srv = h.t, h.srv
    c = h.full_case()
    other = h.full_case()
    slow = f"slow-{RUN}@supplier.example.cn"
    box = {}

    def notify():
        t0 = time.time()
        box["r"] = srv.api("POST", f"/api/v1/cases/{c['id']}/notifications",
                           {"kind": "upstream", "recipients": [
                               {"name": "慢速供应商", "email": slow, "country": "CN"}]},
                           who="coordinator")
        box["dt"] = time.time() - t0
    th = threading.Thread(target=notify)
    th.start()
    time.sleep(0.5)

    def timed(fn):
        t0 = time.time()
        r = fn()
        return r, time.time() - t0
    (r1, dt1), (r2, dt2) = parallel(2, lambda i: timed((
        lambda: srv.api("POST", "/api/v1/reports", {
            "title": f"慢速中继期间的报告 {RUN}", "description": ZH_DESC, "language": "zh-CN",
            "product": {"name": "网关", "version": "1"},
            "reporter": {"name": "李", "email": "li@example.cn", "country": "CN"}}, who=None),
        lambda: srv.api("POST", f"/api/v1/cases/{other['id']}/transitions",
                        {"to": "verified", "reason": "meanwhile"}, who="coordinator"))[i]))
    th.join()
    r = box.get("r")
    t.ok(r is not None and r.status == 201 and r.json["results"][0]["status"] == "sent" and
         box["dt"] >= SLOW_SECONDS - 0.5,
         f"a notice through a relay that takes {SLOW_SECONDS} s is sent",
         f"{r and r.status} {r and r.text[:200]} in {box.get('dt', 0):.1f} s")
    t.ok(r1.status == 201 and dt1 < 1.5,
         "meanwhile a report is received without waiting for the mail relay",
         f"{r1.status} after {dt1:.2f} s: {r1.text[:200]}")
    t.ok(r2.status == 200 and dt2 < 1.5,
         "meanwhile another case moves without waiting for the mail relay",
         f"{r2.status} after {dt2:.2f} s: {r2.text[:200]}")


def sc_escalation(h):
    t, srv = h.t, h.srv
    deadline = time.time() + 25
    esc = []
    while time.time() < deadline:
        esc = [(r, s) for r, s in srv.sink.subjects() if "escalation" in s]
        if esc:
            break
        time.sleep(0.5)
    t.need(esc, "escalation mail within 25 s of clocks passing their points (checked every 10 s)")
    users = srv.users
    t.ok(any(users["coordinator"]["email"] in r for r, _ in esc) and
         any(users["admin"]["email"] in r for r, _ in esc),
         "escalations go to the coordinators and admins", esc[:3])
    t.ok(not any(users["analyst"]["email"] in r or users["auditor"]["email"] in r
                 for r, _ in esc), "not to analysts or auditors", esc[:3])
    pairs = set()
    for _, s in esc:
        m = re.search(r"case (\d+): (\S+)", s)
        if m:
            pairs.add((int(m.group(1)), m.group(2)))
    t.need(pairs, "each escalation names its case and clock", [s for _, s in esc[:3]])
    wrong = []
    for case_id, clock_id in sorted(pairs)[:15]:
        cl = h.clocks(case_id)
        if clock_id not in cl or cl[clock_id]["state"] in ("met", "cancelled"):
            wrong.append((case_id, clock_id, cl.get(clock_id, {}).get("state")))
    t.ok(not wrong, "only clocks neither met nor cancelled are escalated", wrong)
    for note, what in (("all_met", "every clock met"), ("cancelled", "its clocks cancelled")):
        cid = h.notes.get(note)
        if cid is None:
            continue
        d = h.dossier(cid)
        t.ok(not any(x["kind"] == "escalation" for x in d["timeline"]) and
             not any(p[0] == cid for p in pairs), f"no escalation for the case with {what}",
             [x for x in d["timeline"] if x["kind"] == "escalation"][:3])
    some = sorted(pairs)[0][0]
    d = h.dossier(some)
    t.ok(any(x["kind"] == "escalation" for x in d["timeline"]),
         "an escalation is an event in the case's timeline", d["timeline"][-3:])


SCENARIOS = [("access", sc_access), ("lifecycle", sc_lifecycle), ("upstream", sc_upstream),
             ("duplicates", sc_duplicates), ("operator", sc_operator),
             ("resubmission", sc_resubmission), ("learned_at", sc_learned_at),
             ("guards", sc_guards), ("input", sc_input), ("html", sc_html), ("cra", sc_cra),
             ("concurrency", sc_concurrency), ("mail_lock", sc_mail_lock), ("late", sc_late),
             ("replay", sc_replay), ("escalation", sc_escalation), ("clock", sc_clock)]


def users():
    """The instance's people besides admin: (key, role, e-mail)."""
    return [("coordinator", "coordinator", f"coord-{RUN}@psirt.example.cn"),
            ("analyst", "analyst", f"analyst-{RUN}@psirt.example.cn"),
            ("analyst2", "analyst", f"analyst2-{RUN}@psirt.example.cn"),
            ("auditor", "auditor", f"auditor-{RUN}@psirt.example.cn"),
            ("reporter", "reporter", f"reporter-{RUN}@example.cn")]


def make_server(binary, db, tmp):
    """The instance every case suite runs on: test_clock=1 and an SMTP sink."""
    return Server(binary, db, tmp, users(), sink=Sink())


def setup(srv, tap, started=None):
    """Start srv (then started(srv), if given), set the test clock to now; the helpers."""
    srv.start()
    if started:
        started(srv)
    clk = Clock(srv)
    clk.set(int(time.time()) * US)
    return H(srv, clk, tap)


def main():
    return vfharness.run("case workflow scenarios (issue 4)", SCENARIOS, make_server, setup,
                         "instance, users, tokens, SMTP sink and server with test_clock=1",
                         "vf-cases-", always=("replay",))


if __name__ == "__main__":
    sys.exit(main())
