#!/usr/bin/python3
"""load.py - closed-loop HTTP load for bench/cases/run: N clients, keep-alive, latency per request.

Usage:
    load.py get --port P --token T --path PATH [--clients 10] [--duration S] [--warmup S]
    load.py transition --port P --token T --ids FILE [--clients 10] [--duration S]
                       [--warmup S] [--to verified]
    load.py cursor --port P --token T --path PATH --rows N

get: each client sends GET PATH as soon as the previous answer arrived, on its own
keep-alive connection, for warmup + duration seconds; only requests started after
the warm-up count.  transition: the same with POST /api/v1/cases/ID/transitions
{"to": TO, "reason": ...}, each case id of FILE (one a line) used once; it stops
early when the ids run out.  Latency is measured from the send to the last byte
of the answer (no queueing before the send: at a fixed number of clients there is
none).  Prints one line:

    LOAD requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. errors=N
         status=200:N[,409:N...]

cursor: walks PATH (which must not hold limit or cursor) up to 200 rows a page until N
rows are behind, and prints the next_cursor there (for a "deep page" target).

Python 3 standard library only.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0.0
    k = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def run_load(args, make_request):
    lock = threading.Lock()
    lat, statuses, errors, last = [], {}, [0], [0.0]
    t_start = time.monotonic()
    t_measure = t_start + args.warmup
    t_end = t_measure + args.duration
    stop = threading.Event()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        mine, st = [], {}
        while not stop.is_set():
            req = make_request()
            if req is None:
                stop.set()
                break
            method, path, body = req
            hdrs = {"Authorization": f"Bearer {args.token}"}
            if body is not None:
                hdrs["Content-Type"] = "application/json"
            t0 = time.monotonic()
            if t0 >= t_end:
                break
            try:
                conn.request(method, path, body=body, headers=hdrs)
                r = conn.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            t1 = time.monotonic()
            if t1 > last[0]:
                last[0] = t1
            if t0 >= t_measure:
                mine.append(t1 - t0)
                st[status] = st.get(status, 0) + 1
        conn.close()
        with lock:
            lat.extend(mine)
            for k, v in st.items():
                statuses[k] = statuses.get(k, 0) + v
                if not 200 <= k < 300:
                    errors[0] += v

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    measured = min(time.monotonic(), t_end) - t_measure
    if stop.is_set() and last[0]:
        measured = last[0] - t_measure      # the ids ran out before the end
    lat.sort()
    ms = [x * 1000 for x in lat]
    print("LOAD requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
          "max_ms=%.2f errors=%d status=%s" % (
              len(ms), measured, len(ms) / measured if measured > 0 else 0, pct(ms, 50),
              pct(ms, 90), pct(ms, 99), ms[-1] if ms else 0, errors[0],
              ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))), flush=True)
    return 0


def cmd_get(args):
    return run_load(args, lambda: ("GET", args.path, None))


def cmd_transition(args):
    with open(args.ids) as f:
        ids = [int(x) for x in f.read().split()]
    it = iter(ids)
    lock = threading.Lock()
    body = json.dumps({"to": args.to, "reason": "bench: reproduced"}).encode()

    def make():
        with lock:
            cid = next(it, None)
        if cid is None:
            return None
        return ("POST", f"/api/v1/cases/{cid}/transitions", body)
    return run_load(args, make)


def cmd_cursor(args):
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
    sep = "&" if "?" in args.path else "?"
    cursor, rows = None, 0
    while rows < args.rows:
        path = f"{args.path}{sep}limit={min(200, args.rows - rows)}" + (
            f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        conn.request("GET", path, headers={"Authorization": f"Bearer {args.token}"})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            print(f"cursor: {path}: {r.status} {data[:300]!r}", file=sys.stderr)
            return 1
        j = json.loads(data)
        rows += len(j["items"])
        cursor = j.get("next_cursor")
        if not cursor:
            print(f"cursor: {args.path} has only {rows} rows", file=sys.stderr)
            return 1
    print(cursor)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("get", "transition", "cursor"):
        p = sub.add_parser(name)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--token", required=True)
        p.add_argument("--clients", type=int, default=10)
        p.add_argument("--duration", type=float, default=10)
        p.add_argument("--warmup", type=float, default=2)
        if name in ("get", "cursor"):
            p.add_argument("--path", required=True)
        if name == "cursor":
            p.add_argument("--rows", type=int, required=True)
        if name == "transition":
            p.add_argument("--ids", required=True)
            p.add_argument("--to", default="verified")
    args = ap.parse_args()
    return {"get": cmd_get, "transition": cmd_transition, "cursor": cmd_cursor}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
