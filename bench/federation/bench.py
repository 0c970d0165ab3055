#!/usr/bin/python3
"""bench/federation/bench.py - the measurements of bench/federation/run (see its --help)."""

import argparse
import base64
import datetime
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives import serialization

PREFIX = b"vulnflow-envelope/1\n"
LUA_INBOX = r"""
local bodies = {}
local idx, stride = 0, 1
function setup(thread)
  thread:set("tid", __tid or 0)
  __tid = (__tid or 0) + 1
end
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  stride = tonumber(args[2])
  idx = tid
end
function request()
  local b = bodies[(idx % #bodies) + 1]
  idx = idx + stride
  return wrk.format("POST", "/api/v1/federation/inbox",
                    {["Content-Type"] = "application/json"}, b)
end
"""
LUA_OUTBOX = r"""
local body, token
function init(args)
  body = args[1]
  token = args[2]
end
function request()
  return wrk.format("POST", "/api/v1/federation/outbox",
                    {["Content-Type"] = "application/json",
                     ["Authorization"] = "Bearer " .. token}, body)
end
"""


def log(*a):
    print("bench/federation:", *a, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jcs(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_us(s):
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
    return int(d.replace(tzinfo=datetime.timezone.utc).timestamp() * 1e6)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Inst:
    def __init__(self, binary, tmp, name, role, sig):
        self.binary, self.name = binary, name
        self.dir = os.path.join(tmp, name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cli("init", "--dir", self.dir, "--role", role, "--log-sig", sig)
        self.token = json.loads(self.cli("token", "create", "--dir", self.dir, "--user",
                                         "admin@vulnflow.local", "--name", "bench",
                                         "--json"))["token"]
        k = json.loads(self.cli("peer", "key", "--dir", self.dir, "--json"))
        self.key, self.key_id = k["key"], k["key_id"]
        self.proc = None
        self.threads = 32

    def cli(self, *args):
        p = subprocess.run([self.binary, *args], capture_output=True, text=True)
        if p.returncode:
            raise RuntimeError(f"vulnflow {' '.join(args)}: {p.stderr}")
        return p.stdout

    def start(self):
        self.err = open(os.path.join(self.dir, "..", self.name + ".stderr"), "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--dir", self.dir, "--listen", f"127.0.0.1:{self.port}",
             "--set", "access_log=0", "--set", "intake_rate_limit=0",
             "--set", f"threads={self.threads}"],
            stdout=subprocess.PIPE, stderr=self.err, text=True)
        if "listening" not in self.proc.stdout.readline():
            raise RuntimeError(f"{self.name} did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)

    def db(self, sql):
        c = sqlite3.connect(f"file:{self.dir}/vulnflow.db?mode=ro", uri=True, timeout=30)
        try:
            return c.execute(sql).fetchone()
        finally:
            c.close()


def cpu_s(*procs):
    """CPU seconds (user + system) used so far by these processes, all threads."""
    t = 0
    for p in procs:
        with open(f"/proc/{p.pid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()
        t += int(st[11]) + int(st[12])
    return t / os.sysconf("SC_CLK_TCK")


def wrk(url, script, duration, conns, args):
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "-s", script, url,
                          "--", *args], capture_output=True, text=True)
    return out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--strict", type=int, default=0)
    ap.add_argument("--keep", type=int, default=0)
    ap.add_argument("--hub-sig", default="sm2")
    ap.add_argument("--threads", type=int, default=32)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vf-bench-federation-")
    load0 = f"{os.getloadavg()[0]:.1f}"
    hub = prov = None
    try:
        hub = Inst(a.binary, tmp, "hub", "hub", a.hub_sig)
        prov = Inst(a.binary, tmp, "provider", "provider", "ed25519")
        hub.threads = prov.threads = a.threads
        prov.cli("peer", "add", "--dir", prov.dir, "--url", hub.url, "--role", "hub", "--key",
                 hub.key, "--jurisdiction", "CN")
        hub.cli("peer", "add", "--dir", hub.dir, "--url", prov.url, "--role", "provider",
                "--key", prov.key, "--jurisdiction", "CN")
        with open(os.path.join(prov.dir, "keys", "log.key"), "rb") as f:
            pkey = serialization.load_pem_private_key(f.read(), None)
        hub.start()
        prov.start()

        # 1. baseline: the inbox alone, pre-signed envelopes
        n = a.duration * 12000
        log(f"signing {n} envelopes for the baseline")
        bodies = os.path.join(tmp, "envelopes.txt")
        with open(bodies, "w") as f:
            created = utc_now()
            for i in range(n):
                e = {"from": prov.key_id, "to": hub.key_id, "type": "ping",
                     "id": f"b-{i}", "created_at": created, "body": {"i": i}}
                e["signature"] = b64url(pkey.sign(PREFIX + jcs(e)))
                f.write(jcs(e).decode() + "\n")
        lua = os.path.join(tmp, "inbox.lua")
        with open(lua, "w") as f:
            f.write(LUA_INBOX)
        log("baseline: wrk against the hub's inbox")
        before = hub.db("SELECT COUNT(*) FROM federation_inbox")[0]
        c0 = cpu_s(hub.proc)
        t0 = time.time()
        wrk(hub.url, lua, a.duration, a.connections, [bodies, "2"])
        el = time.time() - t0
        base_n = hub.db("SELECT COUNT(*) FROM federation_inbox")[0] - before
        base_rate = base_n / el
        base_cpu = (cpu_s(hub.proc) - c0) / max(base_n, 1) * 1e6
        # baseline latency: one pre-signed envelope at a time
        lat_base = []
        c = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=30)
        for i in range(a.samples):
            e = {"from": prov.key_id, "to": hub.key_id, "type": "ping", "id": f"l-{i}",
                 "created_at": utc_now(), "body": {}}
            e["signature"] = b64url(pkey.sign(PREFIX + jcs(e)))
            body = jcs(e)
            s = time.perf_counter()
            c.request("POST", "/api/v1/federation/inbox", body=body,
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            lat_base.append((time.perf_counter() - s) * 1000)
            if r.status != 201:
                raise RuntimeError(f"baseline latency: HTTP {r.status}")
        c.close()

        # 2. end to end through the provider's outbox
        lua2 = os.path.join(tmp, "outbox.lua")
        with open(lua2, "w") as f:
            f.write(LUA_OUTBOX)
        log("federation: wrk queues pings on the provider")
        sent0 = prov.db("SELECT COUNT(*) FROM federation_outbox")[0]
        hub0 = hub.db("SELECT COUNT(*) FROM federation_inbox")[0]
        c0 = cpu_s(hub.proc, prov.proc)
        wrk(prov.url, lua2, a.duration, a.connections,
            [json.dumps({"peer": hub.key_id, "type": "ping", "body": {"bench": True}}),
             prov.token])
        deadline = time.time() + 600
        while time.time() < deadline:
            q = prov.db("SELECT COUNT(*) FROM federation_outbox WHERE state = 'queued'")[0]
            if q == 0:
                break
            time.sleep(0.5)
        fed_cpu = cpu_s(hub.proc, prov.proc) - c0
        cnt, first, last, failed = prov.db(
            "SELECT COUNT(*), MIN(created_at), MAX(delivered_at),"
            " SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) FROM federation_outbox"
            f" WHERE id > {sent0}")
        delivered = prov.db("SELECT COUNT(*) FROM federation_outbox WHERE state = 'delivered'"
                            f" AND id > {sent0}")[0]
        hub_new = hub.db("SELECT COUNT(*) FROM federation_inbox")[0] - hub0
        fed_rate = delivered / ((last - first) / 1e6) if delivered else 0.0
        fed_cpu = fed_cpu / max(delivered, 1) * 1e6
        leaves_p = prov.db("SELECT COUNT(*) FROM tlog_leaves")[0]
        retried = prov.db("SELECT COUNT(*) FROM federation_outbox WHERE attempts > 1"
                          f" AND id > {sent0}")[0]

        # 3. latency unloaded
        log("latency: one ping at a time")
        lat = []
        c = http.client.HTTPConnection("127.0.0.1", prov.port, timeout=30)
        for i in range(a.samples):
            c.request("POST", "/api/v1/federation/outbox",
                      body=json.dumps({"peer": hub.key_id, "type": "ping", "body": {},
                                       "wait_ms": 5000}),
                      headers={"Content-Type": "application/json",
                               "Authorization": f"Bearer {prov.token}"})
            r = c.getresponse()
            j = json.loads(r.read())
            if j.get("state") != "delivered":
                raise RuntimeError(f"latency: not delivered: {j}")
            lat.append((parse_us(j["delivered_at"]) - parse_us(j["created_at"])) / 1000)
        c.close()
    finally:
        for i in (prov, hub):
            if i is not None:
                i.stop()
    ok_rate = fed_rate >= 2000
    ok_lat = pct(lat, 99) <= 50
    print("## federation\n")
    print(f"Two instances on loopback (SQLite, WAL, `synchronous=FULL`; `threads={a.threads}`), "
          f"{a.connections} wrk connections for {a.duration} s; the provider signs with Ed25519, "
          f"the hub with {a.hub_sig.upper()} (SM3 logs). Every envelope: signed, an outbound "
          "leaf and outbox row committed on the provider, POSTed (up to 32 per request), "
          "verified, a federation leaf and inbox row committed on the hub, its receipt (the "
          "leaf, its inclusion proof and the batch's signed tree head) returned, checked and "
          "stored on the provider.\n")
    print("| measurement | result | target |")
    print("|---|---|---|")
    print(f"| baseline: hub inbox alone, pre-signed envelopes (accepted/s) | {base_rate:,.0f} | |")
    print(f"| baseline: hub CPU per accepted envelope (µs, all threads) | {base_cpu:,.0f} | |")
    print(f"| baseline: one envelope at a time, p50 / p99 (ms, client) | "
          f"{pct(lat_base, 50):.1f} / {pct(lat_base, 99):.1f} | |")
    print(f"| provider -> hub through the outbox (delivered/s) | {fed_rate:,.0f} "
          f"({delivered} delivered, {failed or 0} failed, {retried} retried; hub accepted "
          f"{hub_new}) | >= 2,000 {'met' if ok_rate else 'MISSED'} |")
    print(f"| through the outbox: CPU per delivered envelope, both processes (µs) | "
          f"{fed_cpu:,.0f} | |")
    print(f"| end-to-end latency unloaded, p50 / p99 (ms) | {pct(lat, 50):.1f} / "
          f"{pct(lat, 99):.1f} | p99 <= 50 {'met' if ok_lat else 'MISSED'} |")
    print(f"\n(provider log: {leaves_p} leaves; load average at the start {load0}, at the end "
          f"{os.getloadavg()[0]:.1f}, on {os.cpu_count()} CPUs)")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        log(f"kept {tmp}")
    return 1 if a.strict and not (ok_rate and ok_lat) else 0


if __name__ == "__main__":
    sys.exit(main())
