#!/usr/bin/python3
"""tests/federation/run.py - two vulnflow instances exchanging signed envelopes (issue 9).

Usage:
    /usr/bin/python3 tests/federation/run.py --binary build-check/vulnflow [--keep]
        [--hub-db postgresql://... --provider-db postgresql://...]

Starts a hub (SM2 key, SM3 log) and a provider (Ed25519 key) on loopback, each
in its own temporary directory with SQLite, `vulnflow serve --listen
127.0.0.1:PORT --set test_clock=1`.  Keys are exchanged with `vulnflow peer
key` / `vulnflow peer add`.  Then:

  outbox        a ping provider -> hub through the outbox: delivered once, the
                hub's signed receipt stored on the provider; a leaf on each side
                (outbound on the provider, federation on the hub, the receipt's
                leaf hash recomputed from the hub's leaf entry)
  inbox         envelopes crafted here, signed with the provider's Ed25519
                key: accepted (201), the same again (200, the same receipt, no
                second leaf), a replay of the id with other content (409
                replayed_id), a forged signature (401 bad_signature), an unknown
                peer (403 unknown_peer), an expired one (422 expired), one for
                another recipient (422 wrong_recipient), garbage (400); every
                refusal listed by `vulnflow federation status --json`; the
                receipt checked without vulnflow (tests/intake/tlogverify.py and
                openssl), and with another tree-head signature refused
  inbox batch   an array of envelopes: results in order (new, forged, known,
                new), a receipt for each proving its leaf, the same batch again
                (the same receipts, no new leaf), 65 envelopes (413), malformed
                arrays (400)
  hub_report    an authority_report envelope: stored on the hub, listed by GET
                /api/v1/hub/reports with learned_at and the 2-day check
  crash         40 pings queued, the hub SIGKILLed while they are delivered,
                restarted on the same port: every envelope delivered, each
                exactly once on the hub (inbox rows = leaves = envelopes)
  peers         peer list, remove (then refused as unknown_peer), add again

Each line is "ok N - ..." or "not ok N - ..."; exit 1 if anything failed or a
server printed a sanitizer report.
"""

import argparse
import base64
import datetime
import hashlib
import http.client
import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

# the receipts' proofs are checked with the independent verifier of the receipt log
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "intake"))
import tlogverify  # noqa: E402
# free_port() of tests/federation/hub.py (never one port twice), loaded by its path:
# platform.py loads this file the same way and keeps this directory off sys.path
_hub_spec = importlib.util.spec_from_file_location(
    "fedhub", os.path.join(os.path.dirname(os.path.abspath(__file__)), "hub.py"))
_hub = importlib.util.module_from_spec(_hub_spec)
_hub_spec.loader.exec_module(_hub)
free_port = _hub.free_port

SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"]
PREFIX = b"vulnflow-envelope/1\n"


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
            d = str(detail).replace("\n", "\n#   ")
            print(f"not ok {self.n} - {name}\n#   {d}", flush=True)
        return cond


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jcs(obj):
    """RFC 8785 for what this test builds: ASCII keys, strings, integers."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def utc(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def sign_env(key, env):
    e = dict(env)
    e.pop("signature", None)
    e["signature"] = b64url(key.sign(PREFIX + jcs(e)))
    return e


def key_id_of(pub):
    der = pub.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


class Instance:
    def __init__(self, binary, tmp, name, role, sig, db=None):
        self.binary = binary
        self.name = name
        self.role = role
        self.dir = os.path.join(tmp, name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.stderr_path = os.path.join(tmp, name + ".stderr")
        self.stderr_log = ""
        self.run("init", "--dir", self.dir, "--role", role, "--log-sig", sig,
                 *(["--db", db] if db else []))
        out = self.run("token", "create", "--dir", self.dir, "--user", "admin@vulnflow.local",
                       "--name", "fedtest", "--json")
        self.token = json.loads(out)["token"]
        k = json.loads(self.run("peer", "key", "--dir", self.dir, "--json"))
        self.key, self.key_id = k["key"], k["key_id"]

    def run(self, *args, check=True):
        p = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"{self.name}: vulnflow {' '.join(args)}: {p.stderr.strip()}")
        return p.stdout

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
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.err_f.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.err_f.close()

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def api(self, method, path, body=None, raw=None, auth=True):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        hdrs = {"Content-Type": "application/json"}
        if auth:
            hdrs["Authorization"] = f"Bearer {self.token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                             else None)
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        text = r.read()
        c.close()
        try:
            j = json.loads(text) if text else None
        except ValueError:
            j = None
        return r.status, j, text

    def status(self):
        return json.loads(self.run("federation", "status", "--dir", self.dir, "--json",
                                   "--limit", "1000"))

    def sth(self):
        return self.api("GET", "/api/v1/log/sth")[1]

    def leaf_entry(self, idx):
        st, j, _ = self.api("GET", f"/api/v1/log/leaves?start={idx}&end={idx + 1}")
        return bytes.fromhex(j["leaves"][0]["entry"]) if st == 200 else None


def receipt_proves(rc, peer, sender_key_id, envelope_id, type_, sha):
    """Check a receipt (docs/internals/federation.md "The receipt") without vulnflow: the
    leaf logs this envelope, the path leads to the tree head, the peer's key signed it."""
    try:
        body, proof = rc["body"], rc["proof"]
        sth = proof["sth"]
        alg = sth["hash_alg"]
        der = base64.urlsafe_b64decode(peer.key.split(":", 1)[1] + "==")
        entry = bytes.fromhex(proof["entry"])
        payload = json.dumps({"channel": "federation", "envelope_sha256": sha,
                              "from": sender_key_id, "id": envelope_id, "kind": "envelope",
                              "type": type_, "v": 1},
                             sort_keys=True, separators=(",", ":")).encode()
        leaf = tlogverify.leaf_hash(alg, entry)
        return (rc["type"] == "receipt" and rc["v"] == 2 and rc["from"] == peer.key_id and
                rc["to"] == sender_key_id and body["envelope_id"] == envelope_id and
                entry[0] == 1 and entry[1] == 4 and entry[2] == 0 and
                entry[11:] == tlogverify.H(alg, payload) and
                leaf.hex() == body["leaf_hash"] and
                tlogverify.verify_inclusion(alg, leaf, body["leaf_index"], sth["tree_size"],
                                            [bytes.fromhex(x) for x in proof["audit_path"]],
                                            bytes.fromhex(sth["root_hash"])) and
                body["log_id"] == tlogverify.log_id_of(alg, der) and
                tlogverify.openssl_verify(der, sth["sig_alg"],
                                          tlogverify.sth_message(body["log_id"],
                                                                 sth["tree_size"],
                                                                 sth["timestamp"],
                                                                 sth["root_hash"]),
                                          bytes.fromhex(sth["signature"])))
    except (KeyError, TypeError, ValueError, tlogverify.VerifyError):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--hub-db", help="an empty PostgreSQL database for the hub")
    ap.add_argument("--provider-db", help="an empty PostgreSQL database for the provider")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    tmp = tempfile.mkdtemp(prefix="vf-federation-")
    t = Tap()
    hub = prov = third = None
    try:
        hub = Instance(binary, tmp, "hub", "hub", "sm2", a.hub_db)
        prov = Instance(binary, tmp, "provider", "provider", "ed25519", a.provider_db)
        with open(os.path.join(prov.dir, "keys", "log.key"), "rb") as f:
            pkey = serialization.load_pem_private_key(f.read(), None)
        t.ok(key_id_of(pkey.public_key()) == prov.key_id, "peers: key id is SHA-256 of the DER key")
        prov.run("peer", "add", "--dir", prov.dir, "--url", hub.url, "--role", "hub", "--key",
                 hub.key, "--jurisdiction", "CN")
        hub.run("peer", "add", "--dir", hub.dir, "--url", prov.url, "--role", "provider",
                "--key", prov.key, "--jurisdiction", "CN", "--name", "Acme PSIRT")
        peers = json.loads(hub.run("peer", "list", "--dir", hub.dir, "--json"))
        t.ok(len(peers) == 1 and peers[0]["key_id"] == prov.key_id and
             peers[0]["role"] == "provider" and peers[0]["name"] == "Acme PSIRT",
             "peers: the hub lists the provider", peers)
        p = subprocess.run([binary, "peer", "add", "--dir", hub.dir, "--url", prov.url, "--role",
                            "provider", "--key", prov.key, "--jurisdiction", "CN"],
                           capture_output=True, text=True)
        t.ok(p.returncode == 1 and "already peer" in p.stderr, "peers: adding twice is refused",
             p.stderr)
        p = subprocess.run([binary, "peer", "add", "--dir", hub.dir, "--url", prov.url, "--role",
                            "king", "--key", prov.key, "--jurisdiction", "CN"],
                           capture_output=True, text=True)
        t.ok(p.returncode == 1 and "role" in p.stderr, "peers: a bad role is refused", p.stderr)
        hub.start()
        prov.start()

        # ---- outbox: provider -> hub
        st, out, _ = prov.api("POST", "/api/v1/federation/outbox",
                              {"peer": hub.key_id, "type": "ping", "body": {"n": 1},
                               "wait_ms": 10000})
        t.ok(st == 201 and out["state"] == "delivered" and out["attempts"] == 1,
             "outbox: a ping is delivered on the first attempt", out)
        rc = out["receipt"] or {}
        t.ok(rc.get("type") == "receipt" and rc.get("from") == hub.key_id and
             rc.get("to") == prov.key_id and rc["body"]["envelope_id"] == out["id"] and
             rc["body"]["envelope_sha256"] == out["envelope_sha256"],
             "outbox: the hub's receipt names the envelope", rc)
        ps, hs = prov.sth(), hub.sth()
        t.ok(ps["tree_size"] >= 1 and out["leaf_index"] < ps["tree_size"],
             "outbox: the provider logged the envelope (outbound leaf)", ps)
        pe = prov.leaf_entry(out["leaf_index"])
        t.ok(pe is not None and pe[1] == 5, "outbox: the provider's leaf is channel outbound", pe)
        he = hub.leaf_entry(rc["body"]["leaf_index"])
        t.ok(he is not None and he[1] == 4 and
             hashlib.new("sm3", b"\x00" + he).hexdigest() == rc["body"]["leaf_hash"],
             "inbox: the hub's leaf is channel federation and hashes to the receipt's leaf_hash",
             he)
        t.ok(receipt_proves(rc, hub, prov.key_id, out["id"], "ping", out["envelope_sha256"]),
             "outbox: the receipt proves the envelope in the hub's log (its leaf, the "
             "inclusion proof, the hub's SM2-signed tree head; checked with openssl)", rc)
        forged = json.loads(json.dumps(rc))
        sig = forged["proof"]["sth"]["signature"]
        forged["proof"]["sth"]["signature"] = sig[:-2] + ("00" if sig[-2:] != "00" else "01")
        t.ok(not receipt_proves(forged, hub, prov.key_id, out["id"], "ping",
                                out["envelope_sha256"]),
             "outbox: the same receipt with another tree-head signature proves nothing", forged)
        st, j, _ = prov.api("GET", f"/api/v1/federation/outbox/{out['id']}")
        t.ok(st == 200 and j["state"] == "delivered" and j["remote_leaf_index"] ==
             rc["body"]["leaf_index"], "outbox: GET one envelope", j)
        st, j, _ = prov.api("GET", "/api/v1/federation/outbox?state=delivered")
        t.ok(st == 200 and any(e["id"] == out["id"] for e in j["envelopes"]),
             "outbox: GET the list by state", j)
        st, j, _ = prov.api("GET", "/api/v1/federation/outbox", auth=False)
        t.ok(st == 401, "outbox: needs a login", st)

        # ---- inbox: crafted envelopes
        def craft(eid, body, typ="ping", to=None, key=pkey, frm=None, **extra):
            e = {"from": frm or key_id_of(key.public_key()), "to": to or hub.key_id,
                 "type": typ, "id": eid, "created_at": utc(now()), "body": body}
            e.update(extra)
            return sign_env(key, e)

        def post(env_or_raw):
            raw = env_or_raw if isinstance(env_or_raw, bytes) else jcs(env_or_raw)
            return hub.api("POST", "/api/v1/federation/inbox", raw=raw, auth=False)

        size0 = hub.sth()["tree_size"]
        e1 = craft("t-" + secrets.token_hex(4), {"hello": "世界"})
        st1, r1, raw1 = post(e1)
        t.ok(st1 == 201 and r1["type"] == "receipt" and r1["body"]["envelope_id"] == e1["id"],
             "inbox: a signed envelope is accepted (201, receipt)", raw1)
        st2, r2, raw2 = post(json.dumps(e1, indent=2).encode())
        t.ok(st2 == 200 and raw2 == raw1, "inbox: the same envelope again: 200, the same receipt",
             (st2, raw2))
        t.ok(hub.sth()["tree_size"] == size0 + 1, "inbox: ... and no second leaf",
             (size0, hub.sth()))
        e3 = craft(e1["id"], {"hello": "other"})
        st, j, _ = post(e3)
        t.ok(st == 409 and j["error"]["code"] == "replayed_id", "inbox: replayed id refused", j)
        e4 = dict(e1)
        e4["body"] = {"hello": "forged"}
        st, j, _ = post(e4)
        t.ok(st == 401 and j["error"]["code"] == "bad_signature",
             "inbox: forged signature refused", j)
        stranger = ed25519.Ed25519PrivateKey.generate()
        st, j, _ = post(craft("s-1", {}, key=stranger))
        t.ok(st == 403 and j["error"]["code"] == "unknown_peer", "inbox: unknown peer refused", j)
        past = now() - datetime.timedelta(minutes=10)
        e5 = craft("x-1", {}, created_at=utc(past - datetime.timedelta(minutes=1)),
                   expires_at=utc(past))
        st, j, _ = post(e5)
        t.ok(st == 422 and j["error"]["code"] == "expired", "inbox: expired refused", j)
        st, j, _ = post(craft("w-1", {}, to=prov.key_id))
        t.ok(st == 422 and j["error"]["code"] == "wrong_recipient",
             "inbox: another recipient's envelope refused", j)
        st, j, _ = post(b"{not json")
        t.ok(st == 400 and j["error"]["code"] == "malformed_envelope", "inbox: garbage refused", j)
        st, j, _ = post(craft("u-1", {}, typ="launch_codes"))
        t.ok(st == 422 and j["error"]["code"] == "unsupported_type",
             "inbox: unknown type refused", j)
        t.ok(hub.sth()["tree_size"] == size0 + 1, "inbox: refusals append no leaf", hub.sth())
        hs = hub.status()
        codes = sorted(r["code"] for r in hs["refusals"])
        want = sorted(["replayed_id", "bad_signature", "unknown_peer", "expired",
                       "wrong_recipient", "malformed_envelope", "unsupported_type"])
        t.ok(codes == want and hs["inbox"]["refused"] == len(want),
             "inbox: every refusal is stored with its code", codes)
        st, hj, _ = hub.api("GET", "/api/v1/federation/status?limit=1000")
        t.ok(st == 200 and hj["inbox"] == hs["inbox"] and hj["outbox"] == hs["outbox"] and
             sorted(r["code"] for r in hj["refusals"]) == want and
             [p["key_id"] for p in hj["peers"]] == [p["key_id"] for p in hs["peers"]],
             "status: GET /api/v1/federation/status says what the CLI says", hj)
        st, j, _ = hub.api("GET", "/api/v1/federation/status", auth=False)
        t.ok(st == 401, "status: not without a login", (st, j))
        # moving the hub's clock past an envelope's expiry: its retry still gets the receipt
        e6 = craft("x-2", {}, expires_at=utc(now() + datetime.timedelta(seconds=30)))
        st6, _, raw6 = post(e6)
        hub.api("POST", "/api/v1/test/clock", {"now": utc(now() + datetime.timedelta(hours=1))})
        st, _, raw = post(e6)
        t.ok(st6 == 201 and st == 200 and raw == raw6,
             "inbox: a retry after expiry still answers the stored receipt", (st6, st))
        e7 = craft("x-3", {}, created_at=utc(now() - datetime.timedelta(minutes=1)),
                   expires_at=utc(now() + datetime.timedelta(minutes=30)))
        st, j, _ = post(e7)
        t.ok(st == 422 and j["error"]["code"] == "expired",
             "inbox: expired by the hub's (test) clock", j)
        hub.api("POST", "/api/v1/test/clock", {"now": None})

        # ---- inbox: several envelopes in one POST (how the outbox delivers them)
        size1 = hub.sth()["tree_size"]
        b1 = craft("b-" + secrets.token_hex(4), {"n": 1})
        b2 = craft("b-" + secrets.token_hex(4), {"n": 2})
        bad = dict(b1)
        bad["id"] = "b-forged-" + secrets.token_hex(4)
        batch = b"[" + jcs(b1) + b",\n " + jcs(bad) + b"," + jcs(e1) + b"," + jcs(b2) + b"]"
        st, j, raw = post(batch)
        res = (j or {}).get("results") or []
        t.ok(st == 200 and [x.get("status") for x in res] == [201, 401, 200, 201] and
             res[1]["error"]["code"] == "bad_signature" and res[2]["receipt"] == r1,
             "inbox batch: results in order (new, forged, the same as before, new)", raw)
        t.ok(len(res) == 4 and all(
            receipt_proves(res[i]["receipt"], hub, prov.key_id, e["id"], "ping",
                           hashlib.sha256(jcs(e)).hexdigest())
            for i, e in ((0, b1), (3, b2))),
             "inbox batch: each new envelope's receipt proves its own leaf", res)
        t.ok(hub.sth()["tree_size"] == size1 + 2, "inbox batch: one leaf per new envelope",
             (size1, hub.sth()))
        st, j2, _ = post(batch)
        res2 = (j2 or {}).get("results") or []
        t.ok(st == 200 and [x.get("status") for x in res2] == [200, 401, 200, 200] and
             res2[0]["receipt"] == res[0]["receipt"] and res2[3]["receipt"] == res[3]["receipt"]
             and hub.sth()["tree_size"] == size1 + 2,
             "inbox batch: the same batch again: the same receipts, no new leaf", res2)
        st, j, _ = post(b"[" + b",".join([jcs(b1)] * 65) + b"]")
        t.ok(st == 413 and j["error"]["code"] == "batch_too_large",
             "inbox batch: more than 64 envelopes refused (413)", j)
        for raw_bad in (b"[" + jcs(b1) + b",", b"[]", b"[" + jcs(b1) + b",1]"):
            st, j, _ = post(raw_bad)
            t.ok(st == 400 and j["error"]["code"] == "malformed_envelope",
                 f"inbox batch: a malformed batch is refused as malformed ({raw_bad[-8:]!r})", j)

        # ---- hub: an authority report
        content = json.dumps({"case_id": 7, "document": "报送", "learned_at":
                              "2026-11-24T01:00:00.000000Z"}, sort_keys=True,
                             separators=(",", ":"), ensure_ascii=False)
        learned = utc(now() - datetime.timedelta(hours=20))
        ar = craft("e-ar-" + secrets.token_hex(4),
                   {"case_ref": "7", "version": 1, "content": content,
                    "content_sha256": hashlib.sha256(content.encode()).hexdigest(),
                    "learned_at": learned}, typ="authority_report")
        st, j, _ = post(ar)
        t.ok(st == 201 and j["body"]["envelope_type"] == "authority_report",
             "hub_report: accepted with a receipt", j)
        st, j, _ = hub.api("GET", "/api/v1/hub/reports")
        rep = (j or {}).get("reports", [{}])[0] if st == 200 else {}
        t.ok(st == 200 and rep.get("case_ref") == "7" and rep.get("version") == 1 and
             rep["provider"]["key_id"] == prov.key_id and rep["provider"]["name"] ==
             "Acme PSIRT" and rep["learned_at"] == learned and rep["within_2_days"] is True,
             "hub_report: listed with provider, learned_at and the 2-day check", j)
        bad = craft("e-ar-bad", {"case_ref": "7", "version": 1, "content": content,
                                 "content_sha256": "00" * 32, "learned_at": None},
                    typ="authority_report")
        st, j, _ = post(bad)
        t.ok(st == 422 and j["error"]["code"] == "invalid_body",
             "hub_report: a wrong content hash is refused", j)
        st, j, _ = prov.api("GET", "/api/v1/hub/reports")
        t.ok(st == 404, "hub_report: not on a provider", st)

        # ---- crash: kill the hub while 40 envelopes are delivered
        base_in = hub.status()["inbox"]["accepted"]
        ids = []
        for i in range(40):
            st, j, _ = prov.api("POST", "/api/v1/federation/outbox",
                                {"peer": hub.key_id, "type": "ping", "body": {"i": i}})
            if st == 201:
                ids.append(j["id"])
            if i == 10:
                hub.kill()
        t.ok(len(ids) == 40, "crash: 40 envelopes queued while the hub dies", len(ids))
        time.sleep(1.5)
        hub.start()
        deadline = time.time() + 90
        states = {}
        while time.time() < deadline:
            st, j, _ = prov.api("GET", "/api/v1/federation/outbox?limit=1000")
            states = {e["id"]: e for e in j["envelopes"] if e["id"] in ids}
            if all(e["state"] != "queued" for e in states.values()) and len(states) == 40:
                break
            time.sleep(0.5)
        t.ok(len(states) == 40 and all(e["state"] == "delivered" for e in states.values()),
             "crash: every envelope delivered after the restart",
             {k: (v["state"], v["last_error"]) for k, v in states.items()
              if v["state"] != "delivered"})
        retried = sum(1 for e in states.values() if e["attempts"] > 1)
        t.ok(retried > 0, "crash: some needed more than one attempt (backoff)", retried)
        hs = hub.status()
        t.ok(hs["inbox"]["accepted"] == base_in + 40,
             "crash: the hub accepted each exactly once", (base_in, hs["inbox"]))
        remote = sorted(e["remote_leaf_index"] for e in states.values())
        t.ok(len(set(remote)) == 40, "crash: 40 distinct hub leaves, none twice", remote)
        t.ok(hub.sth()["tree_size"] == hs["inbox"]["accepted"],
             "crash: hub leaves = envelopes accepted", (hub.sth(), hs["inbox"]))
        ps = prov.status()
        t.ok(ps["outbox"]["queued"] == 0 and ps["outbox"]["failed"] == 0 and
             ps["outbox"]["delivered"] == 41, "crash: `federation status` on the provider",
             ps["outbox"])
        txt = prov.run("federation", "status", "--dir", prov.dir)
        t.ok("41 delivered" in txt, "status: the text form", txt[:200])

        # ---- two peers: envelopes to the hub and to a third instance queued alternately are
        # delivered peer by peer (each worker groups its due rows by peer), each once
        third = Instance(binary, tmp, "third", "database", "ed25519")
        prov.run("peer", "add", "--dir", prov.dir, "--url", third.url, "--role", "database",
                 "--key", third.key, "--jurisdiction", "CN")
        third.run("peer", "add", "--dir", third.dir, "--url", prov.url, "--role", "provider",
                  "--key", prov.key, "--jurisdiction", "CN")
        third.start()
        base_hub = hub.status()["inbox"]["accepted"]
        ids = []
        for i in range(32):
            st, j, _ = prov.api("POST", "/api/v1/federation/outbox",
                                {"peer": (hub, third)[i % 2].key_id, "type": "ping",
                                 "body": {"i": i}})
            if st == 201:
                ids.append(j["id"])
        deadline = time.time() + 60
        while time.time() < deadline:
            st, j, _ = prov.api("GET", "/api/v1/federation/outbox?limit=1000")
            states = {e["id"]: e for e in j["envelopes"] if e["id"] in ids}
            if len(states) == 32 and all(e["state"] != "queued" for e in states.values()):
                break
            time.sleep(0.3)
        t.ok(len(ids) == 32 and all(e["state"] == "delivered" and e["attempts"] == 1
                                    for e in states.values()) and
             hub.status()["inbox"]["accepted"] == base_hub + 16 and
             third.status()["inbox"]["accepted"] == 16,
             "two peers: 32 envelopes queued alternately, 16 accepted by each, each on the "
             "first attempt", {k: (v["peer"][:8], v["state"], v["attempts"])
                               for k, v in states.items()})

        # ---- peers: removal
        hub.run("peer", "remove", "--dir", hub.dir, prov.key_id[:12])
        st, j, _ = post(craft("after-remove", {}))
        t.ok(st == 403 and j["error"]["code"] == "unknown_peer",
             "peers: a removed peer is refused", j)
        hub.run("peer", "add", "--dir", hub.dir, "--url", prov.url, "--role", "provider",
                "--key", prov.key, "--jurisdiction", "CN")
        st, j, _ = post(craft("after-readd", {}))
        t.ok(st == 201, "peers: added again, accepted", j)
        p = subprocess.run([binary, "peer", "--help"], capture_output=True, text=True)
        t.ok(p.returncode == 0 and "peer add" in p.stdout, "cli: peer --help", p.stderr)
        p = subprocess.run([binary, "peer", "bogus", "--dir", hub.dir], capture_output=True,
                           text=True)
        t.ok(p.returncode == 2, "cli: unknown subcommand is a usage error", p.returncode)
    except Exception as ex:  # noqa: BLE001
        import traceback
        t.ok(False, "the run finished", traceback.format_exc())
        del ex
    finally:
        for inst in (prov, hub, third):
            if inst is not None:
                inst.stop()
                log = inst.stderr()
                t.ok(not any(m in log for m in SANITIZER_MARKS),
                     f"{inst.name}: no sanitizer report", log[-3000:])
        if a.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{t.n}")
    print(f"# {t.n - t.failed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
