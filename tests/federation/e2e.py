#!/usr/bin/python3
"""tests/federation/e2e.py - the whole regime end to end on four instances (issue 9).

Usage:
    /usr/bin/python3 tests/federation/e2e.py --binary build-check/vulnflow [--keep]
        [--platform-db URL --provider-db URL --hub-db URL --database-db URL]

Starts a collection platform, a provider, a hub (SM2) and a national database on
loopback (`vulnflow serve --set test_clock=1`, SQLite or the PostgreSQL databases
given), keys exchanged with `vulnflow peer key` / `peer add`.  Then:

  a researcher reports on the platform -> the platform routes the report to the
  product's provider (report_routed) -> the provider opens a case from it, verifies,
  assesses and fixes -> the hub is SIGKILLed and the provider reports to it
  (authority_report): the clock stays pending and the case cannot move to
  disclosure -> the hub restarts: the receipt returns, the clock is met within
  2 days, the hub relays the report to the national database -> the provider
  publishes after the gate; the hub gets advisory_published, and so does the
  platform the report came from (once), which shows the advisory on the routing
  and to the researcher; the case is published and the platform and the
  researcher (by the receipt's status token) see it.  After the hub's crash every envelope is accepted exactly once (inbox
  rows = envelopes sent, no duplicate report on the hub or the database).  A
  forged signature, a replay and an envelope from an unknown peer are refused.

Each line is "ok N - ..." or "not ok N - ..."; exit 1 if anything failed or a
server printed a sanitizer report.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hub as H  # noqa: E402  (tests/federation/hub.py: Node, Tap, helpers)
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

PREFIX = b"vulnflow-envelope/1\n"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jcs(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def signed(key, frm, to, typ, eid, body):
    e = {"from": frm, "to": to, "type": typ, "id": eid, "created_at": utc_now(), "body": body}
    e["signature"] = b64url(key.sign(PREFIX + jcs(e)))
    return e


def post_env(node, env):
    st, j, text = node.api("POST", "/api/v1/federation/inbox", who=None, body=env)
    return st, ((j or {}).get("error") or {}).get("code")


def outbox(node, peer=None):
    st, j, _ = node.api("GET", "/api/v1/federation/outbox?limit=1000")
    return [e for e in (j or {}).get("envelopes", []) if peer is None or e["peer"] == peer]


def move(t, prov, cid, to, reason="checked"):
    st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/transitions",
                           {"to": to, "reason": reason}, who="coordinator")
    t.ok(st == 200 and j.get("state") == to, f"provider: the case moves to {to}", text[:400])
    return st


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keep", action="store_true")
    for n in ("platform", "provider", "hub", "database"):
        ap.add_argument(f"--{n}-db")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    tmp = tempfile.mkdtemp(prefix="vf-e2e-")
    t = H.Tap()
    nodes = []
    try:
        plat = H.Node(binary, tmp, "platform", "platform", "ed25519", a.platform_db)
        prov = H.Node(binary, tmp, "provider", "provider", "ed25519", a.provider_db)
        hub = H.Node(binary, tmp, "hub", "hub", "sm2", a.hub_db)
        db = H.Node(binary, tmp, "database", "database", "ed25519", a.database_db)
        nodes = [plat, prov, hub, db]
        plat.peer(prov, "provider", "Acme PSIRT")
        plat.peer(hub, "hub", "MIIT hub")
        prov.peer(plat, "platform", "Vuln platform")
        prov.peer(hub, "hub", "MIIT hub")
        hub.peer(prov, "provider", "Acme PSIRT")
        hub.peer(plat, "platform", "Vuln platform")
        hub.peer(db, "database", "CNNVD")
        db.peer(hub, "hub", "MIIT hub")
        for n in nodes:
            n.start()

        # ---- the researcher's report, routed by the platform
        st, acme, text = plat.api("POST", "/api/v1/platform/providers",
                                  {"name": "Acme", "patterns": ["Acme Router*"],
                                   "peer": prov.key_id})
        t.ok(st == 201, "platform: the provider directory names the provider peer", text[:300])
        title = f"Acme 路由器命令注入 {H.RUN}"
        st, r, text = plat.api("POST", "/api/v1/reports",
                               {"title": title, "description": f"{title}: 复现步骤……",
                                "product": {"name": "Acme Router X1", "version": "1.2.7"},
                                "reporter": {"name": "研究员甲", "email": "r@example.org",
                                             "country": "CN"}}, who=None)
        t.ok(st == 201, "researcher: the platform receives the report", text[:300])
        rec = (r or {}).get("receipt") or {}
        st, rt, text = plat.api("POST", f"/api/v1/reports/{rec.get('id')}/route", {})
        t.ok(st == 201 and rt.get("channel") == "federation",
             "platform: the report is routed to the product's provider", text[:300])

        def routed_in():
            st, j, _ = prov.api("GET", "/api/v1/reports")
            return [x for x in (j or {}).get("items", []) if x.get("title") == title]
        got = H.wait_for(routed_in)
        t.ok(got is not None and len(got) == 1, "provider: the routed report is in its intake once",
             got)
        pid = got[0]["id"]

        # ---- the provider's case, through verification and the fix
        st, case, text = prov.api("POST", "/api/v1/cases", {"report_ids": [pid]},
                                  who="coordinator")
        t.ok(st == 201, "provider: a case from the routed report", text[:300])
        cid = case["id"]
        c = H.clock(prov, cid)
        t.ok(c is not None and c["state"] == "pending", "provider: rmsv.authority_report pending",
             c)
        st, _, text = prov.api("PATCH", f"/api/v1/cases/{cid}", {
            "products": [{"name": "Acme Router X1", "model": "X1", "versions": ["1.2.7"]}],
            "cvss_vector": H.CVSS31, "gbt_vector": H.GBT_HIGH,
            "scope": "约 3 万台在网设备", "workarounds": "关闭诊断页面。"}, who="coordinator")
        t.ok(st == 200, "provider: the case is assessed", text[:300])
        move(t, prov, cid, "verified")
        move(t, prov, cid, "assessed")
        st, _, text = prov.api("PATCH", f"/api/v1/cases/{cid}", {
            "remediation": "升级固件至 1.2.8。", "fix_available_at": H.rfc(H.now_us())},
            who="coordinator")
        t.ok(st == 200, "provider: the fix is recorded", text[:300])
        move(t, prov, cid, "fix_available")

        # ---- the report to the hub, the hub killed mid-flow
        hub.kill()
        out = H.submit_hub(t, prov, cid, "provider")
        time.sleep(1.5)
        c = H.clock(prov, cid)
        t.ok(c is not None and c["state"] == "pending",
             "provider: with the hub down the clock stays pending", c)
        st, j, text = prov.api("POST", f"/api/v1/cases/{cid}/transitions",
                               {"to": "disclosure_pending", "reason": "x"}, who="coordinator")
        t.ok(st != 200 and "authority_report" in text,
             "provider: no disclosure before the hub's receipt (the report is not yet made)",
             text[:300])
        hub.start()
        c = H.wait_for(lambda: H.met(prov, cid), timeout=30)
        t.ok(c is not None and c.get("met_late") is False,
             "provider: after the hub restarts its receipt meets the clock, within 2 days",
             H.clock(prov, cid))
        move(t, prov, cid, "disclosure_pending")
        rl = H.wait_for(lambda: [x for x in H.relays_of(hub, cid) if x["state"] == "delivered"],
                        timeout=30)
        t.ok(rl is not None and rl[0]["peer"] == db.key_id,
             "hub: the report is relayed to the national database", H.relays_of(hub, cid))
        d = H.db_report(db, cid)
        t.ok(len(d) == 1 and d[0]["provider"]["key_id"] == prov.key_id and
             d[0]["within_2_days"] is True,
             "database: the report once, from the provider, within 2 days", d)

        # ---- publication after the gate
        aid = H.advisory(prov, cid)
        r = H.gate_rule(prov, aid, "rmsv_9_1_fix_first")
        t.ok(r is not None and r["passed"], "provider: the gate passes 9(1) (a fix)", r)
        st, j, text = prov.api("POST", f"/api/v1/advisories/{aid}/publish", {},
                               who="coordinator")
        t.ok(st == 200 and j.get("state") == "published", "provider: the advisory is published",
             text[:400])
        move(t, prov, cid, "published")

        def notice():
            st, j, _ = hub.api("GET", "/api/v1/hub/published")
            return next((x for x in (j or {}).get("items", []) if x["case_ref"] == str(cid)),
                        None)
        n = H.wait_for(notice)
        t.ok(n is not None and n["provider"]["key_id"] == prov.key_id,
             "hub: the advisory-published notice", n)

        def plat_advisory():
            st, j, _ = plat.api("GET", f"/api/v1/reports/{rec['id']}/routes")
            a = j["routes"][0].get("advisory") if st == 200 and j.get("routes") else None
            return a if a and a.get("advisory") == aid else None
        adv = H.wait_for(plat_advisory, timeout=30)
        t.ok(adv is not None and n is not None and adv["title"] == H.TITLE["zh-CN"] and
             adv["published_at"] == n["published_at"] and adv["url"] == n["url"],
             "platform: the provider's advisory_published is on the routing (as the hub's)",
             (adv, n))
        st, rc, text = plat.api("GET", f"/api/v1/receipts/{rec.get('status_token')}", who=None)
        prv = (rc or {}).get("providers") or [{}]
        t.ok(st == 200 and adv is not None and prv[0].get("advisory") == adv,
             "researcher: the status token shows the published advisory", text[:600])
        to_plat = [e for e in outbox(prov, plat.key_id) if e["type"] == "advisory_published"]
        t.ok(len(to_plat) == 1 and H.wait_for(
            lambda: all(e["state"] == "delivered" for e in outbox(prov, plat.key_id)
                        if e["type"] == "advisory_published")),
             "provider: one advisory_published to the platform, delivered", to_plat)

        def plat_status():
            st, j, _ = plat.api("GET", f"/api/v1/reports/{rec['id']}/routes")
            s = j["routes"][0].get("status") if st == 200 and j.get("routes") else None
            return s if s and s.get("state") == "published" else None
        s = H.wait_for(plat_status, timeout=30)
        t.ok(s is not None, "platform: the routing shows the case published", s)
        st, rc, text = plat.api("GET", f"/api/v1/receipts/{rec.get('status_token')}", who=None)
        prv = (rc or {}).get("providers") or [{}]
        t.ok(st == 200 and (prv[0].get("status") or {}).get("state") == "published",
             "researcher: the status token shows the case published", text[:400])

        # ---- exactly once across the crash
        hub_in = json.loads(hub.run("federation", "status", "--dir", hub.dir, "--json"))
        sent_to_hub = outbox(prov, hub.key_id) + outbox(plat, hub.key_id)
        t.ok(all(e["state"] == "delivered" for e in sent_to_hub) and
             hub_in["inbox"]["accepted"] == len(sent_to_hub),
             "exactly once: every envelope to the hub delivered and accepted once",
             {"sent": [(e["type"], e["state"]) for e in sent_to_hub],
              "hub inbox": hub_in["inbox"]})
        db_in = json.loads(db.run("federation", "status", "--dir", db.dir, "--json"))
        to_db = outbox(hub, db.key_id)
        t.ok(len(to_db) == 1 and to_db[0]["state"] == "delivered" and
             db_in["inbox"]["accepted"] == 1,
             "exactly once: one relay, accepted once by the database",
             {"sent": to_db, "db inbox": db_in["inbox"]})
        st, j, _ = hub.api("GET", "/api/v1/hub/reports")
        t.ok([x["case_ref"] for x in j["reports"]] == [str(cid)],
             "exactly once: the hub holds the report once", j)

        # ---- refusals at the hub
        with open(os.path.join(prov.dir, "keys", "log.key"), "rb") as f:
            pkey = serialization.load_pem_private_key(f.read(), None)
        stranger = ed25519.Ed25519PrivateKey.generate()
        sid = hashlib.sha256(stranger.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()
        st, code = post_env(hub, signed(stranger, sid, hub.key_id, "ping", "e-x1", {}))
        t.ok(st == 403 and code == "unknown_peer", "refused: an envelope from an unknown peer",
             (st, code))
        st, code = post_env(hub, signed(stranger, prov.key_id, hub.key_id, "ping", "e-x2", {}))
        t.ok(st == 401 and code == "bad_signature", "refused: a forged signature", (st, code))
        eid = "e-" + secrets.token_hex(16)
        st, code = post_env(hub, signed(pkey, prov.key_id, hub.key_id, "ping", eid, {"n": 1}))
        t.ok(st == 201, "a ping signed with the provider's key is accepted", (st, code))
        st, code = post_env(hub, signed(pkey, prov.key_id, hub.key_id, "ping", eid, {"n": 2}))
        t.ok(st == 409 and code == "replayed_id", "refused: a replay of the id", (st, code))
    except Exception as ex:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        t.ok(False, f"the test ran to its end ({ex})")
    finally:
        for n in nodes:
            n.stop()
        for n in nodes:
            log = n.stderr()
            t.ok(not any(m in log for m in H.SANITIZER_MARKS),
                 f"{n.name}: no sanitizer report", log[-3000:])
        if a.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{t.n}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
