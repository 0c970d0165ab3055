"""tlogverify.py - an independent verifier for vulnflow's receipt log (tests only).

Written from docs/internals/tlog.md, src/service/tlog.h and src/base/sign.h, not
from the C code: RFC 9162 hashing (leaf H(0x00 || entry), node H(0x01 || l || r)),
inclusion and consistency proofs (generated here from the leaves, and verified
with the RFC 9162 2.1.3.2 / 2.1.4.2 algorithms), the 43-byte leaf entry, the
signed tree head text, and STH signatures checked with the `openssl pkeyutl`
command-line tool (SM2 with SM3 and the default distinguishing identifier, or
Ed25519).  The tests in tests/api/run.py and tests/intake/*.py share it.

Python 3.11 standard library only; SM3 comes from hashlib's OpenSSL (Debian's
/usr/bin/python3 has it).
"""

import datetime
import hashlib
import json
import os
import struct
import subprocess
import tempfile

ENTRY_LEN = 43
CHANNELS = ["api", "form", "email", "cli", "federation"]
DISPOSITIONS = ["accepted", "rejected_invalid", "rejected_too_large"]
SM2_DISTID = "1234567812345678"


class VerifyError(Exception):
    pass


def H(alg, data):
    """The log hash: alg is "sm3" or "sha256"."""
    if alg not in ("sm3", "sha256"):
        raise VerifyError(f"unknown log hash {alg!r}")
    return hashlib.new(alg, data).digest()


def leaf_hash(alg, entry):
    return H(alg, b"\x00" + entry)


def node_hash(alg, left, right):
    return H(alg, b"\x01" + left + right)


def split(n):
    """The largest power of two strictly below n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class Tree:
    """A log's leaves (their hashes) with memoised subtree hashes, so roots,
    paths and proofs for every size are cheap."""

    def __init__(self, alg, leaf_hashes):
        self.alg = alg
        self.leaves = list(leaf_hashes)
        self._memo = {}

    def __len__(self):
        return len(self.leaves)

    def mth(self, start, end):
        """MTH(D[start:end])."""
        if end <= start:
            if start == end == 0:
                return H(self.alg, b"")
            raise VerifyError(f"empty range [{start},{end})")
        if end - start == 1:
            return self.leaves[start]
        key = (start, end)
        h = self._memo.get(key)
        if h is None:
            k = split(end - start)
            h = node_hash(self.alg, self.mth(start, start + k), self.mth(start + k, end))
            self._memo[key] = h
        return h

    def root(self, n):
        if n > len(self.leaves):
            raise VerifyError(f"tree size {n} is beyond the {len(self.leaves)} leaves")
        return self.mth(0, n)

    def path(self, m, n):
        """PATH(m, D[n]) (RFC 9162 2.1.3.1), nearest sibling first."""
        def rec(m, start, end):
            if end - start == 1:
                return []
            k = split(end - start)
            if m < k:
                return rec(m, start, start + k) + [self.mth(start + k, end)]
            return rec(m - k, start + k, end) + [self.mth(start, start + k)]
        if not 0 <= m < n <= len(self.leaves):
            raise VerifyError(f"no path for leaf {m} in tree {n}")
        return rec(m, 0, n)

    def proof(self, m, n):
        """PROOF(m, D[n]) (RFC 9162 2.1.4.1)."""
        def sub(m, start, end, b):
            if m == end - start:
                return [] if b else [self.mth(start, end)]
            k = split(end - start)
            if m <= k:
                return sub(m, start, start + k, b) + [self.mth(start + k, end)]
            return sub(m - k, start + k, end, False) + [self.mth(start, start + k)]
        if not 0 < m <= n <= len(self.leaves):
            raise VerifyError(f"no consistency proof from {m} to {n}")
        return sub(m, 0, n, True)


def verify_inclusion(alg, leaf, index, size, path, root):
    """RFC 9162 2.1.3.2; hashes are bytes."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(alg, p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(alg, r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(alg, first, second, first_hash, second_hash, proof):
    """RFC 9162 2.1.4.2, plus first == second (empty proof, equal roots)."""
    if first == 0 or first > second:
        return False
    if first == second:
        return proof == [] and first_hash == second_hash
    if not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_hash] + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(alg, c, fr)
            sr = node_hash(alg, c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(alg, sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def unhex(s, what, n=None):
    """Lowercase hex to bytes (n: the exact byte length expected)."""
    if not isinstance(s, str) or s != s.lower():
        raise VerifyError(f"{what} is not lowercase hex: {s!r}")
    try:
        b = bytes.fromhex(s)
    except ValueError:
        raise VerifyError(f"{what} is not hex: {s!r}") from None
    if n is not None and len(b) != n:
        raise VerifyError(f"{what} is {len(b)} bytes, not {n}")
    return b


def decode_entry(entry):
    """The 43-byte leaf entry (tlog.h) as a dict."""
    if len(entry) != ENTRY_LEN:
        raise VerifyError(f"entry is {len(entry)} bytes, not {ENTRY_LEN}")
    version, channel, disposition = entry[0], entry[1], entry[2]
    (received_at,) = struct.unpack(">q", entry[3:11])
    if version != 1:
        raise VerifyError(f"entry version {version}, not 1")
    return {"version": version, "channel": channel, "disposition": disposition,
            "received_at_us": received_at, "payload_hash": entry[11:]}


def rfc3339_us(s):
    """An RFC 3339 time with microseconds (Z or an offset) to microseconds since the epoch."""
    dt = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise VerifyError(f"time {s!r} has no offset")
    delta = dt - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds


def sth_message(log_id, tree_size, timestamp_ms, root_hex):
    return (f"vulnflow-sth/1\n{log_id}\n{int(tree_size)}\n{int(timestamp_ms)}\n{root_hex}\n"
            ).encode("ascii")


def log_id_of(alg, public_key_der):
    return H(alg, public_key_der).hex()


def openssl_verify(public_key_der, sig_alg, message, signature):
    """True if `openssl pkeyutl -verify` accepts signature over message."""
    with tempfile.TemporaryDirectory(prefix="tlogverify-") as d:
        paths = {}
        for name, data in (("key.der", public_key_der), ("msg", message),
                           ("sig", signature)):
            paths[name] = os.path.join(d, name)
            with open(paths[name], "wb") as f:
                f.write(data)
        cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.der"],
               "-keyform", "DER", "-rawin", "-in", paths["msg"], "-sigfile", paths["sig"]]
        if sig_alg == "sm2":
            cmd += ["-digest", "sm3", "-pkeyopt", "distid:" + SM2_DISTID]
        elif sig_alg != "ed25519":
            raise VerifyError(f"unknown signature algorithm {sig_alg!r}")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return p.returncode == 0 and "Signature Verified Successfully" in p.stdout


class SthChecker:
    """Checks STH signatures with openssl, each distinct STH once."""

    def __init__(self, public_key_der, log_id, hash_alg, sig_alg):
        self.der = public_key_der
        self.log_id = log_id
        self.hash_alg = hash_alg
        self.sig_alg = sig_alg
        self.cache = {}
        if log_id_of(hash_alg, public_key_der) != log_id:
            raise VerifyError(f"log_id {log_id} is not the {hash_alg} of the public key")

    def ok(self, tree_size, timestamp_ms, root_hex, sig_hex):
        key = (int(tree_size), int(timestamp_ms), root_hex, sig_hex)
        if key not in self.cache:
            msg = sth_message(self.log_id, tree_size, timestamp_ms, root_hex)
            self.cache[key] = openssl_verify(self.der, self.sig_alg, msg,
                                             unhex(sig_hex, "STH signature"))
        return self.cache[key]


def check_receipt(r, sth_checker, expect_hash_alg=None, expect_sig_alg=None):
    """Check a receipt on its own; raises VerifyError naming what is wrong.

    r: the "receipt" object of POST /api/v1/reports.  Returns the decoded entry."""
    sth = r["sth"]
    alg = sth["hash_alg"]
    if expect_hash_alg and alg != expect_hash_alg:
        raise VerifyError(f"receipt hash_alg {alg!r}, expected {expect_hash_alg!r}")
    if expect_sig_alg and sth["sig_alg"] != expect_sig_alg:
        raise VerifyError(f"receipt sig_alg {sth['sig_alg']!r}, expected {expect_sig_alg!r}")
    if r["log_id"] != sth_checker.log_id:
        raise VerifyError(f"receipt log_id {r['log_id']} is not the log's {sth_checker.log_id}")
    entry = unhex(r["entry"], "entry", ENTRY_LEN)
    lh = unhex(r["leaf_hash"], "leaf_hash", 32)
    if leaf_hash(alg, entry) != lh:
        raise VerifyError("leaf_hash is not H(0x00 || entry)")
    root = unhex(sth["root_hash"], "sth.root_hash", 32)
    path = [unhex(p, "audit_path element", 32) for p in r["audit_path"]]
    if not verify_inclusion(alg, lh, r["leaf_index"], sth["tree_size"], path, root):
        raise VerifyError(f"the audit path does not lead leaf {r['leaf_index']} to the root "
                          f"of tree {sth['tree_size']}")
    if r["signature"] != sth["signature"]:
        raise VerifyError("receipt signature differs from its tree head's")
    if not sth_checker.ok(sth["tree_size"], sth["timestamp"], sth["root_hash"],
                          sth["signature"]):
        raise VerifyError(f"openssl does not verify the signature of tree head "
                          f"{sth['tree_size']}")
    en = decode_entry(entry)
    if en["received_at_us"] != rfc3339_us(r["received_at"]):
        raise VerifyError(f"entry time {en['received_at_us']} us is not received_at "
                          f"{r['received_at']}")
    if rfc3339_us(r["received_at_local"]) != en["received_at_us"]:
        raise VerifyError(f"received_at_local {r['received_at_local']} is another instant")
    if DISPOSITIONS[en["disposition"]] != r["disposition"]:
        raise VerifyError(f"entry disposition {en['disposition']} is not {r['disposition']!r}")
    return en


def canonical_json(value):
    """The payload's canonical text as vulnflow hashes it: compact, sorted keys, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


class Export:
    """`vulnflow log export` output, parsed and checked for shape."""

    def __init__(self, text):
        lines = [json.loads(ln) for ln in text.splitlines() if ln.strip()]
        if not lines or lines[0].get("type") != "log":
            raise VerifyError("export does not start with a \"log\" line")
        self.log = lines[0]
        self.hash_alg = self.log["hash_alg"]
        self.sig_alg = self.log["sig_alg"]
        self.log_id = self.log["log_id"]
        self.public_key_der = unhex(self.log["public_key_der"], "public_key_der")
        self.tree_size = self.log["tree_size"]
        self.leaves = [x for x in lines[1:] if x.get("type") == "leaf"]
        self.sths = [x for x in lines[1:] if x.get("type") == "sth"]
        self.entries = [unhex(x["entry"], f"entry of leaf {x['leaf_index']}", ENTRY_LEN)
                        for x in self.leaves]
        self.leaf_hashes = [unhex(x["leaf_hash"], f"hash of leaf {x['leaf_index']}", 32)
                            for x in self.leaves]

    def checker(self):
        return SthChecker(self.public_key_der, self.log_id, self.hash_alg, self.sig_alg)

    def tree(self):
        """The tree recomputed from the entries (stored leaf hashes are checked too)."""
        idx = [x["leaf_index"] for x in self.leaves]
        if idx != list(range(len(idx))):
            raise VerifyError("leaf indexes are not 0..n-1 in order")
        if len(idx) != self.tree_size:
            raise VerifyError(f"{len(idx)} leaves but tree_size {self.tree_size}")
        hashes = [leaf_hash(self.hash_alg, e) for e in self.entries]
        for i, (a, b) in enumerate(zip(hashes, self.leaf_hashes)):
            if a != b:
                raise VerifyError(f"leaf {i}: stored hash is not H(0x00 || entry)")
        return Tree(self.hash_alg, hashes)


def export_log(binary, dir_, db=None, timeout=120):
    cmd = [binary, "log", "export", "--dir", dir_]
    if db:
        cmd += ["--db", db]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise VerifyError(f"`vulnflow log export` exited {p.returncode}: {p.stderr.strip()}")
    return Export(p.stdout)


# RFC 6962 / CT reference test data (transparency-dev/merkle): the roots of the
# first n of these eight entries.  The SM3 roots are the ones in
# docs/internals/tlog.md.  self_test() proves this verifier before it is used.
KAT_ENTRIES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
               "606162636465666768696a6b6c6d6e6f"]
KAT_ROOTS = {
    "sha256": ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
               "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
               "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
               "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
               "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
               "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
               "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
               "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
    "sm3": ["1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
            "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
            "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
            "209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56",
            "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377",
            "bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b",
            "8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66",
            "bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2",
            "bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38"],
}


def self_test():
    """Known answers, and every generated path/proof of the KAT tree verifies
    (and fails once altered).  Raises VerifyError."""
    for alg, roots in KAT_ROOTS.items():
        t = Tree(alg, [leaf_hash(alg, bytes.fromhex(e)) for e in KAT_ENTRIES])
        for n, want in enumerate(roots):
            if t.root(n).hex() != want:
                raise VerifyError(f"self-test: {alg} MTH of {n} entries is {t.root(n).hex()}")
        for n in range(1, 9):
            for m in range(n):
                p = t.path(m, n)
                if not verify_inclusion(alg, t.leaves[m], m, n, p, t.root(n)):
                    raise VerifyError(f"self-test: {alg} path {m} of {n} does not verify")
                if p and verify_inclusion(alg, t.leaves[m], m, n,
                                          p[:-1] + [bytes(32)], t.root(n)):
                    raise VerifyError(f"self-test: {alg} altered path {m} of {n} verifies")
            for m in range(1, n + 1):
                p = t.proof(m, n)
                if not verify_consistency(alg, m, n, t.root(m), t.root(n), p):
                    raise VerifyError(f"self-test: {alg} proof {m}..{n} does not verify")
                if m < n and verify_consistency(alg, m, n, t.root(m), bytes(32), p):
                    raise VerifyError(f"self-test: {alg} proof {m}..{n} verifies a wrong root")
    sha = Tree("sha256", [leaf_hash("sha256", bytes.fromhex(e)) for e in KAT_ENTRIES])
    want = ["bc1a0643", "ca854ea1", "d37ee418"]        # tlog.md: inclusion of 5 in 8
    if [h.hex()[:8] for h in sha.path(5, 8)] != want:
        raise VerifyError("self-test: inclusion path of entry 5 in 8 differs from tlog.md")
    want = ["0ebc5d34", "ca854ea1", "d37ee418"]        # tlog.md: consistency 6 -> 8
    if [h.hex()[:8] for h in sha.proof(6, 8)] != want:
        raise VerifyError("self-test: consistency proof 6 -> 8 differs from tlog.md")


def path_len(m, n):
    """How many hashes PATH(m, D[n]) has (from the sizes alone)."""
    count = 0
    while n > 1:
        k = split(n)
        if m < k:
            n = k
        else:
            m -= k
            n -= k
        count += 1
    return count


# ---------------------------------------------------------------- a helper for the test scripts


def wait_listening(proc, timeout=60):
    """The port `vulnflow serve --listen 127.0.0.1:0` (stdout a text pipe) prints in its
    first line; raises VerifyError if it exits or says nothing within timeout seconds."""
    import re
    import select
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        proc.wait()
        raise VerifyError(f"serve printed nothing within {timeout} s")
    first = proc.stdout.readline()
    m = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)/\n", first)
    if not m:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        raise VerifyError(f"serve's first line is {first!r} (exit {proc.returncode})")
    return int(m.group(1))
