#!/usr/bin/python3
"""validate_csaf_exports.py - check vulnflow's CSAF 2.0 and OSV exports against their schemas.

Usage: /usr/bin/python3 tests/formats/validate_csaf_exports.py DIR [--data-dir SHARED]

Validates every *.json file under DIR (written by test_csaf_out, test_osv_out and
test_csaf_feed when VULNFLOW_CSAF_EXPORT_DIR is set):

  *.osv.json               against osv/osv_schema.json;
  provider-metadata.json   against the CSAF 2.0 provider metadata rules (section 7.1.1)
                           restated below as a schema (the OASIS file is not in shared data);
  *.rolie.json             against the ROLIE feed rules of section 7.1.2 (restated below);
  every other *.json       against csaf/2.0/csaf_json_schema.json in its strict form:
                           "additionalProperties": false added to every object schema that
                           lists "properties" (what @secvisogram/csaf-validator-lib's
                           csaf_2_0_strict does), its $refs to FIRST's CVSS schemas resolved
                           to the local copies in cvss/ (and csaf/2.1/referenced_schema/ for
                           2.0): nothing is fetched from the network.

Formats are checked with jsonschema's FormatChecker.  Prints TAP: "ok N - file" or
"not ok N - file: error".  Exit status 0 when every file is valid, 1 otherwise (also for
an empty DIR).  SHARED defaults to $VULNFLOW_SHARED_DATA, else <repo>/../shared/data.
"""
import copy
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CSAF_ID = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"

# CSAF 2.0 section 7.1.1 (requirement 7) restated as a schema: the required members,
# their types and enumerations.
PROVIDER_METADATA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["canonical_url", "last_updated", "list_on_CSAF_aggregators", "metadata_version",
                 "mirror_on_CSAF_aggregators", "publisher", "role"],
    "properties": {
        "canonical_url": {"type": "string", "format": "uri",
                          "pattern": "/provider-metadata\\.json$"},
        "distributions": {
            "type": "array", "minItems": 1, "uniqueItems": True,
            "items": {
                "type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {
                    "directory_url": {"type": "string", "format": "uri", "pattern": "/$"},
                    "rolie": {
                        "type": "object", "additionalProperties": False, "required": ["feeds"],
                        "properties": {
                            "categories": {"type": "array", "items": {"type": "string",
                                                                      "format": "uri"}},
                            "feeds": {
                                "type": "array", "minItems": 1, "uniqueItems": True,
                                "items": {
                                    "type": "object", "additionalProperties": False,
                                    "required": ["tlp_label", "url"],
                                    "properties": {
                                        "summary": {"type": "string", "minLength": 1},
                                        "tlp_label": {"enum": ["UNLABELED", "WHITE", "GREEN",
                                                               "AMBER", "RED"]},
                                        "url": {"type": "string", "format": "uri",
                                                "pattern": "\\.json$"},
                                    },
                                },
                            },
                            "services": {"type": "array", "items": {"type": "string",
                                                                    "format": "uri"}},
                        },
                    },
                },
            },
        },
        "last_updated": {"type": "string", "format": "date-time"},
        "list_on_CSAF_aggregators": {"type": "boolean"},
        "metadata_version": {"enum": ["2.0"]},
        "mirror_on_CSAF_aggregators": {"type": "boolean"},
        "public_openpgp_keys": {
            "type": "array",
            "items": {
                "type": "object", "additionalProperties": False, "required": ["url"],
                "properties": {
                    "fingerprint": {"type": "string", "pattern": "^[0-9a-fA-F]{40,}$"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        },
        "publisher": {
            "type": "object", "additionalProperties": False,
            "required": ["category", "name", "namespace"],
            "properties": {
                "category": {"enum": ["coordinator", "discoverer", "other", "translator", "user",
                                      "vendor"]},
                "contact_details": {"type": "string", "minLength": 1},
                "issuing_authority": {"type": "string", "minLength": 1},
                "name": {"type": "string", "minLength": 1},
                "namespace": {"type": "string", "format": "uri"},
            },
        },
        "role": {"enum": ["csaf_publisher", "csaf_provider", "csaf_trusted_provider"]},
    },
}

# Section 7.1.2 (ROLIE, RFC 8322 in JSON): what a CSAF ROLIE feed must hold.
LINK = {"type": "object", "required": ["rel", "href"],
        "properties": {"rel": {"type": "string"}, "href": {"type": "string", "format": "uri"}}}
ROLIE_FEED = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["feed"], "additionalProperties": False,
    "properties": {"feed": {
        "type": "object", "required": ["id", "title", "link", "category", "updated", "entry"],
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "title": {"type": "string", "minLength": 1},
            "link": {"type": "array", "items": LINK, "contains": {"properties": {
                "rel": {"const": "self"}}}},
            "category": {"type": "array", "contains": {
                "type": "object", "required": ["scheme", "term"],
                "properties": {"scheme": {"const": "urn:ietf:params:rolie:category:information-type"},
                               "term": {"const": "csaf"}}}},
            "updated": {"type": "string", "format": "date-time"},
            "entry": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "title", "link", "published", "updated", "content", "format"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "title": {"type": "string"},
                    "link": {"type": "array", "items": LINK, "allOf": [
                        {"contains": {"properties": {"rel": {"const": "self"}}}},
                        {"contains": {"properties": {"rel": {"const": "hash"},
                                                     "href": {"pattern": "\\.sha256$"}}}},
                        {"contains": {"properties": {"rel": {"const": "hash"},
                                                     "href": {"pattern": "\\.sha512$"}}}},
                        {"contains": {"properties": {"rel": {"const": "signature"},
                                                     "href": {"pattern": "\\.asc$"}}}}]},
                    "published": {"type": "string", "format": "date-time"},
                    "updated": {"type": "string", "format": "date-time"},
                    "content": {"type": "object", "required": ["type", "src"],
                                "properties": {"type": {"const": "application/json"},
                                               "src": {"type": "string", "format": "uri"}}},
                    "format": {"type": "object", "required": ["schema", "version"],
                               "properties": {"schema": {"const": CSAF_ID},
                                              "version": {"const": "2.0"}}},
                },
            }},
        },
    }},
}


def default_data_dir():
    return os.environ.get("VULNFLOW_SHARED_DATA") or os.path.join(REPO, "..", "shared", "data")


def no_network(uri):
    raise jsonschema.RefResolutionError("refusing to fetch %s: every schema must be local" % uri)


def strict(node):
    """additionalProperties: false on every object schema that lists properties."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)
    return node


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_validators(data):
    csaf = strict(copy.deepcopy(load(os.path.join(data, "csaf", "2.0", "csaf_json_schema.json"))))
    store = {
        CSAF_ID: csaf,
        "https://www.first.org/cvss/cvss-v2.0.json":
            load(os.path.join(data, "csaf", "2.1", "referenced_schema", "cvss-v2.0.json")),
        "https://www.first.org/cvss/cvss-v3.0.json": load(os.path.join(data, "cvss", "cvss-v3.0.json")),
        "https://www.first.org/cvss/cvss-v3.1.json": load(os.path.join(data, "cvss", "cvss-v3.1.json")),
    }
    for doc in list(store.values()):
        for key in ("$id", "id"):
            if isinstance(doc.get(key), str):
                store[doc[key]] = doc  # the CVSS schemas resolve their own refs by it
    handlers = {"http": no_network, "https": no_network}

    def build(schema, base):
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        resolver = jsonschema.RefResolver(base_uri=base, referrer=schema, store=store,
                                          handlers=handlers)
        return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())

    osv = load(os.path.join(data, "osv", "osv_schema.json"))
    return {
        "csaf": build(csaf, CSAF_ID),
        "osv": build(osv, osv.get("$id", "")),
        "provider": build(PROVIDER_METADATA, ""),
        "rolie": build(ROLIE_FEED, ""),
    }


def kind_of(name):
    if name.endswith(".osv.json"):
        return "osv"
    if os.path.basename(name) == "provider-metadata.json":
        return "provider"
    if name.endswith(".rolie.json") or os.path.basename(name).startswith("csaf-feed-tlp-"):
        return "rolie"
    return "csaf"


def first_error(validator, doc):
    errors = list(validator.iter_errors(doc))
    if not errors:
        return None
    best = jsonschema.exceptions.best_match(errors)
    where = "/".join(str(p) for p in best.absolute_path) or "(root)"
    msg = " ".join(("%s: %s" % (where, best.message)).split())
    return msg[:300] + ("..." if len(msg) > 300 else "")


def main(argv):
    args = argv[1:]
    data = default_data_dir()
    if "--data-dir" in args:
        i = args.index("--data-dir")
        data = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 2 if len(args) != 1 else 0
    root = args[0]
    files = []
    for d, _, names in os.walk(root):
        files.extend(os.path.join(d, n) for n in names if n.endswith(".json"))
    files.sort()
    validators = make_validators(data)
    if not files:
        print("1..1")
        print("not ok 1 - %s: no .json exports found" % root)
        return 1
    print("1..%d" % len(files))
    failed = 0
    for n, path in enumerate(files, 1):
        name = os.path.relpath(path, root)
        kind = kind_of(name)
        try:
            err = first_error(validators[kind], load(path))
        except (OSError, ValueError) as exc:
            err = "cannot read: %s" % exc
        except jsonschema.RefResolutionError as exc:
            err = "schema reference not resolved: %s" % exc
        if err is None:
            print("ok %d - %s (%s)" % (n, name, kind))
        else:
            failed += 1
            print("not ok %d - %s (%s): %s" % (n, name, kind, err))
    print("# %d passed, %d failed" % (len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
