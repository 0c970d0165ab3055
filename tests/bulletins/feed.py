#!/usr/bin/python3
"""tests/bulletins/feed.py - the public feeds of our advisories (issue 7 items 2 and 4), end to
end through the real server, fetched as an anonymous client.

Usage:
    /usr/bin/python3 tests/bulletins/feed.py --binary build-check/vulnflow
        [--db postgresql://USER@HOST:PORT/DB] [--keep]

Starts its own instance (like tests/bulletins/scenarios.py, whose helpers it uses) served
with public_url and security_contact set, and the organisation's OpenPGP key made with
`vulnflow pgp init` before `serve`.  Then, in order:

  empty       before anything is published: provider metadata, an empty index.txt,
              changes.csv and ROLIE feed, /osv/all.json "[]"
  export      GET /api/v1/advisories/{id}/csaf and /osv: a draft for its coordinator
              only (anonymous: 404), ?profile=vex, ?lang=, ETag and 304
  publish     two advisories published (signed); every feed file fetched anonymously:
              CSAF documents valid (strict schema and the mandatory tests 6.1.x), .sha256
              and .sha512 right, .asc verified with `gpg --verify` against
              openpgp/FPR.asc in a temporary GNUPGHOME (and failing for a changed byte),
              provider metadata and ROLIE valid with key and signature links, OSV records
              valid against osv_schema.json, security.txt names the feed
  conditional every feed file answers 304 to If-None-Match and to If-Modified-Since,
              200 to an older date; Last-Modified and ETag on every reply
  hidden      a draft and a scheduled advisory appear in no feed file, no public list,
              and their document paths answer 404
  changes     a third publication changes index.txt, changes.csv, the ROLIE feed (its
              "updated") and all.json: the old ETag now gets 200 with the new content
  unsigned    with the organisation key deleted, a publication goes on unsigned: the
              publish answer says so, its .asc is 404 not_signed, its ROLIE entry links no
              signature, provider metadata drops to role csaf_provider (keys still named
              for the signed ones, whose key file still serves)

Prints TAP like scenarios.py; exit 1 if anything failed.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "formats"))
import scenarios as sc  # noqa: E402
import validate_csaf_exports as vce  # noqa: E402

PUBLIC_URL = "https://psirt.example.cn"
WK = "/.well-known/csaf"
LISTS = [f"{WK}/provider-metadata.json", f"{WK}/white/index.txt", f"{WK}/white/changes.csv",
         f"{WK}/white/csaf-feed-tlp-white.json", "/osv/all.json"]
HTTP_DATE = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|" \
            r"Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT"


def get(srv, path, headers=None, who=None):
    """GET path (anonymous unless who), with extra headers."""
    hdrs = dict(headers or {})
    if who:
        hdrs["Authorization"] = f"Bearer {srv.tokens[who]}"
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        c.request("GET", path, headers=hdrs)
        r = c.getresponse()
        return sc.Resp("GET", path, r.status, r.getheaders(), r.read())
    finally:
        c.close()


class Feed:
    def __init__(self, h, tmp):
        self.h, self.t, self.srv = h, h.t, h.srv
        self.tmp = tmp
        self.validators = vce.make_validators(vce.default_data_dir())
        self.docs = {}          # advisory id -> feed path under white/

    def schema(self, kind, doc, name):
        err = vce.first_error(self.validators[kind], doc)
        return self.t.ok(err is None, f"{name} valid ({kind} schema)", err)

    def publish_one(self, **body):
        cid, aid = self.h.good(**body)
        r = self.h.publish(aid)
        self.h.published_ok(aid, r, f"{aid} published")
        exp = (r.json or {}).get("gate", {}).get("export", {})
        return aid, exp

    def paths(self):
        r = get(self.srv, f"{WK}/white/index.txt")
        self.t.status(r, 200, name="index.txt", need=True)
        return [ln for ln in r.text.splitlines() if ln]


def sc_empty(f):
    t, srv = f.t, f.srv
    for path in LISTS:
        r = get(srv, path)
        t.ok(r.status == 200 and r.headers.get("etag") and
             re.fullmatch(HTTP_DATE, r.headers.get("last-modified", "")),
             f"{path}: 200 with ETag and Last-Modified before anything is published",
             f"{r.status} {r.headers} {r.text[:300]}")
    t.eq(get(srv, f"{WK}/white/index.txt").text, "", "index.txt is empty")
    t.eq(get(srv, f"{WK}/white/changes.csv").text, "", "changes.csv is empty")
    t.eq(json.loads(get(srv, "/osv/all.json").text), [], "/osv/all.json is []")
    rolie = get(srv, f"{WK}/white/csaf-feed-tlp-white.json").json
    t.eq(rolie["feed"]["entry"], [], "the ROLIE feed has no entries")
    f.schema("rolie", rolie, "empty ROLIE feed")
    pm = get(srv, f"{WK}/provider-metadata.json").json
    f.schema("provider", pm, "provider-metadata.json (empty feed)")
    r = get(srv, f"{WK}/white/2026/vf-2026-9999.json")
    t.status(r, 404, "not_published", name="an unknown document is 404 not_published")
    r = get(srv, f"{WK}/white/index.html")
    t.status(r, 404, name="an unknown file under white/ is 404")


def sc_export(f):
    t, srv, h = f.t, f.srv, f.h
    cid = h.case()
    aid = h.draft(cid)["id"]
    f.draft = aid
    r = get(srv, f"/api/v1/advisories/{aid}/csaf")
    t.status(r, 404, name="anonymous: a draft's CSAF is 404")
    r = get(srv, f"/api/v1/advisories/{aid}/osv")
    t.status(r, 404, name="anonymous: a draft's OSV is 404")
    r = get(srv, f"/api/v1/advisories/{aid}/csaf", who="coordinator")
    ok = t.status(r, 200, name="the coordinator gets the draft's CSAF")
    if ok:
        d = r.json["document"]
        t.ok(d["tracking"]["status"] == "draft" and d["tracking"]["version"] == "0" and
             d["lang"] == "zh-CN" and d["category"] == "csaf_security_advisory",
             "draft document: status draft, version 0, the advisory's language (zh-CN)",
             json.dumps(d, ensure_ascii=False)[:400])
        etag = r.headers.get("etag")
        t.ok(etag and etag.startswith('"'), "a strong ETag", r.headers)
        t.eq(etag, '"' + hashlib.sha256(r.body).hexdigest()[:32] + '"',
             "the ETag is over the bytes (SHA-256)")
        r2 = get(srv, f"/api/v1/advisories/{aid}/csaf", {"If-None-Match": etag},
                 who="coordinator")
        t.ok(r2.status == 304 and r2.body == b"", "If-None-Match: 304, no body",
             f"{r2.status} {r2.text[:200]}")
    r = get(srv, f"/api/v1/advisories/{aid}/csaf?profile=vex&lang=en", who="coordinator")
    t.ok(r.status == 200 and r.json["document"]["category"] == "csaf_vex" and
         r.json["document"]["lang"] == "en", "?profile=vex&lang=en: a csaf_vex in English",
         r.text[:300])
    r = get(srv, f"/api/v1/advisories/{aid}/csaf?lang=fr", who="coordinator")
    t.status(r, 422, "invalid_query", name="?lang=fr is 422")
    r = get(srv, f"/api/v1/advisories/{aid}/csaf?profile=x", who="coordinator")
    t.status(r, 422, "invalid_query", name="?profile=x is 422")
    r = get(srv, f"/api/v1/advisories/{aid}/osv", who="coordinator")
    ok = t.status(r, 200, name="the coordinator gets the draft's OSV record")
    if ok:
        t.eq(r.json["id"], f"x_{aid}", "OSV id is x_ + the advisory id")
        f.schema("osv", r.json, "the draft's OSV record")


def sc_publish(f):
    t, srv, h = f.t, f.srv, f.h
    out = os.path.join(f.tmp, "fetched")
    os.makedirs(out, exist_ok=True)
    exports = []
    for _ in range(2):
        aid, exp = f.publish_one()
        exports.append((aid, exp))
        t.ok(exp.get("exported") is True and exp.get("signed") is True and
             re.fullmatch(r"[0-9A-F]{40}", exp.get("signer") or "") and
             exp.get("lang") == "zh-CN", f"{aid}: the publish answer reports the signed export",
             exp)
    f.first = [a for a, _ in exports]
    paths = f.paths()
    t.eq(len(paths), 2, "index.txt lists the two documents", paths)
    fpr = exports[0][1].get("signer")
    f.fpr = fpr
    # the key, into a fresh keyring
    r = get(srv, f"{WK}/openpgp/{fpr}.asc")
    t.status(r, 200, name="openpgp/FPR.asc serves the public key", need=True)
    t.ok("BEGIN PGP PUBLIC KEY BLOCK" in r.text and "PRIVATE" not in r.text,
         "the key file is an armored public key only", r.text[:200])
    gnupg = tempfile.mkdtemp(prefix="gnupg-", dir=f.tmp)
    f.gnupg = gnupg
    os.chmod(gnupg, 0o700)
    env = dict(os.environ, GNUPGHOME=gnupg)
    keyfile = os.path.join(f.tmp, "key.asc")
    with open(keyfile, "wb") as fh:
        fh.write(r.body)
    p = subprocess.run(["gpg", "--batch", "--import", keyfile], env=env, capture_output=True,
                       text=True, timeout=60)
    t.ok(p.returncode == 0, "gpg --import of the served key", p.stderr[-500:])
    pm = get(srv, f"{WK}/provider-metadata.json")
    t.status(pm, 200, name="provider-metadata.json", need=True)
    f.schema("provider", pm.json, "provider-metadata.json")
    keys = pm.json.get("public_openpgp_keys", [])
    t.ok(pm.json.get("role") == "csaf_trusted_provider" and len(keys) == 1 and
         keys[0]["fingerprint"] == fpr and
         keys[0]["url"] == f"{PUBLIC_URL}{WK}/openpgp/{fpr}.asc" and
         pm.json["canonical_url"] == f"{PUBLIC_URL}{WK}/provider-metadata.json",
         "provider metadata: trusted provider, the signing key and its URL", pm.text[:800])
    rolie = get(srv, f"{WK}/white/csaf-feed-tlp-white.json")
    t.status(rolie, 200, name="ROLIE feed", need=True)
    f.schema("rolie", rolie.json, "ROLIE feed")
    entries = {e["id"]: e for e in rolie.json["feed"]["entry"]}
    t.eq(sorted(entries), sorted(f.first), "the ROLIE feed has the two advisories")
    changes = get(srv, f"{WK}/white/changes.csv").text.splitlines()
    t.eq(sorted(ln.split(",")[0].strip('"') for ln in changes), sorted(paths),
         "changes.csv lists the same paths")
    for aid, exp in exports:
        path = next((p for p in paths if p.endswith(f"/{aid.lower()}.json")), None)
        if not t.ok(path is not None, f"{aid}: its document is in index.txt", paths):
            continue
        f.docs[aid] = path
        t.eq(exp.get("csaf"), f"{PUBLIC_URL}{WK}/white/{path}",
             f"{aid}: the publish answer names the document URL")
        links = {(ln["rel"], ln["href"]) for ln in entries.get(aid, {}).get("link", [])}
        base = f"{PUBLIC_URL}{WK}/white/{path}"
        t.ok({("self", base), ("hash", base + ".sha256"), ("hash", base + ".sha512"),
              ("signature", base + ".asc")} <= links, f"{aid}: ROLIE links document,"
             " hashes and signature", links)
        doc = get(srv, f"{WK}/white/{path}")
        t.status(doc, 200, name=f"{aid}: the document", need=True)
        t.eq(doc.headers.get("content-type"), "application/json", f"{aid}: JSON")
        name = path.split("/")[1]
        t.ok(path.split("/")[0] == doc.json["document"]["tracking"]["initial_release_date"][:4]
             and doc.json["document"]["tracking"]["status"] == "final" and
             doc.json["document"]["tracking"]["id"] == aid,
             f"{aid}: a final document in the directory of its initial release year",
             doc.json["document"]["tracking"])
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(doc.body)
        f.schema("csaf", doc.json, f"{aid}: the served CSAF document")
        api = get(srv, f"/api/v1/advisories/{aid}/csaf")
        t.ok(api.status == 200 and api.body == doc.body,
             f"{aid}: GET /api/v1/advisories/{{id}}/csaf (anonymous) gives the same bytes",
             f"{api.status} {len(api.body)} vs {len(doc.body)}")
        for bits, fn in ((256, hashlib.sha256), (512, hashlib.sha512)):
            r = get(srv, f"{WK}/white/{path}.sha{bits}")
            t.eq(r.text, f"{fn(doc.body).hexdigest()}  {name}\n",
                 f"{aid}: .sha{bits} is the digest of the served bytes")
        sig = get(srv, f"{WK}/white/{path}.asc")
        t.ok(sig.status == 200 and "BEGIN PGP SIGNATURE" in sig.text,
             f"{aid}: .asc is an armored signature", f"{sig.status} {sig.text[:200]}")
        docf, sigf = os.path.join(f.tmp, name), os.path.join(f.tmp, name + ".asc")
        with open(docf, "wb") as fh:
            fh.write(doc.body)
        with open(sigf, "wb") as fh:
            fh.write(sig.body)
        p = subprocess.run(["gpg", "--batch", "--status-fd", "1", "--verify", sigf, docf],
                           env=env, capture_output=True, text=True, timeout=60)
        t.ok(p.returncode == 0 and f"VALIDSIG {fpr}" in p.stdout,
             f"{aid}: gpg --verify succeeds with the served key", p.stdout[-600:] + p.stderr[-400:])
        bad = bytearray(doc.body)
        bad[len(bad) // 2] ^= 0x01
        with open(docf, "wb") as fh:
            fh.write(bytes(bad))
        p = subprocess.run(["gpg", "--batch", "--verify", sigf, docf], env=env,
                           capture_output=True, text=True, timeout=60)
        t.ok(p.returncode != 0, f"{aid}: gpg --verify fails for one changed byte", p.stderr[-300:])
        osv = get(srv, f"/osv/{aid}.json")
        t.ok(osv.status == 200 and osv.json.get("id") == f"x_{aid}",
             f"{aid}: /osv/{{id}}.json", f"{osv.status} {osv.text[:200]}")
        f.schema("osv", osv.json, f"{aid}: the served OSV record")
        t.eq(get(srv, f"/osv/x_{aid}.json").body, osv.body, f"{aid}: /osv/x_{{id}}.json too")
    allr = get(srv, "/osv/all.json")
    t.ok(allr.status == 200 and isinstance(allr.json, list) and
         sorted(x["id"] for x in allr.json) == sorted(f"x_{a}" for a in f.first),
         "/osv/all.json holds the two records", allr.text[:300])
    for rec in allr.json or []:
        f.schema("osv", rec, f"all.json: {rec.get('id')}")
    # the mandatory tests 6.1.x (node, @secvisogram/csaf-validator-lib) on the served documents
    mand = os.path.join(ROOT, "tests", "csaf", "mandatory.mjs")
    if os.path.isdir(os.path.join(ROOT, "tests", "csaf", "node_modules")) and shutil.which("node"):
        p = subprocess.run(["node", mand, out], capture_output=True, text=True, timeout=300)
        t.ok(p.returncode == 0 and "not ok" not in p.stdout,
             "the served CSAF documents pass the strict schema and mandatory tests 6.1.x",
             (p.stdout + p.stderr)[-1500:])
    else:
        t.ok(True, "mandatory tests # SKIP tests/csaf/node_modules missing (npm ci)")
    r = get(srv, "/.well-known/security.txt")
    t.ok(r.status == 200 and f"CSAF: {PUBLIC_URL}{WK}/provider-metadata.json" in r.text,
         "security.txt has the CSAF: line", r.text[-400:])


def sc_conditional(f):
    t, srv = f.t, f.srv
    files = list(LISTS)
    for aid, path in f.docs.items():
        files += [f"{WK}/white/{path}", f"{WK}/white/{path}.sha256", f"{WK}/white/{path}.sha512",
                  f"{WK}/white/{path}.asc", f"/osv/{aid}.json"]
    files.append(f"{WK}/openpgp/{f.fpr}.asc")
    for path in files:
        r = get(srv, path)
        etag, lm = r.headers.get("etag"), r.headers.get("last-modified", "")
        if not t.ok(r.status == 200 and etag and re.fullmatch(HTTP_DATE, lm),
                    f"{path}: 200, ETag, Last-Modified", f"{r.status} {r.headers}"):
            continue
        r1 = get(srv, path, {"If-None-Match": etag})
        r2 = get(srv, path, {"If-Modified-Since": lm})
        older = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                              time.gmtime(time.mktime(time.strptime(lm, "%a, %d %b %Y %H:%M:%S"
                                                                    " GMT")) - 3600 * 24))
        r3 = get(srv, path, {"If-Modified-Since": older})
        r4 = get(srv, path, {"If-None-Match": '"0000"', "If-Modified-Since": lm})
        t.ok(r1.status == 304 and r1.body == b"" and r1.headers.get("etag") == etag and
             r2.status == 304 and r3.status == 200 and r3.body == r.body and
             r4.status == 200, f"{path}: 304 to If-None-Match and If-Modified-Since, 200 to an"
             " older date and to another ETag",
             f"{r1.status} {r2.status} {r3.status} {r4.status}")


def sc_hidden(f):
    t, srv, h = f.t, f.srv, f.h
    draft = f.draft
    cid, sched = h.good()
    r = h.publish(sched, {"at": sc.rfc(h.clk.now() + 30 * sc.DAY)})
    t.ok(r.status == 200 and r.json.get("state") == "scheduled", "an advisory scheduled a month"
         " ahead", f"{r.status} {r.text[:300]}")
    hidden = [draft, sched]
    texts = {p: get(srv, p).text for p in LISTS}
    r = get(srv, "/api/v1/advisories?limit=500")
    texts["/api/v1/advisories (anonymous)"] = r.text
    for aid in hidden:
        leaked = [p for p, text in texts.items() if aid in text or aid.lower() in text]
        t.eq(leaked, [], f"{aid} (not published) is in no feed file and no public list")
        for path in (f"{WK}/white/{aid[3:7]}/{aid.lower()}.json",
                     f"{WK}/white/{aid[3:7]}/{aid.lower()}.json.asc", f"/osv/{aid}.json",
                     f"/api/v1/advisories/{aid}/csaf", f"/api/v1/advisories/{aid}/osv"):
            r = get(srv, path)
            t.status(r, 404, name=f"{path}: 404 for an anonymous client")


def sc_changes(f):
    t, srv = f.t, f.srv
    before = {p: get(srv, p) for p in LISTS}
    f.clk_advance = f.h.clk.advance(2 * sc.US)
    aid, exp = f.publish_one()
    for p, old in before.items():
        if p.endswith("provider-metadata.json"):
            continue
        r = get(srv, p, {"If-None-Match": old.headers["etag"]})
        t.ok(r.status == 200 and r.headers.get("etag") != old.headers["etag"] and
             (aid in r.text or aid.lower() in r.text),
             f"{p}: the old ETag now gets 200 with the new advisory", f"{r.status} {r.text[:200]}")
        r = get(srv, p, {"If-Modified-Since": old.headers["last-modified"]})
        t.eq(r.status, 200, f"{p}: If-Modified-Since of the previous version gets 200")
    rolie = get(srv, f"{WK}/white/csaf-feed-tlp-white.json").json["feed"]
    newest = max(e["updated"] for e in rolie["entry"])
    t.ok(rolie["updated"] == newest and rolie["entry"][0]["id"] == aid,
         "ROLIE: updated is the newest entry's, the new advisory first", rolie["updated"])
    f.third = aid


def sc_unsigned(f):
    t, srv = f.t, f.srv
    home = os.path.join(srv.dir, "gnupg")
    p = subprocess.run(["gpg", "--homedir", home, "--batch", "--yes",
                        "--delete-secret-and-public-key", f.fpr], capture_output=True, text=True,
                       timeout=60)
    t.need(p.returncode == 0, "the organisation key deleted from the keyring", p.stderr[-400:])
    aid, exp = f.publish_one()
    t.ok(exp.get("exported") is True and exp.get("signed") is False and
         exp.get("signer") is None and "key" in (exp.get("reason") or ""),
         "the publish answer says the document is unsigned and why", exp)
    path = next((p for p in f.paths() if p.endswith(f"/{aid.lower()}.json")), None)
    t.need(path is not None, "the unsigned document is in index.txt")
    r = get(srv, f"{WK}/white/{path}.asc")
    t.status(r, 404, "not_signed", name="its .asc is 404 not_signed")
    r = get(srv, f"{WK}/white/{path}.sha256")
    t.status(r, 200, name="its .sha256 is served")
    rolie = get(srv, f"{WK}/white/csaf-feed-tlp-white.json").json
    entry = next(e for e in rolie["feed"]["entry"] if e["id"] == aid)
    t.ok(not any(ln["rel"] == "signature" for ln in entry["link"]) and
         sorted(ln["rel"] for ln in entry["link"]) == ["hash", "hash", "self"],
         "its ROLIE entry links the document and its hashes, no signature", entry["link"])
    # 7.1.2 lists "any existing" signature file; the restated schema asks one of every
    # entry, so it checks the feed without the unsigned entry
    signed = json.loads(json.dumps(rolie))
    signed["feed"]["entry"] = [e for e in signed["feed"]["entry"] if e["id"] != aid]
    f.schema("rolie", signed, "ROLIE feed (the signed entries)")
    others = [e for e in rolie["feed"]["entry"] if e["id"] != aid]
    t.ok(all(any(ln["rel"] == "signature" for ln in e["link"]) for e in others),
         "the signed entries keep their signature links")
    pm = get(srv, f"{WK}/provider-metadata.json").json
    f.schema("provider", pm, "provider-metadata.json with an unsigned document")
    t.ok(pm.get("role") == "csaf_provider" and
         [k["fingerprint"] for k in pm.get("public_openpgp_keys", [])] == [f.fpr],
         "provider metadata: role csaf_provider, the key of the signed documents still named",
         json.dumps(pm)[:600])
    r = get(srv, f"{WK}/openpgp/{f.fpr}.asc")
    t.status(r, 200, name="the old key file still serves (its signatures stay verifiable)")


SCENARIOS = [("empty", sc_empty), ("export", sc_export), ("publish", sc_publish),
             ("conditional", sc_conditional), ("hidden", sc_hidden), ("changes", sc_changes),
             ("unsigned", sc_unsigned)]


def main():
    ap = argparse.ArgumentParser(description="the advisory feeds (issue 7 items 2 and 4)")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--db", help="postgresql://... of an empty database (default: SQLite)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    backend = "postgresql" if args.db else "sqlite"
    tap = sc.Tap(backend + ": feed")
    tmp = tempfile.mkdtemp(prefix="vf-feed-")
    srv = sc.Server(os.path.abspath(args.binary), args.db, tmp)
    srv.serve_args = ["--set", f"public_url={PUBLIC_URL}",
                      "--set", "security_contact=mailto:psirt@example.cn"]

    def make_key(s):
        p = s.cli_dir("pgp", "init", "--name", "PSIRT Example", "--email", "psirt@example.cn")
        if p.returncode != 0:
            raise RuntimeError(f"pgp init: {p.stderr.strip()}")

    srv.before_serve = make_key
    t0 = time.time()
    try:
        tap.scenario = "setup"
        try:
            srv.start()
            clk = sc.Clock(srv)
            clk.set(int(time.time()) * sc.US)
            tap.ok(True, "instance with public_url and an organisation key; server started")
        except Exception as e:      # noqa: BLE001
            tap.ok(False, "instance and server", f"{e}\n{srv.stderr()[-2000:]}")
            print(f"1..{tap.n}")
            return 1
        f = Feed(sc.H(srv, clk, tap), tmp)
        for name, fn in SCENARIOS:
            tap.scenario = name
            s0 = time.time()
            try:
                fn(f)
            except sc.Abort:
                pass
            except Exception:       # noqa: BLE001
                tap.ok(False, "ran to the end", traceback.format_exc())
            print(f"# {name}: {time.time() - s0:.1f} s", flush=True)
        tap.scenario = "teardown"
        rc = srv.stop()
        err = srv.stderr()
        tap.ok(rc == 0, "the server stops on SIGTERM with status 0", f"{rc}: {err[-1500:]}")
        marks = [m for m in sc.SANITIZER_MARKS if m in err]
        tap.ok(not marks, "no sanitizer report from the server", err[-3000:] if marks else "")
        tap.ok(not srv.cli_errors, "no sanitizer report from any CLI run",
               "\n".join(srv.cli_errors)[-3000:])
    finally:
        srv.stop()
        for home in [os.path.join(srv.dir, "gnupg")] + [
                os.path.join(tmp, d) for d in os.listdir(tmp) if d.startswith("gnupg-")]:
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],
                           capture_output=True)
        if args.keep:
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{tap.n}")
    print(f"# {time.time() - t0:.1f} s")
    print(f"{tap.n - tap.failed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
