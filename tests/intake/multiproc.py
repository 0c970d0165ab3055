#!/usr/bin/python3
"""tests/intake/multiproc.py - two `vulnflow serve` processes, one PostgreSQL database, one log.

Usage:
    /usr/bin/python3 tests/intake/multiproc.py --binary build-check/vulnflow
        --db postgresql://... [--threads 8] [--seconds 2] [--keep]

Two servers on the same instance directory and database (different ports)
take concurrent submissions (about one in ten of them invalid, so refusals
are logged too).  Afterwards:

  - every leaf index handed out is unique, and the log's leaves are 0..n-1;
  - every receipt's leaf is in the log as the receipt says, and every tree
    head (both processes') is the root of a prefix of one tree, recomputed by
    the test's own RFC 9162 code (tests/intake/tlogverify.py), with a valid
    signature (openssl);
  - every receipt's inclusion proof in the final tree, and the consistency
    proof from its tree head to the final one, verify (asked of both servers);
  - `vulnflow log verify` exits 0; both servers stop cleanly.

Without --db it prints a TAP skip (SQLite has one writer process by design).
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogverify  # noqa: E402

SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"]
PLAN = 11


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        print(f"1..{PLAN}", flush=True)

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            d = str(detail).replace("\n", "\n#   ")
            print(f"not ok {self.n} - {name}" + (f": {d}" if d else ""), flush=True)
        return cond


class Server:
    def __init__(self, binary, dir_, tmp, name):
        self.err_path = os.path.join(tmp, f"{name}.stderr")
        self.err_f = open(self.err_path, "w")
        self.proc = subprocess.Popen(
            [binary, "serve", "--dir", dir_, "--listen", "127.0.0.1:0", "--set",
             "intake_rate_limit=0", "--set", "access_log=0"],
            stdout=subprocess.PIPE, stderr=self.err_f, stdin=subprocess.DEVNULL, text=True)
        try:
            self.port = tlogverify.wait_listening(self.proc)
        except tlogverify.VerifyError as e:
            raise RuntimeError(f"server {name}: {e}") from None
        self.name = name

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            return r.status, body
        finally:
            c.close()

    def get_json(self, path):
        st, body = self.get(path)
        if st != 200:
            raise RuntimeError(f"{self.name} GET {path}: HTTP {st} {body[:300]!r}")
        return json.loads(body)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.err_f.close()
        with open(self.err_path, errors="replace") as f:
            return rc, f.read()


def report(tag, n, rnd):
    return {"title": f"多进程测试 {tag} 第{n}号：视频监控平台未授权访问",
            "description": "平台的 RTSP 服务未启用认证，任意用户均可拉取实时视频流。" * 20,
            "language": "zh-CN", "product": {"name": "视频监控平台", "version": "4.2"},
            "reporter": {"name": "陈静", "email": f"cj{rnd.randint(0, 10**6)}@example.cn",
                         "country": "CN"}}


def main():
    ap = argparse.ArgumentParser(description="two servers, one PostgreSQL receipt log")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--db", help="postgresql://... of an empty database")
    ap.add_argument("--threads", type=int, default=8, help="clients per server")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not args.db:
        print("1..0 # SKIP multiproc.py needs --db (PostgreSQL)")
        return 0
    binary = os.path.abspath(args.binary)
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="vf-multi-")
    dir_ = os.path.join(tmp, "instance")
    servers = []
    try:
        tlogverify.self_test()
        p = subprocess.run([binary, "init", "--dir", dir_, "--json", "--db", args.db],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"init exited {p.returncode}: {p.stderr.strip()}")
        servers = [Server(binary, dir_, tmp, "A"), Server(binary, dir_, tmp, "B")]
        tap.ok(servers[0].port != servers[1].port,
               f"two servers on one database (ports {servers[0].port}, {servers[1].port})")

        accepted, refused, problems = [], [], []
        lock = threading.Lock()
        deadline = time.time() + args.seconds

        def client(srv, t):
            rnd = random.Random(hash((srv.name, t)))
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            n = 0
            while time.time() < deadline:
                n += 1
                bad = rnd.random() < 0.1
                body = report(f"{srv.name}{t}", n, rnd)
                if bad:
                    body["reporter"]["country"] = "中国"
                c.request("POST", "/api/v1/reports",
                          body=json.dumps(body, ensure_ascii=False).encode(),
                          headers={"Content-Type": "application/json"})
                r = c.getresponse()
                data = r.read()
                with lock:
                    if not bad and r.status == 201:
                        accepted.append((srv.name, json.loads(data)["receipt"]))
                    elif bad and r.status == 422 and r.getheader("X-Vulnflow-Log-Leaf"):
                        refused.append((srv.name, int(r.getheader("X-Vulnflow-Log-Leaf"))))
                    else:
                        problems.append(f"{srv.name}: HTTP {r.status} {data[:200]!r}")
            c.close()

        ts = [threading.Thread(target=client, args=(s, t)) for s in servers
              for t in range(args.threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        per = {s.name: sum(1 for n, _ in accepted if n == s.name) for s in servers}
        tap.ok(not problems and all(v > 0 for v in per.values()),
               f"concurrent submissions: {len(accepted)} accepted {per}, {len(refused)} refused",
               "; ".join(problems[:5]))

        # leaf indexes: unique, and the log is exactly 0..n-1
        ex = tlogverify.export_log(binary, dir_)
        idx = [r["leaf_index"] for _, r in accepted] + [i for _, i in refused]
        dups = len(idx) - len(set(idx))
        try:
            tree = ex.tree()         # checks 0..n-1 in order and every stored hash
            terr = None
        except tlogverify.VerifyError as e:
            tree, terr = None, e
        tap.ok(dups == 0 and tree is not None and set(idx) <= set(range(len(tree))),
               f"leaf indexes unique and contiguous ({len(idx)} handed out, log of "
               f"{ex.tree_size})",
               f"{dups} duplicates; {terr}; out of range "
               f"{sorted(set(idx) - set(range(ex.tree_size)))[:10]}")
        if tree is None:
            raise RuntimeError("no tree to check against")

        # each receipt's leaf is the log's; refusals are refusals
        bad = [r["leaf_index"] for _, r in accepted if ex.entries[r["leaf_index"]].hex()
               != r["entry"]]
        bad += [i for _, i in refused if tlogverify.decode_entry(ex.entries[i])["disposition"]
                != 1]
        tap.ok(not bad, "every receipt's entry is the log's (and refusals are logged as such)",
               f"leaves {bad[:10]}")

        # every tree head of both processes is a prefix root of the one tree, signed
        chk = ex.checker()
        errs = []
        last = 0
        for s in ex.sths:
            if s["tree_size"] > len(tree) or tree.root(s["tree_size"]).hex() != s["root_hash"]:
                errs.append(f"tree head {s['tree_size']} ({s['timestamp']}) is not the tree's")
            if s["tree_size"] < last:
                errs.append(f"tree head {s['tree_size']} stored after one of {last}")
            last = max(last, s["tree_size"])
        tap.ok(not errs, f"all {len(ex.sths)} tree heads are roots of one tree, in order",
               "; ".join(errs[:5]))
        unsigned = [s["tree_size"] for s in ex.sths
                    if not chk.ok(s["tree_size"], s["timestamp"], s["root_hash"],
                                  s["signature"])]
        tap.ok(not unsigned, f"all {len(ex.sths)} tree heads' signatures verify (openssl)",
               f"sizes {unsigned[:10]}")

        # receipts on their own
        errs = []
        for _, r in accepted:
            try:
                tlogverify.check_receipt(r, chk)
            except tlogverify.VerifyError as e:
                errs.append(f"leaf {r['leaf_index']}: {e}")
        tap.ok(not errs, f"all {len(accepted)} receipts verify on their own", "; ".join(errs[:5]))

        # proofs against the final tree, asked of both servers
        sth = servers[0].get_json("/api/v1/log/sth")
        sth_b = servers[1].get_json("/api/v1/log/sth")
        final = sth["tree_size"]
        root = tlogverify.unhex(sth["root_hash"], "root", 32)
        errs = []
        if sth_b != sth:
            errs.append(f"the servers' latest tree heads differ: {sth} vs {sth_b}")
        if final != len(tree) or root != tree.root(final):
            errs.append(f"latest STH {final} is not the whole exported tree {len(tree)}")
        if not chk.ok(final, sth["timestamp"], sth["root_hash"], sth["signature"]):
            errs.append("latest STH signature")
        for k, (_, r) in enumerate(accepted):
            srv = servers[k % 2]
            i = r["leaf_index"]
            pr = srv.get_json(f"/api/v1/log/proof/inclusion?leaf_index={i}&tree_size={final}")
            path = [tlogverify.unhex(h, "path", 32) for h in pr["audit_path"]]
            if not tlogverify.verify_inclusion(tree.alg, tlogverify.unhex(r["leaf_hash"], "lh",
                                                                          32),
                                               i, final, path, root):
                errs.append(f"inclusion of leaf {i} in {final} (server {srv.name})")
        tap.ok(not errs, f"every receipt's inclusion proof in the final tree of {final} "
                         f"verifies", "; ".join(errs[:5]))
        errs = []
        for k, size in enumerate(sorted({r["sth"]["tree_size"] for _, r in accepted})):
            srv = servers[k % 2]
            first_root = [r for _, r in accepted if r["sth"]["tree_size"] == size][0]
            first_root = tlogverify.unhex(first_root["sth"]["root_hash"], "root", 32)
            pr = srv.get_json(f"/api/v1/log/proof/consistency?first={size}&second={final}")
            proof = [tlogverify.unhex(h, "proof", 32) for h in pr["proof"]]
            if not tlogverify.verify_consistency(tree.alg, size, final, first_root, root, proof):
                errs.append(f"consistency {size} -> {final} (server {srv.name})")
        tap.ok(not errs, "consistency from every receipt's tree head to the final one verifies",
               "; ".join(errs[:5]))

        p = subprocess.run([binary, "log", "verify", "--dir", dir_], capture_output=True,
                           text=True, timeout=300)
        tap.ok(p.returncode == 0, "vulnflow log verify exits 0",
               f"exit {p.returncode}: {p.stdout[-1500:]} {p.stderr[-500:]}")

        results = [s.stop() for s in servers]
        servers = []
        marks = [(rc, m, err) for rc, err in results for m in SANITIZER_MARKS if m in err]
        tap.ok(all(rc == 0 for rc, _ in results) and not marks,
               "both servers stop cleanly on SIGTERM",
               f"exit {[rc for rc, _ in results]}; "
               + (marks[0][2][marks[0][2].find(marks[0][1]):][:2000] if marks else ""))
    except Exception as e:      # noqa: BLE001
        print(f"# aborted: {type(e).__name__}: {e}")
        while tap.n < PLAN:
            tap.ok(False, "not run (aborted)")
    finally:
        for s in servers:
            s.proc.kill()
            s.proc.wait()
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{tap.n - tap.failed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
