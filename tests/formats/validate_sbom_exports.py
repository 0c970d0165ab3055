#!/usr/bin/python3
"""validate_sbom_exports.py - check vulnflow's CycloneDX 1.6 exports against the official schema.

Usage: /usr/bin/python3 tests/formats/validate_sbom_exports.py DIR [--schema-dir SCHEMAS]

Validates every *.json file under DIR (written by test_sbom when
VULNFLOW_SBOM_EXPORT_DIR is set) against bom-1.6.schema.json, with its $refs to
spdx.SNAPSHOT.schema.json and jsf-0.82.SNAPSHOT.schema.json resolved to the local
spdx.schema.json and jsf-0.82.schema.json: nothing is fetched from the network.
Formats are checked with jsonschema's FormatChecker (those it can check with the
packages installed).  Prints TAP: "ok N - file" or "not ok N - file: error".
Exit status 0 when every file is valid, 1 otherwise (also for an empty DIR).

SCHEMAS defaults to $VULNFLOW_SHARED_DATA/cyclonedx/schema, else
<repo>/../shared/data/cyclonedx/schema.
"""
import json
import os
import sys

import jsonschema

import jsonschema._validators

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BASE = "http://cyclonedx.org/schema/"


def _extras_msg(extras):
    """jsonschema 4.10's extras_msg sorts the extra items, which raises TypeError when
    they are objects (a "licenses" array of more than one licence reaches it through
    licenseChoice's oneOf); later releases stopped sorting.  Same message, unsorted."""
    extras = list(extras)
    return ", ".join(repr(extra) for extra in extras), "was" if len(extras) == 1 else "were"


jsonschema._validators.extras_msg = _extras_msg


def default_schema_dir():
    shared = os.environ.get("VULNFLOW_SHARED_DATA") or os.path.join(REPO, "..", "shared", "data")
    return os.path.join(shared, "cyclonedx", "schema")


def no_network(uri):
    raise jsonschema.RefResolutionError("refusing to fetch %s: every schema must be local" % uri)


def make_validator(schema_dir):
    def load(name):
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            return json.load(f)

    bom = load("bom-1.6.schema.json")
    spdx = load("spdx.schema.json")
    jsf = load("jsf-0.82.schema.json")
    store = {
        BASE + "bom-1.6.schema.json": bom,
        BASE + "spdx.SNAPSHOT.schema.json": spdx,
        BASE + "spdx.schema.json": spdx,
        BASE + "jsf-0.82.SNAPSHOT.schema.json": jsf,
        BASE + "jsf-0.82.schema.json": jsf,
    }
    resolver = jsonschema.RefResolver(base_uri=BASE + "bom-1.6.schema.json", referrer=bom,
                                      store=store,
                                      handlers={"http": no_network, "https": no_network})
    cls = jsonschema.validators.validator_for(bom)
    cls.check_schema(bom)
    return cls(bom, resolver=resolver, format_checker=jsonschema.FormatChecker())


def first_error(validator, doc):
    errors = list(validator.iter_errors(doc))
    if not errors:
        return None
    best = jsonschema.exceptions.best_match(errors)
    where = "/".join(str(p) for p in best.absolute_path) or "(root)"
    msg = "%s: %s" % (where, best.message)
    msg = " ".join(msg.split())
    return msg[:300] + ("..." if len(msg) > 300 else "")


def main(argv):
    args = argv[1:]
    schema_dir = default_schema_dir()
    if "--schema-dir" in args:
        i = args.index("--schema-dir")
        schema_dir = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 2 if len(args) != 1 else 0
    root = args[0]
    files = []
    for d, _, names in os.walk(root):
        files.extend(os.path.join(d, n) for n in names if n.endswith(".json"))
    files.sort()
    validator = make_validator(schema_dir)
    if not files:
        print("1..1")
        print("not ok 1 - %s: no .json exports found" % root)
        return 1
    print("1..%d" % len(files))
    failed = 0
    for n, path in enumerate(files, 1):
        name = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            err = first_error(validator, doc)
        except (OSError, ValueError) as exc:
            err = "cannot read: %s" % exc
        if err is None:
            print("ok %d - %s" % (n, name))
        else:
            failed += 1
            print("not ok %d - %s: %s" % (n, name, err))
    print("# %d passed, %d failed" % (len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
