/* pow.c - stateless signed proof-of-work challenges with a bounded replay set. */
#include "service/pow.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/hash.h"
#include "base/mem.h"

#define SEEN (1u << 20)        /* used challenges remembered until they expire */
#define PROBE 32

struct seen {
	uint64_t id;                   /* the first 8 bytes of SHA-256(challenge) */
	int64_t expires;
};

struct pow {
	unsigned char key[32];
	unsigned bits;
	pthread_mutex_t mu;
	struct seen *seen;             /* open addressing; expired slots are reused */
};

struct pow *pow_new(const unsigned char key[32], unsigned bits)
{
	struct pow *p = xcalloc(1, sizeof(*p));
	static const char label[] = "vulnflow-pow-v1";

	crypto_hmac_sha256(key, 32, label, sizeof(label) - 1, p->key);
	p->bits = bits;
	pthread_mutex_init(&p->mu, NULL);
	p->seen = xcalloc(SEEN, sizeof(*p->seen));
	return p;
}

void pow_free(struct pow *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p->seen);
	free(p);
}

unsigned pow_bits(const struct pow *p)
{
	return p->bits;
}

static void mac_hex(const struct pow *p, const char *msg, size_t n, char out[65])
{
	unsigned char m[32];

	crypto_hmac_sha256(p->key, sizeof(p->key), msg, n, m);
	hex_encode(m, 32, out);
}

void pow_challenge(struct pow *p, int64_t now_s, char out[POW_CHALLENGE_LEN], int64_t *expires)
{
	unsigned char rnd[8];
	char body[128], mac[65];
	int n;

	crypto_random(rnd, sizeof(rnd));
	*expires = now_s + POW_TTL_SECONDS;
	n = snprintf(body, sizeof(body), "v1.%lld.%u.%02x%02x%02x%02x%02x%02x%02x%02x",
		     (long long)*expires, p->bits, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
		     rnd[6], rnd[7]);
	mac_hex(p, body, (size_t)n, mac);
	snprintf(out, POW_CHALLENGE_LEN, "%s.%s", body, mac);
}

static int leading_zero_bits(const unsigned char d[32], unsigned bits)
{
	for (unsigned i = 0; i < bits; i++)
		if (d[i / 8] & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

static int digest_ok(const char *solution, unsigned bits)
{
	unsigned char d[32];

	crypto_sha256(solution, strlen(solution), d);
	return leading_zero_bits(d, bits);
}

int pow_check(struct pow *p, const char *solution, int64_t now_s, struct err *e)
{
	const char *colon, *dot;
	char body[96], mac[65];
	long long expires;
	unsigned bits;
	unsigned char id[32];
	uint64_t key;
	struct seen *free_slot = NULL;
	size_t blen;

	if (solution == NULL || (colon = strrchr(solution, ':')) == NULL ||
	    strlen(solution) >= POW_CHALLENGE_LEN + 70)
		return err_setn(e, ERR_FORBIDDEN, "pow_required",
				"this server asks for a proof of work: GET /api/v1/reports/challenge,"
				" then send X-Vulnflow-PoW: CHALLENGE:NONCE");
	if (colon[1] == '\0' || strlen(colon + 1) > 64 ||
	    strspn(colon + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
		    strlen(colon + 1))
		return err_setn(e, ERR_FORBIDDEN, "pow_invalid", "proof-of-work nonce is malformed");
	dot = NULL;
	for (const char *q = solution; q < colon; q++)
		if (*q == '.')
			dot = q;
	if (dot == NULL || (size_t)(dot - solution) >= sizeof(body) ||
	    (size_t)(colon - dot - 1) != 64)
		return err_setn(e, ERR_FORBIDDEN, "pow_invalid", "proof-of-work challenge is malformed");
	blen = (size_t)(dot - solution);
	memcpy(body, solution, blen);
	body[blen] = '\0';
	mac_hex(p, body, blen, mac);
	if (strncmp(dot + 1, mac, 64) != 0)
		return err_setn(e, ERR_FORBIDDEN, "pow_invalid",
				"proof-of-work challenge was not issued by this server");
	if (sscanf(body, "v1.%lld.%u.", &expires, &bits) != 2)
		return err_setn(e, ERR_FORBIDDEN, "pow_invalid", "proof-of-work challenge is malformed");
	if (expires < now_s)
		return err_setn(e, ERR_FORBIDDEN, "pow_expired",
				"proof-of-work challenge has expired; fetch a new one");
	if (bits < p->bits)
		return err_setn(e, ERR_FORBIDDEN, "pow_invalid",
				"proof-of-work challenge asks for fewer bits than required");
	if (!digest_ok(solution, bits))
		return err_setn(e, ERR_FORBIDDEN, "pow_invalid", "proof-of-work nonce does not solve the challenge");
	crypto_sha256(solution, blen, id);     /* the challenge: one use each */
	memcpy(&key, id, sizeof(key));
	key |= 1;      /* 0 marks an empty slot */
	pthread_mutex_lock(&p->mu);
	for (unsigned i = 0; i < PROBE; i++) {
		struct seen *s = &p->seen[(key + i) & (SEEN - 1)];

		if (s->id == key && s->expires >= now_s) {
			pthread_mutex_unlock(&p->mu);
			return err_setn(e, ERR_FORBIDDEN, "pow_reused",
					"proof-of-work challenge was already used; fetch a new one");
		}
		if (free_slot == NULL && (s->id == 0 || s->expires < now_s))
			free_slot = s;
	}
	if (free_slot == NULL) {
		pthread_mutex_unlock(&p->mu);
		return err_setn(e, ERR_UNAVAILABLE, "pow_busy",
				"too many proofs of work in flight; retry shortly");
	}
	free_slot->id = key;
	free_slot->expires = expires;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void pow_solve(const char *challenge, unsigned bits, char out[32])
{
	char buf[POW_CHALLENGE_LEN + 40];

	for (unsigned long long n = 0;; n++) {
		snprintf(out, 32, "%llx", n);
		snprintf(buf, sizeof(buf), "%s:%s", challenge, out);
		if (digest_ok(buf, bits))
			return;
	}
}
