/* bulletins_impl.h - what bulletins.c and bulletin_feed.c share (not an API: only those
 * two include it). */
#ifndef VF_BULLETINS_IMPL_H
#define VF_BULLETINS_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/bulletins.h"
#include "store/db.h"

struct instance;
struct cases;
struct pgp;

/* The feed files that depend on every published export (built when that set changes). */
enum feed_list { FEED_METADATA, FEED_INDEX, FEED_CHANGES, FEED_ROLIE, FEED_OSV_ALL,
		 FEED_LIST_COUNT };

struct feed_cached {
	int64_t count, newest;         /* store_bulletin_exports_stamp() when built */
	char *body;
	size_t len;
	char etag[40];
	int valid;
};

struct bulletins {
	struct instance *in;
	struct cases *cs;
	struct pgp *pgp;               /* NULL: GnuPG unusable (pgp_why says why) */
	char pgp_why[320];
	pthread_mutex_t feed_lock;     /* guards feed[] */
	struct feed_cached feed[FEED_LIST_COUNT];
	bulletins_published_fn *on_published;   /* bulletins_on_published() */
	void *on_published_arg;
};

/*
 * Called in the publishing transaction on c once the bulletin is published
 * (the gate passed): export d (status final) as CSAF in d->b.lang and as
 * OSV, sign the CSAF bytes with the organisation key and store the bytes,
 * digests and signature (store_bulletin_export_add()).  No organisation key
 * (or GnuPG unusable): stored unsigned, *info says so.  A key that cannot
 * sign, or a bulletin that does not export, is an error: the caller rolls
 * the publication back.  Without public_url nothing is exported (there is no
 * feed).  *info: {"exported", "csaf", "osv", "lang", "signed", "signer",
 * "reason"}.
 */
int bulletin_feed_export(struct bulletins *bs, struct db_conn *c, const struct bulletin_doc *d,
			 int64_t bulletin_id, int64_t revision, int64_t now, json_t **info,
			 struct err *e);

void bulletin_feed_cache_free(struct bulletins *bs);

#endif
