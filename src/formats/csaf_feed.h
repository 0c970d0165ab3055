/* csaf_feed.h - the CSAF 2.0 provider layout under /.well-known/csaf/ (pure builders).
 *
 * A CSAF provider (CSAF 2.0 section 7) publishes, for TLP:WHITE documents:
 *
 *	/.well-known/csaf/provider-metadata.json            csaf_feed_provider_metadata()
 *	/.well-known/csaf/white/index.txt                   csaf_feed_index_txt()
 *	/.well-known/csaf/white/changes.csv                 csaf_feed_changes_csv()
 *	/.well-known/csaf/white/csaf-feed-tlp-white.json    csaf_feed_rolie()
 *	/.well-known/csaf/white/2026/vf-2026-0001.json      the document (csaf_feed_path())
 *	/.well-known/csaf/white/2026/vf-2026-0001.json.sha256   csaf_feed_hash_file()
 *	/.well-known/csaf/white/2026/vf-2026-0001.json.sha512   csaf_feed_hash_file()
 *	/.well-known/csaf/white/2026/vf-2026-0001.json.asc      pgp_sign_detached() (service/pgp.h)
 *
 * The directory of a document is the year of its initial release (7.1.11);
 * its file name is the tracking id lowercased with every character other
 * than [+-a-z0-9] replaced by "_", plus ".json" (5.1).  index.txt lists the
 * paths relative to the TLP directory, sorted; changes.csv lists
 * "path","current_release" pairs, newest first (7.1.13, 7.1.14); the ROLIE
 * feed (7.1.2) has one entry per document, newest first, with links to the
 * document, its two hash files and its signature, and "updated" = the newest
 * current_release (or c->last_updated_us when later).  Everything is UTC to
 * the second, deterministic for the same input (ties broken by path), so
 * the service can serve ETag / Last-Modified from the bytes.
 *
 * Every builder returns a new NUL-terminated buffer in *out (length in *len,
 * may be NULL; the caller frees it); ERR_INVALID for an id that is empty or
 * too long, a base URL without "://", or a TLP label other than WHITE,
 * GREEN, AMBER or RED.
 */
#ifndef VF_CSAF_FEED_H
#define VF_CSAF_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define CSAF_FEED_PATH_MAX 512

/* One published document. */
struct csaf_feed_doc {
	const char *id;			/* document.tracking.id */
	const char *title;		/* document.title; NULL: the id */
	int64_t initial_release_us;
	int64_t current_release_us;
	const char *doc;		/* the document's bytes, exactly as served */
	size_t len;
};

struct csaf_feed_config {
	const char *base_url;		/* "https://psirt.example.cn" (no trailing "/") */
	const char *publisher_name;
	const char *publisher_namespace;
	const char *publisher_category;	/* NULL: "vendor" */
	const char *contact_details;	/* NULL: left out */
	const char *role;		/* NULL: "csaf_trusted_provider" */
	const char *tlp;		/* NULL: "WHITE" */
	const char *pgp_fingerprint;	/* NULL: no public_openpgp_keys */
	const char *pgp_key_url;	/* NULL: BASE/.well-known/csaf/openpgp/FPR.asc */
	int64_t last_updated_us;	/* provider-metadata last_updated */
};

/* The 5.1 file name of id ("VF-2026-0001" -> "vf-2026-0001.json") into out. */
int csaf_feed_filename(const char *id, char *out, size_t size, struct err *e);

/* The path of d relative to the TLP directory ("2026/vf-2026-0001.json"). */
int csaf_feed_rel_path(const struct csaf_feed_doc *d, char out[CSAF_FEED_PATH_MAX], struct err *e);

/* The path of d under /.well-known/csaf/ ("white/2026/vf-2026-0001.json"). */
int csaf_feed_path(const char *tlp, const struct csaf_feed_doc *d, char out[CSAF_FEED_PATH_MAX],
		   struct err *e);

/* The TLP directory name of tlp (NULL: WHITE): "white", "green", ... */
int csaf_feed_tlp_dir(const char *tlp, const char **out, struct err *e);

/* The .sha256 (bits 256) or .sha512 (bits 512) file of d:
 * "<hex digest>  vf-2026-0001.json\n", as sha256sum/sha512sum write it. */
int csaf_feed_hash_file(char **out, size_t *len, const struct csaf_feed_doc *d, int bits,
			struct err *e);

int csaf_feed_provider_metadata(char **out, size_t *len, const struct csaf_feed_config *c,
				struct err *e);
int csaf_feed_index_txt(char **out, size_t *len, const struct csaf_feed_doc *docs, size_t n,
			struct err *e);
int csaf_feed_changes_csv(char **out, size_t *len, const struct csaf_feed_doc *docs, size_t n,
			  struct err *e);
int csaf_feed_rolie(char **out, size_t *len, const struct csaf_feed_config *c,
		    const struct csaf_feed_doc *docs, size_t n, struct err *e);

#endif
