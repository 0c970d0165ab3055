#!/usr/bin/python3
"""bench/advisory/poll.py - a client polling the CSAF provider feed of COUNT published advisories
with If-None-Match / If-Modified-Since transfers only what changed (bench/README.md "advisory").

Usage: /usr/bin/python3 bench/advisory/poll.py --binary build/vulnflow --gen build/bench/feed_gen
           [--count 10000] [--no-sign] [--keep]

Makes a fresh SQLite instance (public_url set, an organisation key unless --no-sign), one
case, and COUNT published advisories with their signed exports (feed_gen: what publication
stores), then serves it and, as a mirroring client over one keep-alive connection:

  1. full fetch: provider-metadata.json, the ROLIE feed, index.txt, changes.csv, and every
     document with its .sha256, .sha512 and .asc;
  2. an unchanged poll with If-None-Match (the four list files), then with
     If-Modified-Since;
  3. a revalidation of every document with If-None-Match (what a naive mirror does);
  4. one more advisory published, then a poll: the lists come back (200), changes.csv names
     the new document, the client fetches it and its three files;
  5. /osv/all.json in full, then conditionally.

Bytes are what came over the socket: status line, headers and body.  Prints a Markdown table.
"""

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "intake"))
import tlogverify  # noqa: E402

PUBLIC_URL = "https://psirt.example.cn"
WK = "/.well-known/csaf"
LISTS = [f"{WK}/provider-metadata.json", f"{WK}/white/csaf-feed-tlp-white.json",
         f"{WK}/white/index.txt", f"{WK}/white/changes.csv"]


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.reset()

    def reset(self):
        self.requests = 0
        self.bytes = 0
        self.statuses = {}

    def get(self, path, headers=None):
        for attempt in (0, 1):
            try:
                self.conn.request("GET", path, headers=headers or {})
                r = self.conn.getresponse()
                body = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        head = len(f"HTTP/1.1 {r.status} {r.reason}\r\n") + len(str(r.msg).encode()) + 2
        self.requests += 1
        self.bytes += head + len(body)
        self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
        if r.status not in (200, 304):
            raise RuntimeError(f"GET {path}: {r.status} {body[:200]!r}")
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {p.stderr.strip()[-500:]}")
    return p.stdout


def mb(n):
    return f"{n / 1e6:.2f} MB" if n >= 100000 else f"{n / 1e3:.1f} kB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--no-sign", action="store_true")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    sign = not a.no_sign
    tmp = tempfile.mkdtemp(prefix="vf-poll-")
    d = os.path.join(tmp, "instance")
    proc = None
    rows = []
    try:
        run([a.binary, "init", "--dir", d, "--json"])
        conf = os.path.join(d, "vulnflow.conf")
        with open(conf, encoding="utf-8") as f:
            text = f.read()
        with open(conf, "w", encoding="utf-8") as f:
            f.write(text + f"\npublic_url = {PUBLIC_URL}\n")
        if sign:
            run([a.binary, "pgp", "init", "--dir", d, "--name", "Bench PSIRT",
                 "--email", "psirt@example.cn"])
        case = run([a.binary, "case", "create", "--dir", d, "--title", "bench", "--json"])
        case_id = str(json.loads(case)["id"])
        t0 = time.time()
        gen = run([a.gen, "--dir", d, "--case", case_id, "--count", str(a.count)] +
                  (["--sign"] if sign else []))
        print(f"# {gen.strip()} (wall {time.time() - t0:.1f} s)", file=sys.stderr)
        proc = subprocess.Popen([a.binary, "serve", "--dir", d, "--listen", "127.0.0.1:0",
                                 "--set", "access_log=0"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
        port = tlogverify.wait_listening(proc)
        c = Client(port)

        # 1. full fetch
        t = time.time()
        lists = {}
        for p in LISTS:
            _, h, body = c.get(p)
            lists[p] = (h["etag"], h["last-modified"], body)
        t_lists = time.time() - t
        paths = [ln for ln in lists[f"{WK}/white/index.txt"][2].decode().splitlines() if ln]
        for p in paths:
            for suffix in ("", ".sha256", ".sha512") + ((".asc",) if sign else ()):
                c.get(f"{WK}/white/{p}{suffix}")
        full = (c.requests, c.bytes, time.time() - t, dict(c.statuses))
        rows.append((f"full fetch: 4 list files + {len(paths):,} documents × "
                     f"{4 if sign else 3} files", full))
        print(f"# first build of the four list files at {len(paths):,} documents:"
              f" {t_lists * 1000:.0f} ms", file=sys.stderr)

        # 2. unchanged polls
        for name, hdr in (("If-None-Match", "etag"), ("If-Modified-Since", "last-modified")):
            c.reset()
            t = time.time()
            for p in LISTS:
                st, _, _ = c.get(p, {name: lists[p][0 if hdr == "etag" else 1]})
            rows.append((f"unchanged poll ({name}): the 4 list files",
                         (c.requests, c.bytes, time.time() - t, dict(c.statuses))))

        # 3. naive mirror: revalidate every document
        c.reset()
        t = time.time()
        for p in paths:
            c.get(f"{WK}/white/{p}", {"If-Modified-Since": lists[f"{WK}/white/changes.csv"][1]})
        rows.append((f"revalidate every document (If-Modified-Since), {len(paths):,} × 304",
                     (c.requests, c.bytes, time.time() - t, dict(c.statuses))))

        # 4. one more publication, then a poll
        run([a.gen, "--dir", d, "--case", case_id, "--count", "1", "--start",
             str(a.count + 1)] + (["--sign"] if sign else []))
        c.reset()
        t = time.time()
        old = set(paths)
        csv = f"{WK}/white/changes.csv"
        _, _, body = c.get(csv, {"If-None-Match": lists[csv][0]})
        fresh = [ln.split(",")[0].strip('"') for ln in body.decode().splitlines()]
        fresh = [p for p in fresh if p not in old]
        for p in fresh:
            for suffix in ("", ".sha256", ".sha512") + ((".asc",) if sign else ()):
                c.get(f"{WK}/white/{p}{suffix}")
        rows.append((f"poll after one new advisory: changes.csv (200) + {len(fresh)} document"
                     f" × {4 if sign else 3} files", (c.requests, c.bytes, time.time() - t,
                                                      dict(c.statuses))))
        c.reset()
        t = time.time()
        for p in LISTS:
            if p != csv:
                c.get(p, {"If-None-Match": lists[p][0]})
        rows.append(("... and the other 3 list files (ROLIE, index.txt, provider metadata)",
                     (c.requests, c.bytes, time.time() - t, dict(c.statuses))))

        # 5. the OSV feed
        c.reset()
        t = time.time()
        _, h, body = c.get("/osv/all.json")
        records = len(json.loads(body))
        rows.append((f"/osv/all.json in full ({records:,} records)",
                     (c.requests, c.bytes, time.time() - t, dict(c.statuses))))
        c.reset()
        t = time.time()
        c.get("/osv/all.json", {"If-None-Match": h["etag"]})
        rows.append(("/osv/all.json unchanged (If-None-Match)",
                     (c.requests, c.bytes, time.time() - t, dict(c.statuses))))

        print(f"| step ({a.count:,} published advisories) | requests | statuses | bytes"
              " transferred | time |")
        print("|---|---:|---|---:|---:|")
        for name, (n, b, s, sts) in rows:
            st = ", ".join(f"{k}×{v}" for k, v in sorted(sts.items()))
            print(f"| {name} | {n:,} | {st} | {mb(b)} ({b:,} B) | {s * 1000:.0f} ms |")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        subprocess.run(["gpgconf", "--homedir", os.path.join(d, "gnupg"), "--kill", "gpg-agent"],
                       capture_output=True)
        if a.keep:
            print(f"# kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
