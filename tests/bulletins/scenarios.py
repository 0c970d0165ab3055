#!/usr/bin/python3
"""tests/bulletins/scenarios.py - our advisories and the Art. 9 publication gate (issue 7),
end to end through the real server.

Usage:
    /usr/bin/python3 tests/bulletins/scenarios.py --binary build-check/vulnflow
        [--db postgresql://USER@HOST:PORT/DB] [--filter SUBSTR] [--keep]

Starts its own instance (`vulnflow init`; admin, two coordinators, an analyst, an auditor
made with the CLI, each with an API token) and `vulnflow serve --set test_clock=1`.
Time is moved only forward with POST /api/v1/test/clock.

Scenarios (each a group of TAP lines):

  fields      drafting from the case, text fields as a string or {"zh-CN","en"}, sanitised
              HTML, credits only with consent, revisions, bad input
  vex         products from the case with VEX statements and vendor from the inventory
  gate_table  for every rule but 9(6) an advisory that fails only that rule (the 409 body
              names exactly it with its missing evidence), the fix for each, and one that
              passes every rule and publishes; the operator case is never publishable
  findings    texts with an internal address, a code block, alarm wording: flagged, cleared
              by a reviewer, then passing; a PoC attachment cannot be cleared
  approvals   two-person rule: the author cannot approve; a new revision needs a new approval
  blackout    a window with no consent fails only rmsv_9_6 (missing mps_consent); MPS consent
              for the advisory makes it pass; a scheduled publication inside the window is
              refused at its moment and goes back to draft
  schedule    publish {"at"} schedules (embargo end in UTC and +08:00); the server runs the
              gate again at that moment (test clock) and publishes
  visibility  anonymous clients see published advisories only; an analyst sees the drafts
              of their own cases only
  cli         `vulnflow advisory --help`, show, gate (exit 1 when refused), approve,
              publish, export (CSAF and OSV, validated against their schemas)
  concurrency drafts of four cases at once (distinct ids), four revisions of one at
              once, four publishes of one at once (exactly one publishes)

Each line is "ok N - BACKEND: scenario: step" or "not ok N - ...: detail"; the plan line
and "N passed, N failed" come last.  Exit 1 if anything failed (or the server printed a
sanitizer report).  The instance, the TAP stream and the runner are tests/lib/vfharness.py's.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import vfharness  # noqa: E402
# (Abort, Resp and SANITIZER_MARKS for tests/bulletins/feed.py)
from vfharness import (DAY, HOUR, RUN, SANITIZER_MARKS, US, Abort, Clock, Resp,  # noqa: E402,F401
                       rfc, us)

LOCAL_US = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+08:00"
CVSS31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"     # 9.8 critical
CVSS31_MEDIUM = "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N"
GBT_HIGH = "AP:N/TR:L/PR:L/UI:N/C:S/I:N/A:N"                 # 高危
RULES = ["rmsv_9_1_fix_first", "rmsv_9_2_operator_details", "rmsv_9_3_no_exaggeration",
         "rmsv_9_4_no_exploit", "rmsv_9_5_remediation", "rmsv_9_6_blackout",
         "rmsv_9_7_overseas", "two_person"]
TITLE = {"zh-CN": "某型号路由器管理界面命令注入漏洞", "en": "Command injection in the router's"
         " management interface"}
SUMMARY = {"zh-CN": "诊断页面的参数未经过滤，已认证的用户可在设备上执行命令。",
           "en": "A parameter of the diagnostics page is not filtered; an authenticated user"
                 " can run commands on the device."}
REMEDIATION = {"zh-CN": "升级固件至 1.2.8 版本。", "en": "Upgrade the firmware to version 1.2.8."}


class Tap(vfharness.Tap):
    """vfharness.Tap showing 800 characters of a body a status check did not expect."""

    def __init__(self, prefix):
        super().__init__(prefix, detail_chars=800)


class Server(vfharness.Server):
    """The instance: admin, two coordinators, an analyst and an auditor, each with a token;
    test_clock=1 (.serve_args and .before_serve as tests/bulletins/feed.py sets them)."""

    def __init__(self, binary, db, tmp):
        super().__init__(binary, db, tmp,
                         [(who, role, f"{who}-{RUN}@psirt.example.cn")
                          for who, role in (("coordinator", "coordinator"),
                                            ("coordinator2", "coordinator"),
                                            ("analyst", "analyst"), ("auditor", "auditor"))])


class H:
    """Helpers bound to one server, clock and TAP stream."""

    def __init__(self, srv, clk, tap):
        self.srv, self.clk, self.t = srv, clk, tap
        self.published = set()
        self.unpublished = set()

    def api(self, *a, **kw):
        return self.srv.api(*a, **kw)

    def case(self, role="provider", who="coordinator", **fields):
        """A case with what the gate needs: scores, a product, a recorded mitigation."""
        body = {"title": f"路由器命令注入 {RUN}-{secrets.token_hex(2)}", "role": role,
                "products": [{"name": "智能路由器", "model": "AX-3000", "versions": ["1.2.7"]}]}
        r = self.api("POST", "/api/v1/cases", body, who=who)
        self.t.status(r, 201, name="case created", need=True)
        cid = r.json["id"]
        patch = {"cvss_vector": CVSS31, "gbt_vector": GBT_HIGH,
                 "workarounds": "关闭诊断页面。"}
        patch.update(fields)
        patch = {k: v for k, v in patch.items() if v is not None}
        r = self.api("PATCH", f"/api/v1/cases/{cid}", patch, who=who)
        self.t.status(r, 200, name="case assessed", need=True)
        return cid

    def draft(self, cid, who="coordinator", **body):
        b = {"title": TITLE, "summary": SUMMARY, "remediation": REMEDIATION,
             "vendor": "某某网络设备有限公司"}
        b.update(body)
        b = {k: v for k, v in b.items() if v is not None}
        r = self.api("POST", f"/api/v1/cases/{cid}/advisory", b, who=who)
        self.t.status(r, 201, name="advisory drafted (201)", need=True)
        self.unpublished.add(r.json["id"])
        return r.json

    def attest(self, aid, who="coordinator2"):
        r = self.api("POST", f"/api/v1/advisories/{aid}/review", {"attest": True}, who=who)
        self.t.status(r, 201, name="reviewer attests (Art. 9(3))", need=True)
        return r.json

    def approve(self, aid, who="coordinator2"):
        r = self.api("POST", f"/api/v1/advisories/{aid}/approvals", {"comment": "同意发布"},
                     who=who)
        self.t.status(r, 201, name="second coordinator approves", need=True)
        return r.json

    def good(self, role="provider", attest=True, approve=True, case_fields=None, **body):
        cid = self.case(role=role, **(case_fields or {}))
        adv = self.draft(cid, **body)
        if attest:
            self.attest(adv["id"])
        if approve:
            self.approve(adv["id"])
        return cid, adv["id"]

    def gate(self, aid, who="coordinator"):
        r = self.api("GET", f"/api/v1/advisories/{aid}/gate", who=who)
        self.t.status(r, 200, name="gate dry run", need=True)
        return r.json

    def failed(self, report):
        return [x["rule"] for x in report["rules"] if not x["passed"]]

    def rule(self, report, rid):
        return next(x for x in report["rules"] if x["rule"] == rid)

    def missing(self, report, rid):
        return [m["id"] for m in self.rule(report, rid)["missing"]]

    def publish(self, aid, body=None, who="coordinator"):
        return self.api("POST", f"/api/v1/advisories/{aid}/publish", body or {}, who=who)

    def published_ok(self, aid, r, name="published"):
        ok = self.t.ok(r.status == 200 and r.json.get("state") == "published" and
                       r.json.get("published_at"), name, f"{r.status} {r.text[:600]}")
        if ok:
            self.published.add(aid)
            self.unpublished.discard(aid)
        return ok


# ---------------------------------------------------------------- scenarios


def sc_fields(h):
    t = h.t
    cid = h.case(technical="ping 参数未过滤，拼接进系统调用。", harm="可在设备上执行命令。",
                 remediation="升级固件至 1.2.8。")
    r = h.api("POST", f"/api/v1/cases/{cid}/advisory", {"vendor": "某某网络设备有限公司"},
              who="coordinator")
    t.status(r, 201, name="drafted from the case alone (201)", need=True)
    a = r.json
    aid = a["id"]
    h.unpublished.add(aid)
    t.ok(re.fullmatch(r"VF-\d{4}-\d{4,}", aid), "the id is VF-YYYY-NNNN", aid)
    t.eq((a["state"], a["revision"]), ("draft", 1), "a draft at revision 1")
    t.ok(a["title"] and a["title"].get("zh-CN", "").startswith("路由器命令注入"),
         "title from the case, as zh-CN (Chinese text)", a["title"])
    t.eq(a["summary"], {"zh-CN": "可在设备上执行命令。"}, "summary from the case's harm")
    t.eq(a["description"], {"zh-CN": "ping 参数未过滤，拼接进系统调用。"},
         "description from the case's technical details")
    t.eq(a["remediation"], {"zh-CN": "升级固件至 1.2.8。"}, "remediation from the case")
    t.eq(a["workarounds"], {"zh-CN": "关闭诊断页面。"}, "workarounds from the case")
    t.eq(a["products"], [{"vendor": "某某网络设备有限公司", "name": "智能路由器",
                          "model": "AX-3000", "version": "1.2.7", "status": "affected"}],
         "one product row per version of the case's products")
    t.eq(a["severity"], {"cvss": "critical", "gbt": "high"},
         "stated severity defaults to the computed CVSS band and GB/T grade")
    t.ok((a.get("score") or {}).get("cvss_vector") == CVSS31 and
         (a.get("score") or {}).get("cvss_score") == 9.8,
         "computed scores from the case", a.get("score"))
    t.eq(a["html"]["summary"], {"zh-CN": "<p>可在设备上执行命令。</p>\n"}, "HTML per language")
    t.eq(len(a["revisions"]), 1, "one revision")

    # a string goes to the language it is written in, or to "lang"
    r = h.api("PATCH", f"/api/v1/advisories/{aid}",
              {"title": "Command injection in the diagnostics page",
               "summary": {"en": "Commands can be run.", "zh-CN": None},
               "description": "Use `ping` **carefully** <script>alert(1)</script>",
               "revision_summary": "English text"}, who="coordinator")
    t.status(r, 200, name="PATCH: a new revision", need=True)
    a = r.json
    t.eq(a["revision"], 2, "revision 2")
    t.ok(a["title"].get("en") == "Command injection in the diagnostics page" and
         a["title"].get("zh-CN", "").startswith("路由器命令注入"),
         "an English string is added as en, zh-CN kept", a["title"])
    t.eq(a["summary"], {"en": "Commands can be run."}, "a language given as null is removed")
    html = a["html"]["description"].get("en", "")
    t.ok("<script" not in html and "<code>ping</code>" in html and
         "<strong>carefully</strong>" in html,
         "Markdown rendered, raw HTML not passed through", html)
    t.ok([x["number"] for x in a["revisions"]] == [1, 2] and
         a["revisions"][1]["summary"] == "English text" and
         a["revisions"][1]["author"] == h.srv.users["coordinator"]["email"],
         "revisions kept with author and summary", a["revisions"])
    r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"title": "x", "lang": "zh-CN"},
              who="coordinator")
    t.ok(r.status == 200 and r.json["title"].get("zh-CN") == "x", "\"lang\" names the"
         " language of plain strings", r.text[:300])
    # credits only with consent; who asserted it is recorded
    r = h.api("PATCH", f"/api/v1/advisories/{aid}",
              {"credits": [{"name": "张伟", "organization": "某安全实验室"}]}, who="coordinator")
    t.status(r, 422, "credit_consent_required", "a credit without consent is 422")
    r = h.api("PATCH", f"/api/v1/advisories/{aid}",
              {"credits": [{"name": "张伟", "organization": "某安全实验室", "consent": True}]},
              who="coordinator")
    t.status(r, 200, name="a credit with consent", need=True)
    c = r.json["credits"][0]
    t.ok(c.get("consent_asserted_by") == h.srv.users["coordinator"]["id"] and
         c.get("consent_asserted_at"), "the consent's asserter and time are recorded", c)
    for body, code in (({"title": 5}, "invalid_text"), ({"title": {"fr": "x"}}, "invalid_text"),
                       ({"nonsense": 1}, "unknown_field"),
                       ({"products": [{"name": "x"}]}, "missing_field"),
                       ({"severity": {"cvss": "huge"}}, "invalid_field"),
                       ({"references": [{"url": "javascript:x"}]}, "invalid_field"),
                       ({"attachments": [{"name": "a", "is_poc": "yes"}]}, "invalid_field")):
        r = h.api("PATCH", f"/api/v1/advisories/{aid}", body, who="coordinator")
        t.status(r, 422, code, f"PATCH {json.dumps(body, ensure_ascii=False)} is 422 {code}")
    r = h.api("POST", f"/api/v1/cases/{cid}/advisory", {}, who="coordinator")
    t.ok(r.status == 200 and r.json["id"] == aid and r.json["revision"] == 5,
         "drafting again from the case is a new revision of the same advisory (200)",
         f"{r.status} {r.text[:300]}")
    t.status(h.api("GET", "/api/v1/advisories/VF-2026-99999", who="coordinator"), 404,
             "bulletin_not_found", "an unknown advisory is 404")
    t.status(h.api("GET", "/api/v1/advisories/nonsense", who="coordinator"), 404,
             name="a malformed id is 404")
    t.status(h.api("POST", "/api/v1/cases/999999/advisory", {}, who="coordinator"), 404,
             name="drafting from an unknown case is 404")


def sc_vex(h):
    """Affected products and versions from the case, with VEX statements and the vendor from
    the inventory (issue 6) where it knows the product."""
    t = h.t
    name, lib, cve = f"VEX路由器-{RUN}", f"vexlib-{RUN}", f"CVE-2099-{secrets.randbelow(9000) + 1000}"
    r = h.api("POST", "/api/v1/products", {"name": name, "model": "R1", "vendor": "某某网络"},
              who="coordinator")
    t.status(r, 201, name="inventory product", need=True)
    pid = r.json["id"]
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [{"type": "library", "name": lib, "purl": f"pkg:npm/{lib}@1.0.0"}]}
    for v in ("2.0", "2.1"):
        r = h.api("POST", f"/api/v1/products/{pid}/versions/{v}/sbom", sbom, who="coordinator")
        t.status(r, 200, name=f"SBOM of {v} imported", need=True)
    osv = {"schema_version": "1.6.0", "id": f"VFX-{RUN}", "modified": "2025-01-01T00:00:00Z",
           "summary": "vex test", "aliases": [cve], "affected": [
               {"package": {"ecosystem": "npm", "name": lib},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
    r = h.api("POST", "/api/v1/vulnerabilities", osv, who="coordinator")
    t.status(r, 201, name="the vulnerability imported", need=True)
    for v, st, just in (("2.0", "not_affected", "code_not_reachable"), ("2.1", "fixed", None)):
        body = {"vulnerability": f"VFX-{RUN}", "status": st}
        if just:
            body["justification"] = just
        r = h.api("POST", f"/api/v1/products/{pid}/versions/{v}/vex", body, who="coordinator")
        t.status(r, 200, name=f"VEX of {v}: {st}", need=True)
    cid = h.case(products=[{"name": name, "model": "R1", "versions": ["2.0", "2.1", "3.0"]}],
                 ids={"cve": cve})
    a = h.draft(cid, vendor=None)
    got = [(p.get("version"), p.get("status"), p.get("vendor"), bool(p.get("justification")))
           for p in a["products"]]
    t.eq(got, [("2.0", "not_affected", "某某网络", True), ("2.1", "fixed", "某某网络", False),
               ("3.0", "affected", "某某网络", False)],
         "VEX status (with justification) and vendor from the inventory; an unknown version"
         " stays affected")


def expect_only(h, aid, rid, missing, name):
    """The gate fails exactly rid, with these missing ids; publishing is 409 naming it."""
    t = h.t
    rep = h.gate(aid)
    t.ok(h.failed(rep) == [rid] and h.missing(rep, rid) == missing,
         f"{name}: the dry run fails only {rid}, missing {missing}",
         json.dumps({"failed": h.failed(rep),
                     "missing": {x["rule"]: [m["id"] for m in x["missing"]]
                                 for x in rep["rules"] if not x["passed"]}},
                    ensure_ascii=False))
    r = h.publish(aid)
    t.status(r, 409, "gate_refused", f"{name}: publish is 409 gate_refused")
    rules = r.error.get("rules") or []
    t.ok([x.get("rule") for x in rules] == [rid] and
         [m["id"] for m in rules[0].get("missing", [])] == missing and
         rid in (r.error.get("message") or ""),
         f"{name}: the 409 body names {rid} and its missing evidence", r.text[:800])
    g = h.api("GET", f"/api/v1/advisories/{aid}", who="coordinator").json
    t.eq(g["state"], "draft", f"{name}: still a draft")
    return rep


def sc_gate_table(h):
    t = h.t
    # passes every rule and publishes
    cid, aid = h.good()
    rep = h.gate(aid)
    t.ok(rep["passed"] and h.failed(rep) == [] and [x["rule"] for x in rep["rules"]] == RULES,
         "all eight rules pass, in the fixed order", h.failed(rep))
    basis = {x["rule"]: (x["basis"] or {}).get("id") for x in rep["rules"]}
    t.eq(basis["rmsv_9_1_fix_first"], "mitigation_recorded", "9(1) passes on the mitigation")
    t.eq(basis["rmsv_9_6_blackout"], "outside_blackout", "9(6) passes outside any window")
    t.ok(re.fullmatch(LOCAL_US, rep.get("evaluated_at_local") or ""),
         "the report's time in Asia/Shanghai too", rep.get("evaluated_at_local"))
    r = h.publish(aid)
    h.published_ok(aid, r, "publish answers 200 with the published advisory")
    t.ok(r.json and (r.json.get("gate") or {}).get("passed") is True,
         "the passing report comes with it", r.text[:300])
    au = h.api("GET", "/api/v1/audit?action=advisory.publish", who="auditor")
    t.ok(au.status == 200 and any(aid in json.dumps(x, ensure_ascii=False)
                                  for x in au.json.get("items", [])),
         "the publication is an audit event", au.text[:300])
    g = h.api("GET", f"/api/v1/advisories/{aid}", who="coordinator").json
    t.ok(any(d["kind"] == "publish" and d["passed"] for d in g["gate_decisions"]) and
         any(d["kind"] == "dry_run" for d in g["gate_decisions"]),
         "the dry run and the publish decision are logged", g["gate_decisions"])
    t.status(h.publish(aid), 409, "bulletin_published", "publishing again is 409")
    t.status(h.api("PATCH", f"/api/v1/advisories/{aid}", {"title": "x"}, who="coordinator"),
             409, "bulletin_published", "a published advisory is not edited")
    dos = h.api("GET", f"/api/v1/cases/{cid}/dossier", who="coordinator")
    t.ok(dos.status == 200 and "advisory_published" in dos.text,
         "the case has an advisory_published event", dos.text[:300])

    # 9(1): neither fix nor mitigation; then the early-release record
    cid, aid = h.good(case_fields={"workarounds": None})
    expect_only(h, aid, "rmsv_9_1_fix_first",
                ["fix_or_mitigation", "early_release_joint_assessment",
                 "early_release_report_miit", "early_release_report_mps",
                 "early_release_authority_assessment"], "9(1)")
    now = h.clk.now()
    r = h.api("POST", f"/api/v1/cases/{cid}/early-release",
              {"step": "report_miit", "at": rfc(now + HOUR), "ref": "x"}, who="coordinator")
    t.status(r, 422, "at_in_future", "a step dated in the future is 422")
    r = h.api("POST", f"/api/v1/cases/{cid}/early-release",
              {"step": "joint_assessment", "at": rfc(now - 4 * HOUR), "ref": "会商纪要 2026-01"},
              who="analyst")
    t.status(r, 403, name="an analyst cannot record early release (publish capability)")
    r = h.api("POST", f"/api/v1/cases/{cid}/early-release", {"steps": [
        {"step": "joint_assessment", "at": rfc(now - 4 * HOUR), "ref": "会商纪要 2026-01"},
        {"step": "report_miit", "at": rfc(now - 3 * HOUR), "ref": "工信部报送 MIIT-2026-7"},
        {"step": "report_mps", "at": rfc(now - 3 * HOUR), "ref": "公安部报送 MPS-2026-7"},
        {"step": "authority_assessment", "at": rfc(now - HOUR), "ref": "评估意见 2026-7",
         "note": "同意提前发布"}]}, who="coordinator")
    t.status(r, 201, name="the four early-release steps recorded", need=True)
    t.ok(r.json.get("complete") is True and
         r.json["steps"]["report_mps"]["ref"] == "公安部报送 MPS-2026-7" and
         re.fullmatch(LOCAL_US, r.json["steps"]["report_mps"]["at_local"]),
         "the record: every step with its date (UTC and +08:00) and reference", r.json)
    rep = h.gate(aid)
    t.ok(rep["passed"] and (h.rule(rep, "rmsv_9_1_fix_first")["basis"] or {}).get("id") ==
         "early_release_record", "9(1) passes on the early-release record", h.failed(rep))

    # 9(2): an operator case is never publishable
    cid, aid = h.good(role="operator")
    expect_only(h, aid, "rmsv_9_2_operator_details", ["provider_case"], "9(2) operator case")

    # 9(3): no reviewer attestation; then the author's own attestation is refused
    cid, aid = h.good(attest=False)
    expect_only(h, aid, "rmsv_9_3_no_exaggeration", ["reviewer_attestation"], "9(3)")
    r = h.api("POST", f"/api/v1/advisories/{aid}/review", {"attest": True}, who="coordinator")
    t.status(r, 409, "attester_is_author", "the author cannot attest")
    h.attest(aid)
    h.approve(aid, who="admin")
    t.ok(h.gate(aid)["passed"], "passes once a reviewer attested")
    # stated severity above the computed one
    cid, aid = h.good(case_fields={"cvss_vector": CVSS31_MEDIUM, "gbt_vector": None},
                      severity={"cvss": "critical"})
    expect_only(h, aid, "rmsv_9_3_no_exaggeration", ["cvss_severity_supported"],
                "9(3) stated critical, computed medium")

    # 9(4): a PoC attachment
    cid, aid = h.good(attachments=[{"name": "poc.py", "is_poc": True}])
    rep = expect_only(h, aid, "rmsv_9_4_no_exploit", ["no_poc_attachment"], "9(4)")
    t.eq(h.rule(rep, "rmsv_9_4_no_exploit")["missing"][0]["index"], 0,
         "the missing evidence points at attachment 0")

    # 9(5): English text but no English remediation or workaround
    cid, aid = h.good(remediation={"zh-CN": "升级固件至 1.2.8 版本。"})
    expect_only(h, aid, "rmsv_9_5_remediation", ["remediation_en"], "9(5)")
    r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"workarounds": {"en": "Turn off the"
              " diagnostics page."}}, who="coordinator")
    t.status(r, 200, name="an English workaround added")
    h.attest(aid)
    h.approve(aid)
    t.ok(h.gate(aid)["passed"], "passes with a workaround in English (修补或者防范措施)")

    # 9(7): undisclosed details already shared abroad with a non-provider
    cid, aid = h.good()
    h.srv.sql("INSERT INTO notifications (case_id, kind, recipient_name, country, is_provider,"
              f" status, created_at, detail) VALUES ({cid}, 'downstream', 'Overseas CERT',"
              f" 'US', 0, 'sent', {h.clk.now()}, '{{}}')")
    rep = expect_only(h, aid, "rmsv_9_7_overseas", ["no_overseas_recipient"], "9(7)")

    # two_person: no approval
    cid, aid = h.good(approve=False)
    expect_only(h, aid, "two_person", ["second_coordinator_approval"], "two_person")


def sc_findings(h):
    t = h.t
    cid, aid = h.good(description={
        "en": "The device at 192.168.10.20 answers.\n\n```\n; id\n```\n",
        "zh-CN": "设备管理界面存在漏洞。"})
    rep = h.gate(aid)
    t.ok(set(h.failed(rep)) == {"rmsv_9_2_operator_details", "rmsv_9_4_no_exploit"},
         "an internal address and a code block fail 9(2) and 9(4)", h.failed(rep))
    f2 = h.rule(rep, "rmsv_9_2_operator_details")["findings"]
    f4 = h.rule(rep, "rmsv_9_4_no_exploit")["findings"]
    t.ok(f2 and f2[0]["kind"] == "private_ipv4" and f2[0]["field"] == "description.en" and
         f2[0]["offset"] == 14 and f2[0]["len"] == len("192.168.10.20"),
         "9(2) finding: private_ipv4 at bytes 14..27 of description.en", f2)
    t.ok(any(x["kind"] == "code_block" for x in f4), "9(4) finding: the code block", f4)
    ids = [x["id"] for x in f2 + f4]
    r = h.api("POST", f"/api/v1/advisories/{aid}/review", {"clear": ["0" * 32]},
              who="coordinator2")
    t.status(r, 422, "unknown_finding", "clearing an id that is not a finding is 422")
    r = h.api("POST", f"/api/v1/advisories/{aid}/review", {"clear": ids}, who="coordinator")
    t.status(r, 201, name="a coordinator clears the findings")
    rep = h.gate(aid)
    t.ok(rep["passed"] and all(x["cleared"] for x in
                               h.rule(rep, "rmsv_9_4_no_exploit")["findings"]),
         "cleared findings no longer fail their rules", h.failed(rep))
    # alarm wording
    cid, aid = h.good(summary={"en": "Every router in the world is at risk of total compromise.",
                               "zh-CN": "所有设备均受影响。"})
    rep = h.gate(aid)
    t.ok("rmsv_9_3_no_exaggeration" in h.failed(rep) and
         h.rule(rep, "rmsv_9_3_no_exaggeration")["findings"],
         "alarm wording is flagged under 9(3)", json.dumps(rep["rules"][2], ensure_ascii=False))


def sc_approvals(h):
    t = h.t
    cid, aid = h.good(approve=False)
    r = h.api("POST", f"/api/v1/advisories/{aid}/approvals", {}, who="coordinator")
    t.status(r, 409, "approver_is_author", "the author cannot approve their revision")
    r = h.api("POST", f"/api/v1/advisories/{aid}/approvals", {}, who="analyst")
    t.status(r, 403, name="an analyst cannot approve")
    h.approve(aid)
    r = h.api("POST", f"/api/v1/advisories/{aid}/approvals", {}, who="coordinator2")
    t.status(r, 409, "already_approved", "approving twice is 409")
    t.ok(h.gate(aid)["passed"], "approved: the gate passes")
    r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"references": [
        {"url": "https://vendor.example.cn/security", "summary": "厂商公告"}]}, who="coordinator")
    t.status(r, 200, name="a new revision")
    rep = h.gate(aid)
    t.ok(set(h.failed(rep)) == {"two_person", "rmsv_9_3_no_exaggeration"},
         "a new revision needs a new approval and attestation", h.failed(rep))


def sc_blackout(h):
    t, clk = h.t, h.clk
    cid, aid = h.good()
    _, sched = h.good()
    start = clk.now() + 2 * DAY
    r = h.api("POST", "/api/v1/blackouts", {"name": f"重大活动 {RUN}", "start": rfc(start),
                                            "end": rfc(start + DAY)}, who="analyst")
    t.status(r, 403, name="an analyst cannot add a blackout window")
    r = h.api("POST", "/api/v1/blackouts", {"name": "bad", "start": rfc(start),
                                            "end": rfc(start)}, who="coordinator")
    t.status(r, 422, "invalid_window", "a window that does not end after it starts is 422")
    r = h.api("POST", "/api/v1/blackouts", {"name": f"重大活动 {RUN}", "start": rfc(start),
                                            "end": rfc(start + DAY)}, who="coordinator")
    t.status(r, 201, name="a blackout window added", need=True)
    wid = r.json["id"]
    t.ok(re.fullmatch(LOCAL_US, r.json.get("start_local") or ""), "its start in +08:00 too",
         r.json)
    lst = h.api("GET", "/api/v1/blackouts", who="analyst")
    t.ok(lst.status == 200 and any(w["id"] == wid for w in lst.json["items"]),
         "GET /api/v1/blackouts lists it", lst.text[:300])
    r = h.publish(sched, {"at": rfc(start + HOUR)})
    t.ok(r.status == 200 and r.json["state"] == "scheduled", "scheduled inside the window",
         r.text[:300])
    clk.set(start + 30 * 60 * US)
    rep = expect_only(h, aid, "rmsv_9_6_blackout", ["mps_consent"], "9(6)")
    t.eq(h.rule(rep, "rmsv_9_6_blackout")["missing"][0]["index"], 0,
         "the missing consent points at the window")
    r = h.api("POST", f"/api/v1/blackouts/{wid}/consents",
              {"ref": "公安部同意函 2026-001", "advisory": aid}, who="coordinator")
    t.status(r, 201, name="MPS consent recorded for the advisory", need=True)
    t.ok(r.json["consents"][0]["advisory"] == aid, "the consent names the advisory", r.json)
    rep = h.gate(aid)
    t.ok(rep["passed"] and (h.rule(rep, "rmsv_9_6_blackout")["basis"] or {}).get("id") ==
         "mps_consent", "9(6) passes on the consent", h.failed(rep))
    h.published_ok(aid, h.publish(aid), "published inside the window with consent")
    # the scheduled one has no consent: refused at its moment, back to draft
    clk.set(start + HOUR + US)
    state = poll_state(h, sched, {"draft", "published"})
    t.eq(state, "draft", "the scheduled publication inside the window is refused (draft)")
    g = h.api("GET", f"/api/v1/advisories/{sched}", who="coordinator").json
    d = [x for x in g["gate_decisions"] if x["kind"] == "scheduled_run"]
    t.ok(d and not d[0]["passed"] and d[0]["failed"] == ["rmsv_9_6_blackout"],
         "the refusal at that moment is logged, naming rmsv_9_6_blackout", g["gate_decisions"])
    clk.set(start + DAY + US)


def poll_state(h, aid, want, seconds=30):
    deadline = time.time() + seconds
    state = None
    while time.time() < deadline:
        r = h.api("GET", f"/api/v1/advisories/{aid}", who="coordinator")
        state = r.json.get("state") if r.json else None
        if state in want:
            return state
        time.sleep(1)
    return state


def sc_schedule(h):
    t, clk = h.t, h.clk
    cid, aid = h.good()
    at = clk.now() + 6 * HOUR
    r = h.publish(aid, {"at": "tomorrow"})
    t.status(r, 422, "invalid_field", "\"at\" must be RFC 3339")
    r = h.publish(aid, {"at": rfc(at)})
    t.status(r, 200, name="publish {at} answers 200", need=True)
    a = r.json
    t.ok(a["state"] == "scheduled" and us(a["scheduled_at"]) == at and
         re.fullmatch(LOCAL_US, a.get("scheduled_at_local") or "") and
         us(a["scheduled_at_local"]) == at,
         "scheduled; the embargo end in UTC and Asia/Shanghai", a)
    t.ok((a.get("gate_preview") or {}).get("passed") is True, "a gate preview at that moment",
         a.get("gate_preview"))
    r = h.publish(aid, {"cancel": True})
    t.ok(r.status == 200 and r.json["state"] == "draft" and r.json["scheduled_at"] is None,
         "cancel: back to draft", r.text[:300])
    r = h.publish(aid, {"at": rfc(at)})
    t.status(r, 200, name="scheduled again", need=True)
    time.sleep(1)
    t.eq(h.api("GET", f"/api/v1/advisories/{aid}", who=None).status, 404,
         "not public before its time")
    clk.set(at + US)
    state = poll_state(h, aid, {"published", "draft"})
    t.eq(state, "published", "the server ran the gate at that moment and published")
    g = h.api("GET", f"/api/v1/advisories/{aid}", who="coordinator").json
    t.ok(any(x["kind"] == "scheduled_run" and x["passed"] and x["actor"] == "system"
             for x in g["gate_decisions"]), "the scheduled run is logged (actor system)",
         g["gate_decisions"])
    if state == "published":
        h.published.add(aid)
        h.unpublished.discard(aid)


def sc_visibility(h):
    t = h.t
    h.draft(h.case())       # at least one draft of a case the analyst does not hold
    r = h.api("GET", "/api/v1/advisories?limit=500", who=None)
    t.status(r, 200, name="anonymous list", need=True)
    ids = {x["id"] for x in r.json["items"]}
    t.ok(all(x["state"] == "published" for x in r.json["items"]) and h.published <= ids and
         not (ids & h.unpublished) and all("case_id" not in x for x in r.json["items"]),
         "anonymous clients see published advisories only (no case ids)",
         f"{len(ids)} listed; published {sorted(h.published)}; leaked"
         f" {sorted(ids & h.unpublished)}")
    if h.published:
        pid = sorted(h.published)[0]
        r = h.api("GET", f"/api/v1/advisories/{pid}", who=None)
        t.ok(r.status == 200 and "case_id" not in r.json and "gate_decisions" not in r.json and
             r.json["html"]["title"] and "approvals" not in r.json,
             "anonymous detail of a published advisory: text and HTML, no internals",
             r.text[:400])
    for aid in sorted(h.unpublished)[:3]:
        t.status(h.api("GET", f"/api/v1/advisories/{aid}", who=None), 404,
                 name=f"anonymous GET of unpublished {aid} is 404")
        t.status(h.api("GET", f"/api/v1/advisories/{aid}/gate", who=None), 401,
                 name=f"anonymous gate of {aid} is 401")
    r = h.api("GET", "/api/v1/advisories?state=draft&limit=500", who=None)
    t.ok(r.status == 200 and r.json["items"] == [] or
         all(x["state"] == "published" for x in r.json["items"]),
         "anonymous ?state=draft still lists published ones only", r.text[:300])
    r = h.api("GET", "/api/v1/advisories?state=draft&limit=500", who="coordinator")
    t.ok(r.status == 200 and h.unpublished & {x["id"] for x in r.json["items"]},
         "a coordinator lists drafts", r.text[:200])
    # an analyst sees the drafts of their own cases only
    cid = h.case(who="analyst")
    mine = h.draft(cid, who="analyst")["id"]
    r = h.api("GET", "/api/v1/advisories?limit=500", who="analyst")
    seen = {x["id"] for x in r.json["items"]} if r.status == 200 else set()
    t.ok(mine in seen and not (seen & (h.unpublished - {mine})),
         "an analyst lists their own case's draft, not others'", sorted(seen))
    other = sorted(h.unpublished - {mine})[0]
    t.status(h.api("GET", f"/api/v1/advisories/{other}", who="analyst"), 404,
             name="another case's draft is 404 for the analyst")
    # ... or of a case assigned to a team of theirs
    r = h.api("POST", "/api/v1/teams", {"name": f"team-{RUN}"}, who="admin")
    if t.ok(r.status == 201, "a team", r.text[:200]):
        tid = r.json["id"]
        t.status(h.api("POST", f"/api/v1/teams/{tid}/members",
                       {"user_id": h.srv.users["analyst"]["id"]}, who="admin"), 200,
                 name="the analyst joins it")
        cid = h.case(team_id=tid)
        team_draft = h.draft(cid)["id"]
        t.status(h.api("GET", f"/api/v1/advisories/{team_draft}", who="analyst"), 200,
                 name="the analyst sees the draft of their team's case")
    t.status(h.api("GET", "/api/v1/advisories?state=bogus", who="coordinator"), 422,
             "invalid_parameter", "an unknown state is 422")


def sc_cli(h):
    t = h.t
    p = h.srv.cli("advisory", "--help")
    t.ok(p.returncode == 0 and "draft" in p.stdout and "publish" in p.stdout and
         "approve" in p.stdout, "`vulnflow advisory --help`", p.stdout[:300])
    p = h.srv.cli("advisory")
    t.eq(p.returncode, 2, "`vulnflow advisory` without a subcommand is a usage error")
    aid = sorted(h.unpublished)[0] if h.unpublished else None
    if aid:
        p = h.srv.cli_dir("advisory", "show", aid, "--json")
        t.ok(p.returncode == 0 and json.loads(p.stdout or "{}").get("id") == aid,
             "`vulnflow advisory show ID --json`", p.stderr[-300:])
    cid, aid = h.good(approve=False)
    p = h.srv.cli_dir("advisory", "gate", aid)
    t.ok(p.returncode == 1 and "two_person" in p.stdout and "FAILED" in p.stdout,
         "`vulnflow advisory gate` exits 1 and names the failed rule", p.stdout[-500:])
    p = h.srv.cli_dir("advisory", "approve", aid, "--user",
                      h.srv.users["coordinator2"]["email"])
    t.ok(p.returncode == 0, "`vulnflow advisory approve --user` records the approval",
         p.stderr[-300:])
    p = h.srv.cli_dir("advisory", "publish", aid, "--json")
    t.ok(p.returncode == 0 and json.loads(p.stdout or "{}").get("state") == "published",
         "`vulnflow advisory publish` publishes", p.stdout[-300:] + p.stderr[-300:])
    if p.returncode == 0:
        h.published.add(aid)
        h.unpublished.discard(aid)
    # the exporters read what bulletins_load() fills (formats/bulletin.h)
    env = {"VULNFLOW_PUBLIC_URL": "https://psirt.example.cn"}
    outdir = tempfile.mkdtemp(prefix="exports-", dir=h.srv.tmp)
    docs = {}
    for fmt, lang, fname in (("csaf", "zh-CN", f"{aid}.json"), ("csaf-vex", "en", f"{aid}.vex.json"),
                             ("osv", "en", f"{aid}.osv.json")):
        p = h.srv.cli_dir("advisory", "export", aid, "--format", fmt, "--lang", lang, env=env)
        ok = t.ok(p.returncode == 0, f"`vulnflow advisory export --format {fmt}`",
                  p.stderr[-500:])
        if ok:
            with open(os.path.join(outdir, fname), "w") as f:
                f.write(p.stdout)
            docs[fmt] = json.loads(p.stdout)
    if "csaf" in docs:
        d = docs["csaf"]["document"]
        t.ok(d["tracking"]["id"] == aid and d["tracking"]["status"] == "final" and
             d["lang"] == "zh-CN" and d["title"] == TITLE["zh-CN"] and
             any(r.get("category") == "self" and r["url"].endswith(f"/advisories/{aid}")
                 for r in d.get("references", [])),
             "CSAF: tracking id and status, language, title, self reference",
             json.dumps(d, ensure_ascii=False)[:800])
    if "osv" in docs:
        t.ok(docs["osv"].get("id", "").endswith(aid) and
             docs["osv"].get("summary") == TITLE["en"], "OSV: id and English summary",
             json.dumps(docs["osv"], ensure_ascii=False)[:500])
    val = os.path.join(ROOT, "tests", "formats", "validate_csaf_exports.py")
    if docs and os.path.exists(val):
        p = subprocess.run(["/usr/bin/python3", val, outdir], capture_output=True, text=True,
                           timeout=300)
        t.ok(p.returncode == 0, "the exports validate (CSAF 2.0 strict schema, OSV schema)",
             (p.stdout + p.stderr)[-1500:])
    draft = h.draft(h.case())["id"]
    p = h.srv.cli_dir("advisory", "export", draft, "--format", "osv", env=env)
    t.ok(p.returncode in (0, 1) and not any(m in p.stderr for m in SANITIZER_MARKS),
         "exporting a draft answers (a draft document or a named error)", p.stderr[-300:])


def sc_concurrency(h):
    t = h.t
    from concurrent.futures import ThreadPoolExecutor
    cids = [h.case() for _ in range(4)]
    body = {"title": TITLE, "summary": SUMMARY, "remediation": REMEDIATION}
    with ThreadPoolExecutor(4) as ex:
        rs = list(ex.map(lambda c: h.api("POST", f"/api/v1/cases/{c}/advisory", body,
                                         who="coordinator"), cids))
    ids = [r.json.get("id") for r in rs if r.status == 201]
    t.ok(len(ids) == 4 and len(set(ids)) == 4, "four advisories drafted at once get four ids",
         [(r.status, r.text[:120]) for r in rs])
    h.unpublished.update(ids)
    with ThreadPoolExecutor(4) as ex:
        rs = list(ex.map(lambda c: h.api("POST", f"/api/v1/cases/{c}/advisory", {},
                                         who="coordinator"), [cids[0]] * 4))
    t.ok(all(r.status == 200 for r in rs) and
         sorted(r.json["revision"] for r in rs) == [2, 3, 4, 5],
         "four revisions of one advisory at once: revisions 2..5", [r.status for r in rs])
    _, aid = h.good()
    with ThreadPoolExecutor(4) as ex:
        rs = list(ex.map(lambda _: h.publish(aid), range(4)))
    st = sorted((r.status, r.code) for r in rs)
    t.eq(st, [(200, None), (409, "bulletin_published"), (409, "bulletin_published"),
              (409, "bulletin_published")], "four publishes at once: one publishes")
    if st[0][0] == 200:
        h.published.add(aid)
        h.unpublished.discard(aid)


def sc_report_credits(h):
    """Credits naming a report take the reporter's own consent, given when they reported."""
    t = h.t

    def report(credit):
        rep = {"name": "张伟", "organization": "某安全实验室", "email": f"zw-{RUN}@example.cn",
               "country": "CN"}
        if credit is not None:
            rep["credit"] = credit
        r = h.api("POST", "/api/v1/reports", {
            "title": f"诊断页面命令注入 {RUN}-{secrets.token_hex(2)}",
            "description": "ping 参数未过滤，拼接进系统调用。", "language": "zh-CN",
            "product": {"name": "智能路由器", "model": "AX-3000", "version": "1.2.7"},
            "reporter": rep}, who=None)
        t.status(r, 201, name="report received", need=True)
        return r.json["receipt"]["id"]

    yes, no, plain = report(True), report(False), report(None)
    r = h.api("GET", f"/api/v1/reports/{yes}", who="coordinator")
    t.ok(r.status == 200 and r.json["reporter"].get("credit") is True,
         "the report keeps the reporter's consent (reporter.credit)", r.text[:300])
    r = h.api("GET", f"/api/v1/reports/{no}", who="coordinator")
    t.ok(r.status == 200 and "credit" not in r.json["reporter"],
         "credit false is stored as no consent", r.text[:300])
    r = h.api("POST", "/api/v1/cases", {"report_ids": [yes, no, plain]}, who="coordinator")
    t.status(r, 201, name="one case from the three reports", need=True)
    cid = r.json["id"]
    r = h.api("PATCH", f"/api/v1/cases/{cid}", {
        "cvss_vector": CVSS31, "gbt_vector": GBT_HIGH, "workarounds": "关闭诊断页面。",
        "products": [{"name": "智能路由器", "model": "AX-3000", "versions": ["1.2.7"]}]},
        who="coordinator")
    t.status(r, 200, name="case assessed", need=True)
    aid = h.draft(cid)["id"]
    for rid, code, why in ((no, "credit_consent_required", "a reporter who said no"),
                           (plain, "credit_consent_required", "a reporter who was silent")):
        r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"credits": [{"report_id": rid}]},
                  who="coordinator")
        t.status(r, 422, code, f"crediting {why} is 422 {code}")
    r = h.api("PATCH", f"/api/v1/advisories/{aid}",
              {"credits": [{"report_id": no, "consent": True}]}, who="coordinator")
    t.status(r, 422, "invalid_field", "staff cannot assert consent for a report's reporter")
    other = report(True)
    r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"credits": [{"report_id": other}]},
              who="coordinator")
    t.status(r, 422, "report_not_in_case", "a report of no case (or another) is 422")
    r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"credits": [{"report_id": 99999999}]},
              who="coordinator")
    t.status(r, 422, "unknown_report", "an unknown report is 422 unknown_report")
    r = h.api("PATCH", f"/api/v1/advisories/{aid}", {"credits": [{"report_id": yes}]},
              who="coordinator")
    t.status(r, 200, name="crediting the reporter who agreed", need=True)
    c = r.json["credits"][0]
    t.eq((c.get("name"), c.get("organization"), c.get("report_id"), c.get("consent_source")),
         ("张伟", "某安全实验室", yes, "report"),
         "the credit takes the report's name and organization, and the report's consent")
    t.ok("consent_asserted_by" not in c, "no member of staff is recorded as asserting it", c)


SCENARIOS = [("fields", sc_fields), ("vex", sc_vex), ("gate_table", sc_gate_table), ("findings", sc_findings),
             ("approvals", sc_approvals), ("schedule", sc_schedule), ("blackout", sc_blackout),
             ("cli", sc_cli), ("concurrency", sc_concurrency), ("visibility", sc_visibility),
             ("report_credits", sc_report_credits)]


def setup(srv, tap):
    srv.start()
    clk = Clock(srv)
    clk.set(int(time.time()) * US)
    return H(srv, clk, tap)


def main():
    return vfharness.run("advisory and gate scenarios (issue 7)", SCENARIOS, Server, setup,
                         "instance, users, tokens and server with test_clock=1",
                         "vf-bulletins-", tap_args={"detail_chars": 800})


if __name__ == "__main__":
    sys.exit(main())
