/* pgp.c - the organisation's OpenPGP key in DIR/gnupg, through GPGME. */
#include "service/pgp.h"

#include <errno.h>
#include <gpgme.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/mem.h"

struct pgp {
	gpgme_ctx_t ctx;
	pthread_mutex_t lock;
	char home[4096];
};

static pthread_once_t gpgme_once = PTHREAD_ONCE_INIT;
static int gpgme_ok;

static void gpgme_setup(void)
{
	if (gpgme_check_version(NULL) == NULL)
		return;
	gpgme_ok = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == 0;
}

/* Never ask for a passphrase: a protected key fails to decrypt instead of
 * waiting for someone to type. */
static gpgme_error_t no_passphrase(void *hook, const char *uid_hint, const char *info,
				   int prev_was_bad, int fd)
{
	(void)hook;
	(void)uid_hint;
	(void)info;
	(void)prev_was_bad;
	(void)fd;
	return gpgme_error(GPG_ERR_CANCELED);
}

static int gpg_fail(struct err *e, enum err_code code, const char *what, gpgme_error_t rc)
{
	return err_set(e, code, "%s: %s", what, gpgme_strerror(rc));
}

int pgp_open(struct pgp **out, const char *instance_dir, struct err *e)
{
	struct pgp *p;
	struct stat st;
	gpgme_error_t rc;

	*out = NULL;
	pthread_once(&gpgme_once, gpgme_setup);
	if (!gpgme_ok)
		return err_set(e, ERR_INTERNAL, "gpgme or its gpg engine is not usable");
	p = xcalloc(1, sizeof(*p));
	if (snprintf(p->home, sizeof(p->home), "%s/gnupg", instance_dir) >= (int)sizeof(p->home)) {
		free(p);
		return err_set(e, ERR_INVALID, "instance directory path is too long");
	}
	if (mkdir(p->home, 0700) < 0 && errno != EEXIST) {
		err_set(e, ERR_INTERNAL, "cannot create \"%s\": %s", p->home, strerror(errno));
		free(p);
		return -1;
	}
	if (stat(p->home, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_set(e, ERR_INTERNAL, "\"%s\" is not a directory", p->home);
		free(p);
		return -1;
	}
	if ((st.st_mode & 077) != 0 && chmod(p->home, 0700) < 0) {
		err_set(e, ERR_INTERNAL, "cannot make \"%s\" private: %s", p->home, strerror(errno));
		free(p);
		return -1;
	}
	rc = gpgme_new(&p->ctx);
	if (rc == 0)
		rc = gpgme_set_protocol(p->ctx, GPGME_PROTOCOL_OpenPGP);
	if (rc == 0)
		rc = gpgme_ctx_set_engine_info(p->ctx, GPGME_PROTOCOL_OpenPGP, NULL, p->home);
	if (rc == 0)
		rc = gpgme_set_pinentry_mode(p->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	if (rc != 0) {
		gpg_fail(e, ERR_INTERNAL, "gpgme context", rc);
		if (p->ctx != NULL)
			gpgme_release(p->ctx);
		free(p);
		return -1;
	}
	gpgme_set_passphrase_cb(p->ctx, no_passphrase, NULL);
	gpgme_set_armor(p->ctx, 1);
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return 0;
}

void pgp_close(struct pgp *p)
{
	if (p == NULL)
		return;
	gpgme_release(p->ctx);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

const char *pgp_home(const struct pgp *p)
{
	return p->home;
}

/* The secret keys of the keyring (the organisation's), up to max of them. */
static int secret_keys(struct pgp *p, gpgme_key_t *keys, size_t max, size_t *n, struct err *e)
{
	gpgme_error_t rc;
	gpgme_key_t k;

	*n = 0;
	rc = gpgme_op_keylist_start(p->ctx, NULL, 1);
	if (rc != 0)
		return gpg_fail(e, ERR_INTERNAL, "cannot list keys", rc);
	while ((rc = gpgme_op_keylist_next(p->ctx, &k)) == 0) {
		if (*n < max && !k->revoked && !k->disabled)
			keys[(*n)++] = k;
		else
			gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(p->ctx);
	if (gpgme_err_code(rc) != GPG_ERR_EOF) {
		for (size_t i = 0; i < *n; i++)
			gpgme_key_unref(keys[i]);
		*n = 0;
		return gpg_fail(e, ERR_INTERNAL, "cannot list keys", rc);
	}
	return 0;
}

static int valid_email(const char *a)
{
	const char *at = a ? strchr(a, '@') : NULL;

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strlen(a) > 254)
		return 0;
	for (const unsigned char *c = (const unsigned char *)a; *c; c++)
		if (*c <= ' ' || *c == 0x7f || strchr("<>()[]\\,;:\"", *c) != NULL)
			return 0;
	return 1;
}

int pgp_init(struct pgp *p, const char *name, const char *email, long expire_days,
	     char fpr[PGP_FPR_LEN], struct err *e)
{
	gpgme_key_t keys[1], key = NULL;
	gpgme_genkey_result_t gr;
	gpgme_error_t rc;
	unsigned long expires;
	unsigned int flags;
	char uid[1024];
	size_t n;
	int ret = -1;

	fpr[0] = '\0';
	if (name == NULL || name[0] == '\0' || strlen(name) > 200)
		return err_set(e, ERR_INVALID, "key name must be 1-200 bytes");
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c < ' ' || *c == 0x7f || *c == '<' || *c == '>')
			return err_set(e, ERR_INVALID, "key name \"%s\" holds '<', '>' or a control character",
				       name);
	if (!valid_email(email))
		return err_set(e, ERR_INVALID, "e-mail address \"%s\" is not valid", email ? email : "");
	if (expire_days < 0 || expire_days > 36500)
		return err_set(e, ERR_INVALID, "key expiry must be 0-36500 days");
	snprintf(uid, sizeof(uid), "%s <%s>", name, email);
	expires = (unsigned long)expire_days * 86400;
	flags = GPGME_CREATE_NOPASSWD | (expires == 0 ? GPGME_CREATE_NOEXPIRE : 0);

	pthread_mutex_lock(&p->lock);
	if (secret_keys(p, keys, 1, &n, e) < 0)
		goto out;
	if (n > 0) {
		err_set(e, ERR_CONFLICT, "\"%s\" already holds a secret key (%s)", p->home,
			keys[0]->fpr ? keys[0]->fpr : "?");
		gpgme_key_unref(keys[0]);
		goto out;
	}
	rc = gpgme_op_createkey(p->ctx, uid, "ed25519", 0, expires, NULL,
				flags | GPGME_CREATE_SIGN | GPGME_CREATE_CERT);
	if (rc != 0) {
		gpg_fail(e, ERR_INTERNAL, "cannot create the key", rc);
		goto out;
	}
	gr = gpgme_op_genkey_result(p->ctx);
	if (gr == NULL || gr->fpr == NULL) {
		err_set(e, ERR_INTERNAL, "gpg created a key but did not name it");
		goto out;
	}
	snprintf(fpr, PGP_FPR_LEN, "%s", gr->fpr);
	rc = gpgme_get_key(p->ctx, fpr, &key, 1);
	if (rc == 0)
		rc = gpgme_op_createsubkey(p->ctx, key, "cv25519", 0, expires,
					   flags | GPGME_CREATE_ENCR);
	if (rc != 0) {
		gpg_fail(e, ERR_INTERNAL, "cannot create the encryption subkey", rc);
		goto out;
	}
	ret = 0;
out:
	if (key != NULL)
		gpgme_key_unref(key);
	pthread_mutex_unlock(&p->lock);
	if (ret < 0)
		fpr[0] = '\0';
	return ret;
}

int pgp_import(struct pgp *p, const void *data, size_t len, struct pgp_import_result *out,
	       struct err *e)
{
	gpgme_data_t d = NULL;
	gpgme_import_result_t r;
	gpgme_error_t rc;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	rc = gpgme_data_new_from_mem(&d, data, len, 0);
	if (rc != 0)
		return gpg_fail(e, ERR_INTERNAL, "gpgme data", rc);
	pthread_mutex_lock(&p->lock);
	rc = gpgme_op_import(p->ctx, d);
	if (rc != 0) {
		gpg_fail(e, gpgme_err_code(rc) == GPG_ERR_NO_DATA ? ERR_INVALID : ERR_INTERNAL,
			 "cannot import", rc);
		goto out;
	}
	r = gpgme_op_import_result(p->ctx);
	if (r == NULL || r->considered == 0) {
		err_set(e, ERR_INVALID, "no OpenPGP key found in the input");
		goto out;
	}
	out->considered = r->considered;
	out->imported = r->imported;
	out->unchanged = r->unchanged;
	out->secret_imported = r->secret_imported;
	if (r->imports != NULL && r->imports->fpr != NULL)
		snprintf(out->fpr, sizeof(out->fpr), "%s", r->imports->fpr);
	if (r->imported == 0 && r->unchanged == 0 && r->secret_imported == 0 &&
	    r->secret_unchanged == 0) {
		err_set(e, ERR_INVALID, "none of the %d keys found could be imported",
			r->considered);
		goto out;
	}
	ret = 0;
out:
	pthread_mutex_unlock(&p->lock);
	gpgme_data_release(d);
	return ret;
}

int pgp_export(struct pgp *p, char **out, size_t *out_len, struct err *e)
{
	gpgme_key_t keys[65];
	gpgme_data_t d = NULL;
	gpgme_error_t rc;
	size_t n = 0, len;
	char *mem = NULL;
	int ret = -1;

	*out = NULL;
	pthread_mutex_lock(&p->lock);
	if (secret_keys(p, keys, 64, &n, e) < 0)
		goto out;
	if (n == 0) {
		err_set(e, ERR_NOT_FOUND, "no organisation key in \"%s\" (run `vulnflow pgp init`)",
			p->home);
		goto out;
	}
	keys[n] = NULL;
	rc = gpgme_data_new(&d);
	if (rc == 0)
		rc = gpgme_op_export_keys(p->ctx, keys, 0, d);
	if (rc != 0) {
		gpg_fail(e, ERR_INTERNAL, "cannot export the key", rc);
		goto out;
	}
	mem = gpgme_data_release_and_get_mem(d, &len);
	d = NULL;
	if (mem == NULL || len == 0) {
		err_set(e, ERR_INTERNAL, "gpg exported nothing");
		goto out;
	}
	*out = xmalloc(len + 1);
	memcpy(*out, mem, len);
	(*out)[len] = '\0';
	if (out_len)
		*out_len = len;
	ret = 0;
out:
	pthread_mutex_unlock(&p->lock);
	if (mem != NULL)
		gpgme_free(mem);
	gpgme_data_release(d);
	for (size_t i = 0; i < n; i++)
		gpgme_key_unref(keys[i]);
	return ret;
}

int pgp_fingerprint(struct pgp *p, char fpr[PGP_FPR_LEN], struct err *e)
{
	gpgme_key_t k;
	size_t n;
	int ret = -1;

	fpr[0] = '\0';
	pthread_mutex_lock(&p->lock);
	if (secret_keys(p, &k, 1, &n, e) < 0)
		goto out;
	if (n == 0) {
		err_set(e, ERR_NOT_FOUND, "no organisation key in \"%s\"", p->home);
		goto out;
	}
	snprintf(fpr, PGP_FPR_LEN, "%s", k->fpr ? k->fpr : "");
	gpgme_key_unref(k);
	ret = 0;
out:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* A gpgme output buffer that refuses to grow past its maximum. */
struct sink {
	struct buf b;
	int overflow;
};

static ssize_t sink_write(void *handle, const void *buffer, size_t size)
{
	struct sink *s = handle;

	if (buf_add(&s->b, buffer, size) < 0) {
		s->overflow = 1;
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)size;
}

int pgp_decrypt(struct pgp *p, const void *data, size_t len, size_t max_out, unsigned char **out,
		size_t *out_len, struct err *e)
{
	struct gpgme_data_cbs cbs = { .write = sink_write };
	gpgme_data_t cipher = NULL, plain = NULL;
	gpgme_error_t rc;
	struct sink sk = { .overflow = 0 };
	int ret = -1;

	*out = NULL;
	*out_len = 0;
	buf_init(&sk.b, max_out);
	buf_add(&sk.b, "", 0);
	rc = gpgme_data_new_from_mem(&cipher, data, len, 0);
	if (rc == 0)
		rc = gpgme_data_new_from_cbs(&plain, &cbs, &sk);
	if (rc != 0) {
		gpg_fail(e, ERR_INTERNAL, "gpgme data", rc);
		goto out;
	}
	pthread_mutex_lock(&p->lock);
	rc = gpgme_op_decrypt(p->ctx, cipher, plain);
	pthread_mutex_unlock(&p->lock);
	if (rc == 0 && sk.overflow)
		rc = gpgme_error(GPG_ERR_EFBIG);
	if (rc != 0) {
		if (sk.overflow) {
			err_set(e, ERR_TOO_LARGE, "decrypted message is larger than %zu bytes",
				max_out);
			goto out;
		}
		switch (gpgme_err_code(rc)) {
		case GPG_ERR_NO_DATA:
			err_set(e, ERR_MALFORMED, "no OpenPGP message found");
			break;
		case GPG_ERR_NO_SECKEY:
			err_set(e, ERR_INVALID, "message is not encrypted to the organisation's key");
			break;
		default:
			gpg_fail(e, ERR_INVALID, "cannot decrypt", rc);
		}
		goto out;
	}
	*out_len = sk.b.len;
	*out = (unsigned char *)buf_detach(&sk.b, NULL);
	ret = 0;
out:
	gpgme_data_release(cipher);
	gpgme_data_release(plain);
	buf_release(&sk.b);
	return ret;
}

int pgp_sign_detached(struct pgp *p, const void *data, size_t len, char **out, size_t *out_len,
		      struct err *e)
{
	gpgme_key_t keys[1];
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t rc;
	size_t n = 0, slen;
	char *mem = NULL;
	int ret = -1;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	pthread_mutex_lock(&p->lock);
	if (secret_keys(p, keys, 1, &n, e) < 0)
		goto out;
	if (n == 0) {
		err_set(e, ERR_NOT_FOUND, "no organisation key in \"%s\" (run `vulnflow pgp init`)",
			p->home);
		goto out;
	}
	gpgme_signers_clear(p->ctx);
	rc = gpgme_signers_add(p->ctx, keys[0]);
	if (rc == 0)
		rc = gpgme_data_new_from_mem(&in, data, len, 0);
	if (rc == 0)
		rc = gpgme_data_new(&sig);
	if (rc == 0)
		rc = gpgme_op_sign(p->ctx, in, sig, GPGME_SIG_MODE_DETACH);
	if (rc != 0) {
		gpg_fail(e, ERR_INTERNAL, "cannot sign", rc);
		goto out;
	}
	res = gpgme_op_sign_result(p->ctx);
	if (res == NULL || res->invalid_signers != NULL || res->signatures == NULL) {
		err_set(e, ERR_INTERNAL, "gpg made no signature with the organisation key");
		goto out;
	}
	mem = gpgme_data_release_and_get_mem(sig, &slen);
	sig = NULL;
	if (mem == NULL || slen == 0) {
		err_set(e, ERR_INTERNAL, "gpg made an empty signature");
		goto out;
	}
	*out = xmalloc(slen + 1);
	memcpy(*out, mem, slen);
	(*out)[slen] = '\0';
	if (out_len)
		*out_len = slen;
	ret = 0;
out:
	gpgme_signers_clear(p->ctx);
	pthread_mutex_unlock(&p->lock);
	if (mem != NULL)
		gpgme_free(mem);
	gpgme_data_release(in);
	gpgme_data_release(sig);
	for (size_t i = 0; i < n; i++)
		gpgme_key_unref(keys[i]);
	return ret;
}
