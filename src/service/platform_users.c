/* platform_users.c - researchers' identity, verification, levels and reputation (see
 * platform_users.h). */
#include "service/platform_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/instance.h"
#include "service/intake.h"
#include "store/store_platform.h"

static const struct {
	const char *id, *zh, *en;
} levels[4] = {
    {"none", "无", "none"},
    {"registered", "注册用户", "registered"},
    {"verified", "实名认证用户", "verified"},
    {"trusted", "可信研究员", "trusted"},
};

static json_t *time_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, buf);
	return json_string(buf);
}

static void aad_of(char *buf, size_t n, int64_t user_id)
{
	snprintf(buf, n, "vulnflow-platform/identity/%lld", (long long)user_id);
}

static int not_platform(const struct instance *in, struct err *e)
{
	if (strcmp(in->cfg.role, "platform") != 0)
		return err_setn(e, ERR_CONFLICT, "not_a_platform",
				"this instance's role is %s, not platform", in->cfg.role);
	return 0;
}

/* GB 11643-1999: 17 digits and a check digit (0-9 or X). */
static int cn_id_ok(const char *s)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;

	if (s == NULL || strlen(s) != 18)
		return 0;
	for (int i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	return s[17] == check[sum % 11] || (check[sum % 11] == 'X' && s[17] == 'x');
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* "张三" -> "张*", "13800000001" -> "*******0001". */
static char *mask(const char *s, int keep_last)
{
	struct buf b;
	size_t n = strlen(s), len, chars = utf8_chars(s), i = 0;

	buf_init(&b, 512);
	if (keep_last) {
		for (i = 0; i + 4 < n; i++)
			buf_adds(&b, "*");
		buf_adds(&b, s + i);
	} else {
		size_t first = 1;

		while (first < n && ((unsigned char)s[first] & 0xc0) == 0x80)
			first++;
		buf_add(&b, s, first);
		for (i = 1; i < chars; i++)
			buf_adds(&b, "*");
	}
	return buf_detach(&b, &len);
}

struct rec {
	struct researcher_row row;
	unsigned char *identity; /* a copy */
	char verification[16];
	char note[512];
	int has_note;
	char email[256];
	int found;
};

static int rec_take(void *arg, const struct researcher_row *r, struct err *e)
{
	struct rec *x = arg;

	(void)e;
	x->row = *r;
	x->found = 1;
	free(x->identity);
	x->identity = NULL;
	if (r->identity != NULL) {
		x->identity = xmalloc(r->identity_len ? r->identity_len : 1);
		memcpy(x->identity, r->identity, r->identity_len);
	}
	x->row.identity = x->identity;
	snprintf(x->verification, sizeof(x->verification), "%s", r->verification);
	x->row.verification = x->verification;
	x->has_note = r->verification_note != NULL;
	snprintf(x->note, sizeof(x->note), "%s", r->verification_note ? r->verification_note : "");
	x->row.verification_note = x->has_note ? x->note : NULL;
	snprintf(x->email, sizeof(x->email), "%s", r->email ? r->email : "");
	x->row.email = x->email;
	return 0;
}

/* The record of user_id (a fresh unverified level-1 one if none). */
static int rec_load(struct db_conn *c, int64_t user_id, struct rec *x, struct err *e)
{
	struct err e2 = ERR_INIT;

	memset(x, 0, sizeof(*x));
	if (store_researcher_get(c, user_id, rec_take, x, &e2) == 0)
		return store_researcher_outcomes(c, user_id, &x->row.valid, &x->row.invalid,
						 &x->row.pending, e);
	if (e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	x->row.user_id = user_id;
	snprintf(x->verification, sizeof(x->verification), "unverified");
	x->row.verification = x->verification;
	x->row.level = 1;
	return store_researcher_outcomes(c, user_id, &x->row.valid, &x->row.invalid,
					 &x->row.pending, e);
}

static int trusted_ok(const struct researcher_row *r)
{
	return r->valid >= 3 && r->valid >= 2 * r->invalid;
}

static json_t *profile_json(struct intake *it, const struct rec *x, int full)
{
	const struct researcher_row *r = &x->row;
	int verified = strcmp(r->verification, "verified") == 0;
	json_t *id = json_null(), *o;

	if (r->identity != NULL && it != NULL) {
		char aad[64], *text = NULL;
		size_t len;
		struct err e = ERR_INIT;
		json_error_t je;
		json_t *j;

		aad_of(aad, sizeof(aad), r->user_id);
		if (intake_unseal_blob(it, aad, r->identity, r->identity_len, &text, &len, &e) ==
			0 &&
		    (j = json_loadb(text, len, 0, &je)) != NULL) {
			if (full) {
				id = j;
			} else {
				const char *n = json_string_value(json_object_get(j, "name"));
				const char *num =
				    json_string_value(json_object_get(j, "id_number"));
				const char *ph = json_string_value(json_object_get(j, "phone"));
				char *mn = mask(n ? n : "", 0), *mi = mask(num ? num : "", 1);
				char *mp = mask(ph ? ph : "", 1);

				id = json_pack("{s:s,s:s,s:O,s:s}", "name", mn, "id_number", mi,
					       "id_type", json_object_get(j, "id_type"), "phone",
					       mp);
				free(mn);
				free(mi);
				free(mp);
				json_decref(j);
			}
		}
		free(text);
	}
	o = json_pack(
	    "{s:I,s:s?,s:s,s:o,s:s?,s:I,s:{s:s,s:s,s:s},s:o,s:o,s:{s:I,s:I,s:I,s:I},"
	    "s:{s:b,s:b,s:b,s:b,s:I}}",
	    "user_id", (json_int_t)r->user_id, "email", r->email && r->email[0] ? r->email : NULL,
	    "verification", r->verification, "verified_at", time_json(r->verified_at),
	    "verification_note", r->verification_note, "level", (json_int_t)r->level, "level_name",
	    "id", levels[r->level].id, "zh", levels[r->level].zh, "en", levels[r->level].en,
	    "identity_at", time_json(r->identity_at), "identity", id, "reputation", "valid",
	    (json_int_t)r->valid, "invalid", (json_int_t)r->invalid, "pending",
	    (json_int_t)r->pending, "score", (json_int_t)(10 * r->valid - 5 * r->invalid), "may",
	    "report", 1, "be_rewarded", verified && r->level >= 2, "see_provider_directory", 1,
	    "designate_program", 1, "program_level", (json_int_t)(verified ? r->level : 1));
	return o;
}

/* ---- changes: one transaction each, audited ---- */

struct change {
	struct instance *in;
	struct intake *it;
	const struct actor *a;
	int64_t user_id;
	/* what to do */
	int kind; /* 1 identity, 2 verification, 3 level */
	const unsigned char *sealed;
	size_t sealed_len;
	const char *decision, *note;
	int level;
	struct rec x;
	json_t *out;
};

static int change_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct change *ch = arg;
	struct rec *x = &ch->x;
	int64_t now = time_now_us();
	json_t *detail;
	const char *action;

	if (rec_load(c, ch->user_id, x, e) < 0)
		return -1;
	if (ch->kind == 1) {
		x->row.identity = ch->sealed;
		x->row.identity_len = ch->sealed_len;
		x->row.identity_at = now;
		x->row.verification = "pending";
		x->row.verified_by = 0;
		x->row.verified_at = 0;
		x->row.verification_note = NULL;
		x->row.level = 1;
		action = "researcher.identity";
		detail = json_pack("{s:s,s:I}", "verification", "pending", "level", (json_int_t)1);
	} else if (ch->kind == 2) {
		if (x->row.identity == NULL)
			return err_setn(e, ERR_CONFLICT, "no_identity",
					"user %lld has not given an identity to verify",
					(long long)ch->user_id);
		if (ch->a->user_id == ch->user_id)
			return err_setn(e, ERR_FORBIDDEN, "own_identity",
					"one cannot verify one's own identity");
		x->row.verification = ch->decision;
		x->row.verified_by = ch->a->user_id;
		x->row.verified_at = now;
		x->row.verification_note = ch->note;
		if (strcmp(ch->decision, "verified") != 0)
			x->row.level = 1;
		action = "researcher.verification";
		detail = json_pack("{s:s,s:s?,s:I}", "decision", ch->decision, "note", ch->note,
				   "level", (json_int_t)x->row.level);
	} else {
		int verified = strcmp(x->row.verification, "verified") == 0;

		if (ch->level >= 2 && !verified)
			return err_setn(e, ERR_CONFLICT, "level_not_allowed",
					"level %d needs a verified identity (it is %s)", ch->level,
					x->row.verification);
		if (ch->level == 3 && !trusted_ok(&x->row))
			return err_setn(e, ERR_CONFLICT, "level_not_allowed",
					"level 3 needs at least 3 valid reports and twice as many "
					"valid as invalid (%lld valid, %lld invalid)",
					(long long)x->row.valid, (long long)x->row.invalid);
		detail = json_pack("{s:I,s:I}", "from", (json_int_t)x->row.level, "to",
				   (json_int_t)ch->level);
		x->row.level = ch->level;
		action = "researcher.level";
	}
	x->row.updated_at = now;
	if (store_researcher_put(c, &x->row, e) < 0) {
		json_decref(detail);
		return -1;
	}
	if (audit_record(c, ch->a, action, "user", ch->user_id, detail, e) < 0)
		return -1;
	ch->out = profile_json(ch->it, x, 0);
	return 0;
}

static int run_change(struct change *ch, json_t **out, struct err *e)
{
	struct db_conn *c;
	int rc;

	*out = NULL;
	if (db_acquire(ch->in->db, &c, 5000, e) < 0)
		return -1;
	rc = db_begin(c, e);
	if (rc == 0)
		rc = change_tx(c, ch, e);
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	free(ch->x.identity);
	if (rc < 0) {
		json_decref(ch->out);
		return -1;
	}
	*out = ch->out;
	return 0;
}

int pu_identity_put(struct instance *in, struct intake *it, const struct actor *a,
		    const json_t *body, json_t **out, struct err *e)
{
	static const char *const members[] = {"name", "id_number", "id_type", "phone", NULL};
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *num = json_string_value(json_object_get(body, "id_number"));
	const char *type = json_string_value(json_object_get(body, "id_type"));
	const char *phone = json_string_value(json_object_get(body, "phone"));
	struct change ch;
	const char *k;
	json_t *v, *clean;
	char aad[64], *text;
	unsigned char *sealed = NULL;
	size_t sealed_len;
	int rc;

	*out = NULL;
	if (not_platform(in, e) < 0)
		return -1;
	if (a->user_id == 0)
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "sign in to give an identity");
	json_object_foreach((json_t *)body, k, v)
	{
		size_t i;

		(void)v;
		for (i = 0; members[i] && strcmp(members[i], k); i++)
			;
		if (members[i] == NULL)
			return err_set(e, ERR_INVALID, "unknown member \"%s\"", k);
	}
	if (type == NULL)
		type = "cn_id";
	if (name == NULL || name[0] == '\0' || utf8_chars(name) > 50 || strchr(name, '\n'))
		return err_set(e, ERR_INVALID, "\"name\" must be 1-50 characters");
	if (strcmp(type, "cn_id") == 0 ? !cn_id_ok(num)
	    : strcmp(type, "passport") == 0
		? num == NULL || strlen(num) < 5 || strlen(num) > 20 ||
		      strspn(num, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(num)
		: 1)
		return err_set(e, ERR_INVALID,
			       "\"id_number\" is not a valid %s number (id_type "
			       "cn_id: 18 characters with the GB 11643 check digit; passport: 5-20 "
			       "of A-Z 0-9)",
			       type);
	if (phone == NULL || strlen(phone) < 5 || strlen(phone) > 20 ||
	    strspn(phone, "+0123456789- ") != strlen(phone))
		return err_set(e, ERR_INVALID, "\"phone\" must be 5-20 of digits, +, - and spaces");
	clean = json_pack("{s:s,s:s,s:s,s:s}", "name", name, "id_number", num, "id_type", type,
			  "phone", phone);
	text = json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(clean);
	aad_of(aad, sizeof(aad), a->user_id);
	rc = intake_seal_blob(it, aad, text, strlen(text), &sealed, &sealed_len, e);
	free(text);
	if (rc < 0)
		return -1;
	memset(&ch, 0, sizeof(ch));
	ch.in = in;
	ch.it = it;
	ch.a = a;
	ch.user_id = a->user_id;
	ch.kind = 1;
	ch.sealed = sealed;
	ch.sealed_len = sealed_len;
	rc = run_change(&ch, out, e);
	free(sealed);
	return rc;
}

int pu_verify(struct instance *in, struct intake *it, const struct actor *a, int64_t user_id,
	      const char *decision, const char *note, json_t **out, struct err *e)
{
	struct change ch;

	*out = NULL;
	if (not_platform(in, e) < 0)
		return -1;
	if (decision == NULL || (strcmp(decision, "verified") && strcmp(decision, "rejected")))
		return err_set(e, ERR_INVALID, "\"decision\" must be verified or rejected");
	if (note != NULL && (strlen(note) > 500 || note[0] == '\0'))
		return err_set(e, ERR_INVALID, "\"note\" must be 1-500 bytes");
	memset(&ch, 0, sizeof(ch));
	ch.in = in;
	ch.it = it;
	ch.a = a;
	ch.user_id = user_id;
	ch.kind = 2;
	ch.decision = decision;
	ch.note = note;
	return run_change(&ch, out, e);
}

int pu_level_set(struct instance *in, struct intake *it, const struct actor *a, int64_t user_id,
		 int level, json_t **out, struct err *e)
{
	struct change ch;

	*out = NULL;
	if (not_platform(in, e) < 0)
		return -1;
	if (level < 1 || level > 3)
		return err_set(e, ERR_INVALID, "\"level\" must be 1, 2 or 3");
	memset(&ch, 0, sizeof(ch));
	ch.in = in;
	ch.it = it;
	ch.a = a;
	ch.user_id = user_id;
	ch.kind = 3;
	ch.level = level;
	return run_change(&ch, out, e);
}

int pu_profile(struct instance *in, struct intake *it, const struct actor *a, int64_t user_id,
	       int full, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct rec x;
	int rc;

	*out = NULL;
	if (not_platform(in, e) < 0 || db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	rc = db_begin(c, e);
	if (rc == 0)
		rc = rec_load(c, user_id, &x, e);
	if (rc == 0 && full && x.row.identity != NULL)
		rc = audit_record(c, a, "researcher.identity_read", "user", user_id, NULL, e);
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	if (rc == 0)
		*out = profile_json(it, &x, full);
	free(x.identity);
	return rc;
}

struct list_ctx {
	struct instance *in;
	json_t *a;
};

static int list_take(void *arg, const struct researcher_row *r, struct err *e)
{
	struct list_ctx *l = arg;
	struct rec x;

	(void)e;
	memset(&x, 0, sizeof(x));
	rec_take(&x, r, e);
	/* masked, no reputation (one query per row is for the profile) */
	json_array_append_new(
	    l->a, json_pack("{s:I,s:s,s:s,s:I,s:o,s:b}", "user_id", (json_int_t)r->user_id, "email",
			    x.email, "verification", x.verification, "level", (json_int_t)r->level,
			    "identity_at", time_json(r->identity_at), "has_identity",
			    r->identity != NULL));
	free(x.identity);
	return 0;
}

int pu_list(struct instance *in, int64_t after_id, int limit, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct list_ctx l = {in, json_array()};
	int rc;

	*out = NULL;
	if (not_platform(in, e) < 0 || db_acquire(in->db, &c, 5000, e) < 0) {
		json_decref(l.a);
		return -1;
	}
	rc = store_researcher_list(c, after_id, limit, list_take, &l, e);
	db_release(c);
	if (rc < 0) {
		json_decref(l.a);
		return -1;
	}
	*out = l.a;
	return 0;
}

int pu_level_conn(struct db_conn *c, int64_t user_id, int *level, struct err *e)
{
	struct rec x;
	struct err e2 = ERR_INIT;
	int rc;

	*level = 1;
	memset(&x, 0, sizeof(x));
	rc = store_researcher_get(c, user_id, rec_take, &x, &e2);
	free(x.identity);
	if (rc < 0 && e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	if (rc == 0 && strcmp(x.verification, "verified") == 0)
		*level = (int)x.row.level;
	return 0;
}

int pu_payable(struct db_conn *c, const char *role, int64_t user_id, struct err *e)
{
	struct rec x;
	struct err e2 = ERR_INIT;
	int rc;

	if (strcmp(role, "platform") != 0)
		return 0;
	if (user_id == 0)
		return err_setn(
		    e, ERR_CONFLICT, "reporter_not_verified",
		    "on a collection platform rewards are paid only to researchers with "
		    "a verified identity; this reporter has no account");
	memset(&x, 0, sizeof(x));
	rc = store_researcher_get(c, user_id, rec_take, &x, &e2);
	free(x.identity);
	if (rc < 0 && e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	if (rc < 0 || strcmp(x.verification, "verified") != 0)
		return err_setn(
		    e, ERR_CONFLICT, "reporter_not_verified",
		    "on a collection platform rewards are paid only to researchers with "
		    "a verified identity (user %lld: %s)",
		    (long long)user_id, rc < 0 ? "unverified" : x.verification);
	return 0;
}
