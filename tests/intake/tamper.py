#!/usr/bin/python3
"""tests/intake/tamper.py - `vulnflow log verify` finds every kind of tampering and names the leaf.

Usage:
    /usr/bin/python3 tests/intake/tamper.py --binary build-check/vulnflow
        [--db postgresql://USER@HOST:PORT/DB] [--keep]

Builds one instance with ten received items (reports with and without
attachments, a form post, a refused submission), each committed alone so
every size 1..10 has a signed tree head, and checks that it verifies.  Then,
for each case, a fresh copy of it (SQLite: a copy of the instance directory,
changed with Python's sqlite3; PostgreSQL: CREATE DATABASE ... TEMPLATE,
changed with psql) is altered in one place and `vulnflow log verify` must
exit 1, print a problem line naming the leaf ("leaf N: ...") and say
"first bad leaf N" for the leaf that was altered:

    one byte of a report's stored payload; of a refused submission's payload;
    of a leaf's entry; of a leaf's stored hash; two leaves swapped (entry and
    hash); a leaf deleted; one byte of a stored attachment; the last byte of
    a signed tree head's signature deleted.

With --db, DB is used for the pristine instance and the cases are databases
DB_t1, DB_t2, ... created from it (the user needs CREATEDB) and dropped after.
Output is TAP; exit status 1 if any check failed.
"""

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogverify  # noqa: E402

SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"]
PNG_1X1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f500"
                        "00000049454e44ae426082")


def zh_report(n, attachment=None):
    b = {"title": f"篡改检测样本 {n}：某交换机管理接口越权访问",
         "description": "未授权用户可通过构造的 URL 直接访问配置备份接口，下载包含明文口令的配置文件。" * 4,
         "language": "zh-CN", "product": {"name": "核心交换机", "version": "5.0"},
         "reporter": {"name": "赵强", "email": f"zq{n}@example.cn", "country": "CN"}}
    if attachment is not None:
        b["attachments"] = [{"filename": f"证据{n}.bin",
                             "data": base64.b64encode(attachment).decode()}]
    return b


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
            print(f"not ok {self.n} - {name}" + (f": {d}" if d else ""), flush=True)
        return cond


def run(binary, *args, timeout=120):
    p = subprocess.run([binary] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=timeout)
    for m in SANITIZER_MARKS:
        if m in p.stderr:
            raise RuntimeError(f"`vulnflow {' '.join(map(str, args))}` printed a sanitizer "
                               f"report:\n{p.stderr[-3000:]}")
    return p


# ---------------------------------------------------------------- the two backends


class SqliteDb:
    """An instance directory's SQLite database, changed with Python's sqlite3."""

    def __init__(self, path):
        self.path = path

    def q(self, sql, params=()):
        con = sqlite3.connect(self.path)
        try:
            rows = con.execute(sql, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def blob(self, table, col, where):
        rows = self.q(f"SELECT {col} FROM {table} WHERE {where}")
        if len(rows) != 1:
            raise RuntimeError(f"{table} WHERE {where}: {len(rows)} rows")
        return bytes(rows[0][0])

    def set_blob(self, table, col, where, value):
        self.q(f"UPDATE {table} SET {col} = ? WHERE {where}", (value,))

    def delete(self, table, where):
        self.q(f"DELETE FROM {table} WHERE {where}")

    def scalar(self, sql):
        return self.q(sql)[0][0]


class PgDb:
    """A PostgreSQL database, changed with psql (bytea as hex)."""

    def __init__(self, url):
        self.url = url

    def q(self, sql):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.url,
                            "-c", sql], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {p.stderr.strip()}")
        return [ln for ln in p.stdout.splitlines() if ln != ""]

    def blob(self, table, col, where):
        rows = self.q(f"SELECT encode({col}, 'hex') FROM {table} WHERE {where}")
        if len(rows) != 1:
            raise RuntimeError(f"{table} WHERE {where}: {len(rows)} rows")
        return bytes.fromhex(rows[0])

    def set_blob(self, table, col, where, value):
        self.q(f"UPDATE {table} SET {col} = decode('{value.hex()}', 'hex') WHERE {where}")

    def delete(self, table, where):
        self.q(f"DELETE FROM {table} WHERE {where}")

    def scalar(self, sql):
        return self.q(sql)[0]


def with_db(url, name):
    u = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


# ---------------------------------------------------------------- the pristine instance


def serve(binary, dir_, db=None):
    cmd = [binary, "serve", "--dir", dir_, "--listen", "127.0.0.1:0", "--set",
           "intake_rate_limit=0", "--set", "access_log=0"]
    if db:
        cmd += ["--db", db]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)
    try:
        return proc, tlogverify.wait_listening(proc)
    except tlogverify.VerifyError as e:
        raise RuntimeError(f"{e}: {proc.stderr.read()[-1000:]}") from None


def post(port, raw, ctype):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("POST", "/api/v1/reports", body=raw, headers={"Content-Type": ctype})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def populate(binary, dir_, db):
    """Ten items, one per commit; returns {name: leaf index}."""
    proc, port = serve(binary, dir_, db)
    leaves = {}
    try:
        def api(name, body):
            st, _, data = post(port, json.dumps(body, ensure_ascii=False).encode(),
                               "application/json")
            if st != 201:
                raise RuntimeError(f"{name}: HTTP {st} {data[:300]!r}")
            leaves[name] = json.loads(data)["receipt"]["leaf_index"]

        api("plain0", zh_report(0))
        api("attach1", zh_report(1, PNG_1X1))
        api("plain2", zh_report(2))
        st, hdrs, data = post(port, b'{"title": "\xe6\xbc\x8f', "application/json")
        if st != 400 or "X-Vulnflow-Log-Leaf" not in hdrs:
            raise RuntimeError(f"refusal: HTTP {st} {hdrs} {data[:200]!r}")
        leaves["refused3"] = int(hdrs["X-Vulnflow-Log-Leaf"])
        api("plain4", zh_report(4))
        api("attach5", zh_report(5, "日志片段：login failed for admin\n".encode() * 20))
        boundary = "----tamper-boundary"
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
                f"表单提交 6\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"description\"\r\n\r\n通过表单提交的报告。\r\n--{boundary}\r\n"
                f"Content-Disposition: form-data; name=\"product_name\"\r\n\r\n网关\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"抓包.png\"\r\nContent-Type: image/png\r\n\r\n").encode()
        form += PNG_1X1 + f"\r\n--{boundary}--\r\n".encode()
        st, _, data = post(port, form, f"multipart/form-data; boundary={boundary}")
        if st != 201:
            raise RuntimeError(f"form: HTTP {st} {data[:300]!r}")
        leaves["form6"] = json.loads(data)["receipt"]["leaf_index"]
        for n in (7, 8, 9):
            api(f"plain{n}", zh_report(n))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        for m in SANITIZER_MARKS:
            if m in err:
                raise RuntimeError(f"serve printed a sanitizer report:\n{err[-3000:]}")
    return leaves


# ---------------------------------------------------------------- the cases


def flip(b, i):
    b = bytearray(b)
    b[i % len(b)] ^= 0x01
    return bytes(b)


def case_payload(db, L):
    where = f"leaf_index = {L['plain8']}"
    p = db.blob("reports", "payload", where)
    db.set_blob("reports", "payload", where, flip(p, len(p) // 2))
    return L["plain8"], []


def case_refused_payload(db, L):
    where = f"leaf_index = {L['refused3']}"
    p = db.blob("reports", "payload", where)
    db.set_blob("reports", "payload", where, flip(p, 20))
    return L["refused3"], []


def case_entry(db, L):
    where = f"idx = {L['form6']}"
    e = db.blob("tlog_leaves", "entry", where)
    db.set_blob("tlog_leaves", "entry", where, flip(e, 25))     # inside H(payload)
    return L["form6"], []


def case_entry_time(db, L):
    where = f"idx = {L['plain2']}"
    e = db.blob("tlog_leaves", "entry", where)
    db.set_blob("tlog_leaves", "entry", where, flip(e, 10))     # received_at, last byte
    return L["plain2"], []


def case_leaf_hash(db, L):
    where = f"idx = {L['attach5']}"
    h = db.blob("tlog_leaves", "leaf_hash", where)
    db.set_blob("tlog_leaves", "leaf_hash", where, flip(h, 0))
    return L["attach5"], []


def case_swap(db, L):
    a, b = L["plain2"], L["plain7"]
    ea, ha = db.blob("tlog_leaves", "entry", f"idx = {a}"), db.blob("tlog_leaves", "leaf_hash",
                                                                      f"idx = {a}")
    eb, hb = db.blob("tlog_leaves", "entry", f"idx = {b}"), db.blob("tlog_leaves", "leaf_hash",
                                                                      f"idx = {b}")
    db.set_blob("tlog_leaves", "entry", f"idx = {a}", eb)
    db.set_blob("tlog_leaves", "leaf_hash", f"idx = {a}", hb)
    db.set_blob("tlog_leaves", "entry", f"idx = {b}", ea)
    db.set_blob("tlog_leaves", "leaf_hash", f"idx = {b}", ha)
    return a, [b]


def case_delete_leaf(db, L):
    db.delete("tlog_leaves", f"idx = {L['plain4']}")
    return L["plain4"], []


def case_attachment(db, L):
    rid = db.scalar(f"SELECT id FROM reports WHERE leaf_index = {L['attach5']}")
    where = f"report_id = {rid} AND seq = 1"
    d = db.blob("report_attachments", "data", where)
    db.set_blob("report_attachments", "data", where, flip(d, len(d) - 20))
    return L["attach5"], []


def case_sth_signature(db, L):
    size = L["plain7"] + 1
    sid = db.scalar(f"SELECT id FROM tlog_sth WHERE tree_size = {size} ORDER BY id LIMIT 1")
    where = f"id = {sid}"
    s = db.blob("tlog_sth", "signature", where)
    db.set_blob("tlog_sth", "signature", where, s[:-1])
    return size - 1, [f"tree head of size {size}"]


CASES = [
    ("one byte of a report's stored payload", case_payload),
    ("one byte of a refused submission's stored payload", case_refused_payload),
    ("one byte of a leaf entry (its payload hash)", case_entry),
    ("one byte of a leaf entry (its receipt time)", case_entry_time),
    ("one byte of a leaf's stored hash", case_leaf_hash),
    ("two leaves swapped (entry and hash)", case_swap),
    ("a leaf deleted", case_delete_leaf),
    ("one byte of a stored attachment", case_attachment),
    ("the last byte of a tree head's signature deleted", case_sth_signature),
]


def verify(binary, dir_, db):
    args = ["log", "verify", "--dir", dir_]
    if db:
        args += ["--db", db]
    return run(binary, *args)


def main():
    ap = argparse.ArgumentParser(description="tamper detection of `vulnflow log verify`")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--db", help="postgresql://... of an empty database (default: SQLite)")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    backend = "postgresql" if args.db else "sqlite"
    tap = Tap()
    print(f"1..{2 + 2 * len(CASES)}", flush=True)
    tmp = tempfile.mkdtemp(prefix="vf-tamper-")
    pristine = os.path.join(tmp, "pristine")
    made = []
    try:
        try:
            tlogverify.self_test()
            p = run(binary, "init", "--dir", pristine, "--json",
                    *(["--db", args.db] if args.db else []))
            if p.returncode != 0:
                raise RuntimeError(f"init exited {p.returncode}: {p.stderr.strip()}")
            L = populate(binary, pristine, args.db)
            tap.ok(sorted(L.values()) == list(range(10)),
                   f"{backend}: ten items in leaves 0-9, one commit each", L)
        except Exception as e:      # noqa: BLE001
            tap.ok(False, f"{backend}: the instance to tamper with", e)
            for _ in range(1 + 2 * len(CASES)):
                tap.ok(False, "not run")
            return 1
        p = verify(binary, pristine, args.db)
        tap.ok(p.returncode == 0, f"{backend}: the untouched instance verifies",
               f"exit {p.returncode}: {p.stdout[-1000:]} {p.stderr[-500:]}")
        dbname = urllib.parse.urlsplit(args.db).path.lstrip("/") if args.db else None
        for n, (what, fn) in enumerate(CASES, 1):
            case_dir = os.path.join(tmp, f"case{n}")
            shutil.copytree(pristine, case_dir)
            case_db = None
            try:
                if args.db:
                    name = f"{dbname}_t{n}"
                    admin = PgDb(with_db(args.db, "postgres"))
                    admin.q(f"DROP DATABASE IF EXISTS {name}")
                    admin.q(f"CREATE DATABASE {name} TEMPLATE {dbname}")
                    made.append(name)
                    case_db = with_db(args.db, name)
                    db = PgDb(case_db)
                else:
                    db = SqliteDb(os.path.join(case_dir, "vulnflow.db"))
                leaf, also = fn(db, L)
                p = verify(binary, case_dir, case_db)
            except Exception as e:      # noqa: BLE001
                tap.ok(False, f"{backend}: {what}: tampering", f"{type(e).__name__}: {e}")
                tap.ok(False, f"{backend}: {what}: not run")
                continue
            out = p.stdout + p.stderr
            tap.ok(p.returncode == 1, f"{backend}: {what}: log verify exits 1",
                   f"exit {p.returncode}: {out[-1500:]}")
            m = re.search(r"first bad leaf (\d+)", p.stderr)
            # a tree head's fault is named by the head (its last leaf is the first bad one)
            named = (any(isinstance(x, str) for x in also) or
                     re.search(rf"^leaf {leaf}:", p.stdout, re.M) is not None)
            missing = [x for x in also
                       if (isinstance(x, str) and x not in p.stdout) or
                       (isinstance(x, int) and not re.search(rf"^leaf {x}:", p.stdout, re.M))]
            tap.ok(m is not None and int(m.group(1)) == leaf and named and not missing,
                   f"{backend}: {what}: names leaf {leaf} first" +
                   (f" (and {', '.join(map(str, also))})" if also else ""),
                   f"said first bad leaf {m.group(1) if m else None}; a line 'leaf {leaf}: ...' "
                   f"{'present' if named else 'absent'}; not named {missing}; output:\n"
                   f"{out[-1500:]}")
            if args.db and not args.keep:
                PgDb(with_db(args.db, "postgres")).q(f"DROP DATABASE IF EXISTS {made.pop()}")
    finally:
        if args.keep:
            print(f"# kept {tmp}" + (f" and databases {made}" if made else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
            for name in made:
                try:
                    PgDb(with_db(args.db, "postgres")).q(f"DROP DATABASE IF EXISTS {name}")
                except RuntimeError as e:
                    print(f"# {e}")
    print(f"{tap.n - tap.failed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
