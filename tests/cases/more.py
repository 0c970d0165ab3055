#!/usr/bin/python3
"""tests/cases/more.py - the rest of issue 4, end to end through the real server.

Usage:
    /usr/bin/python3 tests/cases/more.py --binary build-check/vulnflow
        [--db postgresql://USER@HOST:PORT/DB] [--filter SUBSTR] [--keep]

The same instance as tests/cases/scenarios.py (whose helpers it uses, and its
tests/lib/vfharness.py Server: users, tokens, an aiosmtpd relay,
test_clock=1), plus a webhook
receiver: an HTTP server (http.server, in a thread) that checks every
delivery's X-Vulnflow-Signature with the secret it shares with the server
and answers 200 (or 500 on /fail).  The server gets
escalation_webhook_url pointing at it and the secret in the environment
(VULNFLOW_WEBHOOK_TEST) and in DIR/secrets/supplier.key.

Scenarios:

  webhooks      notices by webhook (recipient given inline, with env: and
                file: secrets, and from a supplier's registry contact):
                signature, timestamp and delivery id verified by the
                receiver; evidence (status, response hash, acknowledgement)
                in the answer and the dossier; a failing receiver; bad refs;
                the overseas guard before any delivery; the upstream clock met
  reporter      reporter updates at each state change, in the report's
                language, with nothing undisclosed; evidence per message;
                a reporter without e-mail skipped and recorded
  cra           CRA reports to an EU body (Art. 9(7)): refused without an
                override (409 rmsv_9_7_overseas, audited); an analyst may not
                override; a coordinator's override sends it, audits it, flags
                the case legal_review (case and dossier) and meets the clock
  teams         need-to-know by team (Art. 11): admin creates a team and adds
                members; an analyst sees cases assigned to their team (get,
                list, clocks) and not others; auditors read only
  exports       export of undisclosed details: pending, approved by a second
                coordinator (not the requester, not an analyst), then the
                content with a per-recipient watermark; overseas guard; audit
  submissions   the frozen content of each authority-report version, its
                hash equal to the receipt log leaf's
  escalation    clock escalations POSTed to the configured webhook, signed,
                evidenced in the escalation event (runs last: moves the clock)
"""

import email.parser
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scenarios as S  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import vfharness  # noqa: E402

SECRET = "whsec-" + secrets.token_hex(16)
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


class Receiver:
    """An HTTP webhook receiver that verifies every delivery's signature."""

    def __init__(self, secret):
        self.secret = secret.encode()
        self.got = []           # dicts: path, headers, body, valid, answer
        self.lock = threading.Lock()
        recv = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                ts = self.headers.get("X-Vulnflow-Timestamp", "")
                sig = self.headers.get("X-Vulnflow-Signature", "")
                want = "sha256=" + hmac.new(recv.secret, ts.encode() + b"." + body,
                                            hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(want, sig)
                status = 500 if self.path.startswith("/fail") else (200 if valid else 401)
                answer = json.dumps({"received": self.headers.get("X-Vulnflow-Delivery"),
                                     "ok": status == 200}).encode()
                with recv.lock:
                    recv.got.append({"path": self.path, "headers": dict(self.headers),
                                     "body": body, "valid": valid, "answer": answer,
                                     "status": status})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def since(self, k):
        with self.lock:
            return list(self.got[k:])

    def count(self):
        with self.lock:
            return len(self.got)

    def stop(self):
        self.httpd.shutdown()


def webhook_inline(recv, ref="env:VULNFLOW_WEBHOOK_TEST", path="/hook"):
    return {"url": recv.url(path), "secret_ref": ref}


# ---------------------------------------------------------------- webhooks


def sc_webhooks(h):
    t, srv, recv = h.t, h.srv, h.recv
    c = h.full_case(upstream={"component": "libfoo", "version": "1.0", "supplier": "上游公司"})
    cid = c["id"]
    t.ok("rmsv.upstream_notice" in {x["id"] for x in c["clocks"]},
         "a case with an upstream component has rmsv.upstream_notice", c["clocks"])
    k = recv.count()
    r = h.notify(cid, "upstream", [{"name": "上游公司", "country": "CN",
                                    "webhook": webhook_inline(recv)}],
                 message="请修复 libfoo 中的漏洞")
    res = r["results"][0]
    got = recv.since(k)
    t.need(len(got) == 1, "one POST reached the receiver", got)
    g = got[0]
    t.ok(g["valid"], "the receiver verifies X-Vulnflow-Signature (HMAC-SHA256 of ts.body)",
         g["headers"])
    t.ok(re.fullmatch(UUID_RE, g["headers"].get("X-Vulnflow-Delivery", "")),
         "X-Vulnflow-Delivery is a version-4 UUID", g["headers"])
    ts = int(g["headers"].get("X-Vulnflow-Timestamp", "0"))
    t.ok(abs(ts * S.US - h.clk.now()) < 60 * S.US,
         "X-Vulnflow-Timestamp is the server's (test) clock in Unix seconds",
         (ts, h.clk.now() // S.US))
    body = json.loads(g["body"])
    t.eq((body.get("event"), body.get("kind"), body.get("case_id"), body.get("message")),
         ("case.notification", "upstream", cid, "请修复 libfoo 中的漏洞"),
         "the body names the event, kind, case and carries the message")
    w = res.get("webhook") or {}
    t.eq((res["status"], w.get("delivered"), w.get("http_status")), ("sent", True, 200),
         "the notice is sent: delivered, HTTP 200")
    t.eq(w.get("delivery_id"), g["headers"].get("X-Vulnflow-Delivery"),
         "the evidence keeps the delivery id the receiver saw")
    t.eq(w.get("timestamp"), ts, "and the timestamp signed")
    t.eq(res.get("message_id"), w.get("delivery_id"),
         "a webhook-only notice's message id is its delivery id")
    t.eq(w.get("response_sha256"), hashlib.sha256(g["answer"]).hexdigest(),
         "the evidence keeps the SHA-256 of the receiver's answer")
    t.ok(w.get("acknowledged_at") and w.get("sent_at") and w.get("attempts") == 1,
         "the 2xx answer is recorded as the acknowledgement, with the time", res)
    t.ok(SECRET not in json.dumps(r), "the secret is not in the answer")
    cl = h.clocks(cid)
    h.clock_state(cl, "rmsv.upstream_notice", "met", "the webhook notice meets rmsv.upstream_notice")
    d = h.dossier(cid)
    n = [x for x in d["notifications"] if x["id"] == res["id"]]
    t.ok(n and n[0].get("webhook") == w and n[0].get("message_id") == w.get("delivery_id"),
         "the dossier shows the same webhook evidence", (n, w))
    t.ok(SECRET not in json.dumps(d), "the secret is not in the dossier")

    # a secret in a file of the instance's secrets directory
    k = recv.count()
    r = h.notify(cid, "downstream", [{"name": "下游客户", "country": "CN",
                                      "webhook": {"url": recv.url("/cust"),
                                                  "secret_ref": "file:supplier.key"}}])
    got = recv.since(k)
    t.ok(len(got) == 1 and got[0]["valid"] and got[0]["path"] == "/cust" and
         r["results"][0]["status"] == "sent", "a file: secret signs just the same",
         (got, r))

    # a receiver that fails: recorded as failed with its status
    k = recv.count()
    r = h.notify(cid, "downstream", [{"name": "故障接收方", "country": "CN",
                                      "webhook": webhook_inline(recv, path="/fail")}])
    res = r["results"][0]
    w = res.get("webhook") or {}
    t.eq((res["status"], res.get("code"), w.get("http_status"), w.get("delivered")),
         ("failed", "webhook_failed", 500, False),
         "a 500 answer: failed, webhook_failed, HTTP 500 kept")
    t.ok(w.get("acknowledged_at") is None and "500" in (res.get("error") or "") and
         w.get("response_sha256") == hashlib.sha256(recv.since(k)[-1]["answer"]).hexdigest(),
         "no acknowledgement; the error names the status; the answer's hash kept", res)
    # an unreachable receiver
    r = h.notify(cid, "downstream", [{"name": "无人接收", "country": "CN",
                                      "webhook": {"url": "http://127.0.0.1:1/x",
                                                  "secret_ref": "env:VULNFLOW_WEBHOOK_TEST"}}])
    res = r["results"][0]
    t.ok(res["status"] == "failed" and res["webhook"].get("http_status") is None and
         res.get("error"), "an unreachable receiver: failed, no HTTP status, the error kept", res)
    # a ref that names no secret: recorded as failed, nothing sent
    k = recv.count()
    r = h.notify(cid, "downstream", [{"name": "缺密钥", "country": "CN",
                                      "webhook": webhook_inline(recv, "env:VULNFLOW_WEBHOOK_NONE")}])
    t.ok(r["results"][0]["status"] == "failed" and recv.count() == k,
         "a secret_ref naming no secret: failed, nothing POSTed", r["results"])
    # bad webhooks are refused before anything is sent
    for wh, what in (({"url": "ftp://x.example.cn/", "secret_ref": "env:VULNFLOW_WEBHOOK_TEST"},
                      "an ftp:// url"),
                     ({"url": recv.url(), "secret_ref": "env:VULNFLOW_SMTP_PASSWORD"},
                      "a ref to another setting"),
                     ({"url": recv.url(), "secret_ref": "file:../vulnflow.conf"},
                      "a file ref outside secrets/"),
                     ({"url": recv.url()}, "no secret_ref"),
                     ("http://x", "a string, not an object")):
        rr = h.api("POST", f"/api/v1/cases/{cid}/notifications",
                   {"kind": "downstream", "recipients": [{"name": "x", "country": "CN",
                                                          "webhook": wh}]}, who="coordinator")
        t.status(rr, 422, name=f"{what} is 422")
    t.eq(recv.count(), k, "none of them reached the receiver")
    # overseas non-provider: refused before any delivery
    r = h.notify(cid, "upstream", [{"name": "Overseas Ltd", "country": "US",
                                    "webhook": webhook_inline(recv)}])
    t.ok(r["results"][0]["status"] == "refused" and
         r["results"][0]["code"] == "rmsv_9_7_overseas" and recv.count() == k,
         "an overseas non-provider's webhook is refused (rmsv_9_7_overseas), nothing POSTed",
         r["results"])
    # a supplier registry contact with a webhook
    rr = h.api("POST", "/api/v1/suppliers",
               {"name": f"钩子供应商 {S.RUN}", "jurisdiction": "CN",
                "contacts": [{"name": "PSIRT", "webhook": webhook_inline(recv, path="/sup")}]},
               who="coordinator")
    t.status(rr, 201, name="a supplier with a webhook contact is registered", need=True)
    sid = rr.json["id"]
    r = h.notify(cid, "upstream", [{"supplier_id": sid}])
    got = recv.since(k)
    t.ok(len(got) == 1 and got[0]["valid"] and got[0]["path"] == "/sup" and
         r["results"][0]["status"] == "sent",
         "a notice to the supplier by id goes to its contact's webhook, signed", (got, r))
    rr = h.api("POST", "/api/v1/suppliers",
               {"name": f"坏钩子 {S.RUN}", "jurisdiction": "CN",
                "contacts": [{"name": "x", "webhook": {"url": recv.url()}}]}, who="coordinator")
    t.status(rr, 422, name="a contact webhook without secret_ref is 422")


# ---------------------------------------------------------------- reporter updates


def mail_parts(raw):
    m = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw)
    return m, str(m.get("Subject", "")), m.get_content()


def sc_reporter(h):
    t, srv = h.t, h.srv
    zh_addr = f"zh-{secrets.token_hex(3)}@lab.example.cn"
    en_addr = f"en-{secrets.token_hex(3)}@lab.example.com"
    title = f"报告者更新 {S.RUN}-{secrets.token_hex(2)}"
    recs = []
    for lang, who in (("zh-CN", {"name": "王芳", "email": zh_addr, "country": "CN"}),
                      ("en", {"name": "Alice", "email": en_addr, "country": "GB"}),
                      ("zh-CN", {"name": "匿名者", "country": "CN"})):
        body = {"title": title, "description": S.ZH_DESC, "language": lang,
                "product": {"name": "秘密产品", "model": "SP-1", "version": "9.9"},
                "reporter": who}
        r = h.api("POST", "/api/v1/reports", body, who=None)
        t.status(r, 201, name=f"a report in {lang} is received", need=True)
        recs.append(r.json["receipt"])
    c = h.create({"report_ids": [x["id"] for x in recs]}, name="one case from the three reports")
    cid = c["id"]
    t.ok(not srv.mails_to(zh_addr) and not srv.mails_to(en_addr),
         "opening a case is not a state change: no mail yet")
    r = h.move(cid, "verified", "reproduced")
    ups = r.json.get("reporter_updates") or []
    t.eq(sorted((u["report_id"], u["status"], u.get("code")) for u in ups),
         sorted([(recs[0]["id"], "sent", None), (recs[1]["id"], "sent", None),
                 (recs[2]["id"], "skipped", "no_email")]),
         "the transition answers one update per report: two sent, the one without e-mail"
         " skipped (no_email)")
    zh, en = srv.mails_to(zh_addr), srv.mails_to(en_addr)
    t.need(len(zh) == 1 and len(en) == 1, "each reporter with an address got one mail",
           (len(zh), len(en)))
    mz, subj_z, body_z = mail_parts(zh[0])
    me, subj_e, body_e = mail_parts(en[0])
    t.ok("已验证" in subj_z and str(recs[0]["id"]) in subj_z and "状态令牌" in body_z and
         "/api/v1/receipts/" in body_z and "verified" in body_z,
         "the zh-CN reporter's mail is in Chinese: the state, their receipt id, how to look"
         " it up", (subj_z, body_z))
    t.ok("Verified" in subj_e and str(recs[1]["id"]) in subj_e and "status token" in body_e
         and "/api/v1/receipts/" in body_e and "已验证" not in body_e,
         "the en reporter's mail is in English", (subj_e, body_e))
    t.eq((re.findall(r"回执编号 (\d+)", body_z), re.findall(r"receipt\s+id (\d+)", body_e)),
         ([str(recs[0]["id"])], [str(recs[1]["id"])]), "each names only its own receipt id")
    leaked = [w for w in (title, "秘密产品", "SP-1", "命令注入", "reproduced")
              for text in (subj_z + body_z, subj_e + body_e) if w in text]
    t.ok(not leaked and "案件" not in body_z + subj_z and
         not re.search(r"\bcase\b", (body_e + subj_e).lower()),
         "no title, product, description, reason or case in either mail", leaked)
    t.ok(recs[0]["status_token"] not in body_z,
         "the status token itself is not mailed (only how to use it)")
    d = h.dossier(cid)
    notes = [x for x in d["notifications"] if x["kind"] == "reporter"]
    mid = str(mz.get("Message-ID", "")).strip("<>")
    t.ok(any(x["status"] == "sent" and x["message_id"] == mid and x["email"] == zh_addr and
             x.get("language") == "zh-CN" and x.get("state") == "verified" and
             x.get("report_id") == recs[0]["id"] and x.get("sent_at") for x in notes),
         "the dossier keeps each message: address, Message-ID, time, language, state",
         (mid, notes))
    t.ok(any(x["status"] == "skipped" and x["code"] == "no_email" and
             x.get("report_id") == recs[2]["id"] for x in notes),
         "the reporter without e-mail is recorded as skipped", notes)
    t.ok(any(x["kind"] == "reporter_update" and x["detail"].get("state") == "verified"
             for x in d["timeline"]), "a reporter_update event is in the timeline")
    # the next state change: one more mail each, in the same language
    h.patch(cid, {"cvss_vector": S.CVSS31, "scope": "全部型号"})
    r = h.move(cid, "assessed")
    t.ok(len(srv.mails_to(zh_addr)) == 2 and len(srv.mails_to(en_addr)) == 2,
         "every state change mails them again", r.json.get("reporter_updates"))
    _, s2, _ = mail_parts(srv.mails_to(en_addr)[1])
    t.ok("Assessed" in s2, "with the new state", s2)
    # a merge: the reporters of the case that becomes a duplicate hear of it
    rec = h.report()
    other = h.create({"report_ids": [rec["id"]]}, name="another case with a report")
    r = h.move(other["id"], "duplicate", "同一漏洞", duplicate_of=cid)
    ups = r.json.get("reporter_updates") or []
    t.ok(len(ups) == 1 and ups[0]["report_id"] == rec["id"] and ups[0]["status"] == "sent",
         "marking a case duplicate tells its reporter (their report moved with it)", ups)
    # a signed-in reporter who gave no address on the form: their account's address
    body = {"title": f"登录报告者 {S.RUN}", "description": S.ZH_DESC, "language": "en",
            "product": {"name": "网关", "version": "2"}, "reporter": {"name": "Signed In"}}
    r = h.api("POST", "/api/v1/reports", body, who="reporter")
    t.status(r, 201, name="a signed-in reporter's report without an address", need=True)
    acct = srv.users["reporter"]["email"]
    before = len(srv.mails_to(acct))
    c3 = h.create({"report_ids": [r.json["receipt"]["id"]]}, name="a case from it")
    r = h.move(c3["id"], "rejected", "不是漏洞")
    ups = r.json.get("reporter_updates") or []
    mails = srv.mails_to(acct)
    t.ok(len(ups) == 1 and ups[0]["status"] == "sent" and len(mails) == before + 1 and
         "Rejected" in mail_parts(mails[-1])[1],
         "the update goes to the account's address, in the report's language (en)",
         (ups, len(mails), before))
    # an internal finding has no reporter: nothing to send
    f = h.full_case()
    r = h.move(f["id"], "verified", "ok")
    t.ok("reporter_updates" not in r.json, "a case without reports sends no reporter update")



# ---------------------------------------------------------------- CRA reports


def sc_cra(h):
    t, srv = h.t, h.srv
    c = h.full_case(title=f"在野利用 {S.RUN}", actively_exploited=True,
                    technical="命令注入（技术细节）", remediation="升级到 3.1.1")
    cid = c["id"]
    cl = {x["id"]: x for x in c["clocks"]}
    t.ok(cl.get("cra.early_warning", {}).get("state") == "pending",
         "an actively exploited provider case has cra.early_warning pending", sorted(cl))
    enisa = f"csirt-{secrets.token_hex(3)}@enisa.example.eu"
    body = {"kind": "early_warning",
            "recipient": {"name": "ENISA / CSIRT", "email": enisa, "country": "GR"}}
    path = f"/api/v1/cases/{cid}/cra-reports"
    r = h.api("POST", path, body, who="coordinator")
    t.status(r, 409, "rmsv_9_7_overseas", "an EU body without an override: 409 rmsv_9_7_overseas")
    t.ok("9(7)" in (r.error.get("message") or ""), "the message cites Art. 9(7)", r.error)
    refused = h.audit("case.share.refused", cid)
    t.ok(any(x.get("detail", {}).get("country") == "GR" and
             x.get("detail", {}).get("share") == "cra" for x in refused),
         "the refusal is audited (case.share.refused, country GR)", refused[:3])
    t.eq(srv.mails_to(enisa), [], "nothing was mailed")
    # an analyst may not override
    h.patch(cid, {"assignee_id": srv.users["analyst"]["id"]})
    r = h.api("POST", path, dict(body, override={"reason": "分析员想发"}), who="analyst")
    t.status(r, 403, "forbidden", "an analyst's override is 403")
    t.eq(srv.mails_to(enisa), [], "still nothing mailed")
    for bad, what in (({"reason": ""}, "an empty override reason"),
                      ({"why": "x"}, "an override without reason")):
        r = h.api("POST", path, dict(body, override=bad), who="coordinator")
        t.status(r, 422, name=f"{what} is 422")
    r = h.api("POST", path, dict(body, kind="weekly"), who="coordinator")
    t.status(r, 422, name="an unknown kind is 422")
    r = h.api("POST", path, {"kind": "early_warning", "recipient": {"name": "x"}},
              who="coordinator")
    t.status(r, 422, name="a recipient without country is 422")
    reason = f"CRA 第14条义务，经法务口头确认 {S.RUN}"
    r = h.api("POST", path, dict(body, override={"reason": reason}), who="coordinator")
    t.status(r, 201, name="a coordinator's override with a reason: 201", need=True)
    x = r.json
    t.eq((x["status"], x["legal_review"], x["clock"], x["override"]["reason"]),
         ("sent", True, "cra.early_warning", reason),
         "sent, flagged legal_review, for cra.early_warning, with the override's reason")
    mails = srv.mails_to(enisa)
    t.ok(len(mails) == 1 and "CRA early_warning" in email.parser.BytesParser(
        policy=email.policy.default).parsebytes(mails[0].encode()).get("Subject", ""),
         "the report reached the EU body's address", len(mails))
    cs = h.get(cid)
    lr = cs.get("legal_review") or {}
    t.ok(lr.get("flagged") is True and lr.get("reason") == reason and
         lr.get("by") == srv.users["coordinator"]["email"] and lr.get("notification_id") == x["id"],
         "the case JSON shows legal_review: flagged, reason, who, which notice", lr)
    d = h.dossier(cid)
    t.eq((d.get("legal_review") or {}).get("reason"), reason, "the dossier shows legal_review")
    r = h.api("GET", f"/api/v1/cases/{cid}/dossier?format=html", who="coordinator")
    t.ok(r.status == 200 and "需法务审查" in r.text and "法务口头确认" in r.text,
         "and so does the HTML dossier", r.text[:400])
    t.eq(h.full_case()["legal_review"], None, "a case never overridden has legal_review null")
    n = [y for y in d["notifications"] if y["id"] == x["id"]]
    t.ok(n and n[0]["kind"] == "cra" and n[0].get("cra_kind") == "early_warning" and
         n[0].get("override", {}).get("reason") == reason and n[0].get("legal_review") is True,
         "the dossier keeps the CRA notice with its override", n)
    cl = h.clocks(cid)
    h.clock_state(cl, "cra.early_warning", "met", "cra.early_warning is met")
    h.clock_state(cl, "cra.notification", "pending", "cra.notification is still pending")
    ov = h.audit("case.share.override", cid)
    t.ok(any(y.get("detail", {}).get("reason") == reason for y in ov),
         "the override is audited (case.share.override)", ov[:2])
    t.ok(any(y.get("detail", {}).get("cra_kind") == "early_warning"
             for y in h.audit("case.cra_report", cid)), "the report is audited (case.cra_report)")
    # a domestic recipient needs no override
    r = h.api("POST", path, {"kind": "notification",
                             "recipient": {"name": "国内协调机构", "country": "CN"}},
              who="analyst")
    t.status(r, 201, name="a domestic recipient needs no override (analyst): 201", need=True)
    t.eq((r.json["status"], r.json["legal_review"]), ("recorded", False),
         "recorded (no address), not an override")
    h.clock_state(h.clocks(cid), "cra.notification", "met", "and it meets cra.notification")
    r = h.api("POST", path, body, who="auditor")
    t.status(r, 403, name="an auditor cannot send CRA reports")


# ---------------------------------------------------------------- teams


def sc_teams(h):
    t, srv = h.t, h.srv
    name = f"固件组 {S.RUN}"
    r = h.api("POST", "/api/v1/teams", {"name": name}, who="admin")
    t.status(r, 201, name="the admin creates a team", need=True)
    tid = r.json["id"]
    t.eq((r.json["name"], r.json["members"]), (name, []), "a new team has no members")
    t.status(h.api("POST", "/api/v1/teams", {"name": name}, who="admin"), 409, "team_exists",
             "the same name again is 409 team_exists")
    t.status(h.api("POST", "/api/v1/teams", {"name": "x"}, who="coordinator"), 403,
             name="a coordinator cannot create teams")
    t.status(h.api("POST", "/api/v1/teams", {"name": "x"}, who="analyst"), 403,
             name="nor can an analyst")
    a2 = srv.users["analyst2"]["id"]
    r = h.api("POST", f"/api/v1/teams/{tid}/members", {"user_id": a2}, who="admin")
    t.status(r, 200, name="the admin adds analyst2", need=True)
    t.eq(r.json["members"], [a2], "analyst2 is its member")
    r = h.api("POST", f"/api/v1/teams/{tid}/members", {"user_id": a2}, who="admin")
    t.ok(r.status == 200 and r.json["members"] == [a2], "adding again changes nothing", r.text)
    t.status(h.api("POST", f"/api/v1/teams/{tid}/members",
                   {"user_id": srv.users["reporter"]["id"]}, who="admin"), 422, "unknown_user",
             "a reporter cannot join (cannot read cases)")
    t.status(h.api("POST", "/api/v1/teams/999999/members", {"user_id": a2}, who="admin"), 404,
             name="an unknown team is 404")
    r = h.api("GET", "/api/v1/teams", who="coordinator")
    t.ok(r.status == 200 and any(x["id"] == tid and x["members"] == [a2]
                                 for x in r.json["items"]),
         "GET /api/v1/teams lists it with its members", r.text[:300])
    c = h.full_case(title=f"团队案件 {S.RUN}")
    cid = c["id"]
    t.eq(c["team_id"], None, "a coordinator's new case has no team")
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="analyst2"), 404,
             name="analyst2 cannot see it yet (404)")

    def listed(who):
        r = h.api("GET", "/api/v1/cases?limit=200", who=who)
        return r.status == 200 and any(x["id"] == cid for x in r.json["items"])

    def clock_listed(who):
        r = h.api("GET", "/api/v1/clocks?limit=200&state=pending", who=who)
        return r.status == 200 and any(x["case_id"] == cid for x in r.json["items"])
    t.ok(not listed("analyst2") and not clock_listed("analyst2"),
         "nor list it or its clocks")
    t.status(h.api("PATCH", f"/api/v1/cases/{cid}", {"team_id": 999999}, who="coordinator"),
             422, "unknown_team", "an unknown team_id is 422 unknown_team")
    c = h.patch(cid, {"team_id": tid})
    t.eq(c["team_id"], tid, "the case is assigned to the team")
    r = h.api("GET", f"/api/v1/cases/{cid}", who="analyst2")
    t.status(r, 200, name="now the team's analyst2 sees it")
    t.ok(listed("analyst2") and clock_listed("analyst2"),
         "and lists it and its clocks")
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="analyst"), 404,
             name="an analyst of no team still does not (404)")
    t.ok(not listed("analyst"), "nor lists it")
    r = h.move(cid, "verified", "团队成员复现", who="analyst2")
    t.ok(r.status == 200, "analyst2 works the case (a transition)")
    t.ok(any(x.get("actor_user_id") == a2 for x in h.audit("case.read", cid)),
         "analyst2's read is audited")
    # auditors read only
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="auditor"), 200,
             name="the auditor reads the case")
    t.status(h.api("GET", f"/api/v1/cases/{cid}/dossier", who="auditor"), 200,
             name="and its dossier")
    for method, path, body in (
            ("PATCH", f"/api/v1/cases/{cid}", {"harm": "x"}),
            ("POST", f"/api/v1/cases/{cid}/transitions", {"to": "assessed"}),
            ("POST", f"/api/v1/cases/{cid}/exports",
             {"recipient": {"name": "x", "country": "CN"}, "reason": "y"}),
            ("POST", f"/api/v1/cases/{cid}/notifications",
             {"kind": "upstream", "recipients": [{"name": "x", "country": "CN"}]}),
            ("POST", "/api/v1/teams", {"name": "y"})):
        t.status(h.api(method, path, body, who="auditor"), 403,
                 name=f"the auditor cannot {method} {path.split('/')[-1]}")
    c = h.patch(cid, {"team_id": None})
    t.status(h.api("GET", f"/api/v1/cases/{cid}", who="analyst2"), 404,
             name="taken off the team, analyst2 no longer sees it")


# ---------------------------------------------------------------- exports


def sc_exports(h):
    t, srv = h.t, h.srv
    secret_text = f"未公开技术细节 {S.RUN}"
    c = h.full_case(title=f"导出 {S.RUN}", technical=secret_text)
    cid = c["id"]
    path = f"/api/v1/cases/{cid}/exports"
    rcpt = {"name": "国家漏洞库联络人", "email": "liaison@nvdb.example.cn", "country": "CN"}
    r = h.api("POST", path, {"recipient": rcpt, "reason": "协同处置"}, who="coordinator")
    t.status(r, 201, name="an export is requested", need=True)
    x = r.json
    xid = x["id"]
    t.eq((x["status"], x["requested_by"], x["recipient"]["name"]),
         ("pending", srv.users["coordinator"]["id"], rcpt["name"]), "it is pending")
    r = h.api("GET", f"/api/v1/exports/{xid}", who="coordinator")
    t.ok(r.status == 200 and r.json["status"] == "pending" and "case" not in r.json and
         secret_text not in r.text, "a pending export shows no content", r.text[:300])
    t.status(h.api("POST", f"/api/v1/exports/{xid}/approve", who="coordinator"), 403,
             "second_approver_required", "the requester cannot approve it")
    t.status(h.api("POST", f"/api/v1/exports/{xid}/approve", who="analyst"), 403,
             name="an analyst cannot approve")
    r = h.api("POST", f"/api/v1/exports/{xid}/approve", who="coordinator2")
    t.status(r, 200, name="a second coordinator approves", need=True)
    t.eq((r.json["status"], r.json["approved_by"]), ("approved", srv.users["coordinator2"]["id"]),
         "approved, by the second coordinator")
    t.status(h.api("POST", f"/api/v1/exports/{xid}/approve", who="admin"), 409, "not_pending",
             "approving again is 409 not_pending")
    r = h.api("GET", f"/api/v1/exports/{xid}", who="coordinator")
    t.status(r, 200, name="the approved export is fetched", need=True)
    e = r.json
    wm = e.get("watermark") or {}
    t.ok(e["case"].get("technical") == secret_text and e["case"]["id"] == cid,
         "it holds the case's undisclosed details")
    t.ok(wm.get("recipient") == rcpt["name"] and wm.get("export_id") == xid and
         wm.get("recipient_country") == "CN" and re.fullmatch(S.UTC_US, wm.get("exported_at", "")),
         "the watermark names recipient, export id and time", wm)
    t.eq(e["case"].get("watermark"), wm, "the watermark is embedded in the case content")
    text = e.get("text") or ""
    t.ok(secret_text in text and text.rstrip().endswith(str(cid)) and
         f"export {xid}" in text and rcpt["name"] in text.splitlines()[-1] and
         f"导出编号 {xid}" in text, "the text carries the details and a watermark footer",
         text[-300:])
    t.ok(e.get("first_fetched_at"), "the first fetch is recorded")
    # the overseas guard
    r = h.api("POST", path, {"recipient": {"name": "Overseas Partner", "country": "US"},
                             "reason": "share"}, who="coordinator")
    t.status(r, 409, "rmsv_9_7_overseas", "an overseas non-provider recipient: 409")
    r = h.api("POST", path, {"recipient": {"name": "Upstream Inc", "country": "US",
                                           "is_provider": True}, "reason": "the provider"},
              who="coordinator")
    t.status(r, 201, name="an overseas provider may be a recipient")
    t.status(h.api("POST", path, {"recipient": rcpt}, who="coordinator"), 422,
             name="a request without reason is 422")
    t.status(h.api("POST", path, {"recipient": rcpt, "reason": "r"}, who="analyst"), 404,
             name="an analyst who cannot see the case: 404")
    t.status(h.api("GET", "/api/v1/exports/999999", who="coordinator"), 404,
             name="an unknown export is 404")
    for action in ("case.export.request", "case.export.approve", "case.export.read"):
        t.ok(h.audit(action, cid), f"{action} is audited")
    d = h.dossier(cid)
    t.ok(any(y["id"] == xid and y["status"] == "approved" and y["first_fetched_at"]
             for y in d.get("exports", [])), "the dossier lists the export", d.get("exports"))
    kinds = [y["kind"] for y in d["timeline"]]
    t.ok(all(k in kinds for k in ("export_requested", "export_approved", "export_fetched")),
         "every step is in the timeline", kinds)


# ---------------------------------------------------------------- submissions


def sc_submissions(h):
    t, srv = h.t, h.srv
    c = h.full_case(cvss_vector=S.CVSS31, scope="全国部署", harm="h1")
    cid = c["id"]
    r1 = h.submit(cid, receipt_number=f"SUB-{S.RUN}-1")
    t.status(r1, 201, name="version 1 is submitted", need=True)
    h.patch(cid, {"harm": "h2 更严重"})
    r2 = h.submit(cid, channel="email")
    t.status(r2, 201, name="version 2 after a change", need=True)
    sth = h.api("GET", "/api/v1/log/sth", who=None).json
    for sub in (r1.json, r2.json):
        v = sub["version"]
        r = h.api("GET", f"/api/v1/cases/{cid}/authority-report/submissions/{v}", who="analyst2")
        t.status(r, 404, name=f"v{v}: an analyst who cannot see the case gets 404")
        r = h.api("GET", f"/api/v1/cases/{cid}/authority-report/submissions/{v}")
        t.status(r, 200, name=f"GET submission version {v}", need=True)
        g = r.json
        t.eq(g["content"], sub["content"], f"v{v}: the content is exactly what was frozen")
        t.eq(hashlib.sha256(g["content_text"].encode()).hexdigest(), sub["content_sha256"],
             f"v{v}: SHA-256 of the frozen text is the submission's content_sha256")
        t.ok(g["content_sha256"] == sub["content_sha256"] and g["content_matches_hash"] is True,
             f"v{v}: the stored hash matches")
        lr = h.api("GET", f"/api/v1/log/leaves?start={g['leaf_index']}&end={g['leaf_index'] + 1}",
                   who="auditor")
        entry = S.tlogverify.decode_entry(bytes.fromhex(lr.json["leaves"][0]["entry"]))
        payload = S.tlogverify.canonical_json({
            "v": 1, "channel": "outbound", "kind": "authority_report", "case_id": cid,
            "version": v, "content_sha256": sub["content_sha256"],
            "submitted_via": sub["channel"]})
        t.ok(g["log_payload"].encode() == payload and
             entry["payload_hash"] == S.tlogverify.H(sth["hash_alg"], payload),
             f"v{v}: the receipt-log leaf's hash binds this content hash", g["log_payload"])
    t.ok("h1" in json.dumps(h.api("GET", f"/api/v1/cases/{cid}/authority-report/submissions/1"
                                  ).json["content"], ensure_ascii=False),
         "version 1 keeps the old assessment")
    for bad in ("3", "0", "abc", "-1"):
        t.status(h.api("GET", f"/api/v1/cases/{cid}/authority-report/submissions/{bad}"), 404,
                 name=f"version {bad!r} is 404")
    t.ok(h.audit("case.authority_report.submission.read", cid),
         "reading a submission is audited")



# ---------------------------------------------------------------- escalation


def sc_escalation(h):
    t, recv, clk = h.t, h.recv, h.clk
    c = h.full_case(title=f"升级钩子 {S.RUN}")
    cid = c["id"]
    k = recv.count()
    clk.set(S.us(c["learned_at"]) + 30 * S.HOUR)
    deadline = time.time() + 30
    mine = []
    while time.time() < deadline:
        mine = [g for g in recv.since(k) if g["path"] == "/esc" and
                json.loads(g["body"]).get("case_id") == cid]
        if len(mine) >= 2:
            break
        time.sleep(0.5)
    t.need(mine, "escalations reach the configured webhook within 30 s")
    t.ok(all(g["valid"] for g in mine), "every escalation is signed (verified by the receiver)")
    bodies = [json.loads(g["body"]) for g in mine]
    t.ok(all(b.get("event") == "clock.escalation" and b.get("clock", "").startswith("rmsv.")
             for b in bodies), "each names the event and the clock", bodies)
    v = [b for b in bodies if b["clock"] == "rmsv.verify"]
    t.ok(v and v[0].get("overdue") is True and v[0].get("percent") in (50, 80, 100),
         "rmsv.verify (24 h, now 30 h): overdue", v)
    t.ok(all("title" not in b for b in bodies), "no case details in the escalation body")
    deadline = time.time() + 15
    while time.time() < deadline:
        d = h.dossier(cid)
        esc = [x for x in d["timeline"] if x["kind"] == "escalation"]
        if any(x["detail"].get("webhook", {}).get("delivered") for x in esc):
            break
        time.sleep(0.5)
    wh = [x["detail"].get("webhook") for x in esc if x["detail"].get("webhook")]
    ids = {g["headers"].get("X-Vulnflow-Delivery") for g in mine}
    t.ok(wh and all(w.get("http_status") == 200 and w.get("delivered") for w in wh) and
         any(w.get("delivery_id") in ids for w in wh),
         "the escalation events keep the webhook evidence (status, delivery id)", wh)


SCENARIOS = [("webhooks", sc_webhooks), ("reporter", sc_reporter), ("cra", sc_cra),
             ("teams", sc_teams), ("exports", sc_exports), ("submissions", sc_submissions),
             ("escalation", sc_escalation)]


def main():
    recv = Receiver(SECRET)

    def make_server(binary, db, tmp):
        srv = S.make_server(binary, db, tmp)
        srv.env = dict(os.environ, VULNFLOW_WEBHOOK_TEST=SECRET)
        # the receiver listens on loopback, which webhooks refuse by default
        srv.serve_args = ["--set", f"escalation_webhook_url={recv.url('/esc')}",
                          "--set", "escalation_webhook_secret_ref=env:VULNFLOW_WEBHOOK_TEST",
                          "--set", "webhook_allow_private=1"]
        srv.before_serve = write_supplier_key
        return srv

    def write_supplier_key(srv):
        # the secrets directory exists before serve starts (init makes the instance)
        os.makedirs(os.path.join(srv.dir, "secrets"), mode=0o700, exist_ok=True)
        with open(os.path.join(srv.dir, "secrets", "supplier.key"), "w") as f:
            f.write(SECRET + "\n")

    def add_coordinator2(srv):
        # a second coordinator, for the four-eyes approval of exports
        addr = f"coord2-{S.RUN}@psirt.example.cn"
        p = srv.cli_dir("user", "add", "--email", addr, "--role", "coordinator", "--json")
        srv.users["coordinator2"] = {"email": addr, "id": json.loads(p.stdout)["id"]}
        p = srv.cli_dir("token", "create", "--user", addr, "--name", "more-c2", "--json")
        srv.tokens["coordinator2"] = json.loads(p.stdout)["token"]

    def setup(srv, tap):
        h = S.setup(srv, tap, started=add_coordinator2)
        h.recv = recv
        return h

    return vfharness.run("case workflow, the rest of issue 4", SCENARIOS, make_server, setup,
                         "instance, users, tokens, SMTP sink, webhook receiver and server",
                         "vf-cases-more-", cleanup=recv.stop)


if __name__ == "__main__":
    sys.exit(main())
