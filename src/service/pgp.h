/* pgp.h - the organisation's OpenPGP key (GPGME): create, import, export, decrypt reports.
 *
 * The keyring lives in the instance directory, DIR/gnupg (created mode
 * 0700), and is used through GPGME with that home directory set on the
 * context, so the process environment (GNUPGHOME) is neither read nor
 * changed.  GnuPG's gpg-agent is started by gpg on first use of a secret key
 * and keeps running for the next call, as with any use of gpg
 * (`gpgconf --homedir DIR/gnupg --kill gpg-agent` stops it).
 *
 * The organisation's key is every secret key in that keyring: pgp_init()
 * makes one (an Ed25519 primary key for signing and certification and a
 * Curve25519 subkey for encryption, with no passphrase, so mail can be
 * decrypted unattended), or one is imported with pgp_import().  Reporters
 * encrypt to it; pgp_export() prints its public part for security.txt's
 * Encryption field.  A key with a passphrase can be imported but cannot
 * decrypt (no one is there to type it; GPGME is never allowed to ask):
 * remove the passphrase before importing it.
 *
 *	struct pgp *p;
 *	if (pgp_open(&p, cfg->dir, &e) < 0) ... ;
 *	if (pgp_decrypt(p, armored, n, 32 << 20, &plain, &plain_len, &e) < 0) ... ;
 *	free(plain);
 *	pgp_close(p);
 *
 * A struct pgp may be shared by threads: calls on it are serialised.
 */
#ifndef VF_PGP_H
#define VF_PGP_H

#include <stddef.h>

#include "base/err.h"

#define PGP_FPR_LEN 65   /* a fingerprint in hex (40 digits for v4 keys) + NUL */

struct pgp;

/* Open DIR/gnupg, creating it (mode 0700) if it does not exist.  ERR_INTERNAL
 * if GPGME or the gpg engine is not usable. */
int pgp_open(struct pgp **out, const char *instance_dir, struct err *e);
void pgp_close(struct pgp *p);

/* The keyring's directory ("DIR/gnupg"). */
const char *pgp_home(const struct pgp *p);

/* Create the organisation's key with user id "NAME <EMAIL>": Ed25519
 * (sign, certify) plus a Curve25519 encryption subkey, no passphrase,
 * expiring after expire_days (0: never).  fpr gets the primary key's
 * fingerprint.  ERR_CONFLICT if the keyring already holds a secret key,
 * ERR_INVALID for a name with '<', '>' or control characters or an e-mail
 * address that is not one. */
int pgp_init(struct pgp *p, const char *name, const char *email, long expire_days,
	     char fpr[PGP_FPR_LEN], struct err *e);

struct pgp_import_result {
	int considered;          /* keys found in the input */
	int imported;            /* new public keys */
	int unchanged;           /* already in the keyring */
	int secret_imported;     /* new secret keys (they become organisation keys) */
	char fpr[PGP_FPR_LEN];   /* the first key's fingerprint, "" if none */
};

/* Import the keys (armored or binary; public or secret) in data.
 * ERR_INVALID if it holds no OpenPGP key. */
int pgp_import(struct pgp *p, const void *data, size_t len, struct pgp_import_result *out,
	       struct err *e);

/* The public part of every organisation key as one ASCII-armored block
 * (a new NUL-terminated string).  ERR_NOT_FOUND if the keyring holds no
 * secret key (run `vulnflow pgp init` or `pgp import`). */
int pgp_export(struct pgp *p, char **out, size_t *out_len, struct err *e);

/* The fingerprint of the first organisation key; ERR_NOT_FOUND if none. */
int pgp_fingerprint(struct pgp *p, char fpr[PGP_FPR_LEN], struct err *e);

/* Decrypt an OpenPGP message (ASCII-armored, as in PGP/MIME's encrypted
 * part or an inline block, or binary) into a new buffer (NUL-terminated;
 * the NUL is not counted).  ERR_TOO_LARGE if the plaintext passes max_out
 * bytes (a compressed message can expand far beyond its size),
 * ERR_MALFORMED if data holds no OpenPGP message, ERR_INVALID if it is not
 * for a key of the keyring or does not decrypt. */
int pgp_decrypt(struct pgp *p, const void *data, size_t len, size_t max_out, unsigned char **out,
		size_t *out_len, struct err *e);

/* A detached, ASCII-armored OpenPGP signature of data[0..len) made with the
 * first organisation key: the ".asc" file beside each CSAF document
 * (CSAF 2.0 section 7.1.19; `gpg --verify doc.json.asc doc.json` checks it).
 * The signature is a new NUL-terminated string in *out (length in *out_len,
 * may be NULL).  ERR_NOT_FOUND if the keyring holds no secret key,
 * ERR_INTERNAL if gpg cannot sign (a key with a passphrase, say). */
int pgp_sign_detached(struct pgp *p, const void *data, size_t len, char **out, size_t *out_len,
		      struct err *e);

#endif
