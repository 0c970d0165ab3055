/* securitytxt.h - /.well-known/security.txt (RFC 9116) from configuration (pure).
 *
 * Contact (one or more, comma-separated in the configuration: mailto:, https:
 * or tel: URIs), Expires (renewed on every request: the start of the current
 * UTC day plus 364 days, so always under the one year RFC 9116 recommends),
 * Preferred-Languages, Canonical (from public_url), Policy, and Encryption
 * when the organisation has an OpenPGP key: its URL under public_url
 * (/.well-known/pgp-key.txt), or without public_url an openpgp4fpr: URI
 * (RFC 9116 §2.5.4 allows both).  With public_url, the web report form adds a
 * Contact (<public_url>/report) unless the configuration lists it already, and
 * the CSAF provider feed adds the `CSAF:` field of CSAF 2.0 §7.1.8
 * (<public_url>/.well-known/csaf/provider-metadata.json).
 */
#ifndef VF_SECURITYTXT_H
#define VF_SECURITYTXT_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct securitytxt {
	const char *contacts;   /* "mailto:a@b, https://..." */
	const char *policy;     /* https:// URL, or "" */
	const char *languages;  /* "zh, en" */
	const char *public_url; /* "https://vendor.example" gives Canonical, or "" */
	const char *pgp_fpr;    /* the organisation's OpenPGP key fingerprint (hex), or NULL */
	int web_form;           /* 1: the report form is served at /report */
	int csaf_feed;          /* 1: the CSAF provider feed is served under /.well-known/csaf/ */
};

/* ERR_INVALID naming the bad value, or 0 if st can be served. */
int securitytxt_check(const struct securitytxt *st, struct err *e);
/* Render st for the time now_us into out (text/plain; charset=utf-8). */
int securitytxt_render(const struct securitytxt *st, int64_t now_us, struct buf *out,
		       struct err *e);

#endif
