/* webhook.h - HMAC-signed webhook deliveries (libcurl): notices and escalations by HTTP POST.
 *
 * A webhook is a URL and a secret_ref: where the secret is, never the secret
 * itself (so no database row or API answer holds it).  A secret_ref is
 *
 *	env:NAME     the environment variable NAME of the server process; NAME
 *	             must start with VULNFLOW_WEBHOOK_ (so a ref cannot turn
 *	             another setting, such as the SMTP password, into a key)
 *	file:NAME    the content of the file DIR/secrets/NAME (one trailing
 *	             newline dropped); NAME is letters, digits, '.', '_', '-'
 *
 * Every delivery is one POST of a JSON body with these headers:
 *
 *	Content-Type: application/json
 *	X-Vulnflow-Timestamp: <Unix seconds, from the one clock source>
 *	X-Vulnflow-Delivery: <a random UUID (version 4), new for every delivery>
 *	X-Vulnflow-Signature: sha256=<hex HMAC-SHA-256(secret, timestamp + "." + body)>
 *
 * A receiver recomputes the signature over the exact bytes it got and
 * compares in constant time; it should refuse a timestamp far from its own
 * clock (replay) and a delivery id it has seen.  A 2xx answer is the
 * receiver's acknowledgement; anything else, or no answer, is a failed
 * delivery (not retried here: the caller records it).
 *
 *	struct webhook_result res;
 *	if (webhook_deliver(&res, in->cfg.dir, url, secret_ref, body, strlen(body), 10, &e) < 0)
 *		... ERR_INVALID: a bad url or secret_ref, nothing sent ...
 *	... res.http_status, res.delivered, res.response_sha256, res.error ...
 */
#ifndef VF_WEBHOOK_H
#define VF_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/crypto.h"
#include "base/err.h"

#define WEBHOOK_SIG_LEN 72          /* "sha256=" + 64 hex digits + NUL */
#define WEBHOOK_UUID_LEN 37         /* 8-4-4-4-12 hex digits + NUL */
#define WEBHOOK_SECRET_MAX 4096

/* The signature header's value for body sent at timestamp (Unix seconds):
 * "sha256=" and the lowercase hex HMAC-SHA-256 under secret of
 * "<timestamp>.<body>". */
void webhook_sign(const void *secret, size_t secret_len, int64_t timestamp, const void *body,
		  size_t body_len, char out[WEBHOOK_SIG_LEN]);

/* A new random UUID (RFC 9562 version 4), lowercase. */
void webhook_uuid(char out[WEBHOOK_UUID_LEN]);

/* Whether url is one we deliver to: http:// or https://, a host, no blanks
 * or control characters, at most 2000 bytes.  ERR_INVALID naming it if not. */
int webhook_url_check(const char *url, struct err *e);

/* Whether ref has the form of a secret_ref (above), at most 200 bytes.
 * ERR_INVALID if not.  It does not look the secret up. */
int webhook_secret_ref_check(const char *ref, struct err *e);

/* The secret ref names, as a new string in *out (caller frees, its length in
 * *len).  dir is the instance directory for relative file paths.
 * ERR_INVALID for a bad ref; ERR_NOT_FOUND when the variable or file is
 * missing or empty (or longer than WEBHOOK_SECRET_MAX). */
int webhook_secret_resolve(char **out, size_t *len, const char *dir, const char *ref,
			   struct err *e);

struct webhook_result {
	char delivery_id[WEBHOOK_UUID_LEN];
	int64_t timestamp;             /* the X-Vulnflow-Timestamp sent (seconds) */
	int64_t sent_at;               /* microseconds, when the answer came (or failed) */
	long http_status;              /* 0 = no answer */
	int delivered;                 /* 1 when the answer was 2xx (the acknowledgement) */
	char response_sha256[CRYPTO_HASH_HEX_LEN];   /* of the answer's body ("" if none) */
	char error[256];               /* why it failed, "" when delivered */
};

/* Whether a webhook may connect to sa (the address the host name resolved
 * to): not loopback, private (RFC 1918, fc00::/7), link-local, CGNAT
 * (100.64/10), unspecified, multicast or broadcast, also not as an IPv4-mapped
 * IPv6 address.  Checked on the address actually connected to, so a name that
 * resolves to an inside address is refused too (no DNS rebinding). */
int webhook_addr_public(const struct sockaddr *sa);

/* Sign and POST body to url with the secret secret_ref names (timeout in
 * seconds, 0 = 10; redirects are not followed; at most 64 KiB of the answer
 * is read).  Unless allow_private (config webhook_allow_private), only public
 * addresses are connected to (webhook_addr_public); a refused address is an
 * attempt that failed ("refused: ... is not a public address").  0 once the
 * attempt is made, whether or not it was delivered (see *res); -1
 * (ERR_INVALID, ERR_NOT_FOUND) when nothing could be sent. */
int webhook_deliver(struct webhook_result *res, const char *dir, const char *url,
		    const char *secret_ref, const char *body, size_t body_len, long timeout,
		    int allow_private, struct err *e);

#endif
