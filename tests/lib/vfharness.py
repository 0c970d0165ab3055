"""tests/lib/vfharness.py - the harness the scenario suites share: a TAP stream, a vulnflow
instance (init, users, tokens, `vulnflow serve`) with its test clock and an SMTP sink, the
HTTP client, and the main() that runs a list of scenarios against it.

Used by tests/cases/scenarios.py, tests/cases/more.py, tests/rewards/scenarios.py and
tests/bulletins/scenarios.py (and, through it, tests/bulletins/feed.py).  A
script puts this folder on sys.path (after `sys.dont_write_bytecode = True`) and imports it;
everything a scenario needs that is about one area (its helpers, data, scenarios) stays in
the script.

API
---

Constants: SANITIZER_MARKS (what a sanitizer report contains), US / HOUR / DAY
(microseconds), RUN (six hex digits, fresh per process, for unique names and addresses).

`Abort`: raised by Tap.need() when a step later steps need has failed (already reported);
run() ends the scenario on it.

`Tap(prefix, detail_chars=600)`: one TAP stream; every line is
"ok N - PREFIX: SCENARIO: name" or "not ok N - ...: detail" (detail lines prefixed "#   ").
  .ok(cond, name, detail="")            one check; returns bool(cond)
  .need(cond, name, detail="")          .ok(), raising Abort when it fails
  .eq(actual, expected, name, need=False)
  .status(r, status, code=None, name="", need=False)
                                        a Resp has this status (and error code); the
                                        detail shows detail_chars of its body
  .n, .failed, .scenario (set it to label the lines that follow)

`us(s)`: an RFC 3339 string to microseconds since the epoch.  `rfc(t_us)`: the other way,
"YYYY-MM-DDTHH:MM:SS.ffffffZ".

`parallel(n, fn)`: fn(i) for i in 0..n-1 in n threads released at once (a barrier); the
results in order.

`Sink()`: an SMTP relay (aiosmtpd, in a thread) keeping every message; a recipient whose
address starts with "slow-" is accepted only after SLOW_SECONDS.
  .start() -> port, .stop(), .to(address) -> [message text], .subjects() -> [(rcpts, subject)]

`Resp`: an HTTP answer: .method .path .status .headers (lower-case names) .body .text .json
(None when not JSON) .code (error.code or None) .error (the error object or {}).

`Server(binary, db, tmp, users, token_name="scen-{}", test_clock=True, sink=None)`: one
instance in tmp/instance (SQLite unless db is a postgresql:// URL).
  users: (key, role, email) rows made with `vulnflow user add` after init; every user
  (admin first) then gets an API token named token_name.format(key).
  .start()       init, users, tokens, the sink (if any), then `vulnflow serve --listen
                 127.0.0.1:0` with test_clock=1 (if test_clock), intake_rate_limit=0,
                 access_log=0, the sink as smtp_url, then .serve_args; .before_serve(srv)
                 is called just before serve, .env is serve's environment (None: ours)
  .stop() -> the exit status (SIGTERM; killed after 20 s; None if it never ran)
  .stderr() -> what serve printed on stderr so far
  .cli(*args, timeout=120, text=True, env=None), .cli_dir(*args, text=True, env=None)
                 run the binary (cli_dir adds --dir); a sanitizer report goes to .cli_errors;
                 env adds to our environment
  .api(method, path, body=None, who="admin", raw=None, ctype="application/json",
       timeout=60) -> Resp      body as JSON (or raw bytes), as who's token (None: anonymous)
  .sql(statement) -> rows of strings   the instance's database (psql or sqlite3)
  .mails_to(address) -> the sink's messages for address
  .users {key: {"email", "id"}} (admin has no id), .tokens {key: token}, .dir, .port

`Clock(srv)`: the server's test clock, only ever moved forward: .now(), .set(t_us),
.advance(delta_us) (POST /api/v1/test/clock).

`run(description, scenarios, make_server, setup, ready, tmp_prefix, always=(),
filter_help=..., cleanup=None, tap_args=None)` -> exit status: the main() of a suite.  Parses
--binary, --db, --filter, --keep; Tap(sqlite|postgresql); srv = make_server(binary, db, tmp);
in scenario "setup" h = setup(srv, tap) (it starts the server) and the check `ready` (or one
failed check with the server's stderr, and exit 1); every (name, fn) of scenarios whose name
contains --filter (or is in always) as fn(h); then "teardown": the server stops with status
0, no sanitizer report from it or any CLI run.  cleanup() (if given) runs last, with the
sink's stop; --keep keeps tmp.  Prints the plan, the time and "N passed, N failed"; 1 if
anything failed.
"""

import argparse
import asyncio
import datetime
import email.parser
import email.policy
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "intake"))
import tlogverify  # noqa: E402

SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"]
US = 1000000
HOUR = 3600 * US
DAY = 24 * HOUR
RUN = secrets.token_hex(3)


# ---------------------------------------------------------------- TAP


class Abort(Exception):
    """A step a scenario cannot go on without failed (already reported)."""


class Tap:
    def __init__(self, prefix, detail_chars=600):
        self.n = 0
        self.failed = 0
        self.prefix = prefix
        self.scenario = ""
        self.detail_chars = detail_chars

    def ok(self, cond, name, detail=""):
        self.n += 1
        label = f"{self.prefix}: {self.scenario}: {name}"
        if cond:
            print(f"ok {self.n} - {label}", flush=True)
        else:
            self.failed += 1
            d = str(detail).replace("\n", "\n#   ")
            print(f"not ok {self.n} - {label}" + (f": {d}" if d else ""), flush=True)
        return bool(cond)

    def need(self, cond, name, detail=""):
        if not self.ok(cond, name, detail):
            raise Abort(name)
        return True

    def eq(self, actual, expected, name, need=False):
        f = self.need if need else self.ok
        return f(actual == expected, name, f"got {actual!r}, expected {expected!r}")

    def status(self, r, status, code=None, name="", need=False):
        """r is the expected status (and error code)."""
        good = r.status == status and (code is None or r.code == code)
        f = self.need if need else self.ok
        want = f"{status}" + (f" {code}" if code else "")
        return f(good, name or f"{r.method} {r.path} -> {want}",
                 f"expected {want}, got {r.status} {r.code or ''}: "
                 f"{r.text[:self.detail_chars]}")


# ---------------------------------------------------------------- times, threads


def us(s):
    """An RFC 3339 string to microseconds since the epoch."""
    return tlogverify.rfc3339_us(s)


def rfc(t_us):
    d = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(microseconds=t_us)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parallel(n, fn):
    """fn(i) for i in 0..n-1, all started at once; their results in order."""
    barrier = threading.Barrier(n)

    def run_one(i):
        barrier.wait()
        return fn(i)
    with ThreadPoolExecutor(n) as ex:
        return list(ex.map(run_one, range(n)))


# ---------------------------------------------------------------- the mail relay


SLOW_SECONDS = 3


class Sink:
    """An SMTP relay (aiosmtpd, in a thread) keeping every message; a recipient whose
    address starts with "slow-" is accepted only after SLOW_SECONDS."""

    def __init__(self):
        self.messages = []          # (recipients, bytes)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("slow-"):
            await asyncio.sleep(SLOW_SECONDS)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), data))
        return "250 OK stored"

    def to(self, address):
        with self.lock:
            return [d.decode("utf-8", "replace") for r, d in self.messages if address in r]

    def subjects(self):
        with self.lock:
            msgs = list(self.messages)
        out = []
        for rcpts, data in msgs:
            m = email.parser.BytesParser(policy=email.policy.default).parsebytes(data)
            out.append((rcpts, str(m.get("Subject", ""))))
        return out

    def start(self):
        from aiosmtpd.controller import Controller
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=port,
                                     enable_SMTPUTF8=True, decode_data=False)
        self.controller.start()
        return port

    def stop(self):
        try:
            self.controller.stop()
        except Exception:       # noqa: BLE001
            pass


# ---------------------------------------------------------------- the server


class Resp:
    def __init__(self, method, path, status, headers, body):
        self.method, self.path, self.status = method, path, status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body
        self.text = body.decode("utf-8", "replace")
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def code(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"].get("code")
        return None

    @property
    def error(self):
        return self.json.get("error", {}) if isinstance(self.json, dict) else {}


class Server:
    def __init__(self, binary, db, tmp, users, token_name="scen-{}", test_clock=True,
                 sink=None):
        self.binary = binary
        self.db = db
        self.tmp = tmp
        self.dir = os.path.join(tmp, "instance")
        self.proc = None
        self.sink = sink
        self.port = None
        self.tokens = {}
        self.users = {}
        self.cli_errors = []
        self.user_rows = list(users)    # (key, role, email)
        self.token_name = token_name
        self.test_clock = test_clock
        self.serve_args = []        # more `vulnflow serve` options
        self.before_serve = None    # called with the server after init, before serve
        self.env = None             # the server's environment (None: this one)

    def cli(self, *args, timeout=120, text=True, env=None):
        p = subprocess.run([self.binary] + [str(a) for a in args], capture_output=True,
                           text=text, timeout=timeout,
                           env=dict(os.environ, **env) if env else None)
        err = p.stderr if text else p.stderr.decode("utf-8", "replace")
        for m in SANITIZER_MARKS:
            if m in err:
                self.cli_errors.append(f"vulnflow {' '.join(map(str, args))}:\n{err[-2000:]}")
        return p

    def cli_dir(self, *args, text=True, env=None):
        return self.cli(*args, "--dir", self.dir, text=text, env=env)

    def start(self):
        p = self.cli("init", "--dir", self.dir, "--json", *(["--db", self.db] if self.db else []))
        if p.returncode != 0:
            raise RuntimeError(f"init exited {p.returncode}: {p.stderr.strip()}")
        info = json.loads(p.stdout)
        self.users["admin"] = {"email": info["admin_email"]}
        for key, role, addr in self.user_rows:
            p = self.cli_dir("user", "add", "--email", addr, "--role", role, "--json")
            if p.returncode != 0:
                raise RuntimeError(f"user add {key}: {p.stderr.strip()}")
            self.users[key] = {"email": addr, "id": json.loads(p.stdout)["id"]}
        for key, u in self.users.items():
            p = self.cli_dir("token", "create", "--user", u["email"], "--name",
                             self.token_name.format(key), "--json")
            if p.returncode != 0:
                raise RuntimeError(f"token create {key}: {p.stderr.strip()}")
            self.tokens[key] = json.loads(p.stdout)["token"]
        cmd = [self.binary, "serve", "--dir", self.dir, "--listen", "127.0.0.1:0"]
        if self.test_clock:
            cmd += ["--set", "test_clock=1"]
        cmd += ["--set", "intake_rate_limit=0", "--set", "access_log=0"]
        if self.sink is not None:
            smtp_port = self.sink.start()
            cmd += ["--set", f"smtp_url=smtp://127.0.0.1:{smtp_port}",
                    "--set", "smtp_from=psirt@vendor.example.cn"]
        if self.db:
            cmd += ["--db", self.db]
        cmd += self.serve_args
        if self.before_serve:
            self.before_serve(self)
        self.stderr_path = os.path.join(self.tmp, "serve.stderr")
        self.stderr_f = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr_f,
                                     stdin=subprocess.DEVNULL, text=True, env=self.env)
        self.port = tlogverify.wait_listening(self.proc)

    def stop(self):
        rc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        elif self.proc is not None:
            rc = self.proc.returncode
        return rc

    def stderr(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except (OSError, AttributeError):
            return ""

    def api(self, method, path, body=None, who="admin", raw=None, ctype="application/json",
            timeout=60):
        hdrs = {}
        tok = self.tokens.get(who) if who else None
        if tok:
            hdrs["Authorization"] = f"Bearer {tok}"
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode()
                                             if body is not None else None)
        if data is not None and ctype:
            hdrs["Content-Type"] = ctype
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=data, headers=hdrs)
            r = c.getresponse()
            return Resp(method, path, r.status, r.getheaders(), r.read())
        finally:
            c.close()

    # ---- the database behind the instance, for tampering

    def sql(self, statement):
        if self.db:
            p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.db,
                                "-c", statement], capture_output=True, text=True, timeout=60)
            if p.returncode != 0:
                raise RuntimeError(f"psql {statement!r}: {p.stderr.strip()}")
            return [ln.split("|") for ln in p.stdout.splitlines() if ln != ""]
        con = sqlite3.connect(os.path.join(self.dir, "vulnflow.db"), timeout=30)
        try:
            rows = con.execute(statement).fetchall()
            con.commit()
            return [[str(x) if x is not None else "" for x in r] for r in rows]
        finally:
            con.close()

    def mails_to(self, address):
        """The messages the relay got for address (their text)."""
        return self.sink.to(address)


class Clock:
    """The server's test clock, only ever moved forward."""

    def __init__(self, srv):
        self.srv = srv
        self.base = None        # (virtual us, real time.time()) at the last set

    def now(self):
        if self.base is None:
            return int(time.time() * US)
        v, r = self.base
        return v + int((time.time() - r) * US)

    def set(self, t_us):
        if self.base is not None and t_us < self.now():
            raise RuntimeError("the test clock only moves forward")
        r = self.srv.api("POST", "/api/v1/test/clock", {"now": rfc(t_us)})
        if r.status != 200:
            raise RuntimeError(f"POST /api/v1/test/clock: {r.status} {r.text[:300]}")
        self.base = (us(r.json["now"]), time.time())
        return self.base[0]

    def advance(self, delta_us):
        return self.set(self.now() + delta_us)


# ---------------------------------------------------------------- the runner


def run(description, scenarios, make_server, setup, ready, tmp_prefix, always=(),
        filter_help="run only scenarios whose name contains this", cleanup=None,
        tap_args=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--db", help="postgresql://... of an empty database (default: SQLite)")
    ap.add_argument("--filter", help=filter_help)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    backend = "postgresql" if args.db else "sqlite"
    tap = Tap(backend, **(tap_args or {}))
    tmp = tempfile.mkdtemp(prefix=tmp_prefix)
    srv = make_server(os.path.abspath(args.binary), args.db, tmp)
    t0 = time.time()
    try:
        tap.scenario = "setup"
        try:
            h = setup(srv, tap)
            tap.ok(True, ready)
        except Exception as e:      # noqa: BLE001
            tap.ok(False, "instance and server", f"{e}\n{srv.stderr()[-2000:]}")
            print(f"1..{tap.n}")
            return 1
        for name, fn in scenarios:
            if args.filter and args.filter not in name and name not in always:
                continue
            tap.scenario = name
            s0 = time.time()
            try:
                fn(h)
            except Abort:
                pass
            except Exception:       # noqa: BLE001
                tap.ok(False, "ran to the end", traceback.format_exc())
            print(f"# {name}: {time.time() - s0:.1f} s", flush=True)
        tap.scenario = "teardown"
        rc = srv.stop()
        err = srv.stderr()
        tap.ok(rc == 0, "the server stops on SIGTERM with status 0", f"{rc}: {err[-1500:]}")
        marks = [m for m in SANITIZER_MARKS if m in err]
        tap.ok(not marks, "no sanitizer report from the server", err[-3000:] if marks else "")
        tap.ok(not srv.cli_errors, "no sanitizer report from any CLI run",
               "\n".join(srv.cli_errors)[-3000:])
    finally:
        srv.stop()
        if srv.sink is not None:
            srv.sink.stop()
        if cleanup:
            cleanup()
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{tap.n}")
    print(f"# {time.time() - t0:.1f} s")
    print(f"{tap.n - tap.failed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0
