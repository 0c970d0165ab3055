/* advisories.c - importing OSV and CSAF documents from files, directories and zips (see advisories.h). */
#include "service/advisories.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/advisory.h"
#include "service/audit.h"
#include "service/impact.h"
#include "service/inventory.h"
#include "store/store_advisory.h"

#define ACQUIRE_MS 30000

enum state { ST_CREATED, ST_UPDATED, ST_UNCHANGED };
static const char *const state_names[] = { "created", "updated", "unchanged" };

/* Store one parsed advisory on c (inside a transaction) and match it. */
static int store_one(struct db_conn *c, const struct advisory *adv, const char *hash,
		     enum state *state, int64_t *matches, struct err *e)
{
	struct advisory_row row = { 0 };
	json_t *aliases = json_array();
	char old[65], *alias_text;
	int64_t id, rid;
	int rc = -1;

	*matches = 0;
	if (store_advisory_find(c, adv->id, &id, old, e) < 0)
		goto out;
	if (id != 0 && strcmp(old, hash) == 0) {
		*state = ST_UNCHANGED;
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < adv->n_aliases; i++)
		json_array_append_new(aliases, json_string(adv->aliases[i]));
	alias_text = json_dumps(aliases, JSON_COMPACT);
	row.id = id;
	row.ident = adv->id;
	row.source = adv->source;
	row.aliases = alias_text;
	row.summary = adv->summary;
	row.published = adv->published;
	row.modified = adv->modified;
	row.withdrawn = adv->withdrawn;
	row.doc_hash = hash;
	row.updated_at = time_now_us();
	if (id == 0)
		rc = store_advisory_insert(c, &row, &id, e);
	else
		rc = store_advisory_replace(c, &row, e);
	free(alias_text);
	if (rc < 0)
		goto out;
	*state = row.id ? ST_UPDATED : ST_CREATED;
	rc = -1;
	/* a withdrawn advisory is kept (it is known) but matches nothing */
	for (size_t i = 0; adv->withdrawn == NULL && i < adv->n_ranges; i++) {
		struct range_row r = { 0, id, adv->ranges[i].pkg_type, adv->ranges[i].pkg_namespace,
				       adv->ranges[i].pkg_name, adv->ranges[i].vers,
				       adv->ranges[i].fixed };

		if (store_range_insert(c, &r, &rid, e) < 0)
			goto out;
	}
	if (impact_match_advisory(c, id, matches, e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(aliases);
	return rc;
}

/* ---- one import run ---- */

struct run {
	struct db *db;
	const struct actor *a;
	struct db_conn *c;
	int in_tx;
	int batch;
	advisories_progress_fn *progress;
	void *arg;
	struct advisories_stats *st;
};

static int run_commit(struct run *r, struct err *e)
{
	if (!r->in_tx)
		return 0;
	r->in_tx = 0;
	r->batch = 0;
	return db_commit(r->c, e);
}

/* Import one document's bytes; a document error is counted, not returned. */
static int run_doc(struct run *r, const char *name, const char *data, size_t len,
		   struct err *e)
{
	struct advisory *adv = NULL;
	struct err de = ERR_INIT;
	char hash[CRYPTO_HASH_HEX_LEN];
	enum state state;
	int64_t matches;

	r->st->documents++;
	if (advisory_parse(&adv, data, len, &de) < 0) {
		r->st->failed++;
		if (r->progress)
			r->progress(r->arg, name, r->st, -1, &de);
		return 0;
	}
	crypto_sha256_hex(data, len, hash);
	if (!r->in_tx) {
		if (db_begin(r->c, e) < 0)
			goto fail;
		r->in_tx = 1;
	}
	if (db_savepoint(r->c, "advisory", e) < 0)
		goto fail;
	if (store_one(r->c, adv, hash, &state, &matches, &de) < 0) {
		if (db_savepoint_rollback(r->c, "advisory", e) < 0 ||
		    db_savepoint_release(r->c, "advisory", e) < 0)
			goto fail;
		if (de.code == ERR_UNAVAILABLE || de.code == ERR_INTERNAL) {
			*e = de;
			goto fail;
		}
		r->st->failed++;
		if (r->progress)
			r->progress(r->arg, name, r->st, -1, &de);
		advisory_free(adv);
		return 0;
	}
	if (db_savepoint_release(r->c, "advisory", e) < 0)
		goto fail;
	if (state == ST_CREATED)
		r->st->created++;
	else if (state == ST_UPDATED)
		r->st->updated++;
	else
		r->st->unchanged++;
	if (state != ST_UNCHANGED) {
		r->st->ranges += (int64_t)adv->n_ranges;
		r->st->notes += (int64_t)(adv->n_notes + adv->notes_dropped);
	}
	r->st->matches += matches;
	advisory_free(adv);
	if (++r->batch >= ADVISORIES_BATCH && run_commit(r, e) < 0)
		return -1;
	if (r->progress)
		r->progress(r->arg, name, r->st, 0, NULL);
	return 0;
fail:
	advisory_free(adv);
	return -1;
}

static int read_file(const char *path, char **data, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rbe");
	struct stat sb;
	size_t n;

	*data = NULL;
	*len = 0;
	if (f == NULL)
		return err_set(e, ERR_NOT_FOUND, "cannot open \"%s\": %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) < 0 || (size_t)sb.st_size > ADVISORY_MAX_LEN) {
		fclose(f);
		return err_set(e, ERR_TOO_LARGE, "\"%s\" is larger than %zu bytes", path,
			       ADVISORY_MAX_LEN);
	}
	*data = xmalloc((size_t)sb.st_size + 1);
	n = fread(*data, 1, (size_t)sb.st_size, f);
	fclose(f);
	if (n != (size_t)sb.st_size) {
		free(*data);
		*data = NULL;
		return err_set(e, ERR_INTERNAL, "cannot read \"%s\"", path);
	}
	*len = n;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static int run_file(struct run *r, const char *path, struct err *e)
{
	char *data;
	size_t len;
	struct err fe = ERR_INIT;
	int rc;

	if (read_file(path, &data, &len, &fe) < 0) {
		r->st->documents++;
		r->st->failed++;
		if (r->progress)
			r->progress(r->arg, path, r->st, -1, &fe);
		return 0;
	}
	rc = run_doc(r, path, data, len, e);
	free(data);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json under dir, in name order (so runs are repeatable). */
static int run_dir(struct run *r, const char *dir, int depth, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (d == NULL)
		return err_set(e, ERR_NOT_FOUND, "cannot open \"%s\": %s", dir, strerror(errno));
	if (depth > 16) {
		closedir(d);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2;
		char *path = xmalloc(plen);
		struct stat sb;

		snprintf(path, plen, "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = run_dir(r, path, depth + 1, e);
		else if (S_ISREG(sb.st_mode) && ends_with(names[i], ".json"))
			rc = run_file(r, path, e);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int run_zip(struct run *r, const char *path, struct err *e)
{
	int zerr = 0, rc = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	zip_int64_t n;

	if (z == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		err_set(e, ERR_INVALID, "cannot open the zip \"%s\": %s", path,
			zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && rc == 0; i++) {
		zip_stat_t zs;
		zip_file_t *f;
		char *data;
		zip_int64_t got;

		if (zip_stat_index(z, (zip_uint64_t)i, 0, &zs) < 0 || !(zs.valid & ZIP_STAT_NAME) ||
		    !(zs.valid & ZIP_STAT_SIZE) || !ends_with(zs.name, ".json"))
			continue;
		if (zs.size > ADVISORY_MAX_LEN) {
			struct err fe = ERR_INIT;

			err_set(&fe, ERR_TOO_LARGE, "larger than %zu bytes", ADVISORY_MAX_LEN);
			r->st->documents++;
			r->st->failed++;
			if (r->progress)
				r->progress(r->arg, zs.name, r->st, -1, &fe);
			continue;
		}
		f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		if (f == NULL) {
			rc = err_set(e, ERR_INVALID, "zip \"%s\": cannot read \"%s\": %s", path,
				     zs.name, zip_strerror(z));
			break;
		}
		data = xmalloc((size_t)zs.size + 1);
		got = zip_fread(f, data, zs.size);
		zip_fclose(f);
		if (got < 0 || (zip_uint64_t)got != zs.size) {
			free(data);
			rc = err_set(e, ERR_INVALID, "zip \"%s\": \"%s\" is damaged", path, zs.name);
			break;
		}
		rc = run_doc(r, zs.name, data, (size_t)zs.size, e);
		free(data);
	}
	zip_discard(z);
	return rc;
}

int advisories_import_path(struct db *db, const struct actor *a, const char *path,
			   advisories_progress_fn *progress, void *arg,
			   struct advisories_stats *st, struct err *e)
{
	struct run r = { db, a, NULL, 0, 0, progress, arg, st };
	struct stat sb;
	int rc;

	memset(st, 0, sizeof(*st));
	if (stat(path, &sb) < 0)
		return err_set(e, ERR_NOT_FOUND, "cannot open \"%s\": %s", path, strerror(errno));
	if (db_acquire(db, &r.c, ACQUIRE_MS, e) < 0)
		return -1;
	if (S_ISDIR(sb.st_mode))
		rc = run_dir(&r, path, 0, e);
	else if (ends_with(path, ".zip"))
		rc = run_zip(&r, path, e);
	else
		rc = run_file(&r, path, e);
	if (rc == 0)
		rc = run_commit(&r, e);
	if (rc < 0 && r.in_tx)
		db_rollback(r.c);
	if (rc == 0) {
		/* one audit event for the run, in its own transaction */
		if (db_begin(r.c, e) < 0 ||
		    audit_record(r.c, a, "advisories.import", "advisory", 0,
				 json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "path", path,
					   "documents", (json_int_t)st->documents, "created",
					   (json_int_t)st->created, "updated",
					   (json_int_t)st->updated, "unchanged",
					   (json_int_t)st->unchanged, "failed",
					   (json_int_t)st->failed, "matches",
					   (json_int_t)st->matches), e) < 0 ||
		    db_commit(r.c, e) < 0) {
			db_rollback(r.c);
			rc = -1;
		}
	}
	db_release(r.c);
	return rc;
}

int advisories_import_doc(struct db *db, const struct actor *a, const char *doc, size_t len,
			  json_t **out, struct err *e)
{
	struct advisory *adv = NULL;
	struct db_conn *c;
	char hash[CRYPTO_HASH_HEX_LEN];
	enum state state;
	int64_t matches;
	json_t *notes;
	int rc = -1;

	*out = NULL;
	if (advisory_parse(&adv, doc, len, e) < 0)
		return -1;
	crypto_sha256_hex(doc, len, hash);
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		advisory_free(adv);
		return -1;
	}
	if (db_begin(c, e) < 0)
		goto out;
	if (store_one(c, adv, hash, &state, &matches, e) < 0 ||
	    audit_record(c, a, "advisory.import", "advisory", 0,
			 json_pack("{s:s, s:s}", "id", adv->id, "state", state_names[state]),
			 e) < 0 ||
	    db_commit(c, e) < 0) {
		db_rollback(c);
		goto out;
	}
	notes = json_array();
	for (size_t i = 0; i < adv->n_notes; i++)
		json_array_append_new(notes, json_string(adv->notes[i]));
	*out = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "id", adv->id, "source", adv->source,
			 "state", state_names[state], "ranges", (json_int_t)adv->n_ranges,
			 "matches", (json_int_t)matches, "notes", notes);
	rc = 0;
out:
	db_release(c);
	advisory_free(adv);
	return rc;
}

struct lister {
	json_t *arr;
};

static int advisory_append(void *arg, const struct advisory_row *a, struct err *e)
{
	json_error_t je;
	json_t *aliases = a->aliases ? json_loads(a->aliases, 0, &je) : NULL;

	(void)e;
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "_id",
					     (json_int_t)a->id, "id", a->ident, "source", a->source,
					     "aliases", aliases ? aliases : json_array(), "summary",
					     a->summary ? json_string(a->summary) : json_null(),
					     "modified",
					     a->modified ? json_string(a->modified) : json_null(),
					     "withdrawn",
					     a->withdrawn ? json_string(a->withdrawn) : json_null(),
					     "imported_at", inventory_time_json(a->imported_at)));
	return 0;
}

int advisories_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *arr = json_array();
	int rc;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(arr);
		return -1;
	}
	rc = store_advisory_list(c, after, limit, advisory_append, arr, e);
	db_release(c);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}
