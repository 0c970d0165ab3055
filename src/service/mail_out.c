/* mail_out.c - one text/plain message over SMTP with libcurl; the receipt acknowledgement. */
#include "service/mail_out.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/hash.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/mime.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_setup(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

int mail_out_check(const struct mail_out_config *c, struct err *e)
{
	const char *host;

	if (c->url == NULL || c->url[0] == '\0')
		return err_set(e, ERR_INVALID, "smtp_url is not set");
	if (strncmp(c->url, "smtp://", 7) == 0)
		host = c->url + 7;
	else if (strncmp(c->url, "smtps://", 8) == 0)
		host = c->url + 8;
	else
		return err_set(e, ERR_INVALID, "smtp_url must start with smtp:// or smtps://");
	if (host[0] == '\0' || host[0] == '/' || strpbrk(c->url, " \t\r\n") != NULL)
		return err_set(e, ERR_INVALID, "smtp_url has no host");
	if (c->from == NULL || strchr(c->from, '@') == NULL || strpbrk(c->from, " \t\r\n<>") != NULL)
		return err_set(e, ERR_INVALID, "smtp_from \"%s\" is not an e-mail address",
			       c->from ? c->from : "");
	if (c->timeout < 0)
		return err_set(e, ERR_INVALID, "smtp timeout must not be negative");
	return 0;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(ptr, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static void new_message_id(const char *from, char out[256])
{
	unsigned char r[16];
	char hex[33];
	const char *domain = strrchr(from, '@');

	crypto_random(r, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	snprintf(out, 256, "vulnflow.%s%s", hex, domain ? domain : "@vulnflow.invalid");
}

int mail_out_send(const struct mail_out_config *c, const struct mail_out_message *m,
		  char message_id[256], struct err *e)
{
	struct mime_text_message tm = {
		.from = c->from, .from_name = c->from_name, .to = m->to, .to_name = m->to_name,
		.subject = m->subject, .body = m->body, .in_reply_to = m->in_reply_to,
	};
	char id[256], errbuf[CURL_ERROR_SIZE] = "", envelope_from[300], rcpt_to[300];
	struct curl_slist *rcpt = NULL;
	struct upload up;
	CURL *curl = NULL;
	CURLcode rc;
	char *text = NULL;
	size_t len;
	long code = 0;
	int ret = -1;

	if (message_id)
		message_id[0] = '\0';
	if (mail_out_check(c, e) < 0 || crypto_init(e) < 0)
		return -1;
	pthread_once(&curl_once, curl_setup);
	if (!curl_ok)
		return err_set(e, ERR_INTERNAL, "libcurl failed to initialise");
	new_message_id(c->from, id);
	tm.message_id = id;
	tm.date_us = time_now_us();
	if (mime_build_text(&text, &len, &tm, e) < 0)
		return -1;
	snprintf(envelope_from, sizeof(envelope_from), "<%s>", c->from);
	snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", m->to);
	up.p = text;
	up.left = len;
	curl = curl_easy_init();
	if (curl == NULL) {
		err_set(e, ERR_INTERNAL, "libcurl cannot make a handle");
		goto out;
	}
	rcpt = curl_slist_append(NULL, rcpt_to);
	curl_easy_setopt(curl, CURLOPT_URL, c->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, c->timeout > 0 ? c->timeout : 60L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	if (c->user != NULL && c->user[0] != '\0') {
		curl_easy_setopt(curl, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password ? c->password : "");
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		if (code > 0)
			err_set(e, ERR_UNAVAILABLE, "smtp relay refused the message (reply %ld): %s",
				code, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		else
			err_set(e, ERR_UNAVAILABLE, "cannot send through the smtp relay: %s",
				errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	if (message_id)
		snprintf(message_id, 256, "%s", id);
	ret = 0;
out:
	if (curl != NULL)
		curl_easy_cleanup(curl);
	curl_slist_free_all(rcpt);
	free(text);
	return ret;
}

void mail_out_receipt_text(const struct intake_receipt *r, char **subject, char **body)
{
	char shanghai[TIMEFMT_LEN], utc[TIMEFMT_LEN], leaf[HASH_HEX_LEN];
	struct buf b;

	time_format_shanghai(r->received_at, shanghai);
	time_format_utc(r->received_at, utc);
	hash_hex(r->leaf_hash, leaf);

	buf_init(&b, 1 << 16);
	buf_addf(&b, "漏洞报告已收到 / Vulnerability report received (receipt %lld)",
		 (long long)r->id);
	*subject = buf_detach(&b, NULL);

	buf_init(&b, 1 << 16);
	buf_addf(&b,
		 "您好，\n\n"
		 "我们已收到您的漏洞报告，并已记入接收日志。\n\n"
		 "  回执编号：%lld\n"
		 "  接收时间：%s（北京时间）\n"
		 "            %s（UTC）\n"
		 "  日志叶序号：%llu\n"
		 "  日志叶哈希：%s\n",
		 (long long)r->id, shanghai, utc, (unsigned long long)r->leaf_index, leaf);
	if (r->status_token[0] != '\0')
		buf_addf(&b, "  状态查询令牌：%s\n\n"
			     "状态查询令牌只发送这一次，请妥善保存：凭它可以查询报告的处理状态。\n",
			 r->status_token);
	buf_addf(&b,
		 "本邮件由系统自动发送。\n\n"
		 "----\n\n"
		 "Hello,\n\n"
		 "We have received your vulnerability report and recorded it in our receipt log.\n\n"
		 "  Receipt:        %lld\n"
		 "  Received:       %s (Asia/Shanghai)\n"
		 "                  %s (UTC)\n"
		 "  Log leaf index: %llu\n"
		 "  Log leaf hash:  %s\n",
		 (long long)r->id, shanghai, utc, (unsigned long long)r->leaf_index, leaf);
	if (r->status_token[0] != '\0')
		buf_addf(&b, "  Status token:   %s\n\n"
			     "The status token is sent only this once: keep it to look up the state\n"
			     "of your report.\n",
			 r->status_token);
	buf_adds(&b, "This message was sent automatically.\n");
	*body = buf_detach(&b, NULL);
}

int mail_out_receipt(const struct mail_out_config *c, const char *to, const char *to_name,
		     const char *in_reply_to, const struct intake_receipt *r, struct err *e)
{
	struct mail_out_message m = { .to = to, .to_name = to_name, .in_reply_to = in_reply_to };
	char *subject, *body;
	int rc;

	mail_out_receipt_text(r, &subject, &body);
	m.subject = subject;
	m.body = body;
	rc = mail_out_send(c, &m, NULL, e);
	free(subject);
	free(body);
	return rc;
}
