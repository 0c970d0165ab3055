#!/usr/bin/env python3
"""tests/api/run.py - the API test suite: the real vulnflow binary over real HTTP sockets.

Usage:
    python3 tests/api/run.py --binary build/vulnflow [--db postgresql://...]
                             [--filter SUBSTR] [-v]

One temporary instance per run: `vulnflow init --dir D --json [--db URL]`, then
`vulnflow serve --dir D --listen 127.0.0.1:0 --set ...` (the bound port is read
from its first stdout line).  Every test is a function test_xxx(ctx), run in the
order of this file; the output is TAP-like (`ok N - name`, `not ok N - name:
reason`) and ends with the one line `N passed, N failed`.  The exit status is 1
if any test failed.

Without --db the instance uses SQLite in the temporary directory; with --db it
uses that (empty) PostgreSQL database.  Tests never depend on absolute ids and
every e-mail address carries a random suffix, so a run leaves nothing a later
test relies on.

The server's stderr is kept in the temporary directory; the last test stops the
server with SIGTERM, expects exit status 0 within 10 s, and fails the run if the
server or any CLI run printed sanitizer reports (ASan, UBSan, LSan).

Python 3.11 standard library only.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ROUTE_C = os.path.join(ROOT, "src", "http", "route.c")

# The fixture's server settings (the tests below rely on these values).
CONN_TIMEOUT = 3
REQUEST_TIMEOUT = 4
LOCKOUT_THRESHOLD = 3
LOCKOUT_BASE = 2
BODY_LIMIT = 65536
HEADER_LIMIT = 8192           # the default, not overridden
ROLES = ["reporter", "analyst", "coordinator", "admin", "auditor"]
SANITIZER_MARKS = ["ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                   "ERROR: ThreadSanitizer", "WARNING: ThreadSanitizer"]
RUN_ID = secrets.token_hex(4)
PASSWORD = "correct horse battery staple"

_unique_counter = [0]
_unique_lock = threading.Lock()


def unique(prefix):
    """A name no other test or run uses."""
    with _unique_lock:
        _unique_counter[0] += 1
        n = _unique_counter[0]
    return f"{prefix}-{RUN_ID}-{n}"


def unique_email(prefix):
    return unique(prefix) + "@example.test"


# ---------------------------------------------------------------- assertions


class TestFailure(AssertionError):
    pass


class Checks:
    """Counts assertions, so a test that checks nothing cannot pass."""
    count = 0
    lock = threading.Lock()


def check(cond, msg):
    with Checks.lock:
        Checks.count += 1
    if not cond:
        raise TestFailure(msg)


def eq(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def contains(haystack, needle, what):
    check(haystack is not None and needle in haystack,
          f"{what}: expected {needle!r} in {haystack!r}")


def expect(resp, status, code=None, what=None):
    """Assert a response's status (and error code); returns the response."""
    what = what or f"{resp.method} {resp.path}"
    check(resp.status == status,
          f"{what}: expected HTTP {status}{' ' + code if code else ''}, got {resp.brief()}")
    if code is not None:
        check(resp.error_code == code,
              f"{what}: expected error code {code!r}, got {resp.brief()}")
    return resp


# ---------------------------------------------------------------- HTTP


class Headers:
    """Response headers: case-insensitive lookup, repeated headers kept."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def get(self, name, default=None):
        for k, v in self.pairs:
            if k.lower() == name.lower():
                return v
        return default

    def get_all(self, name):
        return [v for k, v in self.pairs if k.lower() == name.lower()]

    def __contains__(self, name):
        return self.get(name) is not None

    def __repr__(self):
        return repr(self.pairs)


class Resp:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")
        self.json = None
        ctype = headers.get("Content-Type", "") or ""
        if body and "json" in ctype:
            try:
                self.json = json.loads(body)
            except ValueError:
                self.json = None
        self.data = self.json if self.json is not None else self.text

    def __iter__(self):
        return iter((self.status, self.headers, self.data))

    @property
    def error_code(self):
        try:
            return self.json["error"]["code"]
        except (TypeError, KeyError):
            return None

    @property
    def error_message(self):
        try:
            return self.json["error"]["message"]
        except (TypeError, KeyError):
            return None

    def brief(self):
        return f"{self.status} {self.text[:300]!r}"


def validate_response(resp):
    """Every response has an X-Request-Id; every error has exactly the error shape."""
    rid = resp.headers.get("X-Request-Id")
    check(rid is not None and rid != "",
          f"{resp.method} {resp.path}: response {resp.status} has no X-Request-Id header")
    if resp.status >= 400:
        j = resp.json
        ok = (isinstance(j, dict) and set(j) == {"error"} and isinstance(j["error"], dict)
              and set(j["error"]) == {"code", "message"}
              and isinstance(j["error"]["code"], str) and isinstance(j["error"]["message"], str)
              and j["error"]["code"] != "" and j["error"]["message"] != "")
        check(ok, f"{resp.method} {resp.path}: error response {resp.status} is not "
                  f"{{\"error\":{{\"code\":str,\"message\":str}}}} JSON "
                  f"(Content-Type {resp.headers.get('Content-Type')!r}): {resp.text[:300]!r}")


_DEFAULT = object()


class Session:
    """A cookie login: the session cookie and its CSRF token."""

    def __init__(self, cookie, csrf, user, restricted, resp):
        self.cookie = cookie
        self.csrf = csrf
        self.user = user
        self.restricted = restricted
        self.resp = resp


def session_cookie(resp):
    for v in resp.headers.get_all("Set-Cookie"):
        m = re.match(r"\s*vf_session=([^;]*)", v)
        if m:
            return m.group(1), v
    return None, None


# ---------------------------------------------------------------- TOTP (RFC 6238)


def totp_code(secret_b32, step):
    """SHA-1, 6 digits, for the 30-second step number `step`."""
    s = secret_b32.strip().replace(" ", "").upper()
    key = base64.b32decode(s + "=" * (-len(s) % 8))
    return hotp(key, step, 6)


def hotp(key, counter, digits):
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


def totp_step(t=None):
    return int((time.time() if t is None else t) // 30)


# ---------------------------------------------------------------- the fixture


class Ctx:
    def __init__(self, args):
        self.binary = os.path.abspath(args.binary)
        self.db = args.db
        self.verbose = args.verbose
        self.tmp = tempfile.mkdtemp(prefix="vf-api-")
        self.dir = os.path.join(self.tmp, "instance")
        self.stderr_path = os.path.join(self.tmp, "server.stderr")
        self.stdout_path = os.path.join(self.tmp, "server.stdout")
        self.cli_log_path = os.path.join(self.tmp, "cli.stderr")
        self.proc = None
        self.port = None
        self.admin_email = None
        self.admin_init_password = None
        self._admin = None
        self._roles = {}
        self.lock = threading.Lock()

    # ---- processes

    def cli(self, *args, input=None, timeout=60):
        """Run `vulnflow ARGS`; returns CompletedProcess (text).  Its stderr is logged."""
        p = subprocess.run([self.binary] + [str(a) for a in args], input=input,
                           capture_output=True, text=True, timeout=timeout)
        with open(self.cli_log_path, "a") as f:
            f.write(f"$ vulnflow {' '.join(map(str, args))}  (exit {p.returncode})\n{p.stderr}")
        for mark in SANITIZER_MARKS:
            check(mark not in p.stderr,
                  f"`vulnflow {' '.join(map(str, args))}` printed a sanitizer report:\n"
                  f"{p.stderr[-3000:]}")
        return p

    def start(self):
        cmd = [self.binary, "init", "--dir", self.dir, "--json"]
        if self.db:
            cmd += ["--db", self.db]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"`{' '.join(cmd)}` exited {p.returncode}: {p.stderr.strip()}")
        try:
            info = json.loads(p.stdout)
            self.admin_email = info["admin_email"]
            self.admin_init_password = info["admin_password"]
        except (ValueError, KeyError) as e:
            raise RuntimeError(f"init --json printed {p.stdout!r}: {e}")
        cmd = [self.binary, "serve", "--dir", self.dir, "--listen", "127.0.0.1:0",
               "--set", f"conn_timeout={CONN_TIMEOUT}",
               "--set", f"lockout_threshold={LOCKOUT_THRESHOLD}",
               "--set", f"lockout_base={LOCKOUT_BASE}",
               "--set", f"body_limit={BODY_LIMIT}",
               "--set", f"request_timeout={REQUEST_TIMEOUT}",
               "--set", "intake_rate_limit=0"]
        self.stdout_f = open(self.stdout_path, "w")
        self.stderr_f = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.stdout_f, stderr=self.stderr_f,
                                     stdin=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(self.stdout_path) as f:
                first = f.readline()
            if first.endswith("\n"):
                m = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)/\n", first)
                if not m:
                    raise RuntimeError(f"serve's first stdout line is {first!r}")
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited {self.proc.returncode} before listening: "
                                   f"{self.server_stderr()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("serve did not print its listening line within 30 s")

    def server_stderr(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """SIGTERM; returns (exit status or None if it did not stop in 10 s, seconds)."""
        if self.proc is None:
            return None, 0
        if self.proc.poll() is not None:
            return self.proc.returncode, 0
        t0 = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None, time.time() - t0
        return rc, time.time() - t0

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in ("stdout_f", "stderr_f"):
            if hasattr(self, f):
                getattr(self, f).close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- HTTP

    def api(self, method, path, body=None, token=None, cookie=None, csrf=_DEFAULT,
            headers=None, raw=None, session=None, content_type=_DEFAULT, timeout=30):
        """One request on a new connection; returns a Resp (unpacks to status, headers, data).

        body: a JSON value to send; raw: bytes to send as is.  session: a Session,
        whose cookie and CSRF token are sent (csrf=None suppresses the token)."""
        hdrs = {}
        if session is not None:
            cookie = session.cookie
            if csrf is _DEFAULT:
                csrf = session.csrf
        if csrf is _DEFAULT:
            csrf = None
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            hdrs["Cookie"] = f"vf_session={cookie}"
        if csrf is not None:
            hdrs["X-CSRF-Token"] = csrf
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            hdrs["Content-Type"] = ("application/json" if content_type is _DEFAULT
                                    else content_type)
            if hdrs["Content-Type"] is None:
                del hdrs["Content-Type"]
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            resp = Resp(method, path, r.status, Headers(r.getheaders()), r.read())
        finally:
            conn.close()
        validate_response(resp)
        return resp

    def raw_http(self, data, method="GET", path="?", timeout=15, send_after=None):
        """Send raw bytes, parse one response (send_after: bytes sent after it is read)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            r = http.client.HTTPResponse(s, method=method)
            r.begin()
            resp = Resp(method, path, r.status, Headers(r.getheaders()), r.read())
            if send_after is not None:
                try:
                    s.sendall(send_after)
                except OSError:
                    pass
        finally:
            s.close()
        validate_response(resp)
        return resp

    # ---- accounts

    def login(self, email, password, totp=None, **kw):
        body = {"email": email, "password": password}
        if totp is not None:
            body["totp"] = totp
        return self.api("POST", "/api/v1/auth/login", body, **kw)

    def session(self, email, password, totp=None):
        """Log in; asserts 200 and returns a Session."""
        r = expect(self.login(email, password, totp), 200, what=f"login of {email}")
        cookie, _ = session_cookie(r)
        check(cookie, f"login of {email} set no vf_session cookie: {r.headers}")
        check(isinstance(r.json.get("csrf_token"), str) and r.json["csrf_token"],
              f"login of {email} returned no csrf_token: {r.text}")
        return Session(cookie, r.json["csrf_token"], r.json.get("user"),
                       r.json.get("restricted"), r)

    @property
    def admin(self):
        """The instance's first administrator: one-time password changed, with a token."""
        with self.lock:
            if self._admin is None:
                s = self.session(self.admin_email, self.admin_init_password)
                eq(s.restricted, "password_change_required",
                   "restriction of the first admin's one-time-password login")
                expect(self.api("POST", "/api/v1/users/me/password",
                                {"current_password": self.admin_init_password,
                                 "new_password": PASSWORD}, session=s), 204,
                       what="first admin's password change")
                t = expect(self.api("POST", "/api/v1/auth/tokens", {"name": "api-suite"},
                                    session=s), 201, what="admin token")
                self._admin = {"email": self.admin_email, "password": PASSWORD,
                               "id": s.user["id"], "session": s, "token": t.json["token"]}
            return self._admin

    @property
    def admin_token(self):
        return self.admin["token"]

    def create_user(self, role, password=PASSWORD, email=None, **extra):
        """POST /api/v1/users as the admin; password=None asks for a one-time password."""
        email = email or unique_email(role)
        body = {"email": email, "role": role}
        if password is not None:
            body["password"] = password
        body.update(extra)
        r = expect(self.api("POST", "/api/v1/users", body, token=self.admin_token), 201,
                   what=f"create {role} {email}")
        u = r.json["user"]
        return {"id": u["id"], "email": u["email"], "role": role,
                "password": password if password is not None else r.json["one_time_password"],
                "resp": r}

    def token_for(self, user, **body):
        """Log `user` in and create an API token on that session; returns the secret."""
        s = self.session(user["email"], user["password"])
        body.setdefault("name", unique("tok"))
        r = expect(self.api("POST", "/api/v1/auth/tokens", body, session=s), 201,
                   what=f"token for {user['email']}")
        return r.json["token"]

    def role_account(self, role):
        """A user of `role` with a password, a session and a token (made once per run)."""
        with self.lock:
            acct = self._roles.get(role)
        if acct is None:
            acct = self.create_user(role)
            acct["session"] = self.session(acct["email"], acct["password"])
            r = expect(self.api("POST", "/api/v1/auth/tokens", {"name": unique("role")},
                                session=acct["session"]), 201, what=f"{role} token")
            acct["token"] = r.json["token"]
            with self.lock:
                self._roles[role] = acct
        return acct


def route_table():
    """(method, path, has_body) of every route, read from src/http/route.c itself."""
    with open(ROUTE_C) as f:
        src = f.read()
    rows = []
    for m in re.finditer(r'R\("([A-Z]+)",\s*"([^"]+)"', src):
        # the row runs up to the next row or the end of the table
        nxt = src.find('R("', m.end())
        end = src.find("};", m.end())
        stop = min(x for x in (nxt, end) if x >= 0)
        rows.append((m.group(1), m.group(2), ".body" in src[m.end():stop]))
    return rows


# ================================================================ tests
# 1. health and meta


def test_healthz(ctx):
    r = expect(ctx.api("GET", "/healthz"), 200)
    j = r.json
    check(isinstance(j, dict), f"/healthz body is not JSON: {r.text!r}")
    eq(j.get("status"), "ok", "/healthz status")
    check(isinstance(j.get("db"), dict), f"/healthz has no db object: {j}")
    eq(j["db"].get("backend"), "postgresql" if ctx.db else "sqlite", "/healthz db.backend")
    eq(j["db"].get("writable"), True, "/healthz db.writable")
    contains(r.headers.get("Content-Type"), "application/json", "/healthz Content-Type")


def test_metrics(ctx):
    expect(ctx.api("GET", "/healthz"), 200)
    r = expect(ctx.api("GET", "/metrics"), 200)
    contains(r.headers.get("Content-Type"), "text/plain", "/metrics Content-Type")
    text = r.text
    m = re.search(r'^vulnflow_http_requests_total\{method="GET",route="/healthz",status="200"\} '
                  r'(\d+)$', text, re.M)
    check(m is not None, f"/metrics lacks the /healthz 200 counter:\n{text[:1500]}")
    check(int(m.group(1)) >= 1, f"/healthz 200 counter is {m.group(1)}")
    contains(text, 'vulnflow_http_request_duration_seconds_bucket{le="+Inf"}', "/metrics")
    contains(text, "# TYPE vulnflow_http_request_duration_seconds histogram", "/metrics")
    check(re.search(r"^vulnflow_db_pool_connections(\{[^}]*\})? \d+$", text, re.M),
          f"/metrics lacks vulnflow_db_pool_connections:\n{text[-1500:]}")
    # every sample line is "name{labels} value" or "name value"
    bad = [ln for ln in text.splitlines() if ln and not ln.startswith("#") and not re.fullmatch(
        r'[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eE]+|[a-zA-Z_:][a-zA-Z0-9_:]*'
        r'(\{[^}]*\})? [+-]?Inf', ln)]
    eq(bad, [], "/metrics lines not in Prometheus text format")
    # the counter grows
    expect(ctx.api("GET", "/healthz"), 200)
    m2 = re.search(r'^vulnflow_http_requests_total\{method="GET",route="/healthz",status="200"\} '
                   r'(\d+)$', ctx.api("GET", "/metrics").text, re.M)
    check(m2 and int(m2.group(1)) > int(m.group(1)),
          f"/healthz 200 counter did not grow: {m.group(1)} -> {m2 and m2.group(1)}")
    inf = re.search(r'_bucket\{le="\+Inf"\} (\d+)', text)
    cnt = re.search(r"^vulnflow_http_request_duration_seconds_count (\d+)$", text, re.M)
    check(inf and cnt and inf.group(1) == cnt.group(1),
          "histogram +Inf bucket differs from _count")


def test_openapi_matches_route_table(ctx):
    routes = route_table()
    check(len(routes) >= 20, f"parsed only {len(routes)} routes from {ROUTE_C}")
    r = expect(ctx.api("GET", "/api/v1/openapi.json"), 200)
    doc = r.json
    check(isinstance(doc, dict), f"openapi.json is not JSON: {r.text[:200]!r}")
    eq(doc.get("openapi"), "3.1.0", "openapi version")
    check(isinstance(doc.get("info"), dict) and doc["info"].get("title"), "openapi info.title")
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    served = {(m.upper(), p) for p, item in doc.get("paths", {}).items()
              for m in item if m in methods}
    table = {(m, p) for m, p, _ in routes}
    eq(sorted(table - served), [], "routes missing from openapi.json")
    eq(sorted(served - table), [], "openapi.json operations that are not routes")
    for m, p, _ in routes:
        op = doc["paths"][p][m.lower()]
        check(isinstance(op.get("responses"), dict) and op["responses"],
              f"{m} {p}: no responses in openapi.json")
        if "{id}" in p:
            names = [x.get("name") for x in op.get("parameters", []) if x.get("in") == "path"]
            eq(names, ["id"], f"{m} {p}: path parameters")


def test_openapi_request_bodies_closed(ctx):
    routes = route_table()
    doc = expect(ctx.api("GET", "/api/v1/openapi.json"), 200).json
    for m, p, has_body in routes:
        op = doc["paths"][p][m.lower()]
        if not has_body:
            check("requestBody" not in op, f"{m} {p} takes no body but documents one")
            continue
        try:
            schema = op["requestBody"]["content"]["application/json"]["schema"]
        except (KeyError, TypeError):
            raise TestFailure(f"{m} {p}: no requestBody application/json schema: {op}")
        eq(schema.get("type"), "object", f"{m} {p}: requestBody schema type")
        eq(schema.get("additionalProperties"), False,
           f"{m} {p}: requestBody additionalProperties")
        check(isinstance(schema.get("properties"), dict) and schema["properties"],
              f"{m} {p}: requestBody has no properties")


# 2. router errors


def test_unknown_path_404(ctx):
    for path in ["/nope", "/api/v1/nope", "/api/v1/users/0", "/api/v1/users/01",
                 "/api/v1/users/abc", "/api/v1/users/1/x", "/healthz/"]:
        expect(ctx.api("GET", path, token=ctx.admin_token), 404, "not_found")


def test_wrong_method_405_allow(ctx):
    cases = [("PUT", "/healthz", {"GET"}), ("POST", "/metrics", {"GET"}),
             ("DELETE", "/api/v1/users", {"GET", "POST"}),
             ("GET", "/api/v1/auth/login", {"POST"}),
             ("GET", "/api/v1/auth/tokens/7", {"DELETE"}),
             ("DELETE", "/api/v1/users/5", {"GET", "PATCH"})]
    for method, path, allowed in cases:
        r = expect(ctx.api(method, path), 405, "method_not_allowed")
        allow = r.headers.get("Allow")
        check(allow is not None, f"{method} {path}: 405 without an Allow header")
        eq({x.strip() for x in allow.split(",")}, allowed, f"{method} {path}: Allow header")


def test_request_id_unique_and_echo(ctx):
    ids = [ctx.api("GET", "/healthz").headers.get("X-Request-Id") for _ in range(20)]
    ids.append(ctx.api("GET", "/nope").headers.get("X-Request-Id"))
    eq(len(set(ids)), len(ids), "distinct X-Request-Id values over 21 requests")
    for rid in ["abc-123_X.y", "t" * 39]:
        r = ctx.api("GET", "/healthz", headers={"X-Request-Id": rid})
        eq(r.headers.get("X-Request-Id"), rid, "safe caller X-Request-Id echoed")
    r = ctx.api("GET", "/nope", headers={"X-Request-Id": "err-echo-1"})
    eq(r.headers.get("X-Request-Id"), "err-echo-1", "X-Request-Id echoed on a 404")
    for bad in ["a<script>", "x" * 100, "a b", "q\"uote", "semi;colon"]:
        r = ctx.api("GET", "/healthz", headers={"X-Request-Id": bad})
        got = r.headers.get("X-Request-Id")
        check(got and got != bad and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", got),
              f"unsafe X-Request-Id {bad!r} was not replaced by a safe one: got {got!r}")


# 3. bad input on POST /api/v1/auth/login and POST /api/v1/users

BODY_ROUTES = [("/api/v1/auth/login", False), ("/api/v1/users", True)]


def _post_raw(ctx, path, auth, raw, content_type="application/json", headers=None):
    return ctx.api("POST", path, raw=raw, token=ctx.admin_token if auth else None,
                   content_type=content_type, headers=headers)


def test_bad_input_malformed_json(ctx):
    for path, auth in BODY_ROUTES:
        for raw in [b"{", b"{email: 1}", b'{"email":"a@b.c",}', b"nul", b'{"email" "x"}',
                    b"\xef\xbb\xbf{}x", b"{}{}"]:
            expect(_post_raw(ctx, path, auth, raw), 400, "malformed_json",
                   f"POST {path} with {raw!r}")


def test_bad_input_truncated_json(ctx):
    for path, auth in BODY_ROUTES:
        full = b'{"email":"someone@example.test","password":"xxxxxxxxxxxxxx","role":"analyst"}'
        for cut in [1, 10, 25, len(full) - 1]:
            expect(_post_raw(ctx, path, auth, full[:cut]), 400, "malformed_json",
                   f"POST {path} with {full[:cut]!r}")


def test_bad_input_invalid_utf8(ctx):
    for path, auth in BODY_ROUTES:
        for raw in [b'{"email":"\xff\xfe@example.test","password":"p","role":"analyst"}',
                    b'{"email":"a\xc3@example.test","password":"p","role":"analyst"}',
                    b'{"email":"\xed\xa0\x80@example.test","password":"p","role":"analyst"}']:
            expect(_post_raw(ctx, path, auth, raw), 400, None, f"POST {path} with {raw!r}")


def test_bad_input_duplicate_keys(ctx):
    for path, auth in BODY_ROUTES:
        raw = b'{"email":"a@example.test","email":"b@example.test","password":"p","role":"analyst"}'
        expect(_post_raw(ctx, path, auth, raw), 400, "malformed_json",
               f"POST {path} duplicate keys")


def test_bad_input_nul_escape(ctx):
    for path, auth in BODY_ROUTES:
        raw = b'{"email":"a\\u0000b@example.test","password":"pppppppppppp","role":"analyst"}'
        expect(_post_raw(ctx, path, auth, raw), 400, None, f"POST {path} with \\u0000")


def test_bad_input_not_an_object(ctx):
    for path, auth in BODY_ROUTES:
        for raw in [b"[]", b'["email"]', b"5", b'"text"', b"true", b"null"]:
            expect(_post_raw(ctx, path, auth, raw), 422, None, f"POST {path} with body {raw!r}")


def test_bad_input_wrong_type(ctx):
    for path, auth in BODY_ROUTES:
        body = {"email": 5, "password": "pppppppppppp", "role": "analyst"}
        if path.endswith("login"):
            del body["role"]
        r = expect(ctx.api("POST", path, body, token=ctx.admin_token if auth else None), 422,
                   None, f"POST {path} with email 5")
        contains(r.error_message, '"email"', f"POST {path} wrong-type message")
    r = expect(ctx.api("POST", "/api/v1/users", {"email": "x@example.test", "role": "analyst",
                                                 "org_id": "1"}, token=ctx.admin_token), 422)
    contains(r.error_message, "org_id", "wrong-type org_id message")
    r = expect(ctx.api("POST", "/api/v1/users", {"email": "x@example.test", "role": "analyst",
                                                 "totp_required": "yes"},
                       token=ctx.admin_token), 422)
    contains(r.error_message, "totp_required", "wrong-type totp_required message")


def test_bad_input_unknown_field(ctx):
    for path, auth in BODY_ROUTES:
        body = {"email": "x@example.test", "password": "pppppppppppp", "role": "analyst",
                "is_admin": True}
        if path.endswith("login"):
            del body["role"]
        r = expect(ctx.api("POST", path, body, token=ctx.admin_token if auth else None), 422,
                   "unknown_field", f"POST {path} with an unknown field")
        contains(r.error_message, "is_admin", f"POST {path} unknown-field message")


def test_bad_input_missing_field(ctx):
    r = expect(ctx.api("POST", "/api/v1/auth/login", {"email": "x@example.test"}), 422,
               "missing_field")
    contains(r.error_message, "password", "missing password message")
    r = expect(ctx.api("POST", "/api/v1/auth/login", {"password": "x"}), 422, "missing_field")
    contains(r.error_message, "email", "missing email message")
    r = expect(ctx.api("POST", "/api/v1/users", {"email": "x@example.test"},
                       token=ctx.admin_token), 422, "missing_field")
    contains(r.error_message, "role", "missing role message")
    r = expect(ctx.api("POST", "/api/v1/users", {}, token=ctx.admin_token), 422,
               "missing_field")


def test_bad_input_content_type(ctx):
    body = json.dumps({"email": "x@example.test", "password": "p"}).encode()
    for path, auth in BODY_ROUTES:
        for ct in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", None]:
            expect(_post_raw(ctx, path, auth, body, content_type=ct), 415,
                   "unsupported_media_type", f"POST {path} with Content-Type {ct!r}")
        # parameters on the right type are fine (reaches validation: 401/422, not 415)
        r = _post_raw(ctx, path, auth, b"{}", content_type="application/json; charset=utf-8")
        eq(r.status, 422, f"POST {path} with application/json; charset=utf-8 and {{}}")


def test_bad_input_empty_body(ctx):
    for path, auth in BODY_ROUTES:
        expect(_post_raw(ctx, path, auth, b""), 400, None, f"POST {path} with an empty body")
        expect(ctx.api("POST", path, token=ctx.admin_token if auth else None,
                       headers={"Content-Type": "application/json"}), 400, None,
               f"POST {path} with no body")


def _oversize_json(n):
    pad = "a" * n
    return json.dumps({"email": "x@example.test", "password": pad}).encode()


def test_bad_input_body_too_large(ctx):
    big = _oversize_json(70000)
    check(len(big) > BODY_LIMIT, "test body is over the limit")
    for path, auth in BODY_ROUTES:
        expect(_post_raw(ctx, path, auth, big), 413, "payload_too_large", f"POST {path} 70 kB")
    # declared too large: the server may answer as soon as it has the headers
    head = (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(big)}\r\n\r\n").encode()
    r = ctx.raw_http(head, "POST", "/api/v1/auth/login", send_after=big)
    expect(r, 413, "payload_too_large", "declared-oversize body answered before it is sent")
    # just under the limit is not refused for its size
    ok = _oversize_json(BODY_LIMIT - 100)
    r = _post_raw(ctx, "/api/v1/auth/login", False, ok)
    check(r.status != 413, f"a {len(ok)}-byte body under the {BODY_LIMIT} limit got {r.brief()}")
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after oversize bodies")


def test_bad_input_chunked_too_large(ctx):
    for path, auth in BODY_ROUTES:
        chunks = b"".join(b"%x\r\n%s\r\n" % (8192, b"a" * 8192) for _ in range(10)) + b"0\r\n\r\n"
        head = (f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                f"Transfer-Encoding: chunked\r\nConnection: close\r\n").encode()
        if auth:
            head += f"Authorization: Bearer {ctx.admin_token}\r\n".encode()
        r = ctx.raw_http(head + b"\r\n" + chunks, "POST", path)
        expect(r, 413, "payload_too_large", f"POST {path} chunked 80 kB")
    # a small chunked body is accepted as a body
    body = json.dumps({"email": "chunk@example.test"}).encode()
    head = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    r = ctx.raw_http(head + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body), "POST", "login")
    expect(r, 422, "missing_field", "small chunked body")


def test_bad_input_headers_too_large(ctx):
    for path in ["/healthz", "/api/v1/auth/login"]:
        data = (f"GET {path} HTTP/1.1\r\nHost: t\r\nX-Big: {'a' * 20000}\r\n"
                f"Connection: close\r\n\r\n").encode()
        r = ctx.raw_http(data, "GET", f"{path} (one 20000-byte header)")
        expect(r, 431, "headers_too_large")
    # many small headers adding up over the limit (100 x 100 bytes > header_limit 8 KiB)
    many = "".join(f"X-H{i}: {'b' * 100}\r\n" for i in range(100))
    r = ctx.raw_http(f"GET /healthz HTTP/1.1\r\nHost: t\r\n{many}Connection: close\r\n\r\n"
                     .encode(), "GET", "/healthz (100 headers of 100 bytes)")
    expect(r, 431, "headers_too_large")
    # past libmicrohttpd's per-connection memory (32 KiB) it answers 431 itself, without
    # our JSON body (docs/operations.md): assert that answer, never a hang
    many = "".join(f"X-H{i}: {'b' * 100}\r\n" for i in range(400))
    s = socket.create_connection(("127.0.0.1", ctx.port), timeout=5)
    try:
        s.sendall(f"GET /healthz HTTP/1.1\r\nHost: t\r\n{many}\r\n".encode())
        first = s.recv(64)
    except OSError:
        first = b""
    s.close()
    check(first == b"" or first.startswith(b"HTTP/1.1 431"),
          f"400 headers of 100 bytes got {first!r}")
    # far over any limit: some 431 (libmicrohttpd may answer this itself), never a hang
    s = socket.create_connection(("127.0.0.1", ctx.port), timeout=5)
    try:
        s.sendall(f"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {'c' * 200000}\r\n\r\n"
                  .encode())
    except OSError:
        pass
    try:
        first = s.recv(64)
    except OSError:
        first = b""
    s.close()
    check(first == b"" or first.startswith(b"HTTP/1.1 431"),
          f"a 200 kB header got {first!r}")
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after huge headers")


def test_many_query_parameters_bounded(ctx):
    """Many query parameters: answered while they fit libmicrohttpd's per-connection memory;
    past it (libmicrohttpd 0.9.75 sends no reply, docs/operations.md) the connection is
    closed within conn_timeout, and the server keeps serving."""
    for n in [100, 300, 1000, 3000]:
        path = "/api/v1/audit?" + "a=b&" * n + "limit=1"
        s = socket.create_connection(("127.0.0.1", ctx.port), timeout=CONN_TIMEOUT + 2)
        t0 = time.time()
        try:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                      f"Authorization: Bearer {ctx.admin_token}\r\n\r\n".encode())
            try:
                first = s.recv(64)
            except socket.timeout:
                first = None
            except OSError:
                first = b""
        finally:
            s.close()
        took = time.time() - t0
        if n <= 300:
            check(first is not None and first.startswith(b"HTTP/1.1 200"),
                  f"GET with {n} query parameters: {first!r} after {took:.1f} s")
        else:
            check(first is not None and (first == b"" or first.startswith(b"HTTP/1.1 ")),
                  f"GET with {n} query parameters: no answer and still open after "
                  f"{took:.1f} s (conn_timeout {CONN_TIMEOUT} s)")
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after many query parameters")


def test_slow_body_deadline(ctx):
    """A body trickled in just under the idle timeout is cut off at request_timeout: the
    connection is closed (a 408 is logged; the client may only see the close, since its
    unsent body is discarded), and the server keeps serving."""
    s = socket.create_connection(("127.0.0.1", ctx.port), timeout=10)
    s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n"
              b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    t0 = time.time()
    closed = False
    s.settimeout(0.2)
    while time.time() - t0 < REQUEST_TIMEOUT + 3:
        try:
            s.sendall(b" ")
            data = s.recv(256)
            if data == b"" or data.startswith(b"HTTP/1.1 408"):
                closed = True
                break
        except socket.timeout:
            pass
        except OSError:
            closed = True
            break
        time.sleep(1)
    s.close()
    took = time.time() - t0
    check(closed, f"a body trickled 1 byte/s was still open after {took:.1f} s")
    check(took >= REQUEST_TIMEOUT - 0.5, f"the slow body was cut off early, after {took:.1f} s")
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after a slow body")


# 4. slow and idle clients


def _closed_by_server(sock, wait):
    """True if the server closes sock within `wait` seconds (EOF or reset)."""
    sock.settimeout(wait)
    try:
        while True:
            d = sock.recv(4096)
            if not d:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_slow_client_closed(ctx):
    s = socket.create_connection(("127.0.0.1", ctx.port), timeout=5)
    try:
        s.sendall(b"GET /hea")
        t0 = time.time()
        time.sleep(CONN_TIMEOUT + 1)
        closed = _closed_by_server(s, CONN_TIMEOUT + 3)
        check(closed, f"a stalled request line was still open {time.time() - t0:.1f} s later "
                      f"(conn_timeout={CONN_TIMEOUT})")
    finally:
        s.close()
    # a stalled body too
    s = socket.create_connection(("127.0.0.1", ctx.port), timeout=5)
    try:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                  b"\r\nContent-Length: 100\r\n\r\n{\"email\"")
        check(_closed_by_server(s, CONN_TIMEOUT + 4), "a stalled body was never closed")
    finally:
        s.close()
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after slow clients")


def test_idle_connections_do_not_block(ctx):
    socks = []
    try:
        for _ in range(20):
            socks.append(socket.create_connection(("127.0.0.1", ctx.port), timeout=5))
        for i, s in enumerate(socks[:10]):
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")   # headers never finished
        t0 = time.time()
        for _ in range(5):
            expect(ctx.api("GET", "/healthz", timeout=5), 200, what="healthz with 20 idle sockets")
        check(time.time() - t0 < 3, f"5 requests took {time.time() - t0:.1f} s beside idle sockets")
    finally:
        for s in socks:
            s.close()


# 5. login sessions


def test_auth_one_time_password_flow(ctx):
    u = ctx.create_user("admin", password=None)
    otp = u["password"]
    check(isinstance(otp, str) and len(otp) >= 12, f"one-time password {otp!r}")
    s = ctx.session(u["email"], otp)
    eq(s.restricted, "password_change_required", "restricted after one-time-password login")
    eq(s.user["email"], u["email"], "login user.email")
    eq(s.user["must_change_password"], True, "user.must_change_password")
    check(isinstance(s.resp.json.get("capabilities"), list), "login capabilities list")
    expect(ctx.api("GET", "/api/v1/users", session=s), 403, "password_change_required")
    expect(ctx.api("GET", "/api/v1/auth/tokens", session=s), 403, "password_change_required")
    me = expect(ctx.api("GET", "/api/v1/users/me", session=s), 200)
    eq(me.json["email"], u["email"], "/users/me email while restricted")
    sess = expect(ctx.api("GET", "/api/v1/auth/session", session=s), 200)
    eq(sess.json.get("csrf_token"), s.csrf, "/auth/session csrf_token")
    eq(sess.json.get("via"), "session", "/auth/session via")
    body = {"current_password": otp, "new_password": PASSWORD}
    expect(ctx.api("POST", "/api/v1/users/me/password", body, session=s, csrf=None), 403,
           "csrf_token_invalid", "password change without X-CSRF-Token")
    for bad in ["0" * len(s.csrf), s.csrf[:-1], s.csrf + "0", s.csrf.upper() + "!", ""]:
        expect(ctx.api("POST", "/api/v1/users/me/password", body, session=s, csrf=bad), 403,
               "csrf_token_invalid", f"password change with X-CSRF-Token {bad!r}")
    expect(ctx.api("POST", "/api/v1/users/me/password",
                   {"current_password": otp, "new_password": otp}, session=s), 422,
           "weak_password", "new password equal to the current one")
    expect(ctx.api("POST", "/api/v1/users/me/password",
                   {"current_password": "wrong password!", "new_password": PASSWORD},
                   session=s), 403, "wrong_password", "password change with a wrong current")
    expect(ctx.api("POST", "/api/v1/users/me/password",
                   {"current_password": otp, "new_password": "short"}, session=s), 422)
    expect(ctx.api("POST", "/api/v1/users/me/password", body, session=s), 204)
    r = expect(ctx.api("GET", "/api/v1/users", session=s), 200,
               what="admin route with the same cookie after the change")
    check(isinstance(r.json.get("items"), list), f"/users items: {r.text[:200]}")
    sess = expect(ctx.api("GET", "/api/v1/auth/session", session=s), 200)
    check(sess.json.get("restricted") is None, f"still restricted: {sess.text}")
    expect(ctx.login(u["email"], otp), 401, "invalid_credentials", "old one-time password")
    s2 = ctx.session(u["email"], PASSWORD)
    check(s2.restricted is None, f"new-password login restricted {s2.restricted!r}")


def test_auth_cookie_attributes(ctx):
    u = ctx.role_account("analyst")
    r = expect(ctx.login(u["email"], u["password"]), 200)
    cookie, header = session_cookie(r)
    check(cookie and cookie.startswith("vfs_") and len(cookie) > 20, f"cookie value {cookie!r}")
    attrs = [a.strip().lower() for a in header.split(";")[1:]]
    check("httponly" in attrs, f"Set-Cookie lacks HttpOnly: {header!r}")
    check("samesite=strict" in attrs, f"Set-Cookie lacks SameSite=Strict: {header!r}")
    check("secure" not in attrs, f"Set-Cookie has Secure without an https public_url: {header!r}")
    check("path=/" in attrs, f"Set-Cookie lacks Path=/: {header!r}")
    check(cookie not in r.text, "the session secret is echoed in the login body")
    j = r.json
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", j.get("expires_at") or ""),
          f"login expires_at {j.get('expires_at')!r}")
    check(j.get("csrf_token") and j["csrf_token"] != cookie, "csrf token differs from cookie")


def test_auth_wrong_password_and_unknown_email(ctx):
    u = ctx.create_user("reporter")
    r1 = expect(ctx.login(u["email"], "not the password"), 401, "invalid_credentials")
    r2 = expect(ctx.login(unique_email("nobody"), "not the password"), 401,
                "invalid_credentials")
    eq(r2.error_message, r1.error_message, "unknown-e-mail message equals wrong-password message")
    # e-mail addresses are case-insensitive
    s = ctx.session(u["email"].upper(), u["password"])
    eq(s.user["email"], u["email"], "login with an upper-case e-mail")


def test_auth_logout(ctx):
    u = ctx.role_account("coordinator")
    s = ctx.session(u["email"], u["password"])
    expect(ctx.api("GET", "/api/v1/users/me", session=s), 200)
    expect(ctx.api("POST", "/api/v1/auth/logout", session=s, csrf=None), 403,
           "csrf_token_invalid", "logout without X-CSRF-Token")
    r = expect(ctx.api("POST", "/api/v1/auth/logout", session=s), 204)
    _, header = session_cookie(r)
    check(header and re.search(r"max-age=0", header, re.I),
          f"logout does not expire the cookie: {header!r}")
    expect(ctx.api("GET", "/api/v1/users/me", session=s), 401, "unauthenticated",
           "the cookie after logout")
    expect(ctx.api("POST", "/api/v1/auth/logout", session=s), 401, "unauthenticated",
           "logout twice")
    expect(ctx.api("POST", "/api/v1/auth/logout", token=u["token"]), 409, "not_a_session",
           "logout with a bearer token")
    expect(ctx.api("GET", "/api/v1/users/me", session=u["session"]), 200,
           what="another session of the same user after logout")
    expect(ctx.api("GET", "/api/v1/users/me", cookie="vfs_" + "x" * 40), 401, "unauthenticated",
           "a made-up session cookie")


# 6. lockout


def _lock_out(ctx, u):
    for i in range(LOCKOUT_THRESHOLD):
        expect(ctx.login(u["email"], f"wrong password {i}"), 401, "invalid_credentials",
               f"failed login {i + 1}")
    t_locked = time.time()
    return t_locked


def test_lockout(ctx):
    u = ctx.create_user("analyst")
    t_locked = _lock_out(ctx, u)
    r = expect(ctx.login(u["email"], u["password"]), 429, "account_locked",
               "right password while locked")
    ra = r.headers.get("Retry-After")
    check(ra is not None and ra.isdigit() and int(ra) > 0, f"Retry-After {ra!r}")
    expect(ctx.login(u["email"], "still wrong"), 429, "account_locked",
           "wrong password while locked")
    time.sleep(max(0.0, t_locked + LOCKOUT_BASE + 0.7 - time.time()))
    s = ctx.session(u["email"], u["password"])
    eq(s.user["email"], u["email"], "login after the lockout ends")
    # the success reset the count: one failure does not lock again
    expect(ctx.login(u["email"], "wrong once"), 401, "invalid_credentials")
    ctx.session(u["email"], u["password"])


def test_lockout_retry_after_accurate(ctx):
    """Retry-After must tell the client how long the lock lasts (here ~LOCKOUT_BASE s)."""
    u = ctx.create_user("analyst")
    _lock_out(ctx, u)
    r = expect(ctx.login(u["email"], u["password"]), 429, "account_locked")
    m = re.search(r"(\d+) s", r.error_message or "")
    ra = r.headers.get("Retry-After")
    check(ra is not None and ra.isdigit(), f"Retry-After {ra!r}")
    check(int(ra) <= LOCKOUT_BASE + 1,
          f"Retry-After is {ra} s but the lockout lasts {LOCKOUT_BASE} s "
          f"(message: {r.error_message!r})")
    if m:
        check(abs(int(ra) - int(m.group(1))) <= 1,
              f"Retry-After {ra} disagrees with the message {r.error_message!r}")


# 7. roles and capabilities


def test_roles_users_route(ctx):
    for role in ROLES:
        a = ctx.role_account(role)
        want = 200 if role == "admin" else 403
        for how, kw in [("token", {"token": a["token"]}), ("session", {"session": a["session"]})]:
            r = ctx.api("GET", "/api/v1/users", **kw)
            expect(r, want, None if want == 200 else "forbidden", f"{role} ({how}) GET /users")
        r = ctx.api("POST", "/api/v1/users", {"email": unique_email("x"), "role": "analyst"},
                    token=a["token"])
        if role != "admin":
            expect(r, 403, "forbidden", f"{role} POST /users")
        else:
            expect(r, 201, None, f"{role} POST /users")


def test_roles_audit_route(ctx):
    for role in ROLES:
        a = ctx.role_account(role)
        want = 200 if role in ("admin", "auditor") else 403
        for how, kw in [("token", {"token": a["token"]}), ("session", {"session": a["session"]})]:
            expect(ctx.api("GET", "/api/v1/audit?limit=1", **kw), want,
                   None if want == 200 else "forbidden", f"{role} ({how}) GET /audit")
        me = expect(ctx.api("GET", "/api/v1/users/me", token=a["token"]), 200)
        eq(me.json["role"], role, f"{role} /users/me role")
        s = expect(ctx.api("GET", "/api/v1/auth/session", token=a["token"]), 200)
        eq(s.json.get("via"), "token", f"{role} /auth/session via")
        check("csrf_token" not in s.json or s.json["csrf_token"] is None,
              f"token session shows a csrf token: {s.text}")
        caps = s.json.get("capabilities")
        eq("users.admin" in caps, role == "admin", f"{role} has users.admin")
        eq("audit.read" in caps, role in ("admin", "auditor"), f"{role} has audit.read")


def test_unauthenticated(ctx):
    for method, path in [("GET", "/api/v1/users"), ("GET", "/api/v1/users/me"),
                         ("GET", "/api/v1/audit"), ("GET", "/api/v1/auth/tokens"),
                         ("POST", "/api/v1/auth/logout"), ("GET", "/api/v1/orgs")]:
        expect(ctx.api(method, path), 401, "unauthenticated", f"{method} {path} anonymous")
        expect(ctx.api(method, path, token="vft_garbage"), 401, "unauthenticated",
               f"{method} {path} garbage bearer")
    for authz in ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "vft_x"]:
        expect(ctx.api("GET", "/api/v1/users/me", headers={"Authorization": authz}), 401,
               "unauthenticated", f"Authorization {authz!r}")
    # a valid token prefixed or truncated does not work
    t = ctx.admin_token
    for bad in [t[:-1], t + "x", t.upper()]:
        expect(ctx.api("GET", "/api/v1/users/me", token=bad), 401, "unauthenticated",
               "altered admin token")


def test_garbage_credentials_ignored_on_public_routes(ctx):
    for path in ["/healthz", "/api/v1/openapi.json", "/metrics"]:
        expect(ctx.api("GET", path, token="vft_garbage"), 200, what=f"{path} with garbage bearer")
        expect(ctx.api("GET", path, headers={"Authorization": "Basic abc"}), 200,
               what=f"{path} with Basic auth")
        expect(ctx.api("GET", path, cookie="nonsense"), 200, what=f"{path} with a bad cookie")
    u = ctx.role_account("reporter")
    r = ctx.login(u["email"], u["password"], token="vft_garbage")
    expect(r, 200, what="login with a garbage bearer header")


# 8. API tokens


def test_tokens_create_and_list(ctx):
    a = ctx.role_account("analyst")
    name = unique("ci token")
    r = expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": name}, session=a["session"]), 201)
    tok = r.json.get("token")
    check(isinstance(tok, str) and tok.startswith("vft_") and len(tok) > 30, f"token {tok!r}")
    info = r.json.get("info")
    check(isinstance(info, dict), f"no info: {r.text}")
    eq(info.get("name"), name, "token info.name")
    eq(info.get("role"), "analyst", "token info.role defaults to the owner's")
    eq(info.get("revoked_at"), None, "token info.revoked_at")
    eq(info.get("expires_at"), None, "token info.expires_at")
    me = expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200)
    eq(me.json["email"], a["email"], "/users/me with the new token")
    lst = expect(ctx.api("GET", "/api/v1/auth/tokens", token=tok), 200)
    items = lst.json.get("items")
    ids = [t["id"] for t in items]
    contains(ids, info["id"], "token list ids")
    check(tok not in lst.text and "vft_" not in lst.text, "token list shows a secret")
    for t in items:
        check(set(t) >= {"id", "name", "role", "created_at"} and "token" not in t
              and "hash" not in t and "secret" not in t, f"token list item {t}")
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": name}, session=a["session"],
                   csrf=None), 403, "csrf_token_invalid", "token create by cookie without CSRF")
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": ""}, token=tok), 422)
    # another user does not see it
    other = ctx.role_account("reporter")
    ol = expect(ctx.api("GET", "/api/v1/auth/tokens", token=other["token"]), 200)
    check(info["id"] not in [t["id"] for t in ol.json["items"]],
          "another user's token list shows the analyst's token")


def test_token_narrower_role(ctx):
    r = expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": unique("aud"), "role": "auditor"},
                       token=ctx.admin_token), 201)
    tok = r.json["token"]
    eq(r.json["info"]["role"], "auditor", "narrowed token role")
    expect(ctx.api("GET", "/api/v1/audit?limit=1", token=tok), 200, what="auditor token /audit")
    expect(ctx.api("GET", "/api/v1/users", token=tok), 403, "forbidden",
           "auditor token /users")
    me = expect(ctx.api("GET", "/api/v1/auth/session", token=tok), 200)
    eq(me.json.get("role"), "auditor", "effective role of the narrowed token")
    # a narrowed token can neither widen itself nor make an implicit owner-role token
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "w", "role": "admin"}, token=tok),
           403, "role_exceeds_owner", "auditor token creating an admin token")
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "w"}, token=tok), 422,
           "role_required", "auditor token creating a token without a role")
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "w", "role": "auditor"},
                   token=tok), 201, what="auditor token creating an auditor token")
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "w", "role": "root"},
                   token=ctx.admin_token), 422, None, "token with an unknown role")


def test_token_role_exceeds_owner(ctx):
    a = ctx.role_account("reporter")
    for role in ["admin", "analyst", "auditor"]:
        expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "up", "role": role},
                       session=a["session"]), 403, "role_exceeds_owner",
               f"reporter asking for a {role} token")
    # a user's role change narrows below an existing token: the token stops working
    u = ctx.create_user("coordinator")
    tok = ctx.token_for(u)
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200)
    expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"role": "reporter"},
                   token=ctx.admin_token), 200)
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 401, "unauthenticated",
           "coordinator token after the owner became a reporter")


def test_token_revoke(ctx):
    a = ctx.role_account("auditor")
    r = expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": unique("rv")}, token=a["token"]),
               201)
    tok, tid = r.json["token"], r.json["info"]["id"]
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200)
    other = ctx.role_account("analyst")
    expect(ctx.api("DELETE", f"/api/v1/auth/tokens/{tid}", token=other["token"]), 404,
           "not_found", "revoking another user's token")
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200, what="token after a foreign revoke")
    expect(ctx.api("DELETE", f"/api/v1/auth/tokens/{tid}", session=a["session"], csrf=None),
           403, "csrf_token_invalid", "revoke by cookie without CSRF")
    expect(ctx.api("DELETE", f"/api/v1/auth/tokens/{tid}", token=a["token"]), 204)
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 401, "unauthenticated",
           "revoked token")
    expect(ctx.api("DELETE", f"/api/v1/auth/tokens/{tid}", token=a["token"]), 409,
           "already_revoked", "revoking twice")
    expect(ctx.api("DELETE", "/api/v1/auth/tokens/999999999", token=a["token"]), 404,
           "not_found", "revoking a missing token")
    lst = expect(ctx.api("GET", "/api/v1/auth/tokens", token=a["token"]), 200).json["items"]
    item = [t for t in lst if t["id"] == tid]
    check(len(item) == 1 and item[0]["revoked_at"], f"revoked token in the list: {item}")
    # a token can revoke itself
    r = expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": unique("self")},
                       token=a["token"]), 201)
    t2, id2 = r.json["token"], r.json["info"]["id"]
    expect(ctx.api("DELETE", f"/api/v1/auth/tokens/{id2}", token=t2), 204)
    expect(ctx.api("GET", "/api/v1/users/me", token=t2), 401, "unauthenticated")


def test_token_expiry(ctx):
    a = ctx.role_account("analyst")
    for past in ["2001-01-01T00:00:00Z", "1999-12-31T23:59:59+08:00"]:
        expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "old", "expires_at": past},
                       token=a["token"]), 422, None, f"expires_at {past}")
    for bad in ["tomorrow", "2030-13-01T00:00:00Z", "2030-01-01"]:
        expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "bad", "expires_at": bad},
                       token=a["token"]), 422, None, f"expires_at {bad!r}")
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3))
    r = expect(ctx.api("POST", "/api/v1/auth/tokens",
                       {"name": "short", "expires_at": soon.strftime("%Y-%m-%dT%H:%M:%SZ")},
                       token=a["token"]), 201)
    tok = r.json["token"]
    check(r.json["info"]["expires_at"], f"expires_at missing: {r.text}")
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200, what="token before its expiry")
    time.sleep(max(0.0, soon.timestamp() - time.time() + 0.3))
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 401, "unauthenticated",
           "token after its expiry")


def test_token_cli_create_revoke(ctx):
    u = ctx.create_user("auditor")
    p = ctx.cli("token", "create", "--dir", ctx.dir, "--user", u["email"], "--json")
    eq(p.returncode, 0, f"token create exit status (stderr {p.stderr!r})")
    j = json.loads(p.stdout)
    tok = j.get("token")
    check(isinstance(tok, str) and tok.startswith("vft_"), f"CLI token {p.stdout!r}")
    me = expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200, what="CLI-made token")
    eq(me.json["email"], u["email"], "CLI token's user")
    tid = j.get("id")
    if tid is None:     # find it through the API
        tid = [t["id"] for t in expect(ctx.api("GET", "/api/v1/auth/tokens", token=tok),
                                       200).json["items"]][-1]
    p = ctx.cli("token", "revoke", "--dir", ctx.dir, "--id", tid)
    eq(p.returncode, 0, f"token revoke exit status (stderr {p.stderr!r})")
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 401, "unauthenticated",
           "token revoked by the CLI")
    p = ctx.cli("token", "revoke", "--dir", ctx.dir, "--id", tid)
    eq(p.returncode, 1, f"revoking twice by CLI (stderr {p.stderr!r})")
    p = ctx.cli("token", "create", "--dir", ctx.dir, "--user", unique_email("none"), "--json")
    eq(p.returncode, 1, f"token for a missing user (stderr {p.stderr!r})")
    p = ctx.cli("token", "create", "--dir", ctx.dir, "--user", u["email"], "--role", "admin")
    check(p.returncode != 0, f"CLI token wider than its owner was created: {p.stdout!r}")


# 9. TOTP


def test_totp_implementation_vector(ctx):
    # RFC 6238 appendix B, SHA-1: T=59 -> 94287082 (8 digits)
    eq(hotp(b"12345678901234567890", 59 // 30, 8), "94287082", "RFC 6238 vector T=59")
    eq(hotp(b"12345678901234567890", 1111111109 // 30, 8), "07081804", "RFC 6238 vector")


def _wrong_code(secret, step):
    valid = {totp_code(secret, s) for s in range(step - 2, step + 3)}
    for n in range(1000000):
        c = f"{(n * 7919 + 123456) % 1000000:06d}"
        if c not in valid:
            return c


def test_totp_enroll_and_login(ctx):
    u = ctx.create_user("analyst")
    s = ctx.session(u["email"], u["password"])
    expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": "123456"}, session=s), 409,
           "totp_not_started", "confirm before setup")
    r = expect(ctx.api("POST", "/api/v1/auth/totp/setup", session=s), 200)
    secret, uri = r.json.get("secret"), r.json.get("otpauth_uri")
    check(isinstance(secret, str) and re.fullmatch(r"[A-Z2-7]+=*", secret) and len(secret) >= 16,
          f"TOTP secret {secret!r} is not base32")
    check(uri and uri.startswith("otpauth://totp/"), f"otpauth_uri {uri!r}")
    q = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    eq(q.get("secret"), [secret], "otpauth_uri secret")
    eq(q.get("digits", ["6"]), ["6"], "otpauth_uri digits")
    eq(q.get("period", ["30"]), ["30"], "otpauth_uri period")
    step = totp_step()
    expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": _wrong_code(secret, step)},
                   session=s), 422, "invalid_totp", "confirm with a wrong code")
    expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": "12345"}, session=s), 422,
           None, "confirm with a 5-digit code")
    expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": totp_code(secret, step)},
                   session=s, csrf=None), 403, "csrf_token_invalid", "confirm without CSRF")
    r = expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": totp_code(secret, step)},
                       session=s), 200, what="confirm with the right code")
    eq(r.json.get("totp_enabled"), True, "confirm reply")
    me = expect(ctx.api("GET", "/api/v1/users/me", session=s), 200)
    eq(me.json["totp_enabled"], True, "totp_enabled after confirm")
    expect(ctx.api("POST", "/api/v1/auth/totp/setup", session=s), 409, "totp_enabled",
           "setup while enabled")
    expect(ctx.login(u["email"], u["password"]), 401, "totp_required", "login without a code")
    expect(ctx.login(u["email"], u["password"], totp=""), 401, "totp_required",
           "login with an empty code")
    expect(ctx.login(u["email"], u["password"], totp=_wrong_code(secret, totp_step())), 401,
           "invalid_totp", "login with a wrong code")
    expect(ctx.login(u["email"], u["password"], totp=totp_code(secret, step)), 401,
           "invalid_totp", "login with the code already used to confirm enrollment")
    # the confirm used step `step`; the next code is step+1 (inside the server's window)
    login_step = max(step + 1, totp_step())
    code = totp_code(secret, login_step)
    s2 = ctx.session(u["email"], u["password"], totp=code)
    eq(s2.user["email"], u["email"], "login with the right code")
    check(s2.restricted is None, f"TOTP login restricted {s2.restricted!r}")
    expect(ctx.login(u["email"], u["password"], totp=code), 401, "invalid_totp",
           "replaying a used code")
    # (each failure above counts towards the lockout; the success in between reset it)
    expect(ctx.login(u["email"], "wrong password", totp=totp_code(secret, totp_step())), 401,
           "invalid_credentials", "wrong password with a right code")
    # turning it off needs a code; with the right (fresh) code it works
    expect(ctx.api("POST", "/api/v1/auth/totp/disable", {"code": _wrong_code(secret, totp_step())},
                   session=s2), 422, "invalid_totp", "disable with a wrong code")


def test_totp_required_by_admin(ctx):
    u = ctx.create_user("analyst")
    tok = ctx.token_for(u)
    r = expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"totp_required": True},
                       token=ctx.admin_token), 200)
    eq(r.json.get("totp_required"), True, "PATCH reply totp_required")
    s = ctx.session(u["email"], u["password"])
    eq(s.restricted, "totp_enrollment_required", "login restriction when TOTP is required")
    expect(ctx.api("GET", "/api/v1/auth/tokens", session=s), 403, "totp_enrollment_required",
           "GET /auth/tokens before enrollment")
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": "x"}, session=s), 403,
           "totp_enrollment_required", "POST /auth/tokens before enrollment")
    expect(ctx.api("GET", "/api/v1/users/me", session=s), 200, what="/users/me while restricted")
    r = expect(ctx.api("POST", "/api/v1/auth/totp/setup", session=s), 200)
    secret = r.json["secret"]
    step = totp_step()
    expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": totp_code(secret, step)},
                   session=s), 200)
    expect(ctx.api("GET", "/api/v1/auth/tokens", session=s), 200,
           what="GET /auth/tokens on the same session after enrollment")
    expect(ctx.api("POST", "/api/v1/auth/totp/disable",
                   {"code": totp_code(secret, max(step + 1, totp_step()))}, session=s), 409,
           "totp_required", "user turning off required TOTP")
    # an API token made before the requirement still works (tokens are a separate credential)
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200, what="pre-existing token")


def test_totp_reset_by_admin(ctx):
    u = ctx.create_user("coordinator")
    s = ctx.session(u["email"], u["password"])
    secret = expect(ctx.api("POST", "/api/v1/auth/totp/setup", session=s), 200).json["secret"]
    expect(ctx.api("POST", "/api/v1/auth/totp/confirm", {"code": totp_code(secret, totp_step())},
                   session=s), 200)
    expect(ctx.login(u["email"], u["password"]), 401, "totp_required")
    a = ctx.role_account("analyst")
    expect(ctx.api("POST", f"/api/v1/users/{u['id']}/totp-reset", token=a["token"]), 403,
           "forbidden", "non-admin TOTP reset")
    expect(ctx.api("POST", f"/api/v1/users/{u['id']}/totp-reset", token=ctx.admin_token), 204)
    g = expect(ctx.api("GET", f"/api/v1/users/{u['id']}", token=ctx.admin_token), 200)
    eq(g.json["totp_enabled"], False, "totp_enabled after the admin reset")
    s2 = ctx.session(u["email"], u["password"])
    eq(s2.restricted, None, "login without a code after the reset")
    expect(ctx.api("POST", "/api/v1/users/999999999/totp-reset", token=ctx.admin_token), 404,
           "not_found", "TOTP reset of a missing user")


# 10. users and organisations


def test_users_create_one_time_password(ctx):
    email = unique_email("otp")
    r = expect(ctx.api("POST", "/api/v1/users", {"email": email, "role": "reporter",
                                                 "name": "Ada"}, token=ctx.admin_token), 201)
    otp = r.json.get("one_time_password")
    check(isinstance(otp, str) and len(otp) >= 12, f"one_time_password {otp!r}")
    u = r.json["user"]
    eq(u["email"], email, "created email")
    eq(u["role"], "reporter", "created role")
    eq(u["name"], "Ada", "created name")
    eq(u["must_change_password"], True, "must_change_password")
    eq(u["disabled"], False, "disabled")
    check(isinstance(u["id"], int) and u["id"] > 0, f"id {u['id']!r}")
    check("password_hash" not in r.text and "totp_secret" not in r.text, "secrets in user JSON")
    s = ctx.session(email, otp)
    eq(s.restricted, "password_change_required", "one-time password login restriction")
    r = expect(ctx.api("POST", "/api/v1/users", {"email": unique_email("pw"), "role": "auditor",
                                                 "password": PASSWORD}, token=ctx.admin_token),
               201)
    check(r.json.get("one_time_password") is None, f"one_time_password with a password: {r.text}")
    eq(r.json["user"]["must_change_password"], False, "must_change_password with a password")


def test_users_create_errors(ctx):
    email = unique_email("Dup")
    expect(ctx.api("POST", "/api/v1/users", {"email": email, "role": "analyst"},
                   token=ctx.admin_token), 201)
    expect(ctx.api("POST", "/api/v1/users", {"email": email.upper(), "role": "analyst"},
                   token=ctx.admin_token), 409, "email_taken", "duplicate e-mail, other case")
    expect(ctx.api("POST", "/api/v1/users", {"email": email.lower(), "role": "auditor"},
                   token=ctx.admin_token), 409, "email_taken", "duplicate e-mail, lower case")
    for role in ["root", "Admin", ""]:
        expect(ctx.api("POST", "/api/v1/users", {"email": unique_email("r"), "role": role},
                       token=ctx.admin_token), 422, None, f"role {role!r}")
    for bad in ["no-at-sign", "@example.test", "a@", "a@b", "a b@example.test",
                "a@@example.test", "a@example.test.", "<a@example.test>"]:
        expect(ctx.api("POST", "/api/v1/users", {"email": bad, "role": "analyst"},
                       token=ctx.admin_token), 422, None, f"e-mail {bad!r}")
    expect(ctx.api("POST", "/api/v1/users", {"email": unique_email("o"), "role": "analyst",
                                             "org_id": 999999999}, token=ctx.admin_token),
           422, "unknown_org", "unknown org_id")
    expect(ctx.api("POST", "/api/v1/users", {"email": unique_email("o"), "role": "analyst",
                                             "org_id": 0}, token=ctx.admin_token), 422, None,
           "org_id 0")
    expect(ctx.api("POST", "/api/v1/users", {"email": unique_email("w"), "role": "analyst",
                                             "password": "short"}, token=ctx.admin_token), 422,
           None, "short password")


def test_users_pagination(ctx):
    for _ in range(3):
        ctx.create_user("reporter", password=None)
    seen, after, pages = [], None, 0
    while True:
        q = "/api/v1/users?limit=2" + (f"&after={after}" if after is not None else "")
        r = expect(ctx.api("GET", q, token=ctx.admin_token), 200)
        items, nxt = r.json["items"], r.json.get("next_after")
        check(len(items) <= 2, f"page of {len(items)} with limit=2")
        pages += 1
        ids = [u["id"] for u in items]
        if after is not None:
            check(all(i > after for i in ids), f"page after {after} has ids {ids}")
        seen += ids
        if nxt is None:
            break
        eq(len(items), 2, "a page with next_after is full")
        eq(nxt, ids[-1], "next_after is the last id of the page")
        after = nxt
        check(pages < 1000, "pagination does not end")
    eq(seen, sorted(set(seen)), "user ids over all pages: ascending, no repeats")
    full = expect(ctx.api("GET", "/api/v1/users?limit=200", token=ctx.admin_token), 200)
    if full.json.get("next_after") is None:
        eq([u["id"] for u in full.json["items"]], seen, "paged ids equal one big page")
    check(pages >= 3, f"only {pages} pages of 2 for at least 4 users")
    for bad in ["0", "201", "abc", "-1", ""]:
        expect(ctx.api("GET", f"/api/v1/users?limit={bad}", token=ctx.admin_token), 422,
               "invalid_parameter", f"users limit={bad!r}")
    expect(ctx.api("GET", "/api/v1/users?after=x", token=ctx.admin_token), 422,
           "invalid_parameter", "users after=x")


def test_users_get(ctx):
    u = ctx.create_user("auditor")
    r = expect(ctx.api("GET", f"/api/v1/users/{u['id']}", token=ctx.admin_token), 200)
    eq(r.json["email"], u["email"], "GET /users/{id} email")
    expect(ctx.api("GET", "/api/v1/users/999999999", token=ctx.admin_token), 404, "not_found",
           "GET a missing user")
    expect(ctx.api("PATCH", "/api/v1/users/999999999", {"name": "x"}, token=ctx.admin_token),
           404, "not_found", "PATCH a missing user")
    expect(ctx.api("POST", "/api/v1/users/999999999/password-reset", token=ctx.admin_token),
           404, "not_found", "reset a missing user")
    r = expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"name": "Grace", "role": "analyst"},
                       token=ctx.admin_token), 200)
    eq((r.json["name"], r.json["role"]), ("Grace", "analyst"), "PATCH reply")
    expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"role": "boss"},
                   token=ctx.admin_token), 422, None, "PATCH an unknown role")
    expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"email": "x@example.test"},
                   token=ctx.admin_token), 422, "unknown_field", "PATCH email")


def test_users_disable(ctx):
    u = ctx.create_user("analyst")
    s = ctx.session(u["email"], u["password"])
    tok = ctx.token_for(u)
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 200)
    r = expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"disabled": True},
                       token=ctx.admin_token), 200)
    eq(r.json["disabled"], True, "PATCH reply disabled")
    expect(ctx.api("GET", "/api/v1/users/me", session=s), 401, "unauthenticated",
           "session of a disabled user")
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 401, "unauthenticated",
           "token of a disabled user")
    expect(ctx.login(u["email"], u["password"]), 403, "account_disabled", "login when disabled")
    expect(ctx.api("PATCH", f"/api/v1/users/{u['id']}", {"disabled": False},
                   token=ctx.admin_token), 200)
    s2 = ctx.session(u["email"], u["password"])
    expect(ctx.api("GET", "/api/v1/users/me", session=s2), 200, what="re-enabled user")
    expect(ctx.api("GET", "/api/v1/users/me", token=tok), 401, "unauthenticated",
           "tokens stay revoked after re-enabling")


def test_users_self_lockout(ctx):
    adm = ctx.admin
    for body in [{"disabled": True}, {"role": "analyst"}, {"role": "auditor"}]:
        expect(ctx.api("PATCH", f"/api/v1/users/{adm['id']}", body, token=ctx.admin_token), 409,
               "self_lockout", f"admin PATCHing itself {body}")
    r = expect(ctx.api("PATCH", f"/api/v1/users/{adm['id']}", {"name": "First Admin"},
                       token=ctx.admin_token), 200, what="admin renaming itself")
    eq(r.json["role"], "admin", "admin role after self PATCH")
    expect(ctx.api("GET", "/api/v1/users", token=ctx.admin_token), 200)


def test_users_password_reset(ctx):
    u = ctx.create_user("analyst")
    s = ctx.session(u["email"], u["password"])
    r = expect(ctx.api("POST", f"/api/v1/users/{u['id']}/password-reset", token=ctx.admin_token),
               200)
    otp = r.json.get("one_time_password")
    check(isinstance(otp, str) and len(otp) >= 12 and otp != u["password"], f"reset OTP {otp!r}")
    expect(ctx.api("GET", "/api/v1/users/me", session=s), 401, "unauthenticated",
           "session after an admin password reset")
    expect(ctx.login(u["email"], u["password"]), 401, "invalid_credentials", "old password")
    s2 = ctx.session(u["email"], otp)
    eq(s2.restricted, "password_change_required", "login with the reset password")
    a = ctx.role_account("coordinator")
    expect(ctx.api("POST", f"/api/v1/users/{u['id']}/password-reset", token=a["token"]), 403,
           "forbidden", "non-admin password reset")


def test_orgs(ctx):
    name = unique("Org")
    r = expect(ctx.api("POST", "/api/v1/orgs", {"name": name, "jurisdiction": "DE"},
                       token=ctx.admin_token), 201)
    org = r.json
    eq((org.get("name"), org.get("jurisdiction")), (name, "DE"), "created org")
    check(isinstance(org.get("id"), int), f"org id {org.get('id')!r}")
    for bad in ["de", "DEU", "D", "", "1A", 49]:
        expect(ctx.api("POST", "/api/v1/orgs", {"name": unique("Org"), "jurisdiction": bad},
                       token=ctx.admin_token), 422, None, f"jurisdiction {bad!r}")
    expect(ctx.api("POST", "/api/v1/orgs", {"name": name, "jurisdiction": "FR"},
                   token=ctx.admin_token), 409, "org_exists", "duplicate organisation name")
    expect(ctx.api("POST", "/api/v1/orgs", {"name": unique("Org")}, token=ctx.admin_token), 422,
           "missing_field", "org without jurisdiction")
    found, after = None, 0
    for _ in range(1000):
        lst = expect(ctx.api("GET", f"/api/v1/orgs?limit=200&after={after}",
                             token=ctx.admin_token), 200).json
        found = found or next((o for o in lst["items"] if o["id"] == org["id"]), None)
        if lst.get("next_after") is None:
            break
        after = lst["next_after"]
    check(found is not None and found["name"] == name, f"GET /orgs does not list {name}")
    u = ctx.create_user("analyst", org_id=org["id"])
    eq(u["resp"].json["user"]["org_id"], org["id"], "user created in the new org")
    expect(ctx.api("GET", "/api/v1/orgs", token=ctx.role_account("auditor")["token"]), 403,
           "forbidden", "auditor GET /orgs")


# 11. audit


def _audit(ctx, query):
    return expect(ctx.api("GET", "/api/v1/audit?" + query, token=ctx.admin_token), 200).json


def _find_events(ctx, action, pred, limit=500):
    return [e for e in _audit(ctx, f"action={urllib.parse.quote(action)}&limit={limit}")["items"]
            if pred(e)]


def test_audit_user_create_event(ctx):
    adm = ctx.admin
    u = ctx.create_user("reporter")
    rid = u["resp"].headers.get("X-Request-Id")
    evs = _find_events(ctx, "user.create", lambda e: e["request_id"] == rid)
    eq(len(evs), 1, f"user.create events with request_id {rid}")
    e = evs[0]
    eq(e["actor"], adm["email"], "user.create actor")
    eq(e["actor_user_id"], adm["id"], "user.create actor_user_id")
    eq(e["object_type"], "user", "user.create object_type")
    eq(str(e["object_id"]), str(u["id"]), "user.create object_id")
    eq(e["action"], "user.create", "action")
    check(isinstance(e.get("detail"), dict), f"detail {e.get('detail')!r}")
    eq(e["detail"].get("email"), u["email"], "user.create detail.email")
    check(u["password"] not in json.dumps(e), "the audit event contains the password")


def test_audit_login_events(ctx):
    u = ctx.create_user("analyst")
    r_bad = expect(ctx.login(u["email"], "wrong password"), 401)
    s = ctx.session(u["email"], u["password"])
    rid_bad = r_bad.headers.get("X-Request-Id")
    rid_ok = s.resp.headers.get("X-Request-Id")
    bad = _find_events(ctx, "auth.login_failed", lambda e: e["request_id"] == rid_bad)
    eq(len(bad), 1, "auth.login_failed event for the failed login")
    eq(str(bad[0]["object_id"]), str(u["id"]), "auth.login_failed object_id")
    eq(bad[0]["detail"].get("reason"), "password", "auth.login_failed detail.reason")
    ok = _find_events(ctx, "auth.login", lambda e: e["request_id"] == rid_ok)
    eq(len(ok), 1, "auth.login event for the login")
    eq(ok[0]["actor"], u["email"], "auth.login actor")
    eq(ok[0]["actor_user_id"], u["id"], "auth.login actor_user_id")


def test_audit_order_and_pagination(ctx):
    for _ in range(3):
        ctx.create_user("reporter")
    page1 = _audit(ctx, "limit=3")
    ids1 = [e["id"] for e in page1["items"]]
    eq(len(ids1), 3, "audit limit=3 page size")
    eq(ids1, sorted(ids1, reverse=True), "audit events newest first")
    nb = page1.get("next_before")
    eq(nb, ids1[-1], "next_before is the last id of the page")
    page2 = _audit(ctx, f"limit=3&before={nb}")
    ids2 = [e["id"] for e in page2["items"]]
    check(ids2 and all(i < nb for i in ids2), f"before={nb} gave ids {ids2}")
    eq(ids2, sorted(ids2, reverse=True), "page 2 newest first")
    both = _audit(ctx, f"limit=6&before={ids1[0] + 1}")
    eq([e["id"] for e in both["items"]], ids1 + ids2, "two pages of 3 equal one page of 6")
    big = _audit(ctx, "limit=500")
    allids = [e["id"] for e in big["items"]]
    eq(allids, sorted(set(allids), reverse=True), "500 events newest first, no repeats")
    adm = ctx.admin
    mine = _audit(ctx, f"user_id={adm['id']}&limit=50")["items"]
    check(mine and all(e["actor_user_id"] == adm["id"] for e in mine),
          "user_id filter returns only that actor")
    since = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    later = _audit(ctx, "since=" + urllib.parse.quote(since.strftime("%Y-%m-%dT%H:%M:%SZ")))
    eq(later["items"], [], "since an hour from now")
    since = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1))
    earlier = _audit(ctx, "limit=5&since="
                     + urllib.parse.quote(since.strftime("%Y-%m-%dT%H:%M:%SZ")))
    eq(len(earlier["items"]), 5, "since an hour ago, limit=5")


def test_audit_invalid_parameters(ctx):
    for q in ["limit=0", "limit=10000", "limit=abc", "limit=501", "limit=-5", "before=0",
              "before=x", "user_id=abc", "since=yesterday"]:
        expect(ctx.api("GET", "/api/v1/audit?" + q, token=ctx.admin_token), 422,
               "invalid_parameter", f"GET /audit?{q}")


def test_audit_times(ctx):
    evs = _audit(ctx, "limit=20")["items"]
    check(evs, "no audit events")
    now = datetime.datetime.now(datetime.timezone.utc)
    for e in evs:
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", e["at"]), f"at {e['at']!r}")
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00", e["at_local"]),
              f"at_local {e['at_local']!r}")
        at = datetime.datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
        local = datetime.datetime.fromisoformat(e["at_local"])
        eq(at, local, f"at {e['at']} and at_local {e['at_local']} are the same instant")
        check(abs((now - at).total_seconds()) < 3600, f"event time {e['at']} is not now")


def test_audit_every_change(ctx):
    """Each state-changing request writes an event carrying its request id."""
    tag = unique("rq").replace("@", "")
    n = [0]

    def rid():
        n[0] += 1
        return f"{tag}-{n[0]}"

    calls = []

    def do(action, method, path, body=None, status=200, **kw):
        r_id = rid()
        r = ctx.api(method, path, body, headers={"X-Request-Id": r_id}, **kw)
        expect(r, status, None, f"{method} {path}")
        eq(r.headers.get("X-Request-Id"), r_id, "echoed request id")
        calls.append((action, r_id))
        return r

    u = ctx.create_user("analyst")
    s = ctx.session(u["email"], u["password"])
    a = ctx.admin_token
    org = do("org.create", "POST", "/api/v1/orgs", {"name": unique("AuOrg"), "jurisdiction": "CN"},
             201, token=a)
    t = do("token.create", "POST", "/api/v1/auth/tokens", {"name": "au"}, 201, session=s)
    do("token.revoke", "DELETE", f"/api/v1/auth/tokens/{t.json['info']['id']}", None, 204,
       session=s)
    do("user.update", "PATCH", f"/api/v1/users/{u['id']}", {"name": "Audited"}, 200, token=a)
    do("user.password_change", "POST", "/api/v1/users/me/password",
       {"current_password": u["password"], "new_password": PASSWORD + "!"}, 204, session=s)
    do("user.totp_begin", "POST", "/api/v1/auth/totp/setup", None, 200, session=s)
    do("user.totp_disable", "POST", f"/api/v1/users/{u['id']}/totp-reset", None, 204, token=a)
    do("auth.logout", "POST", "/api/v1/auth/logout", None, 204, session=s)
    do("user.password_reset", "POST", f"/api/v1/users/{u['id']}/password-reset", None, 200,
       token=a)
    do("user.create", "POST", "/api/v1/users", {"email": unique_email("au"), "role": "auditor"},
       201, token=a)
    eq(org.json.get("jurisdiction"), "CN", "org.create reply")
    events = _audit(ctx, "limit=100")["items"]
    by_rid = {}
    for e in events:
        by_rid.setdefault(e["request_id"], []).append(e["action"])
    for action, r_id in calls:
        eq(by_rid.get(r_id), [action], f"audit events for request {r_id}")
    # reads write nothing
    r_id = rid()
    ctx.api("GET", "/api/v1/users", headers={"X-Request-Id": r_id}, token=a)
    events = _audit(ctx, "limit=20")["items"]
    eq([e for e in events if e["request_id"] == r_id], [], "events written by a GET")


# 12. the CLI while the server runs


def test_cli_user_lifecycle(ctx):
    email = unique_email("cli")
    p = ctx.cli("user", "add", "--dir", ctx.dir, "--email", email, "--role", "analyst", "--json")
    eq(p.returncode, 0, f"user add exit status (stderr {p.stderr!r})")
    j = json.loads(p.stdout)
    otp = j.get("one_time_password")
    check(isinstance(otp, str) and len(otp) >= 12, f"user add --json printed {p.stdout!r}")
    eq(j.get("email"), email, "user add email")
    s = ctx.session(email, otp)
    eq(s.restricted, "password_change_required", "CLI user's first login")
    p = ctx.cli("user", "add", "--dir", ctx.dir, "--email", email.upper(), "--role", "analyst")
    eq(p.returncode, 1, f"adding a duplicate by CLI (stderr {p.stderr!r})")
    p = ctx.cli("user", "add", "--dir", ctx.dir, "--email", unique_email("x"), "--role", "god")
    check(p.returncode != 0, f"CLI accepted role god: {p.stdout!r}")
    p = ctx.cli("user", "list", "--dir", ctx.dir, "--json")
    eq(p.returncode, 0, f"user list exit status (stderr {p.stderr!r})")
    rows = _json_rows(p.stdout, "user list --json")
    emails = [r.get("email") for r in rows]
    contains(emails, email, "user list --json")
    contains(emails, ctx.admin_email, "user list --json")
    p = ctx.cli("user", "passwd", "--dir", ctx.dir, "--email", email)
    eq(p.returncode, 0, f"user passwd exit status (stderr {p.stderr!r})")
    m = re.search(r"one-time password:\s*(\S+)", p.stdout)
    check(m, f"user passwd printed no one-time password: {p.stdout!r}")
    expect(ctx.api("GET", "/api/v1/users/me", session=s), 401, "unauthenticated",
           "session after a CLI password reset")
    s2 = ctx.session(email, m.group(1))
    eq(s2.restricted, "password_change_required", "login with the CLI-reset password")
    p = ctx.cli("user", "disable", "--dir", ctx.dir, "--email", email)
    eq(p.returncode, 0, f"user disable exit status (stderr {p.stderr!r})")
    expect(ctx.login(email, m.group(1)), 403, "account_disabled", "login of a CLI-disabled user")
    expect(ctx.api("GET", "/api/v1/users/me", session=s2), 401, "unauthenticated",
           "session of a CLI-disabled user")
    p = ctx.cli("user", "enable", "--dir", ctx.dir, "--email", email)
    eq(p.returncode, 0, f"user enable exit status (stderr {p.stderr!r})")
    ctx.session(email, m.group(1))
    p = ctx.cli("user", "disable", "--dir", ctx.dir, "--email", unique_email("ghost"))
    eq(p.returncode, 1, f"disabling a missing user (stderr {p.stderr!r})")
    p = ctx.cli("user", "add", "--dir", ctx.dir, "--email", unique_email("pw"), "--role",
                "auditor", "--password-stdin", "--json", input=PASSWORD + "\n")
    eq(p.returncode, 0, f"user add --password-stdin (stderr {p.stderr!r})")
    e2 = json.loads(p.stdout)["email"]
    s3 = ctx.session(e2, PASSWORD)
    eq(s3.restricted, None, "login of a user added with --password-stdin")


def _json_rows(out, what):
    out = out.strip()
    try:
        v = json.loads(out)
        return v if isinstance(v, list) else v.get("items", [v])
    except ValueError:
        pass
    rows = []
    for ln in out.splitlines():
        try:
            rows.append(json.loads(ln))
        except ValueError as e:
            raise TestFailure(f"{what}: line is not JSON ({e}): {ln!r}")
    return rows


def test_cli_json_output_escaped(ctx):
    """--json output stays valid JSON whatever the names contain."""
    u = ctx.create_user("analyst", email=unique("quo\"te") + "@example.test")
    name = 'tab\there "quoted" back\\slash \u00e9'
    expect(ctx.api("POST", "/api/v1/auth/tokens", {"name": name}, token=ctx.token_for(u)), 201)
    problems = []
    p = ctx.cli("token", "list", "--dir", ctx.dir, "--user", u["email"], "--json")
    eq(p.returncode, 0, f"token list exit status (stderr {p.stderr!r})")
    try:
        rows = _json_rows(p.stdout, "token list --json")
        if name not in [t.get("name") for t in rows]:
            problems.append(f"token list --json lacks the name {name!r}: {p.stdout!r}")
    except TestFailure as e:
        problems.append(str(e))
    p = ctx.cli("user", "list", "--dir", ctx.dir, "--json")
    eq(p.returncode, 0, f"user list exit status (stderr {p.stderr!r})")
    try:
        rows = _json_rows(p.stdout, "user list --json")
        if u["email"] not in [x.get("email") for x in rows]:
            problems.append(f"user list --json lacks {u['email']!r}")
    except TestFailure as e:
        problems.append(str(e))
    eq(problems, [], "CLI --json output problems")


def test_cli_rejects_invalid_email(ctx):
    """The CLI and the API share one service: an address the API refuses, the CLI refuses."""
    for bad in ["not-an-email", "a b@example.test", "<x@example.test>"]:
        expect(ctx.api("POST", "/api/v1/users", {"email": bad, "role": "analyst"},
                       token=ctx.admin_token), 422, None, f"API e-mail {bad!r}")
        p = ctx.cli("user", "add", "--dir", ctx.dir, "--email", bad, "--role", "analyst")
        check(p.returncode != 0, f"`user add --email {bad!r}` succeeded: {p.stdout.strip()!r}")


def test_cli_migrate(ctx):
    p = ctx.cli("migrate", "--dir", ctx.dir, "--json")
    eq(p.returncode, 0, f"migrate exit status (stderr {p.stderr!r})")
    j = json.loads(p.stdout)
    eq(j.get("applied"), 0, "migrations applied on a served instance")
    eq(j.get("backend"), "postgresql" if ctx.db else "sqlite", "migrate backend")
    check(isinstance(j.get("version"), int) and j["version"] >= 1, f"version {j.get('version')}")
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after migrate")


def test_cli_help_and_usage(ctx):
    for cmd in [[], ["init"], ["serve"], ["migrate"], ["user"], ["token"], ["user", "add"],
                ["user", "list"], ["token", "create"], ["token", "revoke"], ["score"],
                ["grade"], ["cwe"], ["report"], ["log"], ["mail"], ["pgp"], ["purl"], ["vers"],
                ["vers", "compare"], ["vers", "contains"], ["mail", "ingest"]]:
        p = ctx.cli(*cmd, "--help")
        eq(p.returncode, 0, f"`vulnflow {' '.join(cmd + ['--help'])}` exit status")
        check("Usage" in p.stdout or "usage" in p.stdout,
              f"`vulnflow {' '.join(cmd)} --help` printed no usage: {p.stdout[:200]!r}")
    p = ctx.cli("serve", "--help")
    contains(p.stdout, "body_limit", "serve --help lists configuration keys")
    for cmd in [["init", "--no-such-option"], ["serve", "--no-such-option"],
                ["migrate", "--bogus"], ["user", "list", "--bogus"], ["token", "list", "--bogus"],
                ["user", "frobnicate", "--dir", ctx.dir], ["frobnicate"], [],
                ["log", "frobnicate", "--dir", ctx.dir], ["report", "frobnicate", "--dir", ctx.dir],
                ["log", "purge", "--dir", ctx.dir], ["report", "show", "--dir", ctx.dir],
                ["migrate", "--dir", ctx.dir, "extra-arg"]]:
        p = ctx.cli(*cmd)
        eq(p.returncode, 2, f"`vulnflow {' '.join(cmd)}` exit status (stderr {p.stderr[-300:]!r})")
        check(p.stderr.strip(), f"`vulnflow {' '.join(cmd)}` exited 2 without a message")
    p = ctx.cli("--version")
    eq(p.returncode, 0, "--version exit status")
    check(re.match(r"vulnflow \d+\.\d+", p.stdout), f"--version printed {p.stdout!r}")


def test_cli_serve_bad_dir(ctx):
    p = ctx.cli("serve", "--dir", "/nonexistent/vulnflow", "--listen", "127.0.0.1:0", timeout=20)
    eq(p.returncode, 2, f"serve --dir /nonexistent exit status (stderr {p.stderr!r})")
    contains(p.stderr, "/nonexistent/vulnflow", "serve --dir /nonexistent message")
    contains(p.stderr, "not an instance directory", "serve --dir /nonexistent message")
    p = ctx.cli("user", "list", "--dir", "/nonexistent/vulnflow")
    eq(p.returncode, 2, f"user list --dir /nonexistent exit status (stderr {p.stderr!r})")
    p = ctx.cli("serve", "--dir", ctx.dir, "--listen", "127.0.0.1:0", "--set", "nosuchkey=1")
    check(p.returncode != 0 and "nosuchkey" in p.stderr,
          f"serve --set nosuchkey=1: exit {p.returncode}, stderr {p.stderr!r}")
    p = ctx.cli("serve", "--dir", ctx.dir, "--listen", "127.0.0.1:0", "--set", "body_limit=abc")
    check(p.returncode != 0 and "body_limit" in p.stderr,
          f"serve --set body_limit=abc: exit {p.returncode}, stderr {p.stderr!r}")
    p = ctx.cli("serve", "--dir", ctx.dir, "--listen", f"127.0.0.1:{ctx.port}", timeout=20)
    check(p.returncode == 1 and "listen" in p.stderr,
          f"serve on a port in use: exit {p.returncode}, stderr {p.stderr!r}")


def test_cli_init_existing(ctx):
    p = ctx.cli("init", "--dir", ctx.dir, "--json")
    eq(p.returncode, 1, f"init on an existing instance (stderr {p.stderr!r})")
    contains(p.stderr, ctx.dir, "init on an existing instance message")
    eq(p.stdout.strip(), "", "init on an existing instance prints no credentials")
    expect(ctx.api("GET", "/healthz"), 200, what="healthz after a refused init")


def test_cli_config_unknown_key(ctx):
    d = os.path.join(ctx.tmp, "badconf")
    p = ctx.cli("init", "--dir", d, "--json")
    eq(p.returncode, 0, f"init of a second SQLite instance (stderr {p.stderr!r})")
    conf = os.path.join(d, "vulnflow.conf")
    with open(conf) as f:
        lines = f.read().splitlines()
    with open(conf, "a") as f:
        f.write("no_such_key = 1\n")
    lineno = len(lines) + 1
    proc = subprocess.Popen([ctx.binary, "serve", "--dir", d, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise TestFailure(f"serve with an unknown config key kept running: {out!r}")
    with open(ctx.cli_log_path, "a") as f:
        f.write(err)
    check(proc.returncode != 0, f"serve with an unknown key exited 0: {out!r}")
    contains(err, f"{conf}:{lineno}", "message names file:line")
    contains(err, "no_such_key", "message names the key")
    # and a line that is not key = value
    with open(conf, "w") as f:
        f.write("\n".join(lines) + "\njust words\n")
    p = ctx.cli("migrate", "--dir", d)
    check(p.returncode != 0 and f"{conf}:{lineno}" in p.stderr,
          f"migrate with a bad config line: exit {p.returncode}, stderr {p.stderr!r}")


# 13. concurrency


def test_concurrency_me(ctx):
    a = ctx.role_account("analyst")
    results, errors = [], []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=30)
        mine = []
        try:
            for _ in range(25):
                conn.request("GET", "/api/v1/users/me",
                             headers={"Authorization": f"Bearer {a['token']}"})
                r = conn.getresponse()
                body = r.read()
                ok = r.status == 200 and json.loads(body).get("email") == a["email"]
                mine.append((r.status, ok, r.getheader("X-Request-Id")))
        except Exception as e:      # noqa: BLE001 - reported below
            with lock:
                errors.append(repr(e))
        finally:
            conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    took = time.time() - t0
    eq(errors, [], "connection errors")
    eq(len(results), 16 * 25, "responses")
    bad = [r for r in results if not r[1]]
    eq(bad[:5], [], "non-200 or wrong-user responses")
    eq(len({r[2] for r in results}), len(results), "distinct request ids")
    check(took < 30, f"400 requests took {took:.1f} s")
    expect(ctx.api("GET", "/healthz"), 200)


# shutdown (always last)


# 14. scoring: POST /api/v1/score and `vulnflow score` (values from ../shared/data/cvss)

SCORE_CASES = [
    # (vector, score shown, severity): 4.0, 3.1 env / temporal / base rules, 3.0, 2.0
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", "9.2", "Critical"),
    ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", "7.3", "High"),
    ("CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/E:H/RL:W/RC:U/CR:H/IR:H/AR:M/MAV:L/MAC:L"
     "/MPR:H/MUI:N/MS:C/MC:N/MI:H/MA:L", "7.4", "High"),
    ("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", "3.7", "Low"),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "10.0", "Critical"),
]


def _shared_vectors(name, limit):
    """The first `limit` lines of a shared CVSS test file as (vector, shown score)."""
    path = os.path.join(ROOT, "..", "shared", "data", "cvss", name)
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            vec, _, rest = line.strip().partition(" - ")
            nums = re.findall(r"\d+\.\d", rest)
            if vec and nums:
                out.append((vec, nums))
            if len(out) == limit:
                break
    return out


def test_score_api(ctx):
    for vector, score, severity in SCORE_CASES:
        r = ctx.api("POST", "/api/v1/score", {"vector": vector}, token=None, cookie=None)
        expect(r, 200, what=f"score {vector}")
        eq("%.1f" % r.json["score"], score, f"score of {vector}")
        eq(r.json["severity"], severity, f"severity of {vector}")
        check(r.json["vector"].startswith("CVSS:") , f"normalised vector {r.json['vector']!r}")
    r = ctx.api("POST", "/api/v1/score", {"vector": SCORE_CASES[0][0]})
    eq(r.json["nomenclature"], "CVSS-B", "4.0 nomenclature")
    eq(len(r.json["macrovector"]), 6, "4.0 macrovector digits")
    r = ctx.api("POST", "/api/v1/score", {"vector": SCORE_CASES[3][0]})
    eq(r.json["vector"], "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F",
       "3.0 vector normalised: base order, X dropped")
    eq(r.json["base"], 3.8, "3.0 base sub-score")
    eq(r.json["temporal"], 3.7, "3.0 temporal sub-score")
    for bad, what in [("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A"),
                      ("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV"),
                      ("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                       "out of order"),
                      ("CVSS:9.9/AV:N", "9.9"), ("garbage", "")]:
        r = ctx.api("POST", "/api/v1/score", {"vector": bad})
        expect(r, 422, "invalid_vector", what=f"score {bad}")
        contains(r.error_message, what, f"message for {bad}")
    expect(ctx.api("POST", "/api/v1/score", {"vector": 7}), 422, "invalid_field")
    expect(ctx.api("POST", "/api/v1/score", {}), 422, "missing_field")


def test_score_cli(ctx):
    for vector, score, severity in SCORE_CASES:
        p = ctx.cli("score", vector)
        eq(p.returncode, 0, f"`vulnflow score {vector}` exit status ({p.stderr!r})")
        eq(p.stdout, f"{score} {severity}\n", f"`vulnflow score {vector}` output")
    p = ctx.cli("score", "--json", SCORE_CASES[2][0])
    j = json.loads(p.stdout)
    eq((j["base"], j["temporal"], j["environmental"]), (5.8, 5.2, 7.4), "3.0 sub-scores")
    eq(j["version"], "3.0", "--json version")
    p = ctx.cli("score", "CVSS:3.1/AV:N")
    eq(p.returncode, 1, "invalid vector exit status")
    check(p.stderr.strip(), "invalid vector gives a message")
    eq(ctx.cli("score").returncode, 2, "score without a vector")


def test_score_cli_batch(ctx):
    cases = _shared_vectors("vectors_simple31", 300) + _shared_vectors("vectors_simple4", 300)
    eq(len(cases), 600, "vectors read from ../shared/data/cvss")
    lines = [v for v, _ in cases] + ["CVSS:3.1/AV:X", "", "not a vector"]
    p = ctx.cli("score", "-", input="\n".join(lines) + "\n")
    eq(p.returncode, 1, "batch with invalid lines exits 1 at the end")
    out = p.stdout.splitlines()
    eq(len(out), 602, "one output line per non-empty input line")
    for (vector, nums), line in zip(cases, out):
        parts = line.split("\t")
        eq(len(parts), 3, f"batch line {line!r}")
        eq(parts[0], vector, "batch echoes the vector")
        # 3.1 files give (base, temporal, environmental): with no temporal or
        # environmental metric set all three are the base score
        eq(parts[1], nums[-1] if vector.startswith("CVSS:4.0") else nums[0],
           f"batch score of {vector}")
    check(out[600].startswith("CVSS:3.1/AV:X\tERROR\t"), f"error line {out[600]!r}")
    check(out[601].startswith("not a vector\tERROR\t"), f"error line {out[601]!r}")
    p = ctx.cli("score", "-", input="\n".join(v for v, _ in cases[:10]) + "\n")
    eq(p.returncode, 0, "a batch of valid vectors exits 0")


def test_grade_api_and_cli(ctx):
    """GB/T 30279 grades are always labelled provisional while the tables are placeholders."""
    full = "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L/RD:H/SC:H"
    r = ctx.api("POST", "/api/v1/grade", {"vector": "UI:N/AP:N/TR:L/PR:N/C:S/I:S/A:S"})
    expect(r, 200, what="grade")
    eq(r.json["vector"], "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S", "normalised grade vector")
    eq(r.json["provisional"], True, "grade is provisional")
    contains(r.json["source"], "placeholder", "grade source says the tables are placeholders")
    check(r.json["technical"]["zh"] in ("超危", "高危", "中危", "低危"),
          f"technical grade {r.json['technical']!r}")
    check("comprehensive" not in r.json, "no comprehensive grade without EC/RD/SC")
    r = ctx.api("POST", "/api/v1/grade", {"vector": full})
    expect(r, 200, what="grade with environment")
    check(r.json["comprehensive"]["zh"] in ("超危", "高危", "中危", "低危"),
          f"comprehensive grade {r.json.get('comprehensive')!r}")
    for bad in ["AP:N", "AP:N/TR:L/PR:N/UI:N/C:H/I:S/A:S", full + "/EC:L", "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L"]:
        expect(ctx.api("POST", "/api/v1/grade", {"vector": bad}), 422, "invalid_vector",
               what=f"grade {bad}")
    p = ctx.cli("grade", full)
    eq(p.returncode, 0, f"vulnflow grade exit status ({p.stderr!r})")
    contains(p.stdout, "(provisional)", "vulnflow grade labels the grade provisional")
    contains(p.stdout, "comprehensive grade", "vulnflow grade prints the comprehensive grade")
    j = json.loads(ctx.cli("grade", "--json", full).stdout)
    eq(j["provisional"], True, "vulnflow grade --json provisional")
    eq(ctx.cli("grade", "AP:N").returncode, 1, "vulnflow grade with a bad vector")


def test_security_txt(ctx):
    """Not configured in the fixture: a clear 404; configured: RFC 9116 text (a second server)."""
    expect(ctx.api("GET", "/.well-known/security.txt"), 404, "not_configured")
    d = tempfile.mkdtemp(prefix="vf-sectxt-")
    try:
        p = ctx.cli("init", "--dir", os.path.join(d, "i"), "--json")
        eq(p.returncode, 0, f"init for security.txt ({p.stderr!r})")
        srv = subprocess.Popen([ctx.binary, "serve", "--dir", os.path.join(d, "i"), "--listen",
                                "127.0.0.1:0", "--set",
                                "security_contact=mailto:psirt@vendor.example",
                                "--set", "public_url=https://vendor.example"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = int(re.search(r":(\d+)/", srv.stdout.readline()).group(1))
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/.well-known/security.txt")
            r = c.getresponse()
            body = r.read().decode()
            eq(r.status, 200, "configured security.txt status")
            eq(r.getheader("Content-Type"), "text/plain; charset=utf-8", "security.txt type")
            contains(body, "Contact: mailto:psirt@vendor.example\n", "security.txt Contact")
            contains(body, "Canonical: https://vendor.example/.well-known/security.txt\n",
                     "security.txt Canonical")
            contains(body, "Preferred-Languages: zh, en\n", "security.txt languages")
            m = re.search(r"^Expires: (\S+)$", body, re.M)
            check(m, f"security.txt has Expires: {body!r}")
            exp = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
            left = exp - datetime.datetime.now(datetime.timezone.utc)
            check(datetime.timedelta(days=363) < left < datetime.timedelta(days=365),
                  f"Expires {m.group(1)} is not just under a year ahead")
            eq(body.count("Expires:"), 1, "one Expires field")
        finally:
            srv.terminate()
            eq(srv.wait(timeout=10), 0, "second server exit status")
        p = ctx.cli("serve", "--dir", os.path.join(d, "i"), "--listen", "127.0.0.1:0",
                    "--set", "security_contact=security@vendor.example", timeout=20)
        eq(p.returncode, 2, "serve refuses a security_contact that is not a URI")
        contains(p.stderr, "security@vendor.example", "serve names the bad contact")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_security_txt_encryption(ctx):
    """With the organisation's OpenPGP key: security.txt names it and the key is served."""
    d = tempfile.mkdtemp(prefix="vf-sectxt-pgp-")
    inst = os.path.join(d, "i")
    try:
        eq(ctx.cli("init", "--dir", inst, "--json").returncode, 0, "init")
        p = ctx.cli("pgp", "init", "--dir", inst, "--name", "Vendor PSIRT", "--email",
                    "psirt@vendor.example", timeout=120)
        eq(p.returncode, 0, f"pgp init ({p.stderr!r})")
        exported = ctx.cli("pgp", "export", "--dir", inst)
        eq(exported.returncode, 0, "pgp export")
        for url, want in (("https://vendor.example",
                           "Encryption: https://vendor.example/.well-known/pgp-key.txt\n"),
                          ("", "Encryption: openpgp4fpr:")):
            cmd = [ctx.binary, "serve", "--dir", inst, "--listen", "127.0.0.1:0", "--set",
                   "security_contact=mailto:psirt@vendor.example"]
            if url:
                cmd += ["--set", f"public_url={url}"]
            srv = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True)
            try:
                port = int(re.search(r":(\d+)/", srv.stdout.readline()).group(1))
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("GET", "/.well-known/security.txt")
                body = c.getresponse().read().decode()
                contains(body, want, f"security.txt Encryption (public_url {url!r})")
                if not url:
                    fpr = re.search(r"openpgp4fpr:([0-9A-F]{40})\n", body)
                    check(fpr, f"an openpgp4fpr URI with a v4 fingerprint: {body!r}")
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("GET", "/.well-known/pgp-key.txt")
                r = c.getresponse()
                key = r.read().decode()
                eq(r.status, 200, "pgp-key.txt status")
                eq(r.getheader("Content-Type"), "application/pgp-keys", "pgp-key.txt type")
                eq(key.strip(), exported.stdout.strip(), "the served key is the exported one")
            finally:
                srv.terminate()
                eq(srv.wait(timeout=10), 0, "second server exit status")
        r = ctx.api("GET", "/.well-known/pgp-key.txt")
        expect(r, 404, "no_pgp_key")
    finally:
        subprocess.run(["gpgconf", "--homedir", os.path.join(inst, "gnupg"), "--kill", "all"],
                       capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def test_cwe_api_and_cli(ctx):
    r = ctx.api("GET", "/api/v1/cwe/79")
    expect(r, 200, what="CWE-79")
    eq(r.json["ref"], "CWE-79", "CWE ref")
    eq(r.json["name_en"],
       "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
       "CWE-79 name")
    eq(r.json["kind"], "weakness", "CWE-79 kind")
    eq(r.json["valid"], True, "CWE-79 may be used")
    contains(r.json["source"], "MITRE CWE catalogue", "CWE provenance")
    expect(ctx.api("GET", "/api/v1/cwe/99999999"), 404, "unknown_cwe")
    expect(ctx.api("GET", "/api/v1/cwe/abc"), 404, "not_found")
    p = ctx.cli("cwe", "CWE-89")
    eq(p.returncode, 0, "vulnflow cwe exit status")
    check(p.stdout.startswith("CWE-89 Improper Neutralization of Special Elements used in an SQL"),
          f"vulnflow cwe CWE-89 printed {p.stdout!r}")
    eq(ctx.cli("cwe", "99999999").returncode, 1, "unknown CWE exit status")
    eq(ctx.cli("cwe", "x").returncode, 2, "malformed CWE id exit status")


# 15. intake: the report channel and the receipt log (issue 3)
#
# Receipts, proofs and tree heads are checked with tests/intake/tlogverify.py,
# a verifier written from docs/internals/tlog.md (RFC 9162) that shares no code
# with vulnflow; tree-head signatures are checked with the openssl tool.

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tests", "intake"))
import tlogverify  # noqa: E402

RECEIPT_KEYS = {"id", "received_at", "received_at_local", "leaf_index", "leaf_hash", "log_id",
                "signature", "status_token", "disposition", "sth", "audit_path", "entry"}
STH_KEYS = {"tree_size", "root_hash", "timestamp", "hash_alg", "sig_alg", "signature"}
HEX64 = r"[0-9a-f]{64}"
UTC_US = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
LOCAL_US = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+08:00"
# a valid 1x1 PNG: libmagic says image/png whatever the client declares
PNG_1X1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f500"
                        "00000049454e44ae426082")
ZH_DESC = ("某型号家用路由器的 Web 管理界面存在命令注入漏洞：诊断页面的 ping 参数未经过滤，"
           "直接拼接进 shell 命令。未经身份验证的攻击者可在局域网内构造请求执行任意命令，"
           "进而完全控制设备。复现步骤：1. 访问 /cgi-bin/diag；2. 在目标地址中输入 "
           "\"127.0.0.1; id\"；3. 页面回显 uid=0(root)。影响固件版本 1.0.3 至 1.2.7。\n")


def _zh_report(title=None, **over):
    body = {"title": title or unique("路由器命令注入漏洞"),
            "description": ZH_DESC,
            "language": "zh-CN",
            "product": {"name": "智能路由器", "model": "AX-3000", "version": "1.2.7"},
            "reporter": {"name": "张伟", "email": unique_email("zhangwei"),
                         "organization": "某安全实验室", "country": "CN"}}
    body.update(over)
    return body


def _submit(ctx, body, **kw):
    return ctx.api("POST", "/api/v1/reports", body, **kw)


def _log_info(ctx):
    """The log's keys and algorithms from `vulnflow log export` (cached), checked
    against keys/log.pub, with an openssl STH checker."""
    info = getattr(ctx, "_intake_log", None)
    if info is None:
        p = ctx.cli("log", "export", "--dir", ctx.dir)
        eq(p.returncode, 0, f"vulnflow log export exit status ({p.stderr.strip()!r})")
        ex = tlogverify.Export(p.stdout)
        der = subprocess.run(["openssl", "pkey", "-pubin", "-in",
                              os.path.join(ctx.dir, "keys", "log.pub"), "-outform", "DER"],
                             capture_output=True, timeout=30).stdout
        eq(der.hex(), ex.public_key_der.hex(), "keys/log.pub is the exported public_key_der")
        info = {"export": ex, "checker": ex.checker()}
        ctx._intake_log = info
    return info


def _export(ctx):
    p = ctx.cli("log", "export", "--dir", ctx.dir)
    eq(p.returncode, 0, f"vulnflow log export exit status ({p.stderr.strip()!r})")
    return tlogverify.Export(p.stdout)


def _leaves(ctx, start, end):
    """Entries (bytes) of leaves [start, end) from GET /api/v1/log/leaves (as an auditor)."""
    tok = ctx.role_account("auditor")["token"]
    out = []
    while start < end:
        stop = min(end, start + 1000)
        r = expect(ctx.api("GET", f"/api/v1/log/leaves?start={start}&end={stop}", token=tok),
                   200, what=f"log leaves {start}..{stop}")
        got = r.json["leaves"]
        eq([x["leaf_index"] for x in got], list(range(start, stop)),
           f"leaf indexes of leaves?start={start}&end={stop}")
        out += [tlogverify.unhex(x["entry"], f"entry of leaf {x['leaf_index']}", 43)
                for x in got]
        start = stop
    return out


def _tree_size(ctx):
    return expect(ctx.api("GET", "/api/v1/log/sth"), 200).json["tree_size"]


def _expected_payload(body, channel, media_types, alg):
    """The canonical payload vulnflow logs for an accepted report (what its leaf hashes)."""
    p = {"v": 1, "channel": channel, "title": body["title"], "description": body["description"],
         "language": body.get("language") or "zh-CN",
         "product": {k: v for k, v in body["product"].items() if v is not None},
         "reporter": {k: v for k, v in (body.get("reporter") or {}).items() if v is not None},
         "attachments": []}
    for a, mt in zip(body.get("attachments") or [], media_types):
        data = base64.b64decode(a["data"])
        o = {"media_type": mt, "size": len(data), "hash": tlogverify.H(alg, data).hex()}
        if a.get("filename") is not None:
            o["filename"] = a["filename"]
        if a.get("content_type") is not None:
            o["declared_type"] = a["content_type"]
        p["attachments"].append(o)
    return p


def _rejection_payload(channel, reason, raw, declared, alg):
    return {"v": 1, "channel": channel, "reason": reason, "received_size": len(raw),
            "declared_size": declared, "received_hash": tlogverify.H(alg, raw).hex()}


def _check_receipt(ctx, resp, channel, what):
    """A 201 receipt: every field well-formed, and it verifies on its own."""
    expect(resp, 201, what=what)
    check(isinstance(resp.json, dict) and set(resp.json) == {"receipt"},
          f"{what}: body is not {{\"receipt\": ...}}: {resp.text[:300]}")
    rc = resp.json["receipt"]
    eq(set(rc), RECEIPT_KEYS, f"{what}: receipt fields")
    eq(set(rc["sth"]), STH_KEYS, f"{what}: receipt sth fields")
    check(isinstance(rc["id"], int) and rc["id"] > 0, f"{what}: id {rc['id']!r}")
    check(re.fullmatch(UTC_US, rc["received_at"]), f"{what}: received_at {rc['received_at']!r}")
    check(re.fullmatch(LOCAL_US, rc["received_at_local"]),
          f"{what}: received_at_local {rc['received_at_local']!r}")
    now_us = int(time.time() * 1e6)
    at = tlogverify.rfc3339_us(rc["received_at"])
    check(abs(now_us - at) < 120 * 10**6, f"{what}: received_at {rc['received_at']} is not now")
    check(isinstance(rc["leaf_index"], int) and rc["leaf_index"] >= 0,
          f"{what}: leaf_index {rc['leaf_index']!r}")
    for k in ("leaf_hash", "log_id"):
        check(re.fullmatch(HEX64, rc[k]), f"{what}: {k} {rc[k]!r} is not 64 lowercase hex")
    check(re.fullmatch(HEX64, rc["sth"]["root_hash"]), f"{what}: sth.root_hash")
    check(re.fullmatch(r"[0-9a-f]{86}", rc["entry"]), f"{what}: entry {rc['entry']!r}")
    check(re.fullmatch(r"vfr_[A-Za-z0-9_-]{20,}", rc["status_token"]),
          f"{what}: status_token {rc['status_token']!r}")
    eq(resp.headers.get("Location"), "/api/v1/receipts/" + rc["status_token"],
       f"{what}: Location header")
    eq(rc["disposition"], "accepted", f"{what}: disposition")
    sth = rc["sth"]
    info = _log_info(ctx)
    eq(sth["hash_alg"], info["export"].hash_alg, f"{what}: sth.hash_alg")
    eq(sth["sig_alg"], info["export"].sig_alg, f"{what}: sth.sig_alg")
    check(isinstance(sth["tree_size"], int) and sth["tree_size"] > rc["leaf_index"],
          f"{what}: sth.tree_size {sth['tree_size']} does not cover leaf {rc['leaf_index']}")
    check(abs(sth["timestamp"] - now_us // 1000) < 120000 and sth["timestamp"] >= at // 1000,
          f"{what}: sth.timestamp {sth['timestamp']} is not just after received_at")
    sig = tlogverify.unhex(rc["signature"], f"{what}: signature")
    if sth["sig_alg"] == "sm2":
        check(sig[0] == 0x30 and 8 <= len(sig) <= 72, f"{what}: SM2 signature {rc['signature']}")
    else:
        eq(len(sig), 64, f"{what}: Ed25519 signature length")
    eq(len(rc["audit_path"]), tlogverify.path_len(rc["leaf_index"], sth["tree_size"]),
       f"{what}: audit_path length for leaf {rc['leaf_index']} of {sth['tree_size']}")
    try:
        en = tlogverify.check_receipt(rc, info["checker"], "sm3", "sm2")
    except tlogverify.VerifyError as e:
        raise TestFailure(f"{what}: the receipt does not verify on its own: {e}")
    eq(tlogverify.CHANNELS[en["channel"]], channel, f"{what}: entry channel")
    eq(en["disposition"], 0, f"{what}: entry disposition byte")
    return rc, en


def _check_rejection(ctx, resp, status, code, channel, disposition, what, raw=None,
                     declared=None):
    """A refused submission: the error, and its leaf in the log (X-Vulnflow-Log-Leaf)."""
    expect(resp, status, code, what)
    leaf = resp.headers.get("X-Vulnflow-Log-Leaf")
    check(leaf is not None and re.fullmatch(r"\d+", leaf),
          f"{what}: no X-Vulnflow-Log-Leaf header on the refusal: {resp.headers}")
    check("Location" not in resp.headers, f"{what}: a refusal has a Location header")
    n = int(leaf)
    entry = _leaves(ctx, n, n + 1)[0]
    en = tlogverify.decode_entry(entry)
    eq(en["disposition"], disposition, f"{what}: disposition byte of leaf {n}")
    eq(tlogverify.CHANNELS[en["channel"]], channel, f"{what}: channel byte of leaf {n}")
    check(abs(en["received_at_us"] - time.time() * 1e6) < 120e6,
          f"{what}: leaf {n} time is not now")
    if raw is not None:
        alg = _log_info(ctx)["export"].hash_alg
        want = _rejection_payload(channel, resp.error_message, raw,
                                  len(raw) if declared is None else declared, alg)
        eq(en["payload_hash"].hex(), tlogverify.H(alg, tlogverify.canonical_json(want)).hex(),
           f"{what}: leaf {n} hashes the refusal (reason, sizes, hash of the bytes received)")
    return n


def _multipart(fields, files):
    boundary = "----vulnflow-test-" + secrets.token_hex(8)
    out = bytearray()
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode("utf-8")
    for name, filename, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: {ctype}\r\n\r\n").encode("utf-8")
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


class _OtherServer:
    """A second `vulnflow serve` on the fixture's instance with other settings."""

    def __init__(self, ctx, *sets):
        self.ctx = ctx
        self.sets = sets
        self.port = None

    def __enter__(self):
        cmd = [self.ctx.binary, "serve", "--dir", self.ctx.dir, "--listen", "127.0.0.1:0",
               "--set", f"conn_timeout={CONN_TIMEOUT}"]
        for s in self.sets:
            cmd += ["--set", s]
        self.err_path = os.path.join(self.ctx.tmp, f"other-{secrets.token_hex(3)}.stderr")
        self.err_f = open(self.err_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err_f,
                                     stdin=subprocess.DEVNULL, text=True)
        try:
            self.port = tlogverify.wait_listening(self.proc)
        except tlogverify.VerifyError as e:
            self.err_f.close()
            raise TestFailure(f"second server ({' '.join(self.sets)}): {e}") from None
        return self

    def api(self, *a, **kw):
        return Ctx.api(self, *a, **kw)       # Ctx.api needs only self.port

    def raw_http(self, *a, **kw):
        return Ctx.raw_http(self, *a, **kw)

    def __exit__(self, et, ev, tb):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.err_f.close()
        with open(self.err_path, errors="replace") as f:
            err = f.read()
        if et is None:
            for mark in SANITIZER_MARKS:
                check(mark not in err, f"second server printed a sanitizer report:\n"
                                       f"{err[err.find(mark) - 200:][:3000]}")
            eq(rc, 0, "second server's exit status after SIGTERM")
        return False


def test_intake_report_receipt(ctx):
    """A Chinese report with an attachment: 201 and a receipt that verifies on its own."""
    body = _zh_report(attachments=[
        {"filename": "截图.png", "content_type": "application/pdf",
         "data": base64.b64encode(PNG_1X1).decode()},
        {"filename": "poc.sh", "content_type": "text/x-shellscript",
         "data": base64.b64encode("curl 'http://192.168.1.1/cgi-bin/diag?ip=1;id'\n".encode()
                                  ).decode()}])
    body["reporter"]["credit"] = True      # consents to be credited in the advisory
    before = _tree_size(ctx)
    r = _submit(ctx, body)
    rc, en = _check_receipt(ctx, r, "api", "POST /api/v1/reports (zh-CN, 2 files)")
    check(rc["leaf_index"] >= before, f"leaf {rc['leaf_index']} is below the earlier size {before}")
    # the leaf in the log is the receipt's
    eq(_leaves(ctx, rc["leaf_index"], rc["leaf_index"] + 1)[0].hex(), rc["entry"],
       "the log's entry for the receipt's leaf")
    # the analyst sees the text decrypted; the stored type is libmagic's, not the client's
    an = ctx.role_account("analyst")["token"]
    g = expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}", token=an), 200).json
    for k in ("title", "description", "language", "product", "reporter"):
        eq(g[k], body[k], f"report {k} read back")
    eq(g["leaf_index"], rc["leaf_index"], "report leaf_index")
    eq(g["received_at"], rc["received_at"], "report received_at")
    eq(g["status"], "received", "report status")
    eq([a["filename"] for a in g["attachments"]], ["截图.png", "poc.sh"], "attachment names")
    eq(g["attachments"][0]["media_type"], "image/png", "detected type of the PNG sent as PDF")
    eq(g["attachments"][0]["declared_type"], "application/pdf", "declared type kept")
    eq([a["size"] for a in g["attachments"]],
       [len(base64.b64decode(a["data"])) for a in body["attachments"]], "attachment sizes")
    # the leaf binds the report: H(canonical payload) is in the entry
    alg = _log_info(ctx)["export"].hash_alg
    want = _expected_payload(body, "api", [a["media_type"] for a in g["attachments"]], alg)
    eq(en["payload_hash"].hex(), tlogverify.H(alg, tlogverify.canonical_json(want)).hex(),
       "entry bytes 11-42 are the hash of the report's canonical payload")
    # the files come back byte for byte, as downloads
    for i, a in enumerate(body["attachments"], 1):
        d = ctx.api("GET", f"/api/v1/reports/{rc['id']}/attachments/{i}", token=an)
        expect(d, 200, what=f"attachment {i}")
        eq(d.body, base64.b64decode(a["data"]), f"attachment {i} bytes")
        eq(d.headers.get("Content-Type"), "application/octet-stream", f"attachment {i} type")
        contains(d.headers.get("Content-Disposition"), "attachment", f"attachment {i}")
    eq(ctx.api("GET", f"/api/v1/reports/{rc['id']}/attachments/1", token=an)
       .headers.get("X-Vulnflow-Media-Type"), "image/png", "X-Vulnflow-Media-Type")
    expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}/attachments/3", token=an), 404,
           what="attachment 3 of 2")
    expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}/attachments/1",
                   token=ctx.role_account("reporter")["token"]), 403, "forbidden",
           "a reporter downloading an attachment")
    # an English report without reporter or attachments is fine too
    r = _submit(ctx, {"title": unique("XSS in admin panel"), "description": "Stored XSS.",
                      "language": "en", "product": {"name": "Panel"}})
    rc2, _ = _check_receipt(ctx, r, "api", "minimal English report")
    check(rc2["leaf_index"] > rc["leaf_index"], "leaf indexes grow")


def test_intake_receipt_verifier_rejects_forgeries(ctx):
    """The test's own verifier is not vacuous: altered receipts fail it."""
    rc, _ = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "receipt to alter")
    chk = _log_info(ctx)["checker"]

    def flip(h, i=0):
        b = bytearray(bytes.fromhex(h))
        b[i] ^= 1
        return b.hex()

    forgeries = []
    f = json.loads(json.dumps(rc))
    f["entry"] = flip(f["entry"], 20)
    forgeries.append(("entry", f))
    f = json.loads(json.dumps(rc))
    f["sth"]["root_hash"] = flip(f["sth"]["root_hash"])
    forgeries.append(("root", f))
    f = json.loads(json.dumps(rc))
    f["sth"]["timestamp"] += 1
    forgeries.append(("timestamp", f))
    f = json.loads(json.dumps(rc))
    f["sth"]["signature"] = f["signature"] = flip(f["signature"], len(f["signature"]) // 2 - 3)
    forgeries.append(("signature", f))
    f = json.loads(json.dumps(rc))
    f["sth"]["tree_size"] += 1
    forgeries.append(("tree_size", f))
    if rc["audit_path"]:
        f = json.loads(json.dumps(rc))
        f["audit_path"][0] = flip(f["audit_path"][0])
        forgeries.append(("audit_path", f))
    for what, f in forgeries:
        try:
            tlogverify.check_receipt(f, chk)
            ok = True
        except tlogverify.VerifyError:
            ok = False
        check(not ok, f"a receipt with an altered {what} still verifies")
    key = os.stat(os.path.join(ctx.dir, "keys", "log.key"))
    eq(key.st_mode & 0o777, 0o600, "keys/log.key mode")


def test_intake_form_chinese_filename(ctx):
    title = unique("固件升级接口未校验签名")
    fields = [("title", title), ("description", "升级包只校验 MD5，可被替换为恶意固件。"),
              ("language", "zh-CN"), ("product_name", "工业网关"), ("product_model", "GW-8"),
              ("product_version", "3.1"), ("reporter_name", "李娜"),
              ("reporter_email", unique_email("lina")), ("reporter_organization", "高校实验室"),
              ("reporter_country", "CN")]
    data = "漏洞证明：\n$ ./exploit.py --target 10.0.0.1\n".encode("utf-8")
    # the empty, nameless part a browser sends for a file input left empty is no file
    raw, ct = _multipart(fields, [("file", "漏洞证明.txt", "text/plain", data),
                                  ("file", "抓包.png", "image/png", PNG_1X1),
                                  ("file", "", "application/octet-stream", b"")])
    r = ctx.api("POST", "/api/v1/reports", raw=raw, content_type=ct)
    rc, en = _check_receipt(ctx, r, "form", "multipart report")
    an = ctx.role_account("analyst")["token"]
    g = expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}", token=an), 200).json
    eq(g["title"], title, "form title")
    eq(g["channel"], "form", "form channel")
    eq(g["product"], {"name": "工业网关", "model": "GW-8", "version": "3.1"}, "form product")
    eq(g["reporter"]["name"], "李娜", "form reporter name")
    eq([a["filename"] for a in g["attachments"]], ["漏洞证明.txt", "抓包.png"],
       "Chinese file names kept")
    eq(g["attachments"][1]["media_type"], "image/png", "form PNG type")
    d = expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}/attachments/1", token=an), 200)
    eq(d.body, data, "form attachment bytes")
    # a form with a bad field is refused and logged on the form channel
    raw, ct = _multipart([("title", title), ("description", "x"), ("product_name", "P"),
                          ("reporter_country", "China")], [])
    r = ctx.api("POST", "/api/v1/reports", raw=raw, content_type=ct)
    n = _check_rejection(ctx, r, 422, "invalid_field", "form", 1, "form with a bad country",
                         raw=raw)
    contains(r.error_message, "reporter.country", "bad country message")
    check(n > rc["leaf_index"], "refusal leaf after the report's")


def test_intake_validation_errors(ctx):
    """Each refusal: the right status and code, and a rejected leaf in the log."""
    good = _zh_report()

    def with_(**over):
        b = json.loads(json.dumps(good))
        for k, v in over.items():
            if "." in k:
                a, c = k.split(".")
                b[a][c] = v
            elif v is None:
                b.pop(k, None)
            else:
                b[k] = v
        return json.dumps(b, ensure_ascii=False).encode()

    cases = [
        ("title over 200 characters", with_(title="漏" * 201), None, 422, "invalid_field",
         "title"),
        ("title on two lines", with_(title="a\nb"), None, 422, "invalid_field", "title"),
        ("no title", with_(title=None), None, 422, "missing_field", "title"),
        ("empty description", with_(description=""), None, 422, "invalid_field",
         "description"),
        ("description over 100000 characters", with_(description="长" * 100001), None, 422,
         "invalid_field", "description"),
        ("language fr", with_(language="fr"), None, 422, "invalid_field", "language"),
        ("language zh", with_(language="zh"), None, 422, "invalid_field", "language"),
        ("country cn", with_(**{"reporter.country": "cn"}), None, 422, "invalid_field",
         "reporter.country"),
        ("country CHN", with_(**{"reporter.country": "CHN"}), None, 422, "invalid_field",
         "reporter.country"),
        ("e-mail without @", with_(**{"reporter.email": "zhangwei.example.cn"}), None, 422,
         "invalid_field", "reporter.email"),
        ("e-mail with two @", with_(**{"reporter.email": "a@b@c.cn"}), None, 422,
         "invalid_field", "reporter.email"),
        ("credit not a boolean", with_(**{"reporter.credit": "yes"}), None, 422,
         "invalid_field", "reporter.credit"),
        ("unknown field", with_(severity="critical"), None, 422, "unknown_field", "severity"),
        ("unknown product field", with_(**{"product.vendor": "X"}), None, 422,
         "unknown_field", "product.vendor"),
        ("no product", with_(product=None), None, 422, "missing_field", "product"),
        ("title a number", with_(title=5), None, 422, "invalid_field", "title"),
        ("attachment not base64",
         with_(attachments=[{"filename": "a", "data": "***not base64***"}]), None, 422,
         "invalid_field", "attachments"),
        ("not JSON", b'{"title": "\xe6\xbc\x8f', None, 400, "malformed_json", None),
        ("duplicate keys", b'{"title":"a","title":"b","description":"d","product":{"name":"p"}}',
         None, 400, "malformed_json", None),
        ("a JSON array", b"[]", None, 422, "invalid_field", None),
        ("NUL in the title", b'{"title":"a\\u0000b","description":"d","product":{"name":"p"}}',
         None, 400, "malformed_json", None),
        ("a control character in the title",
         b'{"title":"a\\u0007b","description":"d","product":{"name":"p"}}', None, 422,
         "invalid_field", "title"),
        ("invalid UTF-8", b'{"title":"\xff\xfe","description":"d","product":{"name":"p"}}',
         None, 400, "malformed_json", None),
        ("text/plain", with_(), "text/plain", 415, "unsupported_media_type", "text/plain"),
        ("no content type", with_(), None, 415, "unsupported_media_type", None),
        ("form-urlencoded", b"title=x&description=y", "application/x-www-form-urlencoded", 415,
         "unsupported_media_type", None),
    ]
    leaves = []
    for what, raw, ctype, status, code, needle in cases:
        if what == "no content type":
            r = ctx.api("POST", "/api/v1/reports", raw=raw, content_type=None)
        else:
            r = ctx.api("POST", "/api/v1/reports", raw=raw,
                        content_type=ctype or "application/json")
        n = _check_rejection(ctx, r, status, code, "api", 1, what, raw=raw)
        if needle:
            contains(r.error_message, needle, f"{what}: message names the field")
        leaves.append(n)
    eq(len(set(leaves)), len(cases), "one leaf per refusal")
    eq(leaves, sorted(leaves), "refusal leaves in order")
    # the boundaries are accepted
    _check_receipt(ctx, _submit(ctx, _zh_report(title="漏" * 200)), "api", "200-char title")
    _check_receipt(ctx, _submit(ctx, _zh_report(description="x")), "api", "1-char description")


def test_intake_too_large(ctx):
    """Over intake_body_limit (32 MiB by default): 413 at once, and a too-large leaf."""
    declared = 40 * 1024 * 1024
    head = (f"POST /api/v1/reports HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n").encode()
    t0 = time.time()
    r = ctx.raw_http(head, "POST", "/api/v1/reports")
    check(time.time() - t0 < 10, "the oversize refusal waited for the body")
    eq(r.status, 413, f"declared 40 MiB submission: {r.brief()}")
    n = _check_rejection(ctx, r, 413, None, "api", 2, "declared 40 MiB", raw=b"",
                         declared=declared)
    contains(r.error_message, "33554432", "413 message names the limit")
    check(n >= 0, "leaf index")
    eq(r.error_code, "payload_too_large",
       "error code of an oversize submission (every other route says payload_too_large)")


def test_intake_status_by_token(ctx):
    rc, _ = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "report for status")
    r = expect(ctx.api("GET", f"/api/v1/receipts/{rc['status_token']}"), 200)
    eq(r.json["id"], rc["id"], "status id")
    eq(r.json["status"], "received", "status")
    eq(r.json["leaf_index"], rc["leaf_index"], "status leaf_index")
    eq(r.json["received_at"], rc["received_at"], "status received_at")
    eq(r.json["received_at_local"], rc["received_at_local"], "status received_at_local")
    eq(r.json["log_id"], rc["log_id"], "status log_id")
    check("title" not in r.json and "description" not in r.json,
          f"the status page shows the report text: {r.json}")
    tok = rc["status_token"]
    altered = tok[:-1] + ("A" if tok[-1] != "A" else "B")
    for bad in ["vfr_" + secrets.token_urlsafe(32), altered, "nope", "vfr_", "x" * 70]:
        expect(ctx.api("GET", f"/api/v1/receipts/{bad}"), 404, "not_found", f"token {bad!r}")


def test_intake_analyst_list_show_spam(ctx):
    an = ctx.role_account("analyst")["token"]
    body = _zh_report()
    rc, _ = _check_receipt(ctx, _submit(ctx, body), "api", "report to mark spam")
    q = expect(ctx.api("GET", "/api/v1/reports?status=received&limit=500", token=an), 200).json
    mine = [x for x in q["items"] if x["id"] == rc["id"]]
    eq(len(mine), 1, "the new report is in the received queue")
    eq(mine[0]["title"], body["title"], "queue title (decrypted)")
    eq(mine[0]["status"], "received", "queue status")
    ids = [x["id"] for x in q["items"]]
    eq(ids, sorted(ids, reverse=True), "queue newest first")
    expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam", {"spam": True}, token=an), 422,
           what="spam without a reason")
    expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam", {"spam": True, "reason": "x"},
                   token=ctx.role_account("reporter")["token"]), 403, "forbidden",
           "a reporter marking spam")
    expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam", {"spam": True, "reason": "x"},
                   token=ctx.role_account("auditor")["token"]), 403, "forbidden",
           "an auditor marking spam")
    expect(ctx.api("POST", "/api/v1/reports/999999999/spam", {"spam": True, "reason": "x"},
                   token=an), 404, what="spam of an unknown report")
    r = expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam",
                       {"spam": True, "reason": "广告推广"}, token=an), 200)
    eq(r.json, {"id": rc["id"], "status": "spam"}, "spam reply")
    q = expect(ctx.api("GET", "/api/v1/reports?status=received&limit=500", token=an), 200).json
    check(rc["id"] not in [x["id"] for x in q["items"]], "a spam report is still in the queue")
    q = expect(ctx.api("GET", "/api/v1/reports?status=spam&limit=500", token=an), 200).json
    sp = [x for x in q["items"] if x["id"] == rc["id"]]
    eq(len(sp), 1, "the report is listed as spam")
    eq(sp[0].get("spam_reason"), "广告推广", "spam reason")
    g = expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}", token=an), 200).json
    eq(g["status"], "spam", "report status after spam")
    eq(g["title"], body["title"], "a spam report is still readable")
    # the reporter still sees "received"; the log keeps the leaf unchanged
    eq(expect(ctx.api("GET", f"/api/v1/receipts/{rc['status_token']}"), 200).json["status"],
       "received", "status by token of a spam report")
    eq(_leaves(ctx, rc["leaf_index"], rc["leaf_index"] + 1)[0].hex(), rc["entry"],
       "the spam report's leaf is unchanged")
    p = ctx.cli("log", "verify", "--dir", ctx.dir)
    eq(p.returncode, 0, f"log verify after spam: {p.stdout[-500:]} {p.stderr[-500:]}")
    # and back
    r = expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam", {"spam": False}, token=an),
               200)
    eq(r.json["status"], "received", "unspam reply")
    q = expect(ctx.api("GET", "/api/v1/reports?status=received&limit=500", token=an), 200).json
    check(rc["id"] in [x["id"] for x in q["items"]], "an unspammed report is back in the queue")
    # the queue needs a login and a capability; bad filters are refused
    expect(ctx.api("GET", "/api/v1/reports"), 401, "unauthenticated")
    expect(ctx.api("GET", "/api/v1/reports?status=open", token=an), 422, "invalid_parameter")
    expect(ctx.api("GET", "/api/v1/reports?limit=0", token=an), 422, "invalid_parameter")
    expect(ctx.api("GET", "/api/v1/reports/999999999", token=an), 404, what="unknown report")
    page = expect(ctx.api("GET", "/api/v1/reports?limit=2", token=an), 200).json
    eq(len(page["items"]), 2, "limit=2")
    nxt = expect(ctx.api("GET", f"/api/v1/reports?limit=2&before={page['next_before']}",
                         token=an), 200).json
    check(all(x["id"] < page["items"][-1]["id"] for x in nxt["items"]), "before= pages on")


def test_intake_reporter_sees_own(ctx):
    a = ctx.create_user("reporter")
    b = ctx.create_user("reporter")
    ta, tb = ctx.token_for(a), ctx.token_for(b)
    ra = [_check_receipt(ctx, _submit(ctx, _zh_report(), token=ta), "api", "A's report")[0]
          for _ in range(2)]
    rb = _check_receipt(ctx, _submit(ctx, _zh_report(), token=tb), "api", "B's report")[0]
    anon = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "anonymous report")[0]
    la = expect(ctx.api("GET", "/api/v1/reports?limit=500", token=ta), 200).json["items"]
    eq(sorted(x["id"] for x in la), sorted(x["id"] for x in ra), "reporter A's list")
    lb = expect(ctx.api("GET", "/api/v1/reports?limit=500", token=tb), 200).json["items"]
    eq([x["id"] for x in lb], [rb["id"]], "reporter B's list")
    g = expect(ctx.api("GET", f"/api/v1/reports/{ra[0]['id']}", token=ta), 200).json
    eq(g["id"], ra[0]["id"], "A reads own report")
    for other in (rb, anon):
        expect(ctx.api("GET", f"/api/v1/reports/{other['id']}", token=ta), 404,
               what="A reading a report that is not A's")
    # a cookie session counts only with its CSRF token
    s = ctx.session(a["email"], a["password"])
    no_csrf = _check_receipt(ctx, _submit(ctx, _zh_report(), session=s, csrf=None), "api",
                             "cookie submission without CSRF")[0]
    with_csrf = _check_receipt(ctx, _submit(ctx, _zh_report(), session=s), "api",
                               "cookie submission with CSRF")[0]
    la = {x["id"] for x in expect(ctx.api("GET", "/api/v1/reports?limit=500", token=ta),
                                  200).json["items"]}
    check(with_csrf["id"] in la, "a CSRF-checked cookie submission is in the reporter's list")
    check(no_csrf["id"] not in la, "a cookie submission without CSRF was attributed")
    an = ctx.role_account("analyst")["token"]
    al = {x["id"] for x in expect(ctx.api("GET", "/api/v1/reports?limit=500", token=an),
                                  200).json["items"]}
    check({x["id"] for x in ra + [rb, anon]} <= al, "the analyst sees every report")


def test_intake_audit_report_read(ctx):
    acct = ctx.role_account("analyst")
    rc, _ = _check_receipt(ctx, _submit(ctx, _zh_report(attachments=[
        {"filename": "a.png", "data": base64.b64encode(PNG_1X1).decode()}])), "api", "audited")
    rid = "rr-" + secrets.token_hex(6)
    g = expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}", token=acct["token"],
                       headers={"X-Request-Id": rid}), 200).json
    evs = _find_events(ctx, "report.read", lambda e: e["request_id"] == rid)
    eq(len(evs), 1, "report.read events for the read")
    eq(evs[0]["actor"], acct["email"], "report.read actor")
    eq(evs[0]["object_type"], "report", "report.read object_type")
    eq(str(evs[0]["object_id"]), str(rc["id"]), "report.read object_id")
    rid2 = "ra-" + secrets.token_hex(6)
    expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}/attachments/1", token=acct["token"],
                   headers={"X-Request-Id": rid2}), 200)
    evs = _find_events(ctx, "report.attachment.read", lambda e: e["request_id"] == rid2)
    eq(len(evs), 1, "report.attachment.read events")
    eq(str(evs[0]["object_id"]), str(rc["id"]), "report.attachment.read object_id")
    rid3 = "rs-" + secrets.token_hex(6)
    expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam", {"spam": True, "reason": "测试"},
                   token=acct["token"], headers={"X-Request-Id": rid3}), 200)
    evs = _find_events(ctx, "report.spam", lambda e: e["request_id"] == rid3)
    eq(len(evs), 1, "report.spam events")
    eq(evs[0]["detail"].get("reason"), "测试", "report.spam reason")
    # the CLI's read is audited too
    p = ctx.cli("report", "show", rc["id"], "--dir", ctx.dir)
    eq(p.returncode, 0, f"report show exit status ({p.stderr!r})")
    eq(json.loads(p.stdout)["title"], g["title"], "report show title")
    evs = _find_events(ctx, "report.read", lambda e: str(e["object_id"]) == str(rc["id"]))
    check(len(evs) >= 2, f"report.read events for report {rc['id']}: {len(evs)}")


def _sh_day(rfc3339):
    """The Asia/Shanghai date "YYYY-MM-DD" of an RFC 3339 time."""
    t = datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    return t.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date().isoformat()


def _rfc(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_intake_in_case_filter(ctx):
    an = ctx.role_account("analyst")["token"]
    a = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "report put in a case")[0]
    b = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "report left alone")[0]
    c = expect(ctx.api("POST", "/api/v1/cases", {"report_ids": [a["id"]]}, token=an), 201,
               what="case from report a").json
    every = expect(ctx.api("GET", "/api/v1/reports?limit=500", token=an), 200).json["items"]
    by_id = {x["id"]: x for x in every}
    eq(by_id[a["id"]].get("case_id"), c["id"], "case_id of a report in a case")
    check("case_id" in by_id[b["id"]] and by_id[b["id"]]["case_id"] is None,
          f"case_id null for a report in no case: {by_id[b['id']]}")
    free = expect(ctx.api("GET", "/api/v1/reports?status=received&in_case=false&limit=500",
                          token=an), 200).json["items"]
    ids = {x["id"] for x in free}
    check(b["id"] in ids, "in_case=false lists the report in no case")
    check(a["id"] not in ids, "in_case=false lists a report that is in a case")
    check(all(x["case_id"] is None for x in free), "in_case=false items all have case_id null")
    taken = expect(ctx.api("GET", "/api/v1/reports?in_case=true&limit=500", token=an),
                   200).json["items"]
    check(a["id"] in {x["id"] for x in taken} and b["id"] not in {x["id"] for x in taken},
          "in_case=true lists exactly the reports in a case")
    check(all(isinstance(x["case_id"], int) for x in taken), "in_case=true items have case_id")
    eq(sorted({x["id"] for x in free} | {x["id"] for x in taken}),
       sorted(x["id"] for x in every if x["status"] == "received" or x["case_id"]),
       "in_case=true and false partition the received reports")
    expect(ctx.api("GET", "/api/v1/reports?in_case=maybe", token=an), 422, "invalid_parameter")
    # paging with the filter keeps to it
    p1 = expect(ctx.api("GET", "/api/v1/reports?in_case=false&limit=1", token=an), 200).json
    eq(len(p1["items"]), 1, "in_case=false&limit=1")
    if p1["next_before"]:
        p2 = expect(ctx.api("GET", f"/api/v1/reports?in_case=false&limit=1&before="
                            f"{p1['next_before']}", token=an), 200).json
        check(all(x["case_id"] is None and x["id"] < p1["items"][0]["id"] for x in p2["items"]),
              "the next in_case=false page")
    # a reporter learns whether someone handles the report, not the case id
    rep = ctx.create_user("reporter")
    rt = ctx.token_for(rep)
    ra = _check_receipt(ctx, _submit(ctx, _zh_report(), token=rt), "api", "reporter's report")[0]
    rb = _check_receipt(ctx, _submit(ctx, _zh_report(), token=rt), "api", "reporter's 2nd")[0]
    expect(ctx.api("POST", "/api/v1/cases", {"report_ids": [ra["id"]]}, token=an), 201,
           what="case from the reporter's report")
    mine = {x["id"]: x for x in expect(ctx.api("GET", "/api/v1/reports?limit=500", token=rt),
                                        200).json["items"]}
    eq(set(mine), {ra["id"], rb["id"]}, "the reporter's own reports")
    eq(mine[ra["id"]].get("in_case"), True, "reporter: in_case of the handled report")
    eq(mine[rb["id"]].get("in_case"), False, "reporter: in_case of the waiting report")
    check(all("case_id" not in x for x in mine.values()), "a reporter sees a case id")
    mine = expect(ctx.api("GET", "/api/v1/reports?in_case=false", token=rt), 200).json["items"]
    eq([x["id"] for x in mine], [rb["id"]], "reporter: in_case=false")


def test_stats_counts(ctx):
    expect(ctx.api("GET", "/api/v1/stats"), 401, "unauthenticated")
    expect(ctx.api("GET", "/api/v1/stats", token=ctx.role_account("reporter")["token"]), 403,
           "forbidden", "a reporter asking for stats")
    for bad in ("0", "367", "x"):
        expect(ctx.api("GET", f"/api/v1/stats?days={bad}", token=ctx.admin_token), 422,
               "invalid_parameter", f"days={bad}")
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    s3 = expect(ctx.api("GET", "/api/v1/stats?days=3", token=ctx.admin_token), 200).json
    eq([d["date"] for d in s3["per_day"]],
       [(today - datetime.timedelta(days=i)).isoformat() for i in (2, 1, 0)],
       "days=3: three Asia/Shanghai dates, oldest first, today last")
    eq(s3["time_zone"], "Asia/Shanghai", "time_zone")
    eq(s3["need_to_know"], False, "an administrator counts every case")
    eq(_sh_day(s3["from"]), (today - datetime.timedelta(days=2)).isoformat(),
       "from is the start of the first day")
    check(s3["from"].endswith("T16:00:00.000000Z"), f"from is Shanghai midnight: {s3['from']}")

    # an analyst with no case yet: every count is zero
    a = ctx.create_user("analyst")
    at = ctx.token_for(a)
    s = expect(ctx.api("GET", "/api/v1/stats", token=at), 200).json
    eq(s["need_to_know"], True, "an analyst's stats are need-to-know")
    eq(len(s["per_day"]), 14, "default 14 days")
    eq(s["totals"], {"intake": 0, "clocks_met": 0, "clocks_missed": 0}, "a new analyst's totals")
    eq(s["cases"]["total"], 0, "a new analyst's case total")
    eq(set(s["cases"]["by_phase"].values()), {0}, "a new analyst's phases")
    eq(set(s["cases"]["by_phase"]),
       {"receipt", "verification", "handling", "publication", "tracking"}, "every phase listed")

    # the known data set: a case from two reports received now, and an internal
    # finding learned three days ago whose clocks have fallen due (missed)
    r1 = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "stats report 1")[0]
    r2 = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "stats report 2")[0]
    other = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "someone else's")[0]
    c1 = expect(ctx.api("POST", "/api/v1/cases", {"report_ids": [r1["id"], r2["id"]]},
                        token=at), 201, what="case from two reports").json
    learned = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)
    c2 = expect(ctx.api("POST", "/api/v1/cases", {"title": unique("内部发现"),
                                                  "learned_at": _rfc(learned)}, token=at),
                201, what="an internal finding learned three days ago").json
    eq(c1.get("assignee_id"), a["id"], "the analyst who opened a case is assigned")
    expect(ctx.api("POST", "/api/v1/cases", {"report_ids": [other["id"]]},
                   token=ctx.role_account("analyst")["token"]), 201,
           what="another analyst's case")
    # expected numbers, from the cases' own clocks
    s = expect(ctx.api("GET", "/api/v1/stats", token=at), 200).json
    now = datetime.datetime.now(datetime.timezone.utc)
    days = [d["date"] for d in s["per_day"]]
    want = {d: {"intake": 0, "clocks_met": 0, "clocks_missed": 0} for d in days}
    for r in (r1, r2):
        want[_sh_day(r["received_at"])]["intake"] += 1
    for cid in (c1["id"], c2["id"]):
        cl = expect(ctx.api("GET", f"/api/v1/cases/{cid}/clocks", token=at), 200).json
        items = cl["clocks"]
        for k in items:
            due = datetime.datetime.fromisoformat(k["due_at"].replace("Z", "+00:00"))
            if k["state"] == "met" and k.get("met_at") and _sh_day(k["met_at"]) in want:
                want[_sh_day(k["met_at"])]["clocks_met"] += 1
            elif (k["state"] == "missed" or (k["state"] == "pending" and due < now)) \
                    and _sh_day(k["due_at"]) in want:
                want[_sh_day(k["due_at"])]["clocks_missed"] += 1
    check(sum(v["clocks_missed"] for v in want.values()) >= 1,
          "the data set has a missed clock (the finding learned three days ago)")
    eq({d["date"]: {k: d[k] for k in ("intake", "clocks_met", "clocks_missed")}
        for d in s["per_day"]}, want, "the analyst's per-day counts")
    eq(s["totals"], {k: sum(v[k] for v in want.values()) for k in
                     ("intake", "clocks_met", "clocks_missed")}, "the analyst's totals")
    eq(s["cases"]["total"], 2, "the analyst's case total")
    eq(s["cases"]["by_state"]["triage"], 2, "the analyst's cases in triage")
    eq(s["cases"]["by_phase"]["receipt"], 2, "the analyst's cases in receipt")
    eq(sum(s["cases"]["by_state"].values()), 2, "no other state counted")

    # a coordinator counts every case: the same numbers as the whole case list
    co = ctx.role_account("coordinator")["token"]
    s = expect(ctx.api("GET", "/api/v1/stats", token=co), 200).json
    eq(s["need_to_know"], False, "a coordinator counts every case")
    per_state, cursor = {}, None
    while True:
        page = expect(ctx.api("GET", "/api/v1/cases?limit=50" +
                              (f"&cursor={cursor}" if cursor else ""), token=co), 200).json
        for x in page["items"]:
            per_state[x["state"]] = per_state.get(x["state"], 0) + 1
        cursor = page.get("next_cursor")
        if not cursor:
            break
    eq({k: v for k, v in s["cases"]["by_state"].items() if v}, per_state,
       "the coordinator's cases per state = the case list's")
    eq(s["cases"]["total"], sum(per_state.values()), "the coordinator's case total")
    eq(sum(s["cases"]["by_phase"].values()), s["cases"]["total"], "phases sum to the total")
    reports, before = [], None
    while True:
        page = expect(ctx.api("GET", "/api/v1/reports?limit=500" +
                              (f"&before={before}" if before else ""), token=co), 200).json
        reports += page["items"]
        before = page.get("next_before")
        if not before:
            break
    since = s["per_day"][0]["date"]
    want_today = {}
    for r in reports:
        d = _sh_day(r["received_at"])
        if d >= since:
            want_today[d] = want_today.get(d, 0) + 1
    eq({d["date"]: d["intake"] for d in s["per_day"] if d["intake"]}, want_today,
       "the coordinator's reports per day = the report list's")


def test_intake_reporter_never_sees_spam(ctx):
    """Spam is an internal mark: the reporter's own list and report say "received"."""
    a = ctx.create_user("reporter")
    ta = ctx.token_for(a)
    rc, _ = _check_receipt(ctx, _submit(ctx, _zh_report(), token=ta), "api", "report")
    expect(ctx.api("POST", f"/api/v1/reports/{rc['id']}/spam", {"spam": True, "reason": "内部备注"},
                   token=ctx.role_account("analyst")["token"]), 200)
    eq(expect(ctx.api("GET", f"/api/v1/receipts/{rc['status_token']}"), 200).json["status"],
       "received", "status by token")
    own = [x for x in expect(ctx.api("GET", "/api/v1/reports?limit=500", token=ta), 200)
           .json["items"] if x["id"] == rc["id"]]
    eq(len(own), 1, "the reporter still lists the report")
    eq(own[0]["status"], "received", "status in the reporter's own list")
    check("spam_reason" not in own[0], f"the reporter's list shows the spam reason: {own[0]}")
    g = expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}", token=ta), 200).json
    eq(g["status"], "received", "status of the reporter's own report")
    check("spam_reason" not in g, f"the reporter's report shows the spam reason: {g}")
    rec = expect(ctx.api("GET", "/api/v1/reports?status=received&limit=500", token=ta),
                 200).json["items"]
    check(rc["id"] in [x["id"] for x in rec], "?status=received hides a spam-marked report "
                                               "from its reporter")
    r = ctx.api("GET", "/api/v1/reports?status=spam&limit=500", token=ta)
    check(r.status == 422 or (r.status == 200 and rc["id"] not in
                              [x["id"] for x in r.json["items"]]),
          f"?status=spam tells the reporter which of their reports are spam: {r.brief()}")


def test_intake_denied_read_not_audited_as_read(ctx):
    """A reporter asking for someone else's report gets 404, and the audit trail does
    not record a read (nothing was disclosed)."""
    a = ctx.create_user("reporter")
    ta = ctx.token_for(a)
    rc, _ = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "someone else's report")
    rid = "rd-" + secrets.token_hex(6)
    expect(ctx.api("GET", f"/api/v1/reports/{rc['id']}", token=ta,
                   headers={"X-Request-Id": rid}), 404, what="reading another's report")
    evs = _find_events(ctx, "report.read", lambda e: e["request_id"] == rid)
    eq(evs, [], "report.read events written for a refused read")


def test_intake_proofs_every_leaf(ctx):
    """Every leaf's inclusion proof and many consistency proofs, against the test's
    own RFC 9162 tree and the signed tree heads."""
    while _tree_size(ctx) < 40:
        _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "filler report")
    sth = expect(ctx.api("GET", "/api/v1/log/sth"), 200).json
    eq(set(sth), STH_KEYS | {"log_id"}, "GET /log/sth fields")
    ex = _export(ctx)
    info = _log_info(ctx)
    n = sth["tree_size"]
    check(ex.tree_size >= n, f"export tree_size {ex.tree_size} < STH {n}")
    try:
        tree = ex.tree()
    except tlogverify.VerifyError as e:
        raise TestFailure(f"the exported log: {e}")
    eq([e.hex() for e in _leaves(ctx, 0, ex.tree_size)], [e.hex() for e in ex.entries],
       "GET /log/leaves entries equal the export's")
    chk = info["checker"]
    check(chk.ok(n, sth["timestamp"], sth["root_hash"], sth["signature"]),
          "openssl does not verify the latest STH's signature")
    eq(sth["log_id"], chk.log_id, "STH log_id")
    eq(sth["root_hash"], tree.root(n).hex(), f"latest STH root is MTH of {n} leaves")
    # every exported tree head: its root is the tree's, its signature verifies
    sizes = set()
    for s in ex.sths:
        eq(s["root_hash"], tree.root(s["tree_size"]).hex(),
           f"exported STH of size {s['tree_size']}: root")
        check(chk.ok(s["tree_size"], s["timestamp"], s["root_hash"], s["signature"]),
              f"exported STH of size {s['tree_size']}: signature")
        if s["tree_size"] <= n:
            sizes.add(s["tree_size"])
    ts = [s["timestamp"] for s in ex.sths]
    eq(ts, sorted(ts), "tree heads in time order")
    roots = {size: tree.root(size) for size in range(1, n + 1)}
    # every leaf in the latest tree, and every leaf in a few smaller signed trees
    for m in range(n):
        r = expect(ctx.api("GET", f"/api/v1/log/proof/inclusion?leaf_index={m}&tree_size={n}"),
                   200).json
        eq((r["leaf_index"], r["tree_size"]), (m, n), "inclusion reply indexes")
        path = [tlogverify.unhex(h, "path", 32) for h in r["audit_path"]]
        eq(r["audit_path"], [h.hex() for h in tree.path(m, n)], f"inclusion path {m} of {n}")
        check(tlogverify.verify_inclusion(tree.alg, tree.leaves[m], m, n, path, roots[n]),
              f"inclusion proof of leaf {m} in {n} does not verify")
    few = sorted(sizes)[:: max(1, len(sizes) // 6)][:8]
    for size in few:
        for m in range(0, size, max(1, size // 7)):
            r = expect(ctx.api("GET", f"/api/v1/log/proof/inclusion?leaf_index={m}"
                                      f"&tree_size={size}"), 200).json
            path = [tlogverify.unhex(h, "path", 32) for h in r["audit_path"]]
            check(tlogverify.verify_inclusion(tree.alg, tree.leaves[m], m, size, path,
                                              roots[size]),
                  f"inclusion proof of leaf {m} in signed tree {size} does not verify")
    # consistency between many pairs
    pts = sorted({1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, n // 2, n - 1, n}
                 | set(few))
    pts = [p for p in pts if 1 <= p <= n]
    pairs = 0
    for i, first in enumerate(pts):
        for second in pts[i:]:
            r = expect(ctx.api("GET", f"/api/v1/log/proof/consistency?first={first}"
                                      f"&second={second}"), 200).json
            eq((r["first"], r["second"]), (first, second), "consistency reply sizes")
            proof = [tlogverify.unhex(h, "proof", 32) for h in r["proof"]]
            eq(r["proof"], [h.hex() for h in tree.proof(first, second)],
               f"consistency proof {first} -> {second}")
            check(tlogverify.verify_consistency(tree.alg, first, second, roots[first],
                                                roots[second], proof),
                  f"consistency proof {first} -> {second} does not verify")
            if first < second:
                check(not tlogverify.verify_consistency(tree.alg, first, second, roots[first],
                                                        bytes(32), proof),
                      f"consistency proof {first} -> {second} verifies a wrong root")
            pairs += 1
    check(pairs >= 150, f"only {pairs} consistency pairs checked")


def test_intake_proof_bad_parameters(ctx):
    n = _tree_size(ctx)
    for q in [f"leaf_index={n}&tree_size={n}", f"leaf_index=0&tree_size={n + 1}",
              "leaf_index=0&tree_size=0", "leaf_index=-1&tree_size=2", "leaf_index=x&tree_size=2",
              "leaf_index=1.5&tree_size=2", "leaf_index=&tree_size=2", "tree_size=2",
              "leaf_index=0", "", f"leaf_index=0&tree_size={n + 1000000}"]:
        r = expect(ctx.api("GET", "/api/v1/log/proof/inclusion?" + q), 422, None,
                   f"inclusion ?{q}")
        check(r.error_code in ("invalid_parameter", "missing_parameter", "invalid_field"),
              f"inclusion ?{q}: code {r.error_code}")
    for q in ["first=0&second=2", "first=2&second=1", f"first=1&second={n + 1}",
              "first=a&second=2", "first=1", "second=2", "first=-3&second=2", ""]:
        r = expect(ctx.api("GET", "/api/v1/log/proof/consistency?" + q), 422, None,
                   f"consistency ?{q}")
        check(r.error_code in ("invalid_parameter", "missing_parameter", "invalid_field"),
              f"consistency ?{q}: code {r.error_code}")
    au = ctx.role_account("auditor")["token"]
    for q in ["start=5&end=5", "start=5&end=4", "start=0&end=1001", "start=-1&end=3",
              "start=0", "end=3"]:
        expect(ctx.api("GET", "/api/v1/log/leaves?" + q, token=au), 422, None, f"leaves ?{q}")
    expect(ctx.api("GET", "/api/v1/log/leaves?start=0&end=1"), 401, "unauthenticated")
    for role in ("reporter", "analyst"):
        expect(ctx.api("GET", "/api/v1/log/leaves?start=0&end=1",
                       token=ctx.role_account(role)["token"]), 403, "forbidden",
               f"{role} reading leaves")
    # past the end of the log: only what exists
    r = expect(ctx.api("GET", f"/api/v1/log/leaves?start={max(0, n - 2)}&end={n + 5}",
                       token=au), 200).json
    eq([x["leaf_index"] for x in r["leaves"]], list(range(max(0, n - 2), n)),
       "leaves past the end")


def test_intake_proof_parameter_overflow(ctx):
    """A number beyond int64 is not a tree size (it must not be read as INT64_MAX)."""
    for q in ["leaf_index=0&tree_size=99999999999999999999",
              "leaf_index=99999999999999999999&tree_size=1"]:
        expect(ctx.api("GET", "/api/v1/log/proof/inclusion?" + q), 422, "invalid_parameter",
               f"inclusion ?{q}")
    expect(ctx.api("GET", "/api/v1/log/proof/consistency?first=1&second=99999999999999999999"),
           422, "invalid_parameter", "consistency second=1e20")


def _metric_value(text, name, labels=None):
    lab = "" if labels is None else "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}"
    m = re.search(r"^" + re.escape(name + lab) + r" ([-+0-9.eE]+)$", text, re.M)
    return None if m is None else float(m.group(1))


def test_intake_metrics(ctx):
    def get():
        return expect(ctx.api("GET", "/metrics"), 200).text

    t0 = get()
    for name in ("intake_received_total", "tlog_tree_size", "tlog_sth_age_seconds"):
        check(re.search(r"^# TYPE " + name + r" (counter|gauge)$", t0, re.M),
              f"/metrics has no TYPE line for {name}:\n{t0[-2000:]}")
    keys = [("api", "accepted"), ("api", "rejected_invalid"), ("api", "rejected_too_large"),
            ("form", "accepted")]
    before = {k: _metric_value(t0, "intake_received_total",
                               [("channel", k[0]), ("disposition", k[1])]) for k in keys}
    for k, v in before.items():
        check(v is not None, f"/metrics lacks intake_received_total{{channel=\"{k[0]}\","
                             f"disposition=\"{k[1]}\"}}")
    _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "metrics: accepted")
    _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "metrics: accepted")
    expect(_submit(ctx, {"title": "x"}), 422)
    raw, ct = _multipart([("title", unique("t")), ("description", "d"), ("product_name", "p")],
                         [])
    _check_receipt(ctx, ctx.api("POST", "/api/v1/reports", raw=raw, content_type=ct), "form",
                   "metrics: form")
    t1 = get()
    after = {k: _metric_value(t1, "intake_received_total",
                              [("channel", k[0]), ("disposition", k[1])]) for k in keys}
    eq(after[("api", "accepted")] - before[("api", "accepted")], 2, "api accepted counter")
    eq(after[("api", "rejected_invalid")] - before[("api", "rejected_invalid")], 1,
       "api rejected_invalid counter")
    eq(after[("api", "rejected_too_large")], before[("api", "rejected_too_large")],
       "api rejected_too_large counter")
    eq(after[("form", "accepted")] - before[("form", "accepted")], 1, "form accepted counter")
    size = _metric_value(t1, "tlog_tree_size")
    check(size is not None, f"/metrics lacks tlog_tree_size:\n{t1[-1500:]}")
    eq(int(size), _tree_size(ctx), "tlog_tree_size is the log's size")
    age = _metric_value(t1, "tlog_sth_age_seconds")
    check(age is not None and 0 <= age < 60, f"tlog_sth_age_seconds {age} just after a write")


def test_intake_healthz(ctx):
    _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "a report before /healthz")
    n = _tree_size(ctx)
    time.sleep(1.1)            # /healthz answers from a check at most a second old
    j = expect(ctx.api("GET", "/healthz"), 200).json
    check(isinstance(j.get("intake"), dict), f"/healthz says nothing of intake: {j}")
    eq(j["intake"].get("writable"), True, "/healthz intake.writable")
    eq(j["intake"].get("tree_size"), n, "/healthz intake.tree_size (the log's size)")


def test_intake_cli_submit_and_verify(ctx):
    """`vulnflow report submit` beside the running server: one log, verifiable."""
    body = _zh_report()
    path = os.path.join(ctx.tmp, "report.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False)
    p = ctx.cli("report", "submit", path, "--dir", ctx.dir)
    eq(p.returncode, 0, f"report submit exit status ({p.stderr!r})")
    rc = json.loads(p.stdout)["receipt"]
    try:
        en = tlogverify.check_receipt(rc, _log_info(ctx)["checker"], "sm3", "sm2")
    except tlogverify.VerifyError as e:
        raise TestFailure(f"the CLI receipt does not verify: {e}")
    eq(tlogverify.CHANNELS[en["channel"]], "cli", "CLI receipt channel")
    g = json.loads(ctx.cli("report", "show", rc["id"], "--dir", ctx.dir).stdout)
    eq(g["title"], body["title"], "report show title")
    eq(g["description"], body["description"], "report show description")
    # the server appends after the CLI's leaf, in the same tree
    rc2, _ = _check_receipt(ctx, _submit(ctx, _zh_report()), "api", "after the CLI")
    check(rc2["leaf_index"] > rc["leaf_index"], "the server's leaf follows the CLI's")
    with open(path, "w") as f:
        f.write('{"title": "x", "description": "", "product": {"name": "p"}}')
    p = ctx.cli("report", "submit", path, "--dir", ctx.dir)
    eq(p.returncode, 1, "report submit of an invalid report")
    m = re.search(r"the refusal is leaf (\d+)", p.stderr)
    check(m, f"report submit names the refusal's leaf: {p.stderr!r}")
    en = tlogverify.decode_entry(_leaves(ctx, int(m.group(1)), int(m.group(1)) + 1)[0])
    eq((en["channel"], en["disposition"]), (3, 1), "the CLI refusal's leaf")
    p = ctx.cli("log", "verify", "--dir", ctx.dir)
    eq(p.returncode, 0, f"log verify exit status: {p.stdout[-800:]} {p.stderr[-800:]}")
    contains(p.stdout, "ok:", "log verify output")
    j = json.loads(ctx.cli("log", "verify", "--json", "--dir", ctx.dir).stdout)
    eq((j["ok"], j["problems"]), (True, []), "log verify --json")
    s = json.loads(ctx.cli("log", "sth", "--json", "--dir", ctx.dir).stdout)
    api = expect(ctx.api("GET", "/api/v1/log/sth"), 200).json
    eq(s, api, "vulnflow log sth --json equals GET /api/v1/log/sth")
    p = ctx.cli("log", "purge", "--before", "2020-01-01", "--dir", ctx.dir)
    eq(p.returncode, 0, f"purge of nothing older than 2020 ({p.stderr!r})")
    day = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=179))
    p = ctx.cli("log", "purge", "--before", day.strftime("%Y-%m-%d"), "--dir", ctx.dir)
    eq(p.returncode, 1, "purge of reports younger than 180 days is refused")
    contains(p.stderr, "180", "purge refusal names the retention")


def test_intake_other_algorithms(ctx):
    """SHA-256 and Ed25519 (and AES-256-GCM at rest) chosen at init verify the same way."""
    d = tempfile.mkdtemp(prefix="vf-alg-", dir=ctx.tmp)
    inst = os.path.join(d, "i")
    p = ctx.cli("init", "--dir", inst, "--json", "--log-hash", "sha256", "--log-sig", "ed25519",
                "--cipher", "aes-256-gcm")
    eq(p.returncode, 0, f"init --log-hash sha256 --log-sig ed25519 ({p.stderr!r})")
    path = os.path.join(d, "r.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_zh_report(), f, ensure_ascii=False)
    receipts = []
    for _ in range(3):
        p = ctx.cli("report", "submit", path, "--dir", inst)
        eq(p.returncode, 0, f"report submit ({p.stderr!r})")
        receipts.append(json.loads(p.stdout)["receipt"])
    p = ctx.cli("log", "export", "--dir", inst)
    ex = tlogverify.Export(p.stdout)
    eq((ex.hash_alg, ex.sig_alg), ("sha256", "ed25519"), "exported algorithms")
    chk = ex.checker()
    tree = ex.tree()
    for rc in receipts:
        try:
            tlogverify.check_receipt(rc, chk, "sha256", "ed25519")
        except tlogverify.VerifyError as e:
            raise TestFailure(f"a SHA-256/Ed25519 receipt does not verify: {e}")
        eq(len(bytes.fromhex(rc["signature"])), 64, "Ed25519 signature length")
    eq([r["leaf_index"] for r in receipts], [0, 1, 2], "leaf indexes of a new log")
    eq(receipts[-1]["sth"]["root_hash"], tree.root(3).hex(), "root of the 3-leaf tree")
    p = ctx.cli("log", "verify", "--dir", inst)
    eq(p.returncode, 0, f"log verify (sha256, ed25519): {p.stdout} {p.stderr}")
    eq(ctx.cli("init", "--dir", os.path.join(d, "j"), "--log-hash", "md5").returncode, 2,
       "init with an unknown log hash")
    eq(ctx.cli("init", "--dir", os.path.join(d, "k"), "--log-sig", "rsa").returncode, 2,
       "init with an unknown signature")


def _solve_pow(challenge, bits, bad=False):
    """A nonce such that SHA-256(challenge ":" nonce) has `bits` leading zero bits (or,
    with bad, one that does not)."""
    for i in range(1, 10**7):
        nonce = f"n{i}"
        d = int.from_bytes(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest(), "big")
        if (d >> (256 - bits) == 0) != bad:
            return nonce
    raise TestFailure("no proof-of-work solution found")


def test_intake_pow(ctx):
    expect(ctx.api("GET", "/api/v1/reports/challenge"), 404, "pow_disabled",
           "challenge with intake_pow_bits = 0")
    with _OtherServer(ctx, "intake_pow_bits=12", "intake_rate_limit=0") as srv:
        c = expect(srv.api("GET", "/api/v1/reports/challenge"), 200).json
        eq((c["bits"], c["algorithm"], c["header"]), (12, "sha256", "X-Vulnflow-PoW"),
           "challenge fields")
        check(re.fullmatch(r"v1\.\d+\.12\.[0-9a-f]{16}\.[0-9a-f]{64}", c["challenge"]),
              f"challenge {c['challenge']!r}")
        exp = datetime.datetime.fromisoformat(c["expires_at"].replace("Z", "+00:00"))
        left = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        check(500 < left <= 601, f"challenge expires in {left:.0f} s")
        size = _tree_size(ctx)
        r = expect(srv.api("POST", "/api/v1/reports", _zh_report()), 403, "pow_required")
        check("X-Vulnflow-Log-Leaf" not in r.headers, "a submission without work was logged")
        sol = f"{c['challenge']}:{_solve_pow(c['challenge'], 12)}"
        r = srv.api("POST", "/api/v1/reports", _zh_report(), headers={"X-Vulnflow-PoW": sol})
        _check_receipt(ctx, r, "api", "submission with proof of work")
        expect(srv.api("POST", "/api/v1/reports", _zh_report(), headers={"X-Vulnflow-PoW": sol}),
               403, "pow_reused", "a solution used twice")
        c2 = srv.api("GET", "/api/v1/reports/challenge").json["challenge"]
        expect(srv.api("POST", "/api/v1/reports", _zh_report(),
                       headers={"X-Vulnflow-PoW": f"{c2}:{_solve_pow(c2, 12, bad=True)}"}),
               403, "pow_invalid", "a nonce that does not solve the challenge")
        parts = c2.split(".")
        parts[3] = ("0" if parts[3][0] != "0" else "1") + parts[3][1:]
        forged = ".".join(parts)
        expect(srv.api("POST", "/api/v1/reports", _zh_report(),
                       headers={"X-Vulnflow-PoW": f"{forged}:{_solve_pow(forged, 12)}"}),
               403, "pow_invalid", "a challenge with a forged MAC")
        parts = c2.split(".")
        parts[2] = "1"
        easy = ".".join(parts)
        expect(srv.api("POST", "/api/v1/reports", _zh_report(),
                       headers={"X-Vulnflow-PoW": f"{easy}:{_solve_pow(easy, 1)}"}),
               403, "pow_invalid", "a challenge with its bits lowered")
        eq(_tree_size(ctx), size + 1, "only the solved submission was logged")
        # in the JSON body, and as a form field
        b = _zh_report(pow=f"{c2}:{_solve_pow(c2, 12)}")
        _check_receipt(ctx, srv.api("POST", "/api/v1/reports", b), "api", "pow in JSON")
        c3 = srv.api("GET", "/api/v1/reports/challenge").json["challenge"]
        raw, ct = _multipart([("title", unique("t")), ("description", "d"),
                              ("product_name", "p"),
                              ("pow", f"{c3}:{_solve_pow(c3, 12)}")], [])
        _check_receipt(ctx, srv.api("POST", "/api/v1/reports", raw=raw, content_type=ct),
                       "form", "pow as a form field")


def _chunked(head, data):
    return head + f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n\r\n"


def test_intake_rate_limit_and_limits(ctx):
    limits = ["intake_rate_limit=6", "intake_body_limit=4096", "attachment_limit=64",
              "attachments_limit=100", "attachments_max=2"]
    with _OtherServer(ctx, *limits) as srv:
        # 1: a body over intake_body_limit sent chunked (no length announced)
        big = json.dumps(_zh_report(description="长" * 3000), ensure_ascii=False).encode()
        head = (b"POST /api/v1/reports HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        r = srv.raw_http(_chunked(head, big), "POST", "/api/v1/reports")
        _check_rejection(ctx, r, 413, None, "api", 2, "chunked body over intake_body_limit")

        def files(*sizes):
            return [{"filename": f"f{i}.bin", "data": base64.b64encode(bytes(n)).decode()}
                    for i, n in enumerate(sizes)]

        # 2-4: one file over attachment_limit, files over attachments_limit, too many files
        for what, b, code in [
                ("65-byte attachment", _zh_report(attachments=files(65)),
                 "attachment_too_large"),
                ("two 60-byte attachments", _zh_report(attachments=files(60, 60)),
                 "attachments_too_large"),
                ("three attachments", _zh_report(attachments=files(1, 1, 1)),
                 "too_many_attachments")]:
            r = srv.api("POST", "/api/v1/reports", b)
            _check_rejection(ctx, r, 413, code, "api", 2, what, raw=json.dumps(b).encode())
        # 5: a form with a file over attachment_limit is refused on the form channel
        raw, ct = _multipart([("title", unique("t")), ("description", "d"),
                              ("product_name", "p")], [("file", "大文件.bin",
                                                        "application/octet-stream",
                                                        bytes(65))])
        r = srv.api("POST", "/api/v1/reports", raw=raw, content_type=ct)
        _check_rejection(ctx, r, 413, "attachment_too_large", "form", 2, "form 65-byte file",
                         raw=raw)
        # 6: a good one, at the limits
        _check_receipt(ctx, srv.api("POST", "/api/v1/reports",
                                    _zh_report(attachments=files(64, 36))), "api",
                       "sixth submission, files at the limits")
        # 4: over the rate; X-Forwarded-For from an untrusted peer changes nothing
        size = _tree_size(ctx)
        r = srv.api("POST", "/api/v1/reports", _zh_report(),
                    headers={"X-Forwarded-For": "198.51.100.7"})
        expect(r, 429, "rate_limited", "seventh submission in a minute")
        ra = r.headers.get("Retry-After")
        check(ra is not None and re.fullmatch(r"\d+", ra) and 1 <= int(ra) <= 10,
              f"Retry-After {ra!r} (6 a minute: a token every 10 s)")
        check("X-Vulnflow-Log-Leaf" not in r.headers, "a rate-limited request was logged")
        eq(_tree_size(ctx), size, "a 429 adds no leaf")
        expect(srv.api("GET", "/api/v1/log/sth"), 200, what="reads are not rate-limited")
        expect(srv.api("GET", f"/api/v1/receipts/vfr_{secrets.token_hex(8)}"), 404,
               what="status reads are not rate-limited")
    with _OtherServer(ctx, "intake_rate_limit=1", "trusted_proxies=127.0.0.1") as srv:
        xa, xb = {"X-Forwarded-For": "198.51.100.8"}, {"X-Forwarded-For": "198.51.100.9"}
        _check_receipt(ctx, srv.api("POST", "/api/v1/reports", _zh_report(), headers=xa), "api",
                       "client A via a trusted proxy")
        r = expect(srv.api("POST", "/api/v1/reports", _zh_report(), headers=xa), 429,
                   "rate_limited", "client A again")
        check(30 <= int(r.headers.get("Retry-After", "0")) <= 60,
              f"Retry-After {r.headers.get('Retry-After')!r} at 1 a minute")
        _check_receipt(ctx, srv.api("POST", "/api/v1/reports", _zh_report(), headers=xb), "api",
                       "client B via the same proxy has its own bucket")


# ================================================================ products, SBOMs and impact (issue 6)

SHARED_DATA = os.environ.get("VULNFLOW_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")


def _product(ctx, name=None, **kw):
    """Create a product as the analyst; returns its id."""
    body = {"name": name or unique("prod")}
    body.update(kw)
    r = expect(ctx.api("POST", "/api/v1/products", body,
                       token=ctx.role_account("analyst")["token"]), 201, what="create product")
    check(isinstance(r.json.get("id"), int) and r.json["id"] > 0, f"product id: {r.text}")
    return r.json["id"]


def _sbom_post(ctx, pid, version, doc, **kw):
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return ctx.api("POST", f"/api/v1/products/{pid}/versions/{urllib.parse.quote(version)}/sbom",
                   raw=raw, token=kw.pop("token", ctx.role_account("analyst")["token"]), **kw)


def _cdx(components, deps=None, spec="1.6"):
    doc = {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1,
           "components": components}
    if deps is not None:
        doc["dependencies"] = deps
    return doc


def _validate_cdx16(ctx, docs):
    """Validate exported CycloneDX 1.6 documents with tests/formats/validate_sbom_exports.py."""
    d = tempfile.mkdtemp(prefix="vf-export-", dir=ctx.tmp)
    for i, doc in enumerate(docs):
        with open(os.path.join(d, f"{i:03d}.json"), "w") as f:
            f.write(doc)
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "formats",
                                                        "validate_sbom_exports.py"), d,
                        "--schema-dir", os.path.join(SHARED_DATA, "cyclonedx", "schema")],
                       capture_output=True, text=True, timeout=300)
    bad = [ln for ln in p.stdout.splitlines() if ln.startswith("not ok")]
    eq(bad, [], "exports that are not valid CycloneDX 1.6")
    eq(p.returncode, 0, f"validate_sbom_exports.py exit status ({p.stderr[-500:]})")


def test_products_create_get_list(ctx):
    analyst = ctx.role_account("analyst")["token"]
    name = unique("router")
    pid = _product(ctx, name, model="AX-1", vendor="Acme")
    r = expect(ctx.api("POST", "/api/v1/products", {"name": name, "model": "AX-1",
                                                    "vendor": "Acme"}, token=analyst),
               409, "product_exists", "the same (name, model, vendor) again")
    pid2 = _product(ctx, name, model="AX-2", vendor="Acme")
    check(pid2 != pid, "another model is another product")
    r = expect(ctx.api("GET", f"/api/v1/products/{pid}", token=analyst), 200)
    eq((r.json["name"], r.json["model"], r.json["vendor"], r.json["versions"]),
       (name, "AX-1", "Acme", []), "product read back")
    r = expect(ctx.api("GET", f"/api/v1/products?after={pid - 1}&limit=2", token=analyst), 200)
    eq([p["id"] for p in r.json["items"]], [pid, pid2], "list from after=pid-1")
    expect(ctx.api("GET", "/api/v1/products/999999999", token=analyst), 404, "not_found")
    expect(ctx.api("POST", "/api/v1/products", {"name": ""}, token=analyst), 422)
    expect(ctx.api("GET", "/api/v1/products", token=ctx.role_account("reporter")["token"]),
           403, what="a reporter lists products")
    expect(ctx.api("POST", "/api/v1/products", {"name": unique("p")},
                   token=ctx.role_account("auditor")["token"]), 403,
           what="an auditor creates a product")


def test_products_versions(ctx):
    analyst = ctx.role_account("analyst")["token"]
    pid = _product(ctx)
    r = expect(ctx.api("POST", f"/api/v1/products/{pid}/versions", {"version": "2.4.1"},
                       token=analyst), 201)
    eq((r.json["version"], r.json["product_id"], r.json["has_sbom"]), ("2.4.1", pid, False),
       "new version")
    expect(ctx.api("POST", f"/api/v1/products/{pid}/versions", {"version": "2.4.1"},
                   token=analyst), 409, "version_exists")
    expect(ctx.api("POST", f"/api/v1/products/{pid}/versions", {"version": "a/b"},
                   token=analyst), 422)
    expect(ctx.api("POST", "/api/v1/products/999999999/versions", {"version": "1"},
                   token=analyst), 404)
    r = expect(ctx.api("GET", f"/api/v1/products/{pid}", token=analyst), 200)
    eq([v["version"] for v in r.json["versions"]], ["2.4.1"], "versions of the product")


def test_sbom_every_example_imports_and_exports_valid(ctx):
    pid = _product(ctx)
    files = sorted(
        [os.path.join(dp, f) for base in ("cyclonedx/examples", "spdx/examples")
         for dp, _, fs in os.walk(os.path.join(SHARED_DATA, base)) for f in fs
         if f.endswith(".json")])
    check(len(files) >= 60, f"found only {len(files)} example SBOMs under {SHARED_DATA}")
    exports = []
    for i, path in enumerate(files):
        with open(path, "rb") as f:
            raw = f.read()
        doc = json.loads(raw)
        r = expect(_sbom_post(ctx, pid, f"ex{i}", raw), 200,
                   what=f"import {os.path.relpath(path, SHARED_DATA)}")
        n_in = r.json["components"] + r.json["services"]
        check(n_in >= 0 and r.json["format"] in ("CycloneDX", "SPDX"), f"summary {r.text[:300]}")
        if "bomFormat" in doc:
            eq(r.json["spec_version"], doc["specVersion"], f"{path}: spec version")
        e = expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/ex{i}/sbom",
                           token=ctx.role_account("auditor")["token"]), 200,
                   what=f"export {path}")
        contains(e.headers.get("Content-Type"), "application/vnd.cyclonedx+json", "export type")
        out = json.loads(e.body)
        eq(out["specVersion"], "1.6", f"{path}: exported spec version")
        c = expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/ex{i}/components",
                           token=ctx.role_account("auditor")["token"]), 200)
        eq(len(c.json["items"]), r.json["components"] + r.json["services"],
           f"{path}: stored components")
        exports.append(e.text)
    _validate_cdx16(ctx, exports)


def test_sbom_summary_and_stored_components(ctx):
    pid = _product(ctx)
    comps = [
        {"type": "library", "bom-ref": "a", "name": "A", "version": "1.0",
         "purl": "pkg:NPM/%40Scope/A@1.0", "supplier": {"name": unique("Supplier A"),
                                                     "contact": [{"email": "sec@a.example"}]},
         "hashes": [{"alg": "SHA-256", "content": "ab" * 32}],
         "licenses": [{"license": {"id": "MIT"}}]},
        {"type": "library", "bom-ref": "b", "name": "B", "version": "2.0",
         "purl": "pkg:pypi/Django_Rest@2.0",
         "components": [{"type": "file", "bom-ref": "b1", "name": "b1.py"}]},
        {"type": "library", "bom-ref": "c", "name": "C", "purl": "not a purl"},
    ]
    deps = [{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": ["a"]}]
    r = expect(_sbom_post(ctx, pid, "1.0", _cdx(comps, deps)), 200)
    s = r.json
    eq((s["version"], s["version_created"], s["format"], s["spec_version"], s["components"],
        s["services"], s["edges"], s["purls"]), ("1.0", True, "CycloneDX", "1.6", 4, 0, 2, 2),
       "import summary")
    codes = sorted({d["code"] for d in s["diagnostics"]})
    check("cycle" in codes and "purl" in codes, f"diagnostics name the cycle and the bad purl: "
                                                f"{s['diagnostics']}")
    eq(s["diagnostic_count"], len(s["diagnostics"]), "diagnostic count")
    items = expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/1.0/components",
                           token=ctx.role_account("analyst")["token"]), 200).json["items"]
    by_ref = {c["bom_ref"]: c for c in items}
    eq(by_ref["a"]["purl"], "pkg:npm/%40scope/a@1.0", "canonical purl (type rules applied)")
    eq(by_ref["b"]["purl"], "pkg:pypi/django-rest@2.0", "PyPI name normalised")
    eq(by_ref["c"]["purl"], None, "an invalid purl is not stored")
    eq(by_ref["a"]["hashes"], [{"alg": "SHA-256", "content": "ab" * 32}], "hashes kept")
    eq(by_ref["a"]["licenses"], [{"kind": "id", "value": "MIT"}], "licences kept")
    eq(by_ref["b1"]["parent"], by_ref["b"]["index"], "nested component's parent")
    # the SBOM's supplier is now in the registry, owning the package
    sups = expect(ctx.api("GET", "/api/v1/suppliers?limit=500",
                          token=ctx.role_account("analyst")["token"]), 200).json["items"]
    mine = [x for x in sups if x["name"] == comps[0]["supplier"]["name"]]
    eq(len(mine), 1, "supplier pre-filled from the SBOM")
    eq((mine[0]["source"], mine[0]["packages"], mine[0]["contacts"]),
       ("sbom", ["pkg:npm/%40scope/a"], [{"email": "sec@a.example"}]), "pre-filled supplier")
    # a second import replaces the first
    r = expect(_sbom_post(ctx, pid, "1.0", _cdx(comps[:1])), 200)
    eq((r.json["version_created"], r.json["components"]), (False, 1), "re-import summary")
    items = expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/1.0/components",
                           token=ctx.role_account("analyst")["token"]), 200).json["items"]
    eq([c["bom_ref"] for c in items], ["a"], "components after the re-import")


def test_sbom_malformed(ctx):
    pid = _product(ctx)
    good = json.dumps(_cdx([{"type": "library", "name": "x", "bom-ref": "x"}])).encode()
    cases = [
        ("truncated", good[: len(good) // 2], 400, "malformed_json"),
        ("not JSON", b"<bom/>", 400, "malformed_json"),
        ("empty", b"", 400, None),
        ("not an SBOM", b'{"hello": 1}', 422, None),
        ("wrong type", json.dumps(_cdx([{"type": "library", "name": 5}])).encode(), 422, None),
        ("unknown component type",
         json.dumps(_cdx([{"type": "spaceship", "name": "x"}])).encode(), 422, None),
        ("duplicate bom-ref",
         json.dumps(_cdx([{"type": "library", "name": "x", "bom-ref": "d"},
                          {"type": "library", "name": "y", "bom-ref": "d"}])).encode(), 422,
         "duplicate_ref"),
        ("dependency on an unknown ref",
         json.dumps(_cdx([{"type": "library", "name": "x", "bom-ref": "d"}],
                         [{"ref": "d", "dependsOn": ["nope"]}])).encode(), 422, "unknown_ref"),
        ("unsupported spec version",
         json.dumps(_cdx([], spec="1.1")).encode(), 422, None),
    ]
    for what, raw, status, code in cases:
        r = _sbom_post(ctx, pid, "bad", raw)
        expect(r, status, code, what)
        check(r.error_message and len(r.error_message) > 5, f"{what}: a clear message")
    r = expect(ctx.api("GET", f"/api/v1/products/{pid}", token=ctx.role_account("analyst")
                       ["token"]), 200)
    eq(r.json["versions"], [], "a refused SBOM leaves no version behind")
    expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/bad/sbom",
                   token=ctx.role_account("analyst")["token"]), 404)
    # 100 MB: refused from its Content-Length, before the body is read
    head = (f"POST /api/v1/products/{pid}/versions/big/sbom HTTP/1.1\r\nHost: t\r\n"
            f"Authorization: Bearer {ctx.role_account('analyst')['token']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {100 << 20}\r\n\r\n").encode()
    r = ctx.raw_http(head, "POST", "/sbom")
    expect(r, 413, what="a 100 MB SBOM")
    contains(r.error_message, "67108864", "413 names the upload limit")
    # a body over body_limit (64 KiB in this fixture) but under upload_body_limit is fine
    comps = [{"type": "library", "name": f"c{i}", "bom-ref": f"c{i}",
              "purl": f"pkg:npm/c{i}-{RUN_ID}@1.0.{i}"} for i in range(3000)]
    raw = json.dumps(_cdx(comps)).encode()
    check(len(raw) > BODY_LIMIT, "the SBOM is larger than body_limit")
    r = expect(_sbom_post(ctx, pid, "3000", raw), 200, what="SBOM larger than body_limit")
    eq(r.json["components"], 3000, "components of the large SBOM")


def test_sbom_upload_limit(ctx):
    pid = _product(ctx)
    raw = json.dumps(_cdx([{"type": "library", "name": "x" * 5000}])).encode()
    with _OtherServer(ctx, "upload_body_limit=4096") as srv:
        r = srv.api("POST", f"/api/v1/products/{pid}/versions/1/sbom", raw=raw,
                    token=ctx.role_account("analyst")["token"])
        expect(r, 413, what="SBOM over upload_body_limit")
        contains(r.error_message, "4096", "the message names the limit")
        head = (f"POST /api/v1/products/{pid}/versions/1/sbom HTTP/1.1\r\nHost: t\r\n"
                f"Authorization: Bearer {ctx.role_account('analyst')['token']}\r\n"
                "Transfer-Encoding: chunked\r\n\r\n").encode()
        r = srv.raw_http(_chunked(head, raw), "POST", "/sbom")
        expect(r, 413, what="chunked SBOM over upload_body_limit")


def _osv(ident, affected, **kw):
    doc = {"schema_version": "1.6.0", "id": ident, "modified": "2025-01-01T00:00:00Z",
           "summary": f"test advisory {ident}", "affected": affected}
    doc.update(kw)
    return doc


def _aff(ecosystem, name, events=None, versions=None, rtype="ECOSYSTEM"):
    a = {"package": {"ecosystem": ecosystem, "name": name}}
    if events is not None:
        a["ranges"] = [{"type": rtype, "events": events}]
    if versions is not None:
        a["versions"] = versions
    return a


# Hand-checked matching cases: (OSV ecosystem, OSV package name, purl prefix of the
# components, events, {component version: affected?}).  Each version was checked by
# hand against the ecosystem's own rules (comments say why where it is not obvious).
def _matching_cases():
    r = RUN_ID
    return [
        ("npm", f"left-pad-{r}", f"pkg:npm/left-pad-{r}",
         [{"introduced": "0"}, {"fixed": "1.2.3"}],
         {"1.2.3-beta.1": True,        # a pre-release sorts before its release
          "1.2.3": False, "0.0.0": True, "1.2.2": True, "1.10.0": False, "2.0.0": False}),
        ("npm", f"@acme-{r}/core", f"pkg:npm/%40acme-{r}/core",
         [{"introduced": "3.0.0"}],    # unbounded above
         {"2.9.9": False, "3.0.0": True, "99.1.0": True, "3.0.0-rc.1": False}),
        ("PyPI", f"Django_Thing-{r}", f"pkg:pypi/django-thing-{r}",
         [{"introduced": "1.0"}, {"fixed": "2.0"}],
         {"2.0rc1": True,              # pre-release of 2.0
          "1!0.5": False,              # epoch 1 sorts after every epoch-0 version
          "1.0.post1": True, "0.9": False, "2.0": False, "1.0": True, "2.0.0": False}),
        ("Maven", f"org.acme{r}:lib", f"pkg:maven/org.acme{r}/lib",
         [{"introduced": "2.5.0"}, {"fixed": "2.5.16"}],
         {"2.5.16-SNAPSHOT": True,     # a snapshot comes before the release
          "2.5.9": True,               # numerically < 2.5.16 (not as text)
          "2.5.16": False, "2.4.99": False, "2.5.0": True}),
        ("Go", f"github.com/acme{r}/mod", f"pkg:golang/github.com/acme{r}/mod",
         [{"introduced": "0"}, {"fixed": "1.6.0"}],
         {"v1.5.0": True, "v0.0.0-20191109021931-daa7c04131f5": True,  # pseudo-version
          "v1.6.0": False, "v1.10.0": False}),
        ("Debian:12", f"libfoo-{r}", f"pkg:deb/debian/libfoo-{r}",
         [{"introduced": "0"}, {"fixed": "1:1.2-3"}],
         {"1.5-1": True,               # no epoch = epoch 0 < 1
          "1:1.2-2": True, "1:1.2-3": False, "1:1.2-3+deb12u1": False, "2:0.1-1": False,
          "1:1.2~rc1-1": True}),       # ~ sorts before everything
        ("Red Hat", f"bash-{r}", f"pkg:rpm/redhat/bash-{r}",
         [{"introduced": "0"}, {"fixed": "2:1.0-5.el8"}],
         {"1.0-4.el8?epoch=2": True,   # the epoch qualifier counts
          "9.9-1?epoch=1": True, "1.0-5.el8?epoch=2": False, "0.1-1?epoch=3": False}),
        ("Alpine:v3.18", f"openssl-{r}", f"pkg:apk/alpine/openssl-{r}",
         [{"introduced": "0"}, {"fixed": "1.0.2q-r0"}],
         {"1.0.2p-r3": True, "1.0.2q-r0": False, "1.0.2q-r1": False, "1.0.1-r9": True}),
        ("NuGet", f"Acme.Lib{r}", f"pkg:nuget/Acme.Lib{r}",
         [{"introduced": "0"}, {"fixed": "4.0.0"}],
         {"3.9.9": True, "4.0.0-rc1": True, "4.0": False, "4.0.0.1": False}),
        ("crates.io", f"acme-{r}", f"pkg:cargo/acme-{r}",
         [{"introduced": "0.1.0"}, {"last_affected": "0.1.5"}],
         {"0.1.4": True, "0.1.5": True, "0.1.6": False, "0.0.9": False}),
        ("RubyGems", f"acme-{r}", f"pkg:gem/acme-{r}",
         [{"introduced": "0"}, {"fixed": "3.2.22"}],
         {"3.2.21": True, "3.2.22.rc1": True, "3.2.22": False}),
    ]


def _component_purl(prefix, version):
    v, _, q = version.partition("?")
    return f"{prefix}@{urllib.parse.quote(v, safe='.-_~:!')}" + (f"?{q}" if q else "")


def test_impact_matching_per_ecosystem(ctx):
    analyst = ctx.role_account("analyst")["token"]
    cases = _matching_cases()
    comps, expected = [], {}
    for i, (eco, name, prefix, events, versions) in enumerate(cases):
        ident = f"TEST-{RUN_ID}-{i}"
        for v in versions:
            purl = _component_purl(prefix, v)
            comps.append({"type": "library", "bom-ref": purl, "name": name, "purl": purl,
                          "version": v.partition("?")[0]})
            expected[purl] = ident if versions[v] else None
    # 1: the SBOM first, then the advisories (an advisory matches stored components)
    pid = _product(ctx)
    expect(_sbom_post(ctx, pid, "1", _cdx(comps)), 200)
    for i, (eco, name, prefix, events, versions) in enumerate(cases):
        r = expect(ctx.api("POST", "/api/v1/vulnerabilities",
                           raw=json.dumps(_osv(f"TEST-{RUN_ID}-{i}",
                                               [_aff(eco, name, events)])).encode(),
                           token=analyst), 201, what=f"import advisory for {eco}")
        eq(r.json["matches"], sum(1 for v in versions.values() if v),
           f"{eco}: matches of the new advisory")
    # 2: then a second version with the same SBOM (an SBOM matches stored advisories)
    r = expect(_sbom_post(ctx, pid, "2", _cdx(comps)), 200)
    eq(r.json["matches"], sum(1 for v in expected.values() if v), "matches of the new SBOM")
    for version in ("1", "2"):
        got = {}
        r = expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/{version}/vulnerabilities",
                           token=analyst), 200)
        for vuln in r.json["vulnerabilities"]:
            for c in vuln["components"]:
                got[c["purl"]] = vuln["id"]
        for purl, ident in expected.items():
            from_api = got.get(_canonical_purl(ctx, purl))
            eq(from_api, ident, f"version {version}: {purl}")


def _canonical_purl(ctx, purl):
    cache = getattr(ctx, "_purl_cache", None)
    if cache is None:
        cache = ctx._purl_cache = {}
    if purl not in cache:
        p = ctx.cli("purl", purl)
        cache[purl] = p.stdout.strip()
    return cache[purl]


def test_impact_query_customers_and_suppliers(ctx):
    analyst = ctx.role_account("analyst")["token"]
    pkg = f"pkg:npm/impact-lib-{RUN_ID}"
    p1, p2 = _product(ctx, vendor="Acme"), _product(ctx)
    for pid, v, libv in [(p1, "1.0", "1.4.0"), (p1, "2.0", "2.1.0"), (p2, "7", "1.9.9")]:
        expect(_sbom_post(ctx, pid, v, _cdx([{"type": "library", "name": "impact-lib",
                                              "purl": f"{pkg}@{libv}"}])), 200)
    cust = unique("Customer")
    r = expect(ctx.api("POST", "/api/v1/customers",
                       {"name": cust, "jurisdiction": "CN",
                        "contacts": [{"name": "Ops", "email": "ops@c.example"}],
                        "deployments": [{"product_id": p1, "version": "1.0"},
                                        {"product_id": p2, "version": "7"}]},
                       token=analyst), 201)
    eq(len(r.json["deployments"]), 2, "deployments recorded")
    sup = unique("Upstream")
    expect(ctx.api("POST", "/api/v1/suppliers", {"name": sup, "jurisdiction": "DE",
                                                  "packages": [pkg]}, token=analyst), 201)
    r = expect(ctx.api("GET", "/api/v1/impact?" + urllib.parse.urlencode(
        {"purl": pkg, "vers": "vers:npm/>=1.0.0|<2.0.0"}), token=analyst), 200)
    got = sorted((a["product_id"], a["version"]) for a in r.json["affected"])
    eq(got, sorted([(p1, "1.0"), (p2, "7")]), "affected product versions")
    eq(r.json["product_versions"], 2, "count")
    for a in r.json["affected"]:
        eq([c["name"] for c in a["customers"]], [cust], f"customers of {a['version']}")
    eq(r.json["supplier"]["name"], sup, "the package's registered supplier")
    eq(r.json["supplier"]["jurisdiction"], "DE", "supplier jurisdiction")
    # the purl's own version, without vers: equality
    r = expect(ctx.api("GET", "/api/v1/impact?" + urllib.parse.urlencode(
        {"purl": f"{pkg}@2.1.0"}), token=analyst), 200)
    eq([(a["product_id"], a["version"]) for a in r.json["affected"]], [(p1, "2.0")],
       "purl with a version")
    for q, code in [({"purl": "nonsense"}, None), ({"purl": pkg, "vers": "vers:pypi/<1"}, None),
                    ({"purl": pkg, "vers": "vers:npm/<1|<2"}, None), ({}, None)]:
        expect(ctx.api("GET", "/api/v1/impact?" + urllib.parse.urlencode(q), token=analyst),
               422, code, f"impact {q}")
    # by advisory id
    ident = f"GHSA-{RUN_ID}-impact"
    expect(ctx.api("POST", "/api/v1/vulnerabilities", raw=json.dumps(_osv(
        ident, [_aff("npm", f"impact-lib-{RUN_ID}", [{"introduced": "2.0.0"}])],
        aliases=["CVE-2099-0001"])).encode(), token=analyst), 201)
    r = expect(ctx.api("GET", f"/api/v1/impact?advisory={ident}", token=analyst), 200)
    eq([(a["product_id"], a["version"]) for a in r.json["affected"]], [(p1, "2.0")],
       "impact of the advisory")
    eq(r.json["aliases"], ["CVE-2099-0001"], "aliases")
    r2 = expect(ctx.api("GET", f"/api/v1/vulnerabilities/{ident}", token=analyst), 200)
    eq(r2.json["ranges"], [{"purl": pkg, "vers": "vers:npm/>=2.0.0", "fixed": None}], "ranges")
    expect(ctx.api("GET", "/api/v1/vulnerabilities/NOPE-1", token=analyst), 404)
    # CLI: the same questions
    p = ctx.cli("impact", "--dir", ctx.dir, "--json", "--purl", pkg, "--vers",
                "vers:npm/>=1.0.0|<2.0.0")
    eq(p.returncode, 0, f"vulnflow impact --purl: {p.stderr}")
    eq(sorted((a["product_id"], a["version"]) for a in json.loads(p.stdout)["affected"]), got,
       "CLI impact --purl")
    p = ctx.cli("impact", "--dir", ctx.dir, "--advisory", ident)
    eq(p.returncode, 0, f"vulnflow impact --advisory: {p.stderr}")
    contains(p.stdout, "1 product versions", "CLI impact --advisory")


def test_advisories_import_cli_dir_zip_idempotent(ctx):
    import zipfile
    d = tempfile.mkdtemp(prefix="osv-", dir=ctx.tmp)
    docs = {f"Z-{RUN_ID}-{i}": _osv(f"Z-{RUN_ID}-{i}", [_aff("PyPI", f"zip-lib-{RUN_ID}",
                                                              [{"introduced": "0"},
                                                               {"fixed": f"{i}.0"}])])
            for i in range(1, 6)}
    zpath = os.path.join(d, "PyPI.zip")
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for ident, doc in docs.items():
            z.writestr(f"{ident}.json", json.dumps(doc))
        z.writestr("README.txt", "not json")
    p = ctx.cli("advisories", "import", "--dir", ctx.dir, "--json", zpath)
    eq(p.returncode, 0, f"import of the zip: {p.stderr}")
    eq({k: json.loads(p.stdout)[k] for k in ("documents", "created", "failed")},
       {"documents": 5, "created": 5, "failed": 0}, "first import")
    p = ctx.cli("advisories", "import", "--dir", ctx.dir, "--json", zpath)
    eq({k: json.loads(p.stdout)[k] for k in ("documents", "created", "updated", "unchanged")},
       {"documents": 5, "created": 0, "updated": 0, "unchanged": 5}, "re-import: idempotent")
    # a changed document is updated; a broken one is reported and the rest go on
    docs[f"Z-{RUN_ID}-1"]["modified"] = "2025-02-02T00:00:00Z"
    sub = os.path.join(d, "dir", "nested")
    os.makedirs(sub)
    for ident, doc in docs.items():
        with open(os.path.join(sub, f"{ident}.json"), "w") as f:
            json.dump(doc, f)
    with open(os.path.join(d, "dir", "broken.json"), "w") as f:
        f.write('{"id": "x"')
    p = ctx.cli("advisories", "import", "--dir", ctx.dir, "--json", os.path.join(d, "dir"))
    eq(p.returncode, 1, "exit status 1 when a document failed")
    eq({k: json.loads(p.stdout)[k] for k in ("documents", "updated", "unchanged", "failed")},
       {"documents": 6, "updated": 1, "unchanged": 4, "failed": 1}, "directory import")
    contains(p.stderr, "broken.json", "the failed file is named")
    # shared test data: OSV linter records, a Red Hat CSAF document and the CSAF examples
    for path in ["osv/linter-testdata", "osv/ghsa-to-osv/full_ranges.osv.json",
                 "osv/redhat-csaf-to-osv/rhsa-2024_4546.csaf.json", "csaf/2.0/examples"]:
        p = ctx.cli("advisories", "import", "--dir", ctx.dir, "--json", "--quiet",
                    os.path.join(SHARED_DATA, path))
        eq(p.returncode, 0, f"import {path}: {p.stderr[-500:]}")
        check(json.loads(p.stdout)["documents"] >= 1, f"{path}: documents read")
    r = expect(ctx.api("GET", "/api/v1/vulnerabilities/RHSA-2024:4546",
                       token=ctx.role_account("analyst")["token"]), 200)
    eq(sorted(x["purl"] for x in r.json["ranges"]),
       ["pkg:rpm/redhat/git-lfs", "pkg:rpm/redhat/git-lfs-debuginfo",
        "pkg:rpm/redhat/git-lfs-debugsource"], "CSAF product tree -> packages")
    eq({x["vers"] for x in r.json["ranges"]}, {"vers:rpm/<2.13.3-3.el8_6.1"},
       "CSAF fixed status -> below the fixed version")
    r = expect(ctx.api("GET", "/api/v1/vulnerabilities/GHSA-mr95-9rr4-668f",
                       token=ctx.role_account("analyst")["token"]), 200)
    eq(sorted((x["purl"], x["vers"], x["fixed"]) for x in r.json["ranges"]),
       [("pkg:maven/com.typesafe.akka/akka-actor_2.11", "vers:maven/>=2.5.0|<2.5.16", "2.5.16"),
        ("pkg:maven/com.typesafe.akka/akka-actor_2.12", "vers:maven/>=2.5.0|<2.5.16",
         "2.5.16")], "OSV ranges")
    expect(ctx.api("POST", "/api/v1/vulnerabilities", raw=b'{"id": 1}',
                   token=ctx.role_account("analyst")["token"]), 422)
    expect(ctx.api("POST", "/api/v1/vulnerabilities", raw=b'{"id": ',
                   token=ctx.role_account("analyst")["token"]), 400)
    p = ctx.cli("advisories", "import", "--dir", ctx.dir, os.path.join(d, "nope.zip"))
    eq(p.returncode, 1, "a missing path")


def test_suppliers_customers_csv(ctx):
    d = tempfile.mkdtemp(prefix="csv-", dir=ctx.tmp)
    s1, s2 = unique("Sup"), unique("Sup")
    sup_csv = os.path.join(d, "suppliers.csv")
    with open(sup_csv, "w", encoding="utf-8") as f:
        f.write("\ufeffname,jurisdiction,contact_name,contact_email,contact_phone,packages\r\n"
                f'{s1},CN,"Zhang, San",zs@s1.example,+86 10 1234,'
                f'pkg:maven/org.s1{RUN_ID}/* pkg:npm/s1-{RUN_ID}\r\n'
                f"{s1},,Li Si,ls@s1.example,,\r\n"
                f"{s2},XX1,,,,\r\n"
                f"{s2},DE,,bad-email,,\r\n"
                f"{s2},DE,,,,pkg:maven/only-a-name\r\n")
    p = ctx.cli("supplier", "import", "--dir", ctx.dir, "--json", sup_csv)
    eq(p.returncode, 1, "exit status 1 when rows were refused")
    out = json.loads(p.stdout)
    eq((out["rows"], out["created"], out["packages"]), (5, 2, 2), "supplier import counts")
    eq(sorted(e["line"] for e in out["errors"]), [4, 5, 6], "refused rows by line")
    sups = {x["name"]: x for x in expect(ctx.api(
        "GET", "/api/v1/suppliers?limit=500", token=ctx.role_account("analyst")["token"]),
        200).json["items"]}
    eq(sups[s1]["contacts"], [{"name": "Zhang, San", "email": "zs@s1.example",
                               "phone": "+86 10 1234"},
                              {"name": "Li Si", "email": "ls@s1.example"}], "merged contacts")
    eq(sorted(sups[s1]["packages"]), sorted([f"pkg:maven/org.s1{RUN_ID}/*",
                                             f"pkg:npm/s1-{RUN_ID}"]), "owned packages")
    eq((sups[s1]["jurisdiction"], sups[s1]["source"]), ("CN", "csv"), "supplier fields")
    # a namespace claim makes the supplier the owner of every package in it
    pid = _product(ctx)
    expect(_sbom_post(ctx, pid, "1", _cdx([{"type": "library", "name": "x",
                                            "purl": f"pkg:maven/org.s1{RUN_ID}/x@1.0"}])), 200)
    r = expect(ctx.api("GET", "/api/v1/impact?purl=" + urllib.parse.quote(
        f"pkg:maven/org.s1{RUN_ID}/x"), token=ctx.role_account("analyst")["token"]), 200)
    eq(r.json["supplier"]["name"], s1, "namespace owner")
    # customers
    pname = unique("csvprod")
    _product(ctx, pname, model="M1")
    c1 = unique("Cust")
    cus_csv = os.path.join(d, "customers.csv")
    with open(cus_csv, "w", encoding="utf-8") as f:
        f.write("customer,jurisdiction,contact_name,contact_email,contact_phone,product,"
                "model,version\n"
                f"{c1},CN,客户甲,a@c.example,,{pname},M1,1.0\n"
                f"{c1},CN,,,,{pname},,2.0\n"
                f"{c1},CN,,,,no-such-product-{RUN_ID},,1\n")
    p = ctx.cli("customer", "import", "--dir", ctx.dir, "--json", cus_csv)
    eq(p.returncode, 1, "exit status 1 (one unknown product)")
    out = json.loads(p.stdout)
    eq((out["rows"], out["created"], out["deployments"], [e["line"] for e in out["errors"]]),
       (3, 1, 2, [4]), "customer import counts")
    custs = {x["name"]: x for x in expect(ctx.api(
        "GET", "/api/v1/customers?limit=500", token=ctx.role_account("analyst")["token"]),
        200).json["items"]}
    eq(sorted(x["version"] for x in custs[c1]["deployments"]), ["1.0", "2.0"], "deployments")
    eq(custs[c1]["contacts"], [{"name": "客户甲", "email": "a@c.example"}], "UTF-8 contact")
    p = ctx.cli("customer", "import", "--dir", ctx.dir, "--json", cus_csv)
    eq(json.loads(p.stdout)["updated"], 1, "re-import updates")
    eq(json.loads(p.stdout)["deployments"], 0, "re-import adds no deployment")
    bad = os.path.join(d, "bad.csv")
    with open(bad, "w") as f:
        f.write('name,packages\n"unterminated,x\n')
    p = ctx.cli("supplier", "import", "--dir", ctx.dir, bad)
    eq(p.returncode, 1, "unreadable CSV")
    contains(p.stderr, "unterminated quote", "CSV error message")
    expect(ctx.api("POST", "/api/v1/suppliers", {"name": s1, "packages": ["nonsense"]},
                   token=ctx.role_account("analyst")["token"]), 422)
    expect(ctx.api("POST", "/api/v1/customers",
                   {"name": c1, "deployments": [{"product_id": 999999999, "version": "1"}]},
                   token=ctx.role_account("analyst")["token"]), 422)
    r = expect(ctx.api("POST", "/api/v1/suppliers", {"name": s1, "jurisdiction": "FR"},
                       token=ctx.role_account("analyst")["token"]), 200)
    eq((r.json["created"], r.json["jurisdiction"]), (False, "FR"), "supplier update")


def test_vex_set_and_export(ctx):
    analyst = ctx.role_account("analyst")["token"]
    pid = _product(ctx, vendor="Acme")
    lib = f"vex-lib-{RUN_ID}"
    expect(_sbom_post(ctx, pid, "1.0", _cdx([{"type": "library", "name": lib,
                                              "purl": f"pkg:npm/{lib}@1.0.0"}])), 200)
    ids = [f"VEX-{RUN_ID}-{i}" for i in range(4)]
    for i, ident in enumerate(ids):
        expect(ctx.api("POST", "/api/v1/vulnerabilities", raw=json.dumps(_osv(
            ident, [_aff("npm", lib, [{"introduced": "0"}])],
            aliases=[f"CVE-2099-{1000 + i}"])).encode(), token=analyst), 201)
    base = f"/api/v1/products/{pid}/versions/1.0/vex"
    expect(ctx.api("POST", base, {"vulnerability": ids[0], "status": "not_affected"},
                   token=analyst), 422, what="not_affected without a justification")
    expect(ctx.api("POST", base, {"vulnerability": ids[0], "status": "maybe"}, token=analyst),
           422)
    expect(ctx.api("POST", base, {"vulnerability": "NOPE", "status": "fixed"}, token=analyst),
           404)
    sets = [(ids[0], "not_affected", "code_not_reachable"), (ids[1], "affected", None),
            (ids[2], "fixed", None)]
    for ident, status, just in sets:
        body = {"vulnerability": ident, "status": status, "detail": "checked by hand"}
        if just:
            body["justification"] = just
        r = expect(ctx.api("POST", base, body, token=analyst), 200)
        eq(r.json["status"], status, "VEX status set")
    r = expect(ctx.api("GET", f"/api/v1/products/{pid}/versions/1.0/vulnerabilities",
                       token=analyst), 200)
    got = {v["id"]: (v["vex"] or {}).get("status") for v in r.json["vulnerabilities"]}
    eq(got, {ids[0]: "not_affected", ids[1]: "affected", ids[2]: "fixed", ids[3]: None},
       "vulnerabilities with their VEX status")
    r = expect(ctx.api("GET", base, token=analyst), 200)
    doc = json.loads(r.body)
    states = {v["id"]: v["analysis"]["state"] for v in doc["vulnerabilities"]}
    eq(states, {ids[0]: "not_affected", ids[1]: "exploitable", ids[2]: "resolved",
                ids[3]: "in_triage"}, "CycloneDX VEX analysis states")
    eq([v["analysis"].get("justification") for v in doc["vulnerabilities"]
        if v["id"] == ids[0]], ["code_not_reachable"], "justification")
    _validate_cdx16(ctx, [r.text])
    r = expect(ctx.api("GET", base + "?format=csaf", token=analyst), 200)
    csaf = json.loads(r.body)
    eq(csaf["document"]["category"], "csaf_vex", "CSAF VEX category")
    status = {v.get("ids", [{}])[0].get("text"): list(v["product_status"])[0]
              for v in csaf["vulnerabilities"]}
    eq(status, {ids[0]: "known_not_affected", ids[1]: "known_affected", ids[2]: "fixed",
                ids[3]: "under_investigation"}, "CSAF product status")
    import jsonschema
    with open(os.path.join(SHARED_DATA, "csaf", "2.0", "csaf_json_schema.json")) as f:
        schema = json.load(f)
    cvss = {}
    for name in ("cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json"):
        for base_dir in (os.path.join(SHARED_DATA, "cvss"),
                         os.path.join(SHARED_DATA, "csaf", "2.1", "referenced_schema")):
            path = os.path.join(base_dir, name)
            if os.path.exists(path):
                with open(path) as f:
                    s = json.load(f)
                cvss[s.get("$id", name)] = s
    resolver = jsonschema.RefResolver.from_schema(schema, store=cvss)
    errors = [e.message for e in jsonschema.Draft202012Validator(
        schema, resolver=resolver).iter_errors(csaf)]
    eq(errors[:3], [], "CSAF VEX valid against the CSAF 2.0 schema")
    p = ctx.cli("vex", "export", "--dir", ctx.dir, "--product",
                expect(ctx.api("GET", f"/api/v1/products/{pid}", token=analyst), 200)
                .json["name"], "--version", "1.0")
    eq(p.returncode, 0, f"vulnflow vex export: {p.stderr}")
    eq(json.loads(p.stdout)["bomFormat"], "CycloneDX", "CLI VEX export")


def test_cli_sbom_import_export_and_rematch(ctx):
    d = tempfile.mkdtemp(prefix="sbom-", dir=ctx.tmp)
    name = unique("cliprod")
    path = os.path.join(SHARED_DATA, "spdx", "examples", "SPDXJSONExample-v2.3.spdx.json")
    p = ctx.cli("sbom", "import", "--dir", ctx.dir, "--product", name, "--version", "1.0",
                "--json", path)
    eq(p.returncode, 0, f"sbom import: {p.stderr}")
    s = json.loads(p.stdout)
    eq((s["format"], s["spec_version"]), ("SPDX", "2.3"), "CLI import summary")
    contains(p.stderr, "created product", "the product is created on first import")
    out = os.path.join(d, "out.json")
    p = ctx.cli("sbom", "export", "--dir", ctx.dir, "--product", name, "--version", "1.0",
                "-o", out)
    eq(p.returncode, 0, f"sbom export: {p.stderr}")
    with open(out) as f:
        text = f.read()
    eq(json.loads(text)["specVersion"], "1.6", "CLI export")
    _validate_cdx16(ctx, [text])
    p = ctx.cli("sbom", "export", "--dir", ctx.dir, "--product", name, "--version", "9")
    eq(p.returncode, 1, "export of a version that does not exist")
    p = ctx.cli("sbom", "import", "--dir", ctx.dir, "--product", name, path)
    eq(p.returncode, 2, "usage: no --version")
    p = ctx.cli("sbom", "--help")
    eq(p.returncode, 0, "sbom --help")
    for cmd in ("product", "supplier", "customer", "advisories", "impact", "vex"):
        p = ctx.cli(cmd, "--help")
        eq(p.returncode, 0, f"{cmd} --help")
        contains(p.stdout, "Usage: vulnflow " + cmd, f"{cmd} --help text")
    lib = f"rematch-lib-{RUN_ID}"
    expect(_sbom_post(ctx, _product(ctx), "1", _cdx([{"type": "library", "name": lib,
                                                      "purl": f"pkg:npm/{lib}@1.0.0"}])), 200)
    expect(ctx.api("POST", "/api/v1/vulnerabilities", raw=json.dumps(_osv(
        f"RM-{RUN_ID}", [_aff("npm", lib, [{"introduced": "0"}])])).encode(),
        token=ctx.role_account("analyst")["token"]), 201)
    p = ctx.cli("impact", "rematch", "--dir", ctx.dir, "--json")
    eq(p.returncode, 0, f"impact rematch: {p.stderr}")
    before = json.loads(p.stdout)["matches"]
    p = ctx.cli("impact", "rematch", "--dir", ctx.dir, "--json")
    eq(json.loads(p.stdout)["matches"], before, "a full rematch finds the same matches")
    check(before > 0, "the instance has matches by now")


# ================================================================ console additions (issue 8, ui4)


def test_policies_list(ctx):
    r = expect(ctx.api("GET", "/api/v1/policies", token=ctx.role_account("auditor")["token"]), 200)
    items = r.json["items"]
    eq([x["id"] for x in items],
       ["rmsv.verify", "rmsv.upstream_notice", "rmsv.authority_report", "rmsv.downstream_notice",
        "rmsv.operator_fix", "cra.early_warning", "cra.notification", "cra.final_report"],
       "the obligations in force, in load order")
    ar = items[2]
    eq({k: ar[k] for k in ("regime", "trigger", "duration", "duration_seconds", "calendar",
                           "time_zone", "utc_offset_seconds", "escalate_at", "satisfied_by",
                           "conditions", "durations_by_grade", "source", "overridden")},
       {"regime": "rmsv", "trigger": "learned", "duration": "PT48H", "duration_seconds": 172800,
        "calendar": "natural", "time_zone": "Asia/Shanghai", "utc_offset_seconds": 28800,
        "escalate_at": [0.5, 0.8, 1.0], "satisfied_by": ["authority_report.submitted"],
        "conditions": ["role=provider"], "durations_by_grade": None,
        "source": "policies/rmsv.json",
        "overridden": False}, "rmsv.authority_report as loaded")
    fix = items[4]
    eq((fix["duration"], fix["durations_by_grade"]),
       ("P7D", {"low": "P90D", "medium": "P30D", "high": "P15D", "critical": "P7D"}),
       "rmsv.operator_fix: per grade, ungraded counted as critical")
    eq((items[5]["trigger"], items[5]["duration"], items[5]["conditions"], items[7]["duration"]),
       ("exploitation_learned", "PT24H", ["actively_exploited", "role=provider"], "P14D"), "the CRA clocks")
    eq(items[1]["conditions"], ["upstream_component"], "rmsv.upstream_notice's condition")
    expect(ctx.api("GET", "/api/v1/policies", token=ctx.admin_token), 200, what="an admin")
    expect(ctx.api("GET", "/api/v1/policies", token=ctx.role_account("coordinator")["token"]),
           200, what="a coordinator")
    expect(ctx.api("GET", "/api/v1/policies", token=ctx.role_account("analyst")["token"]), 403,
           "forbidden", what="an analyst reads the policies")
    expect(ctx.api("GET", "/api/v1/policies", token=ctx.role_account("reporter")["token"]), 403,
           what="a reporter reads the policies")
    expect(ctx.api("GET", "/api/v1/policies"), 401, what="no login")


def test_exports_list_across_cases(ctx):
    coord = ctx.role_account("coordinator")["token"]
    analyst = ctx.role_account("analyst")
    ids = []
    for i in range(3):
        c = expect(ctx.api("POST", "/api/v1/cases", {"title": unique(f"export list {i}")},
                           token=coord), 201, what="a case")
        cid = c.json["id"]
        if i == 2:
            expect(ctx.api("PATCH", f"/api/v1/cases/{cid}", {"assignee_id": analyst["id"]},
                           token=coord), 200, what="assign case 3 to the analyst")
        who = analyst["token"] if i == 2 else coord
        x = expect(ctx.api("POST", f"/api/v1/cases/{cid}/exports",
                           {"recipient": {"name": f"联络人 {i}", "country": "CN"},
                            "reason": f"reason {i}"}, token=who), 201, what=f"export {i}")
        ids.append((x.json["id"], cid))
    r = expect(ctx.api("GET", "/api/v1/exports?limit=2", token=ctx.role_account("auditor")["token"]),
               200)
    eq([(x["id"], x["case_id"], x["status"], x["reason"]) for x in r.json["items"]],
       [(ids[2][0], ids[2][1], "pending", "reason 2"), (ids[1][0], ids[1][1], "pending", "reason 1")],
       "the auditor's first page: newest first, every requester")
    eq(r.json["next_before"], ids[1][0], "next_before is the last id of a full page")
    check("text" not in r.json["items"][0] and "watermark" not in r.json["items"][0],
          f"the list carries no content: {r.text[:300]}")
    r = expect(ctx.api("GET", f"/api/v1/exports?limit=2&before={ids[1][0]}",
                       token=ctx.admin_token), 200)
    eq(r.json["items"][0]["id"], ids[0][0], "the next page starts below next_before")
    r = expect(ctx.api("GET", "/api/v1/exports?limit=500", token=analyst["token"]), 200)
    eq(sorted({x["requested_by"] for x in r.json["items"]}), [analyst["id"]],
       "an analyst lists only their own requests")
    eq(ids[2][0] in [x["id"] for x in r.json["items"]], True, "the analyst's request is listed")
    expect(ctx.api("GET", "/api/v1/exports?limit=0", token=coord), 422, what="limit 0")
    expect(ctx.api("GET", "/api/v1/exports", token=ctx.role_account("reporter")["token"]), 403,
           what="a reporter lists exports")


def test_team_member_remove(ctx):
    admin = ctx.admin_token
    analyst = ctx.role_account("analyst")
    t = expect(ctx.api("POST", "/api/v1/teams", {"name": unique("team-rm")}, token=admin), 201)
    tid = t.json["id"]
    r = expect(ctx.api("POST", f"/api/v1/teams/{tid}/members", {"user_id": analyst["id"]},
                       token=admin), 200)
    eq(r.json["members"], [analyst["id"]], "the analyst is a member")
    expect(ctx.api("DELETE", f"/api/v1/teams/{tid}/members/{analyst['id']}",
                   token=ctx.role_account("coordinator")["token"]), 403,
           what="a coordinator removes a member")
    r = expect(ctx.api("DELETE", f"/api/v1/teams/{tid}/members/{analyst['id']}", token=admin), 204)
    eq(r.body, b"", "204 has no body")
    teams = expect(ctx.api("GET", "/api/v1/teams", token=admin), 200).json["items"]
    eq([x["members"] for x in teams if x["id"] == tid], [[]], "the team has no members left")
    expect(ctx.api("DELETE", f"/api/v1/teams/{tid}/members/{analyst['id']}", token=admin), 404,
           "not_a_member", what="removing again")
    expect(ctx.api("DELETE", f"/api/v1/teams/999999/members/{analyst['id']}", token=admin), 404,
           what="no such team")
    expect(ctx.api("DELETE", f"/api/v1/teams/{tid}/members/abc", token=admin), 404,
           "not_a_member", what="a user that is not an id")
    a = expect(ctx.api("GET", "/api/v1/audit?action=team.member_remove&limit=1", token=admin), 200)
    ev = a.json["items"][0]
    eq((ev["object_type"], str(ev["object_id"]), ev["detail"]),
       ("team", str(tid), {"user_id": analyst["id"]}), "the removal is audited")


def test_parties_csv_import(ctx):
    analyst = ctx.role_account("analyst")["token"]
    name = unique("CSV供应商")
    csv = ("name,jurisdiction,contact_name,contact_email,contact_phone,packages\r\n"
           f"{name},CN,张三,zhang@example.cn,,pkg:npm/csv-left-pad pkg:npm/csv-right-pad\r\n"
           ",CN,nobody,,,\r\n"
           f"{name},CN,李四,li@example.cn,,pkg:npm/csv-center\r\n").encode()
    r = expect(ctx.api("POST", "/api/v1/suppliers/import", raw=csv, content_type="text/csv",
                       token=analyst), 200)
    eq({k: r.json[k] for k in ("rows", "created", "updated", "packages")},
       {"rows": 3, "created": 1, "updated": 0, "packages": 3}, "the supplier import report")
    eq([x["line"] for x in r.json["errors"]], [3], "the row without a name is reported by line")
    lst = expect(ctx.api("GET", "/api/v1/suppliers?limit=500", token=analyst), 200).json["items"]
    got = [x for x in lst if x["name"] == name]
    eq(len(got), 1, "one supplier from two rows")
    eq(sorted(c["email"] for c in got[0]["contacts"]), ["li@example.cn", "zhang@example.cn"],
       "both rows' contacts")
    pid = _product(ctx, name=unique("csvprod"), model="M1")
    prod = expect(ctx.api("GET", f"/api/v1/products/{pid}", token=analyst), 200).json
    cname = unique("CSV客户")
    csv = ("customer,jurisdiction,contact_name,contact_email,contact_phone,product,model,version\n"
           f"{cname},CN,王五,wang@example.cn,,{prod['name']},M1,3.1\n"
           f"{cname},CN,,,,no-such-product,X,1\n").encode()
    r = expect(ctx.api("POST", "/api/v1/customers/import", raw=csv,
                       content_type="text/csv; charset=utf-8", token=analyst), 200)
    eq({k: r.json[k] for k in ("rows", "created", "deployments")},
       {"rows": 2, "created": 1, "deployments": 1}, "the customer import report")
    eq([x["line"] for x in r.json["errors"]], [3], "the unknown product's row is reported")
    expect(ctx.api("POST", "/api/v1/suppliers/import", raw=csv, content_type="application/json",
                   token=analyst), 415, what="not text/csv")
    expect(ctx.api("POST", "/api/v1/suppliers/import", raw=b"x,y\n1,2\n", content_type="text/csv",
                   token=analyst), 422, what="no name column")
    expect(ctx.api("POST", "/api/v1/customers/import", raw=csv, content_type="text/csv",
                   token=ctx.role_account("auditor")["token"]), 403, what="an auditor imports")


def test_zz_shutdown_clean(ctx):
    rc, took = ctx.stop()
    err = ctx.server_stderr()
    try:
        with open(ctx.cli_log_path, errors="replace") as f:
            err_cli = f.read()
    except OSError:
        err_cli = ""
    for mark in SANITIZER_MARKS:
        i = err.find(mark)
        check(i < 0, f"server stderr has a sanitizer report:\n{err[max(0, i - 200):i + 3000]}")
        i = err_cli.find(mark)
        check(i < 0, f"a CLI run printed a sanitizer report:\n{err_cli[max(0, i - 200):i + 3000]}")
    check(rc is not None, "the server did not exit within 10 s of SIGTERM")
    eq(rc, 0, f"the server's exit status after SIGTERM ({took:.1f} s)")
    contains(err, "SIGTERM received", "server stderr")


# ================================================================ the runner


def collect():
    return [(name, fn) for name, fn in globals().items()
            if name.startswith("test_") and callable(fn)]


def main():
    ap = argparse.ArgumentParser(description="vulnflow API test suite (real server, real HTTP)")
    ap.add_argument("--binary", required=True, help="path to the vulnflow binary")
    ap.add_argument("--db", help="postgresql://... URL of an empty database (default: SQLite)")
    ap.add_argument("--filter", help="run only tests whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="tracebacks and timings")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"run.py: {args.binary} is not an executable", file=sys.stderr)
        return 2

    tests = collect()
    final = [t for t in tests if t[0] == "test_zz_shutdown_clean"]
    tests = [t for t in tests if t[0] != "test_zz_shutdown_clean"]
    if args.filter:
        tests = [t for t in tests if args.filter in t[0]]
    tests += final
    print(f"1..{len(tests)}")
    sys.stdout.flush()

    ctx = Ctx(args)
    passed = failed = 0
    t_start = time.time()
    try:
        try:
            ctx.start()
            setup_error = None
        except Exception as e:      # noqa: BLE001
            setup_error = f"fixture failed: {e}"
        for n, (name, fn) in enumerate(tests, 1):
            if setup_error:
                print(f"not ok {n} - {name}: {setup_error}")
                failed += 1
                continue
            before = Checks.count
            t0 = time.time()
            try:
                fn(ctx)
                if Checks.count == before:
                    raise TestFailure("the test made no assertions")
                print(f"ok {n} - {name}" + (f"  # {time.time() - t0:.2f}s" if args.verbose
                                            else ""))
                passed += 1
            except Exception as e:      # noqa: BLE001 - every failure is reported the same way
                reason = str(e) if isinstance(e, TestFailure) else f"{type(e).__name__}: {e}"
                reason = reason.replace("\n", "\n#   ")
                print(f"not ok {n} - {name}: {reason}")
                if args.verbose and not isinstance(e, TestFailure):
                    print("#   " + traceback.format_exc().replace("\n", "\n#   "))
                failed += 1
            sys.stdout.flush()
        if args.verbose:
            print(f"# {time.time() - t_start:.1f}s; instance in {ctx.tmp}; "
                  f"server stderr {ctx.stderr_path}")
    finally:
        if failed and ctx.proc is not None:
            tail = ctx.server_stderr().splitlines()[-15:]
            if tail:
                print("# last lines of the server's stderr:")
                for ln in tail:
                    print("#   " + ln)
        if args.keep:
            if ctx.proc is not None and ctx.proc.poll() is None:
                ctx.stop()
            print(f"# kept {ctx.tmp}")
        else:
            ctx.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
