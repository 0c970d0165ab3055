#!/usr/bin/python3
"""tests/federation/hub.py - the provider <-> hub <-> national database flows (issue 9).

Usage:
    /usr/bin/python3 tests/federation/hub.py --binary build-check/vulnflow [--keep]
        [--hub-db URL --provider-db URL --database-db URL]

Starts a hub (SM2), a provider (Ed25519) and a national database (role
database, Ed25519) on loopback, each with `vulnflow serve --set test_clock=1`,
keys exchanged with `vulnflow peer key` / `peer add`.  Then over real HTTP:

  report     POST /api/v1/cases/{id}/authority-report/submissions {"channel":"hub"}:
             rmsv.authority_report stays pending until the hub's signed receipt
             returns, then is met; the submission carries the receipt's id and
             the outbound leaf; the hub lists the report (within 2 days)
  relay      the hub relays it to the national database (GET /api/v1/database/reports),
             the relay's state per database in GET /api/v1/hub/reports
  hub_down   the hub stopped: the submission is sent but the clock pending,
             the envelope queued with its error; the hub restarted: met, and the
             relay delivered; every report once on the hub and on the database
  late       a case learned 3 days ago: met late; the dashboard (API and
             `vulnflow hub dashboard`) counts 2 within 2 days and 1 late; the
             provider restarted re-checks delivered receipts and records none twice
  early      the early-release record sent to the hub (refused while incomplete),
             the hub coordinator's assessment returned (an analyst refused, a
             second assessment 409); the provider's gate passes 9(1) on it
  blackout   a hub blackout window reaches the provider's blackout table (marked
             as from the hub) and its gate refuses publication in it; the hub's
             MPS consent reaches it too and the gate passes
  published  the provider publishes: the hub lists the advisory-published notice

Each line is "ok N - ..." or "not ok N - ..."; exit 1 if anything failed or a
server printed a sanitizer report.
"""

import argparse
import datetime
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"]
US = 1000000
HOUR = 3600 * US
DAY = 24 * HOUR
RUN = secrets.token_hex(3)
CVSS31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
GBT_HIGH = "AP:N/TR:L/PR:L/UI:N/C:S/I:N/A:N"
TITLE = {"zh-CN": "某型号路由器管理界面命令注入漏洞",
         "en": "Command injection in the router's management interface"}
SUMMARY = {"zh-CN": "诊断页面的参数未经过滤，已认证的用户可在设备上执行命令。",
           "en": "A parameter of the diagnostics page is not filtered."}
REMEDIATION = {"zh-CN": "升级固件至 1.2.8 版本。", "en": "Upgrade the firmware to version 1.2.8."}


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            d = str(detail).replace("\n", "\n#   ")[:3000]
            print(f"not ok {self.n} - {name}\n#   {d}", flush=True)
        return cond


_PORTS_GIVEN = set()


def free_port():
    """A free loopback port never handed out before in this run: the socket is closed at once,
    so the system may offer the same port again, and two instances (one of them perhaps never
    started) must not share one."""
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in _PORTS_GIVEN:
            _PORTS_GIVEN.add(port)
            return port


def rfc(t_us):
    d = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(microseconds=t_us)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_us():
    return int(time.time() * US)


class Node:
    def __init__(self, binary, tmp, name, role, sig, db=None):
        self.binary = binary
        self.name = name
        self.role = role
        self.db = db
        self.dir = os.path.join(tmp, name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.stderr_path = os.path.join(tmp, name + ".stderr")
        self.tokens = {}
        info = json.loads(self.run("init", "--dir", self.dir, "--role", role, "--log-sig", sig,
                                   "--json", *(["--db", db] if db else [])))
        users = {"admin": info["admin_email"]}
        for who, role_ in (("coordinator", "coordinator"), ("coordinator2", "coordinator"),
                           ("analyst", "analyst")):
            addr = f"{who}-{RUN}@{name}.example.cn"
            self.run("user", "add", "--dir", self.dir, "--email", addr, "--role", role_, "--json")
            users[who] = addr
        for who, addr in users.items():
            out = self.run("token", "create", "--dir", self.dir, "--user", addr, "--name",
                           f"hub-{who}", "--json")
            self.tokens[who] = json.loads(out)["token"]
        k = json.loads(self.run("peer", "key", "--dir", self.dir, "--json"))
        self.key, self.key_id = k["key"], k["key_id"]

    def run(self, *args, check=True):
        p = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=120)
        for m in SANITIZER_MARKS:
            if m in p.stderr:
                raise RuntimeError(f"{self.name}: vulnflow {' '.join(args)}: {p.stderr[-2000:]}")
        if check and p.returncode != 0:
            raise RuntimeError(f"{self.name}: vulnflow {' '.join(args)}: {p.stderr.strip()}")
        return p.stdout

    def peer(self, other, role, name=None):
        self.run("peer", "add", "--dir", self.dir, "--url", other.url, "--role", role, "--key",
                 other.key, "--jurisdiction", "CN", *(["--name", name] if name else []))

    def start(self):
        self.err_f = open(self.stderr_path, "a")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--dir", self.dir, "--listen", f"127.0.0.1:{self.port}",
             "--set", "test_clock=1", "--set", "intake_rate_limit=0", "--set", "access_log=0"],
            stdout=subprocess.PIPE, stderr=self.err_f, stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"{self.name} did not start: {line!r}")

    def kill(self):
        """SIGKILL: no clean shutdown (what a crash leaves)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.err_f.close()
        self.proc = None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.err_f.close()
            self.proc = None

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def api(self, method, path, body=None, who="admin"):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        hdrs = {"Content-Type": "application/json"}
        if who:
            hdrs["Authorization"] = f"Bearer {self.tokens[who]}"
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        text = r.read()
        c.close()
        try:
            j = json.loads(text) if text else None
        except ValueError:
            j = None
        return r.status, j, text.decode(errors="replace")


def wait_for(fn, timeout=20.0, step=0.1):
    """Poll fn() until it returns a true value (returned) or the time is up (None)."""
    end = time.time() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.time() > end:
            return None
        time.sleep(step)


def clock(node, cid, cl="rmsv.authority_report"):
    st, j, _ = node.api("GET", f"/api/v1/cases/{cid}/clocks")
    arr = j.get("clocks", j) if isinstance(j, dict) else j
    return next((c for c in arr or [] if c.get("id") == cl), None)


def submissions(node, cid):
    st, j, _ = node.api("GET", f"/api/v1/cases/{cid}/dossier")
    return (j or {}).get("authority_report_submissions") or []


def new_case(node, learned_at=None, **fields):
    body = {"title": f"路由器命令注入 {RUN}-{secrets.token_hex(2)}", "role": "provider",
            "products": [{"name": "智能路由器", "model": "AX-3000", "versions": ["1.2.7"]}]}
    if learned_at is not None:
        body["learned_at"] = rfc(learned_at)
    st, j, text = node.api("POST", "/api/v1/cases", body, who="coordinator")
    if st != 201:
        raise RuntimeError(f"case create: {st} {text[:300]}")
    cid = j["id"]
    patch = {"cvss_vector": CVSS31, "gbt_vector": GBT_HIGH, "workarounds": "关闭诊断页面。"}
    patch.update(fields)
    patch = {k: v for k, v in patch.items() if v is not None}
    st, j, text = node.api("PATCH", f"/api/v1/cases/{cid}", patch, who="coordinator")
    if st != 200:
        raise RuntimeError(f"case patch: {st} {text[:300]}")
    return cid


def advisory(node, cid):
    """A drafted, attested and approved advisory of case cid: its id."""
    st, j, text = node.api("POST", f"/api/v1/cases/{cid}/advisory",
                           {"title": TITLE, "summary": SUMMARY, "remediation": REMEDIATION,
                            "vendor": "某某网络设备有限公司"}, who="coordinator")
    if st != 201:
        raise RuntimeError(f"advisory draft: {st} {text[:300]}")
    aid = j["id"]
    st, _, text = node.api("POST", f"/api/v1/advisories/{aid}/review", {"attest": True},
                           who="coordinator2")
    if st != 201:
        raise RuntimeError(f"advisory review: {st} {text[:300]}")
    st, _, text = node.api("POST", f"/api/v1/advisories/{aid}/approvals",
                           {"comment": "同意发布"}, who="coordinator2")
    if st != 201:
        raise RuntimeError(f"advisory approval: {st} {text[:300]}")
    return aid


def gate_rule(node, aid, rule):
    st, j, text = node.api("GET", f"/api/v1/advisories/{aid}/gate", who="coordinator")
    if st != 200:
        return None
    return next((x for x in j["rules"] if x["rule"] == rule), None)


def submit_hub(t, prov, cid, name):
    st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/authority-report/submissions",
                           {"channel": "hub"}, who="coordinator")
    t.ok(st == 201 and j.get("state") == "sent" and j.get("channel") == "hub" and
         j.get("envelope_id", "").startswith("e-") and j.get("receipt_number") is None,
         f"{name}: the submission is sent to the hub (state sent, its envelope id)", text[:400])
    return j or {}


def met(prov, cid):
    c = clock(prov, cid)
    return c if c and c.get("state") == "met" else None


def sc_report(t, prov, hub, db):
    cid = new_case(prov, learned_at=now_us() - HOUR)
    c = clock(prov, cid)
    t.ok(c is not None and c["state"] == "pending", "report: rmsv.authority_report is pending", c)
    out = submit_hub(t, prov, cid, "report")
    c = wait_for(lambda: met(prov, cid))
    t.ok(c is not None and c.get("met_late") is False,
         "report: the clock is met when the hub's receipt returns, in time", clock(prov, cid))
    st, ob, _ = prov.api("GET", f"/api/v1/federation/outbox/{out.get('envelope_id')}")
    subs = submissions(prov, cid)
    s = subs[-1] if subs else {}
    t.ok(st == 200 and ob["state"] == "delivered" and ob["receipt"]["from"] == hub.key_id and
         s.get("channel") == "hub" and s.get("receipt_number") == ob["receipt"]["id"] and
         s.get("leaf_index") == ob["leaf_index"] and c and c.get("met_at") == s.get("submitted_at"),
         "report: the submission holds the hub receipt's id, the envelope's leaf and its time",
         {"outbox": ob, "submission": s, "clock": c})
    st, j, text = prov.api("GET", f"/api/v1/cases/{cid}/dossier")
    t.ok(st == 200 and "authority_report.submitted" in text and "hub_receipt" in text,
         "report: the case's timeline has the submission with the hub's receipt", text[:300])
    st, j, text = hub.api("GET", "/api/v1/hub/reports")
    rep = next((r for r in (j or {}).get("reports", []) if r["case_ref"] == str(cid)), None)
    t.ok(rep is not None and rep["within_2_days"] is True and
         rep["provider"]["key_id"] == prov.key_id and rep["envelope_id"] == out["envelope_id"],
         "report: the hub lists the report, within 2 days", text[:400])
    return cid, rep


def relays_of(hub, cid):
    st, j, _ = hub.api("GET", "/api/v1/hub/reports")
    rep = next((r for r in (j or {}).get("reports", []) if r["case_ref"] == str(cid)), None)
    return (rep or {}).get("relays") or []


def db_report(db, cid):
    st, j, _ = db.api("GET", "/api/v1/database/reports")
    return [r for r in (j or {}).get("reports", []) if r["case_ref"] == str(cid)]


def sc_relay(t, prov, hub, db, cid, rep):
    rl = wait_for(lambda: [r for r in relays_of(hub, cid) if r["state"] == "delivered"])
    t.ok(rl is not None and len(rl) == 1 and rl[0]["peer"] == db.key_id and
         rl[0]["envelope_id"].startswith("e-"),
         "relay: GET /api/v1/hub/reports shows the relay to the national database delivered",
         relays_of(hub, cid))
    d = wait_for(lambda: db_report(db, cid))
    t.ok(d is not None and len(d) == 1 and d[0]["hub"] == hub.key_id and
         d[0]["provider"]["key_id"] == prov.key_id and
         d[0]["content_sha256"] == rep["content_sha256"] and d[0]["version"] == rep["version"] and
         d[0]["within_2_days"] is True,
         "relay: the national database has the report (provider, content hash, version)", d)
    st, j, text = prov.api("GET", "/api/v1/database/reports")
    t.ok(st == 404 and "wrong_role" in text, "relay: a provider has no national-database list",
         text[:200])


def sc_hub_down(t, prov, hub, db):
    hub.stop()
    cid = new_case(prov, learned_at=now_us() - 2 * HOUR)
    out = submit_hub(t, prov, cid, "hub_down")
    time.sleep(2.0)
    c = clock(prov, cid)
    st, ob, _ = prov.api("GET", f"/api/v1/federation/outbox/{out.get('envelope_id')}")
    t.ok(c is not None and c["state"] == "pending" and st == 200 and ob["state"] == "queued" and
         ob["attempts"] >= 1 and ob["last_error"],
         "hub_down: the clock stays pending, the envelope queued with its error",
         {"clock": c, "outbox": ob})
    subs = submissions(prov, cid)
    t.ok(len(subs) == 1 and subs[0]["receipt_number"] is None and subs[0]["leaf_index"] is None,
         "hub_down: the submission has no receipt yet", subs)
    hub.start()
    c = wait_for(lambda: met(prov, cid), timeout=30)
    t.ok(c is not None, "hub_down: met after the hub restarts", clock(prov, cid))
    rl = wait_for(lambda: [r for r in relays_of(hub, cid) if r["state"] == "delivered"],
                  timeout=30)
    t.ok(rl is not None and len(rl) == 1, "hub_down: its relay is delivered too",
         relays_of(hub, cid))
    return cid


def sc_late(t, prov, hub, db, cids):
    cid = new_case(prov, learned_at=now_us() - 3 * DAY)
    st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/authority-report/submissions",
                           {"channel": "hub", "receipt_number": "X-1"}, who="coordinator")
    t.ok(st == 422, "late: channel hub takes no receipt_number of ours", text[:200])
    submit_hub(t, prov, cid, "late")

    def answered():
        c = clock(prov, cid)
        return c if c and c.get("met_by_event") is not None else None
    c = wait_for(answered)
    t.ok(c is not None and c["state"] == "missed" and c.get("met_late") is True,
         "late: missed, met late when the receipt returns (learned 3 days ago)",
         clock(prov, cid))
    cids.append(cid)
    wait_for(lambda: all(db_report(db, x) for x in cids), timeout=30)
    st, d, text = hub.api("GET", "/api/v1/hub/dashboard")
    pr = next((p for p in (d or {}).get("providers", []) if p["peer"] == prov.key_id), {})
    dbs = next((x for x in (d or {}).get("databases", []) if x["peer"] == db.key_id), {})
    t.ok(st == 200 and pr.get("reports") == 3 and pr.get("within_2_days") == 2 and
         pr.get("late") == 1 and pr.get("name") == "Acme PSIRT",
         "dashboard: 3 reports from the provider, 2 within 2 days, 1 late", text[:600])
    t.ok(dbs.get("relays") == 3 and dbs.get("delivered") == 3 and dbs.get("pending") == 0 and
         dbs.get("failed") == 0 and dbs.get("name") == "CNNVD",
         "dashboard: 3 relays delivered to the national database", dbs)
    cli = json.loads(hub.run("hub", "dashboard", "--dir", hub.dir, "--json"))
    t.ok(cli["totals"] == d["totals"] and cli["totals"]["reports"] == 3,
         "dashboard: `vulnflow hub dashboard --json` gives the same totals", cli.get("totals"))
    txt = hub.run("hub", "dashboard", "--dir", hub.dir)
    t.ok("reports received: 3 (within 2 days: 2, late: 1" in txt and "CNNVD" in txt,
         "dashboard: the CLI's table", txt)
    st, _, text = prov.api("GET", "/api/v1/hub/dashboard")
    t.ok(st == 404 and "not_a_hub" in text, "dashboard: a provider has none", text[:200])
    # a provider restart checks the delivered reports' receipts again: nothing twice
    prov.stop()
    prov.start()
    st, j, text = prov.api("GET", f"/api/v1/cases/{cids[0]}/dossier")
    kinds = [ev.get("kind") for ev in (j or {}).get("timeline", [])]
    t.ok(st == 200 and kinds.count("authority_report.submitted") == 1 and
         kinds.count("authority_report.sent") == 1 and met(prov, cids[0]),
         "restart: the provider's receipts are not recorded twice", kinds)
    # every report once on each side, the hub's restart included
    st, j, _ = hub.api("GET", "/api/v1/hub/reports")
    st2, k, _ = db.api("GET", "/api/v1/database/reports")
    t.ok(sorted(r["case_ref"] for r in j["reports"]) == sorted(map(str, cids)) and
         sorted(r["case_ref"] for r in k["reports"]) == sorted(map(str, cids)),
         "exactly once: each report once on the hub and once on the national database",
         {"hub": [r["case_ref"] for r in j["reports"]],
          "db": [r["case_ref"] for r in k["reports"]]})


def er_record(hub, cid):
    st, j, _ = hub.api("GET", "/api/v1/hub/early-release")
    return next((x for x in (j or {}).get("items", []) if x["case_ref"] == str(cid)), None)


def sc_early(t, prov, hub):
    cid = new_case(prov, workarounds=None)
    aid = advisory(prov, cid)
    r = gate_rule(prov, aid, "rmsv_9_1_fix_first")
    t.ok(r is not None and not r["passed"], "early: 9(1) refuses without fix or record", r)
    st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/early-release/hub", who="coordinator")
    t.ok(st == 422 and "incomplete" in text, "early: an incomplete record is not sent",
         text[:300])
    n = now_us()
    st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/early-release", {"steps": [
        {"step": "joint_assessment", "at": rfc(n - 4 * HOUR), "ref": "会商纪要 2026-01"},
        {"step": "report_miit", "at": rfc(n - 3 * HOUR), "ref": "工信部报送 MIIT-2026-7"},
        {"step": "report_mps", "at": rfc(n - 3 * HOUR), "ref": "公安部报送 MPS-2026-7"}]},
        who="coordinator")
    t.ok(st == 201 and j.get("complete") is False, "early: three steps recorded", text[:300])
    st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/early-release/hub", who="coordinator")
    t.ok(st == 202 and j.get("envelope_id", "").startswith("e-") and len(j.get("steps", [])) == 3,
         "early: the record is sent to the hub", text[:300])
    rec = wait_for(lambda: er_record(hub, cid))
    t.ok(rec is not None and rec["provider"]["key_id"] == prov.key_id and
         [s["step"] for s in rec["steps"]] == ["joint_assessment", "report_miit", "report_mps"] and
         rec["assessment"] is None,
         "early: the hub lists the record, not yet assessed", rec)
    if rec is None:
        return
    body = {"decision": "approved", "at": rfc(now_us() - HOUR), "ref": "评估意见 2026-7",
            "note": "同意提前发布"}
    st, _, text = hub.api("POST", f"/api/v1/hub/early-release/{rec['id']}/assessment", body,
                          who="analyst")
    t.ok(st == 403, "early: an analyst cannot record the assessment", text[:200])
    st, j, text = hub.api("POST", f"/api/v1/hub/early-release/{rec['id']}/assessment", body,
                          who="coordinator")
    t.ok(st == 201 and j["assessment"]["decision"] == "approved" and
         j["assessment_envelope_id"].startswith("e-"),
         "early: a hub coordinator records the assessment; it is sent back", text[:400])
    st, _, text = hub.api("POST", f"/api/v1/hub/early-release/{rec['id']}/assessment", body,
                          who="coordinator")
    t.ok(st == 409 and "already_assessed" in text, "early: a second assessment is 409",
         text[:200])
    r = wait_for(lambda: (lambda x: x if x and x["passed"] else None)(
        gate_rule(prov, aid, "rmsv_9_1_fix_first")))
    t.ok(r is not None and (r.get("basis") or {}).get("id") == "early_release_record",
         "early: the provider's gate passes 9(1) on the record with the hub's assessment",
         gate_rule(prov, aid, "rmsv_9_1_fix_first"))
    st, j, text = prov.api("GET", f"/api/v1/cases/{cid}/dossier")
    t.ok("early_release" in text and "评估意见 2026-7" in text,
         "early: the case's timeline has the assessment from the hub", text[:200])


def prov_window(prov, name):
    st, j, _ = prov.api("GET", "/api/v1/blackouts?all=true")
    return next((w for w in (j or {}).get("items", []) if w["name"] == name), None)


def sc_blackout(t, prov, hub, db):
    name = f"重要会议期间 {RUN}"
    n = now_us()
    st, j, text = hub.api("POST", "/api/v1/hub/blackouts",
                          {"name": name, "start": rfc(n - HOUR), "end": rfc(n + 2 * DAY),
                           "note": "重大活动"}, who="coordinator")
    t.ok(st == 201 and [e["peer"] for e in j.get("envelopes", [])] == [prov.key_id],
         "blackout: the hub's window is sent to the provider (not to the database)", text[:400])
    if st != 201:
        return None
    hub_wid = j["id"]
    w = wait_for(lambda: prov_window(prov, name))
    t.ok(w is not None and "from hub:" in (w.get("note") or "") and
         w["start"] == j["start"] and w["end"] == j["end"],
         "blackout: the provider's blackout table has it, marked as from the hub", w)
    st, src, _ = prov.api("GET", "/api/v1/federation/blackouts")
    t.ok(w is not None and any(x["kind"] == "blackout" and x["local_id"] == w["id"] and
                               x["peer"] == hub.key_id and x["source_id"] == hub_wid
                               for x in (src or {}).get("items", [])),
         "blackout: GET /api/v1/federation/blackouts names the hub as its source", src)
    cid = new_case(prov)
    aid = advisory(prov, cid)
    r = gate_rule(prov, aid, "rmsv_9_6_blackout")
    t.ok(r is not None and not r["passed"], "blackout: the provider's gate refuses in the window",
         r)
    st, j, text = hub.api("POST", f"/api/v1/hub/blackouts/{hub_wid}/consents",
                          {"ref": "公安部同意 MPS-2026-9", "at": rfc(now_us() - 60 * US)},
                          who="coordinator")
    t.ok(st == 201 and len(j.get("envelopes", [])) == 1, "blackout: the hub's consent is sent",
         text[:300])
    r = wait_for(lambda: (lambda x: x if x and x["passed"] else None)(
        gate_rule(prov, aid, "rmsv_9_6_blackout")))
    t.ok(r is not None, "blackout: with the MPS consent from the hub the gate passes 9(6)",
         gate_rule(prov, aid, "rmsv_9_6_blackout"))
    w = prov_window(prov, name)
    t.ok(w is not None and [c["ref"] for c in w.get("consents", [])] == ["公安部同意 MPS-2026-9"],
         "blackout: the consent is on the provider's window", w)
    return cid, aid


def sc_published(t, prov, hub, cid, aid):
    st, j, text = prov.api("POST", f"/api/v1/advisories/{aid}/publish", {}, who="coordinator")
    t.ok(st == 200 and j.get("state") == "published", "published: the provider publishes",
         text[:400])

    def notice():
        st, j, _ = hub.api("GET", "/api/v1/hub/published")
        return next((x for x in (j or {}).get("items", []) if x["case_ref"] == str(cid)), None)
    n = wait_for(notice)
    t.ok(n is not None and n["provider"]["key_id"] == prov.key_id and n["advisory"] and
         n["published_at"], "published: the hub lists the advisory-published notice", n)
    # the publish hook told the hub at once; the platform worker's catch-up scan (at most
    # every 5 s) finds it listed as told and does not send it again
    time.sleep(6)
    st, j, _ = hub.api("GET", "/api/v1/hub/published")
    mine = [x for x in (j or {}).get("items", []) if x["case_ref"] == str(cid)]
    st, o, _ = prov.api("GET", "/api/v1/federation/outbox?limit=1000")
    sent = [x for x in (o or {}).get("envelopes", []) if x["type"] == "advisory_published"]
    t.ok(len(mine) == 1 and len(sent) == 1 and sent[0]["state"] == "delivered",
         "published: one notice, delivered once (the worker does not repeat it)", (mine, sent))
    # published from the command line: that process runs no publish hook, so the notice comes
    # from the server's platform worker's catch-up scan (within 5 s), as after a crash
    cid2 = new_case(prov)
    aid2 = advisory(prov, cid2)
    p = subprocess.run([prov.binary, "advisory", "publish", str(aid2), "--dir", prov.dir],
                       capture_output=True, text=True, timeout=120)
    t.ok(p.returncode == 0, "published: the CLI publishes a second advisory",
         (p.stdout[-300:], p.stderr[-300:]))

    def notice2():
        st, j, _ = hub.api("GET", "/api/v1/hub/published")
        return next((x for x in (j or {}).get("items", []) if x["case_ref"] == str(cid2)), None)
    n2 = wait_for(notice2)
    t.ok(n2 is not None and n2["provider"]["key_id"] == prov.key_id,
         "published: a publication from the command line reaches the hub too", n2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--hub-db")
    ap.add_argument("--provider-db")
    ap.add_argument("--database-db")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    tmp = tempfile.mkdtemp(prefix="vf-fedhub-")
    t = Tap()
    nodes = []
    try:
        hub = Node(binary, tmp, "hub", "hub", "sm2", a.hub_db)
        prov = Node(binary, tmp, "provider", "provider", "ed25519", a.provider_db)
        db = Node(binary, tmp, "database", "database", "ed25519", a.database_db)
        nodes = [hub, prov, db]
        prov.peer(hub, "hub", "MIIT hub")
        hub.peer(prov, "provider", "Acme PSIRT")
        hub.peer(db, "database", "CNNVD")
        db.peer(hub, "hub", "MIIT hub")
        for n in nodes:
            n.start()
        cid, rep = sc_report(t, prov, hub, db)
        sc_relay(t, prov, hub, db, cid, rep)
        cid2 = sc_hub_down(t, prov, hub, db)
        sc_late(t, prov, hub, db, [cid, cid2])
        sc_early(t, prov, hub)
        got = sc_blackout(t, prov, hub, db)
        if got:
            sc_published(t, prov, hub, *got)
    except Exception as ex:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        t.ok(False, f"the test ran to its end ({ex})")
    finally:
        for n in nodes:
            n.stop()
        for n in nodes:
            log = n.stderr()
            t.ok(not any(m in log for m in SANITIZER_MARKS),
                 f"{n.name}: no sanitizer report", log[-3000:])
        if a.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{t.n}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
