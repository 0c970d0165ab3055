#!/usr/bin/python3
"""tests/intake/crash.py - intake survives kill -9: nothing answered 201 is lost.

Usage:
    /usr/bin/python3 tests/intake/crash.py --binary build-check/vulnflow
        [--db postgresql://...] [--rounds 3] [--threads 16] [--seed N] [--keep]

One instance (SQLite in a temporary directory, or the given empty PostgreSQL
database).  Each round starts `vulnflow serve`, has THREADS clients post ~2 KB
Chinese reports as fast as they are answered, kills the server with SIGKILL
at a random moment 0.3-1.5 s in, and starts it again.  Then:

  - the restarted server accepts a report, and its leaf follows the log;
  - every report answered 201 is there with its title (`vulnflow report list`
    decrypts every title; `vulnflow report show` a sample, text compared);
  - the log after the crash extends every tree head a receipt was given (the
    test recomputes the tree from `vulnflow log export` with its own RFC 9162
    code, tests/intake/tlogverify.py) and each acked leaf is the receipt's;
  - `vulnflow log verify` (every leaf, node, tree head and payload) exits 0.

Output is TAP; the exit status is 1 if any check failed.
"""

import argparse
import http.client
import json
import os
import random
import secrets
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

CHECKS_PER_ROUND = 8
SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"]
ZH = ("漏洞描述：设备固件的远程管理服务在解析认证报文时未检查长度字段，攻击者发送特制报文即可造成"
      "栈溢出并执行任意代码。影响范围包括所有开启远程管理的设备。复现环境：固件版本二点三，"
      "默认配置。修复建议：校验长度字段并启用栈保护。")


def report_body(title, rnd):
    desc = (ZH * 12)[: 600 + rnd.randint(0, 150)]          # ~2 KB of UTF-8
    return {"title": title, "description": desc, "language": "zh-CN",
            "product": {"name": "工控网关", "model": "GW-9", "version": "2.3"},
            "reporter": {"name": "王芳", "email": f"wf{rnd.randint(0, 10**6)}@example.cn",
                         "organization": "某研究院", "country": "CN"}}


class Tap:
    def __init__(self, plan):
        self.n = 0
        self.failed = 0
        print(f"1..{plan}", flush=True)

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            d = str(detail).replace("\n", "\n#   ")
            print(f"not ok {self.n} - {name}" + (f": {d}" if d else ""), flush=True)
        return cond


class Instance:
    def __init__(self, binary, db, tmp):
        self.binary = binary
        self.db = db
        self.tmp = tmp
        self.dir = os.path.join(tmp, "instance")
        self.proc = None
        self.err_paths = []

    def cli(self, *args, timeout=300):
        p = subprocess.run([self.binary] + [str(a) for a in args], capture_output=True,
                           text=True, timeout=timeout)
        for m in SANITIZER_MARKS:
            if m in p.stderr:
                raise RuntimeError(f"`vulnflow {' '.join(map(str, args))}` printed a sanitizer "
                                   f"report:\n{p.stderr[-3000:]}")
        return p

    def init(self):
        args = ["init", "--dir", self.dir, "--json"]
        if self.db:
            args += ["--db", self.db]
        p = self.cli(*args)
        if p.returncode != 0:
            raise RuntimeError(f"init exited {p.returncode}: {p.stderr.strip()}")

    def start(self):
        path = os.path.join(self.tmp, f"serve-{len(self.err_paths)}.stderr")
        self.err_paths.append(path)
        self.err_f = open(path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--dir", self.dir, "--listen", "127.0.0.1:0",
             "--set", "intake_rate_limit=0", "--set", "access_log=0"],
            stdout=subprocess.PIPE, stderr=self.err_f, stdin=subprocess.DEVNULL, text=True)
        try:
            self.port = tlogverify.wait_listening(self.proc)
        except tlogverify.VerifyError as e:
            raise RuntimeError(f"{e}; stderr: {self.stderr_tail()}") from None

    def stderr_tail(self):
        try:
            with open(self.err_paths[-1], errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()
        self.err_f.close()
        self.proc = None

    def stop(self):
        """SIGTERM; returns the exit status and the server's stderr."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        self.proc.stdout.close()
        self.err_f.close()
        self.proc = None
        with open(self.err_paths[-1], errors="replace") as f:
            return rc, f.read()

    def post(self, body, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body, ensure_ascii=False).encode()
        c.request("POST", "/api/v1/reports", body=data,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        out = r.status, r.read()
        if conn is None:
            c.close()
        return out


def load(inst, threads, tag, rnd_seed, acked, problems, stop):
    """THREADS clients posting until the server dies or stop is set."""
    def client(t):
        rnd = random.Random(rnd_seed * 1000 + t)
        conn = None
        n = 0
        while not stop.is_set():
            title = f"崩溃测试 {tag} t{t} n{n} 远程代码执行"
            body = report_body(title, rnd)
            n += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=30)
                status, data = inst.post(body, conn)
            except (OSError, http.client.HTTPException):
                # the server is gone (or the connection was closed): no answer, no ack
                if conn is not None:
                    conn.close()
                    conn = None
                if stop.is_set():
                    return
                time.sleep(0.01)
                continue
            if status == 201:
                acked.append((body, json.loads(data)["receipt"]))
            else:
                problems.append(f"{title}: HTTP {status} {data[:200]!r}")
        if conn is not None:
            conn.close()

    ts = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    return ts


def run_round(tap, inst, rnd, k, threads, seed, all_acked, max_listed):
    tag = f"r{k}-{secrets.token_hex(3)}"
    acked, problems = [], []
    stop = threading.Event()
    inst.start()
    ts = load(inst, threads, tag, seed + k, acked, problems, stop)
    delay = rnd.uniform(0.3, 1.5)
    time.sleep(delay)
    inst.kill9()
    stop.set()
    for t in ts:
        t.join(timeout=60)
    tap.ok(len(acked) > 0 and not problems,
           f"round {k}: {len(acked)} reports answered 201 before kill -9 at {delay:.2f} s",
           "; ".join(problems[:5]) or "no report was acknowledged")
    all_acked += acked

    # restart: the server comes back and appends after everything acked
    try:
        inst.start()
        status, data = inst.post(report_body(f"崩溃后 {tag}", rnd))
        rc = json.loads(data)["receipt"] if status == 201 else None
        top = max((r["leaf_index"] for _, r in all_acked), default=-1)
        ok = rc is not None and rc["leaf_index"] > top
        tap.ok(ok, f"round {k}: the restarted server accepts a report after the acked leaves",
               f"HTTP {status} {data[:200]!r}" if rc is None
               else f"leaf {rc['leaf_index']} <= acked leaf {top}")
        if rc is not None:
            all_acked.append((None, rc))
    except Exception as e:      # noqa: BLE001
        tap.ok(False, f"round {k}: the restarted server accepts a report", e)

    # every acked report is there, with its title (titles are decrypted to be listed)
    p = inst.cli("report", "list", "--dir", inst.dir, "--json", "--limit", max_listed)
    listed = {x["id"]: x for x in json.loads(p.stdout)} if p.returncode == 0 else {}
    missing, wrong, unreadable = [], [], []
    oldest = min(listed) if len(listed) >= max_listed else 0   # only the newest are listed
    for body, r in all_acked:
        if r["id"] < oldest:
            continue
        x = listed.get(r["id"])
        if x is None:
            missing.append(r["id"])
        elif x.get("unreadable"):
            unreadable.append(r["id"])
        elif body is not None and (x.get("title") != body["title"]
                                   or x.get("leaf_index") != r["leaf_index"]
                                   or x.get("received_at") != r["received_at"]):
            wrong.append((r["id"], x.get("title"), body["title"]))
    tap.ok(p.returncode == 0 and not missing and not wrong and not unreadable,
           f"round {k}: all {len(all_acked)} acked reports so far are stored, titles decrypt",
           f"list exit {p.returncode} {p.stderr[-300:]}; missing ids {missing[:10]}; "
           f"wrong {wrong[:3]}; unreadable {unreadable[:10]}")

    # `report show` of a sample: the whole text decrypts and is what was sent
    sample = [a for a in acked if a[0] is not None]
    sample = rnd.sample(sample, min(4, len(sample))) + sample[-2:]
    bad = []
    for body, r in sample:
        p = inst.cli("report", "show", r["id"], "--dir", inst.dir)
        try:
            g = json.loads(p.stdout)
            if (g["title"], g["description"], g["product"], g["reporter"]) != \
                    (body["title"], body["description"], body["product"], body["reporter"]):
                bad.append(f"report {r['id']} differs")
        except (ValueError, KeyError) as e:
            bad.append(f"report show {r['id']}: exit {p.returncode} {e} {p.stderr[-200:]}")
    tap.ok(not bad and sample, f"round {k}: report show of {len(sample)} acked reports gives "
                               f"the text sent", "; ".join(bad[:5]) or "nothing to show")

    # the log after the crash extends every tree head that was handed out
    try:
        ex = tlogverify.export_log(inst.binary, inst.dir)
        tree = ex.tree()
        errs = []
        idx = [r["leaf_index"] for _, r in all_acked]
        if len(set(idx)) != len(idx):
            errs.append(f"{len(idx) - len(set(idx))} leaf indexes were given to two receipts")
        for body, r in all_acked:
            i = r["leaf_index"]
            if i >= len(tree) or ex.entries[i].hex() != r["entry"]:
                errs.append(f"leaf {i} of report {r['id']} is not the receipt's entry")
            s = r["sth"]
            if s["tree_size"] > len(tree) or tree.root(s["tree_size"]).hex() != s["root_hash"]:
                errs.append(f"receipt tree head {s['tree_size']} is not a prefix of the log")
        tap.ok(not errs, f"round {k}: the log extends every receipt's tree head and holds "
                         f"every acked leaf", "; ".join(errs[:5]))
    except tlogverify.VerifyError as e:
        tap.ok(False, f"round {k}: the exported log recomputes", e)
        ex = None

    # a sample of receipts verifies on its own (signature with openssl)
    errs = []
    if ex is not None:
        chk = ex.checker()
        for body, r in rnd.sample(acked, min(8, len(acked))):
            try:
                tlogverify.check_receipt(r, chk)
            except tlogverify.VerifyError as e:
                errs.append(f"receipt of report {r['id']}: {e}")
    tap.ok(ex is not None and not errs, f"round {k}: receipts verify on their own",
           "; ".join(errs[:5]))

    p = inst.cli("log", "verify", "--dir", inst.dir)
    tap.ok(p.returncode == 0, f"round {k}: vulnflow log verify exits 0",
           f"exit {p.returncode}: {p.stdout[-1500:]} {p.stderr[-500:]}")
    rc, err = inst.stop()
    marks = [m for m in SANITIZER_MARKS if m in err]
    tap.ok(rc == 0 and not marks, f"round {k}: the restarted server stops cleanly on SIGTERM",
           f"exit {rc}; " + (err[err.find(marks[0]):][:2000] if marks else err[-500:]))


def main():
    ap = argparse.ArgumentParser(description="intake crash safety (kill -9 under load)")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--db", help="an empty PostgreSQL database (default: SQLite)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rnd = random.Random(seed)
    tap = Tap(args.rounds * CHECKS_PER_ROUND + 1)
    print(f"# seed {seed}; {'PostgreSQL' if args.db else 'SQLite'}; {args.threads} clients")
    try:
        tlogverify.self_test()
        tap.ok(True, "the test's RFC 9162 verifier passes its known answers")
    except tlogverify.VerifyError as e:
        tap.ok(False, "the test's RFC 9162 verifier passes its known answers", e)
    tmp = tempfile.mkdtemp(prefix="vf-crash-")
    inst = Instance(os.path.abspath(args.binary), args.db, tmp)
    all_acked = []
    try:
        inst.init()
        for k in range(1, args.rounds + 1):
            run_round(tap, inst, rnd, k, args.threads, seed, all_acked, 10000)
    except Exception as e:      # noqa: BLE001
        print(f"# aborted: {type(e).__name__}: {e}")
        while tap.n < args.rounds * CHECKS_PER_ROUND + 1:
            tap.ok(False, "not run (aborted)")
    finally:
        if inst.proc is not None:
            inst.proc.kill()
            inst.proc.wait()
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"# {len(all_acked)} reports acknowledged in {args.rounds} rounds")
    print(f"{tap.n - tap.failed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
