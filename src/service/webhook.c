/* webhook.c - HMAC-signed webhook deliveries over HTTP(S) with libcurl (see webhook.h). */
#include "service/webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"

#define ANSWER_MAX (64 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_setup(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static const char hexdig[] = "0123456789abcdef";

void webhook_sign(const void *secret, size_t secret_len, int64_t timestamp, const void *body,
		  size_t body_len, char out[WEBHOOK_SIG_LEN])
{
	unsigned char mac[32];
	char prefix[32];
	struct buf b;
	size_t n;
	char *msg;

	snprintf(prefix, sizeof(prefix), "%lld.", (long long)timestamp);
	buf_init(&b, strlen(prefix) + body_len + 1);
	buf_adds(&b, prefix);
	buf_add(&b, body, body_len);
	msg = buf_detach(&b, &n);
	crypto_hmac_sha256(secret, secret_len, msg, n, mac);
	free(msg);
	memcpy(out, "sha256=", 7);
	for (size_t i = 0; i < 32; i++) {
		out[7 + 2 * i] = hexdig[mac[i] >> 4];
		out[8 + 2 * i] = hexdig[mac[i] & 15];
	}
	out[71] = '\0';
}

void webhook_uuid(char out[WEBHOOK_UUID_LEN])
{
	unsigned char r[16];
	size_t k = 0;

	crypto_random(r, sizeof(r));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);  /* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);  /* variant 10 */
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hexdig[r[i] >> 4];
		out[k++] = hexdig[r[i] & 15];
	}
	out[k] = '\0';
}

int webhook_url_check(const char *url, struct err *e)
{
	const char *host;

	if (url == NULL || url[0] == '\0')
		return err_set(e, ERR_INVALID, "\"webhook.url\" is required");
	if (strlen(url) > 2000)
		return err_set(e, ERR_INVALID, "\"webhook.url\" is longer than 2000 bytes");
	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return err_set(e, ERR_INVALID, "\"webhook.url\" must start with http:// or https://");
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return err_set(e, ERR_INVALID,
				       "\"webhook.url\" has a blank or control character");
	if (host[0] == '\0' || host[0] == '/' || host[0] == ':' || host[0] == '@')
		return err_set(e, ERR_INVALID, "\"webhook.url\" has no host");
	return 0;
}

static int name_ok(const char *s, const char *extra)
{
	if (s[0] == '\0' || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

int webhook_secret_ref_check(const char *ref, struct err *e)
{
	if (ref == NULL || ref[0] == '\0')
		return err_set(e, ERR_INVALID, "\"webhook.secret_ref\" is required");
	if (strlen(ref) > 200)
		return err_set(e, ERR_INVALID, "\"webhook.secret_ref\" is longer than 200 bytes");
	if (strncmp(ref, "env:", 4) == 0) {
		if (strncmp(ref + 4, "VULNFLOW_WEBHOOK_", 17) != 0 || !name_ok(ref + 4, ""))
			return err_set(e, ERR_INVALID,
				       "\"webhook.secret_ref\" env:NAME must name a variable"
				       " VULNFLOW_WEBHOOK_... (letters, digits, '_')");
		return 0;
	}
	if (strncmp(ref, "file:", 5) == 0) {
		if (!name_ok(ref + 5, ".-") || strstr(ref + 5, "..") != NULL)
			return err_set(e, ERR_INVALID,
				       "\"webhook.secret_ref\" file:NAME must name a file in the"
				       " instance's secrets directory (letters, digits, '.', '_', '-')");
		return 0;
	}
	return err_set(e, ERR_INVALID, "\"webhook.secret_ref\" must be env:NAME or file:NAME");
}

int webhook_secret_resolve(char **out, size_t *len, const char *dir, const char *ref,
			   struct err *e)
{
	char *s = NULL;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	if (webhook_secret_ref_check(ref, e) < 0)
		return -1;
	if (ref[0] == 'e') {
		const char *v = getenv(ref + 4);

		if (v == NULL || v[0] == '\0')
			return err_set(e, ERR_NOT_FOUND, "the webhook secret \"%s\" is not set", ref);
		n = strlen(v);
		if (n > WEBHOOK_SECRET_MAX)
			return err_set(e, ERR_NOT_FOUND, "the webhook secret \"%s\" is too long", ref);
		s = xstrdup(v);
	} else {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/secrets/%s", dir ? dir : ".", ref + 5);
		f = fopen(path, "re");
		if (f == NULL)
			return err_set(e, ERR_NOT_FOUND, "the webhook secret \"%s\" cannot be read", ref);
		s = xmalloc(WEBHOOK_SECRET_MAX + 2);
		n = fread(s, 1, WEBHOOK_SECRET_MAX + 1, f);
		fclose(f);
		if (n > WEBHOOK_SECRET_MAX) {
			free(s);
			return err_set(e, ERR_NOT_FOUND, "the webhook secret \"%s\" is too long", ref);
		}
		if (n > 0 && s[n - 1] == '\n')
			n--;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		s[n] = '\0';
		if (n == 0) {
			free(s);
			return err_set(e, ERR_NOT_FOUND, "the webhook secret \"%s\" is empty", ref);
		}
	}
	*out = s;
	*len = n;
	return 0;
}

struct answer {
	struct buf b;
	size_t got;
};

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct answer *a = arg;
	size_t n = size * nmemb;

	if (a->got + n > ANSWER_MAX)
		return 0;      /* too long: ends the transfer (CURLE_WRITE_ERROR) */
	buf_add(&a->b, ptr, n);
	a->got += n;
	return n;
}

static int v4_public(uint32_t a)
{
	/* network, mask bits */
	static const struct { uint32_t net; int bits; } inside[] = {
		{ 0x00000000, 8 },  { 0x0a000000, 8 },  { 0x64400000, 10 }, { 0x7f000000, 8 },
		{ 0xa9fe0000, 16 }, { 0xac100000, 12 }, { 0xc0000000, 24 }, { 0xc0a80000, 16 },
		{ 0xc6120000, 15 }, { 0xe0000000, 4 },  { 0xf0000000, 4 },
	};

	for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++)
		if ((a >> (32 - inside[i].bits)) == (inside[i].net >> (32 - inside[i].bits)))
			return 0;
	return 1;
}

int webhook_addr_public(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_public(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6) {
		const unsigned char *b =
			((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		static const unsigned char zero[15] = { 0 };

		if (memcmp(b, mapped, 12) == 0)
			return v4_public((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
					 (uint32_t)b[14] << 8 | b[15]);
		if (memcmp(b, zero, 15) == 0)
			return 0;                       /* :: and ::1 */
		if ((b[0] & 0xfe) == 0xfc || b[0] == 0xff)
			return 0;                       /* fc00::/7 unique local, ff00::/8 multicast */
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
			return 0;                       /* fe80::/10 link-local */
		return 1;
	}
	return 0;
}

struct guard {
	int allow_private;
	int refused;
	char addr[INET6_ADDRSTRLEN];
};

/* libcurl asks for every socket it connects: refuse inside addresses here, on
 * the address actually resolved. */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct guard *g = arg;

	(void)purpose;
	if (!g->allow_private && !webhook_addr_public(&a->addr)) {
		const void *p = a->family == AF_INET6
			? (const void *)&((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr
			: (const void *)&((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;

		if (inet_ntop(a->family, p, g->addr, sizeof(g->addr)) == NULL)
			snprintf(g->addr, sizeof(g->addr), "?");
		g->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

int webhook_deliver(struct webhook_result *res, const char *dir, const char *url,
		    const char *secret_ref, const char *body, size_t body_len, long timeout,
		    int allow_private, struct err *e)
{
	struct guard guard = { .allow_private = allow_private };
	char *secret = NULL, errbuf[CURL_ERROR_SIZE] = "", sig[WEBHOOK_SIG_LEN];
	char h_ts[64], h_id[80], h_sig[100];
	struct curl_slist *hdrs = NULL;
	struct answer ans;
	size_t slen, alen;
	CURL *curl;
	CURLcode rc;
	char *abody;

	memset(res, 0, sizeof(*res));
	if (webhook_url_check(url, e) < 0 ||
	    webhook_secret_resolve(&secret, &slen, dir, secret_ref, e) < 0)
		return -1;
	pthread_once(&curl_once, curl_setup);
	if (!curl_ok) {
		free(secret);
		return err_set(e, ERR_INTERNAL, "libcurl failed to initialise");
	}
	webhook_uuid(res->delivery_id);
	res->timestamp = time_now_us() / TIME_US_PER_S;
	webhook_sign(secret, slen, res->timestamp, body, body_len, sig);
	free(secret);
	snprintf(h_ts, sizeof(h_ts), "X-Vulnflow-Timestamp: %lld", (long long)res->timestamp);
	snprintf(h_id, sizeof(h_id), "X-Vulnflow-Delivery: %s", res->delivery_id);
	snprintf(h_sig, sizeof(h_sig), "X-Vulnflow-Signature: %s", sig);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, h_ts);
	hdrs = curl_slist_append(hdrs, h_id);
	hdrs = curl_slist_append(hdrs, h_sig);
	hdrs = curl_slist_append(hdrs, "Expect:");
	buf_init(&ans.b, ANSWER_MAX + 1);
	ans.got = 0;
	curl = curl_easy_init();
	if (curl == NULL) {
		curl_slist_free_all(hdrs);
		buf_release(&ans.b);
		return err_set(e, ERR_INTERNAL, "libcurl cannot make a handle");
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "vulnflow-webhook/1");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ans);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout > 0 ? timeout : 10L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &guard);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->http_status);
	res->sent_at = time_now_us();
	abody = buf_detach(&ans.b, &alen);
	if (rc == CURLE_OK || res->http_status > 0)
		crypto_sha256_hex(abody, alen, res->response_sha256);
	free(abody);
	if (rc != CURLE_OK && guard.refused)
		snprintf(res->error, sizeof(res->error),
			 "refused: %s is not a public address (config webhook_allow_private)",
			 guard.addr);
	else if (rc != CURLE_OK)
		snprintf(res->error, sizeof(res->error), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (res->http_status < 200 || res->http_status > 299)
		snprintf(res->error, sizeof(res->error), "the receiver answered %ld",
			 res->http_status);
	else
		res->delivered = 1;
	curl_easy_cleanup(curl);
	curl_slist_free_all(hdrs);
	return 0;
}
