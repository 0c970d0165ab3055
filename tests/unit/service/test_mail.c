/* test_mail.c - e-mail intake: MIME parsing and charsets, form-data, PGP (GPGME and the gpg
 * binary), SMTP acknowledgements through a real SMTP server, and `vulnflow mail ingest`.
 *
 * Fixtures are made here: messages as C strings, encrypted ones with the gpg
 * binary in a temporary GNUPGHOME holding the public half of the key
 * pgp_init() made.  The SMTP server is tests/mail/smtp_sink.py (aiosmtpd, run
 * with /usr/bin/python3), started on a free port.  The last group runs the
 * vulnflow binary next to this test's directory on a fresh SQLite instance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "formats/mime.h"
#include "service/instance.h"
#include "service/mail_in.h"
#include "service/mail_out.h"
#include "service/pgp.h"

#define PATH_LEN 4096
#define ORG_EMAIL "psirt@example.cn"

static char tmp[64];                 /* everything this test writes */
static struct pgp *org;              /* tmp/org/gnupg, with the organisation key */
static char org_fpr[PGP_FPR_LEN];
static char sender[PATH_LEN];        /* a reporter's GNUPGHOME with the org's public key */

/* ---- locating the repository and the binary ------------------------------ */

#define SELF "tests/unit/service/test_mail.c"

static int repo_from(char *repo, size_t size, const char *path)
{
	size_t n = strlen(path), k = strlen(SELF);

	if (n < k || strcmp(path + n - k, SELF) != 0 || access(path, R_OK) != 0)
		return 0;
	return snprintf(repo, size, "%.*s", (int)(n - k), path) < (int)size;
}

/* The repository (with a trailing '/', or "" for the current directory),
 * found from __FILE__, which the build gives relative to the build directory:
 * tried as it is, then from each directory above this executable. */
static const char *repo_dir(void)
{
	static char repo[PATH_LEN];
	char exe[PATH_LEN], path[PATH_LEN * 2];
	ssize_t n;

	if (repo[0] != '\0' || repo_from(repo, sizeof(repo), __FILE__))
		return repo;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	for (char *slash = strrchr(exe, '/'); slash != NULL; slash = strrchr(exe, '/')) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/%s", exe, __FILE__);
		if (repo_from(repo, sizeof(repo), path))
			break;
	}
	return repo;
}

/* build-dir/vulnflow: this test is build-dir/tests/test_mail. */
static const char *vulnflow_bin(void)
{
	static char bin[PATH_LEN + 16];
	char exe[PATH_LEN];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	exe[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(bin, sizeof(bin), "%s/../vulnflow", exe);
	return bin;
}

/* ---- small helpers ------------------------------------------------------- */

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		fail_msg("cannot write %s", path);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b, 1u << 30);
	buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[PATH_LEN * 4];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* gpg (the binary) in home encrypts plain to ORG_EMAIL, ASCII-armored. */
static char *gpg_encrypt(const char *home, const char *plain, size_t len)
{
	char in[PATH_LEN], out[PATH_LEN];
	char *armor;

	snprintf(in, sizeof(in), "%s/plain.bin", tmp);
	snprintf(out, sizeof(out), "%s/cipher.asc", tmp);
	write_file(in, plain, len);
	unlink(out);
	if (run("gpg --homedir '%s' --batch --quiet --yes --trust-model always --armor "
		"--recipient %s --output '%s' --encrypt '%s'", home, ORG_EMAIL, out, in) != 0)
		fail_msg("gpg --encrypt failed");
	armor = read_file(out, NULL);
	assert_non_null(armor);
	return armor;
}

static struct mail_in_options options(struct pgp *p)
{
	struct mail_in_options o = { .max_bytes = 1 << 20, .limits = MIME_LIMITS_DEFAULT, .pgp = p };

	return o;
}

static struct mail_in *parse_ok(const char *raw, struct pgp *p)
{
	struct mail_in_options o = options(p);
	struct mail_in *m = NULL;
	struct err e = ERR_INIT;

	if (mail_in_parse(&m, raw, strlen(raw), &o, &e) < 0)
		fail_msg("mail_in_parse: %s", e.msg);
	return m;
}

static const struct intake_attachment *att(const struct mail_in *m, size_t i)
{
	assert_true(i < m->report.nattachments);
	return &m->report.attachments[i];
}

/* ---- group setup: temp dir, the organisation key, a sender's keyring ----- */

static int setup(void **state)
{
	char dir[PATH_LEN], pub[PATH_LEN], *armored;
	size_t len;
	struct err e = ERR_INIT;

	(void)state;
	snprintf(tmp, sizeof(tmp), "/var/tmp/vf-test-mail-XXXXXX");
	if (mkdtemp(tmp) == NULL || crypto_init(&e) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/org", tmp);
	if (mkdir(dir, 0700) < 0 || pgp_open(&org, dir, &e) < 0 ||
	    pgp_init(org, "Example PSIRT", ORG_EMAIL, 0, org_fpr, &e) < 0 ||
	    pgp_export(org, &armored, &len, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	snprintf(pub, sizeof(pub), "%s/org.asc", tmp);
	write_file(pub, armored, len);
	free(armored);
	snprintf(sender, sizeof(sender), "%s/sender", tmp);
	if (mkdir(sender, 0700) < 0 ||
	    run("gpg --homedir '%s' --batch --quiet --import '%s' 2>/dev/null", sender, pub) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pgp_close(org);
	/* the gpg-agents gpg started for each keyring */
	run("for h in '%s'/*/gnupg '%s'/sender '%s'/reporter; do [ -d \"$h\" ] && "
	    "gpgconf --homedir \"$h\" --kill gpg-agent >/dev/null 2>&1; done; true",
	    tmp, tmp, tmp);
	return run("rm -rf '%s'", tmp) == 0 ? 0 : -1;
}

/* ---- messages ------------------------------------------------------------ */

static void test_plain(void **state)
{
	static const char raw[] =
		"Return-Path: <alice@example.com>\r\n"
		"From: \"Alice Smith\" <alice@example.com>\r\n"
		"To: psirt@example.cn\r\n"
		"Subject: Stack overflow\r\n\tin httpd\r\n"
		"Date: Mon, 24 Nov 2025 08:30:00 +0000\r\n"
		"Message-ID: <m1@example.com>\r\n"
		"\r\n"
		"Hello,\r\n\r\n"
		"  product name: AcmeOS Router\r\n"
		"MODEL : R1\r\n"
		"The httpd crashes on a long Host header.\r\n\r\n";
	struct mail_in *m = parse_ok(raw, NULL);
	const struct intake_report *r = &m->report;

	(void)state;
	assert_string_equal(r->title, "Stack overflow in httpd");
	assert_string_equal(r->description, "Hello,\n\n  product name: AcmeOS Router\nMODEL : R1\n"
					    "The httpd crashes on a long Host header.");
	assert_string_equal(r->product_name, "AcmeOS Router");
	assert_string_equal(r->product_model, "R1");
	assert_null(r->product_version);
	assert_string_equal(r->language, "en");
	assert_string_equal(r->reporter_name, "Alice Smith");
	assert_string_equal(r->reporter_email, "alice@example.com");
	assert_null(r->reporter_organization);
	assert_int_equal(r->nattachments, 0);
	assert_int_equal(r->raw_len, sizeof(raw) - 1);
	assert_memory_equal(r->raw, raw, sizeof(raw) - 1);
	assert_string_equal(m->message_id, "m1@example.com");
	assert_int_equal(m->pgp, MAIL_PGP_NONE);
	mail_in_free(m);
}

static void test_no_subject_no_text(void **state)
{
	struct mail_in *m;

	(void)state;
	/* the title falls back to the first line of the text */
	m = parse_ok("From: bob@example.org\n\n\n   \n  First line here  \nsecond\n", NULL);
	assert_string_equal(m->report.title, "First line here");
	assert_string_equal(m->report.product_name, "(not stated)");
	mail_in_free(m);
	/* nothing at all; a From without a mailbox gives no reporter */
	m = parse_ok("From: undisclosed-recipients:;\nSubject:  \n\n", NULL);
	assert_string_equal(m->report.title, "(no subject)");
	assert_string_equal(m->report.description, "(empty message)");
	assert_null(m->report.reporter_email);
	assert_null(m->report.reporter_name);
	mail_in_free(m);
}

static const char multipart[] =
	"From: Alice <alice@example.com>\n"
	"Subject: Stack overflow in httpd\n"
	"Message-ID: <m2@example.com>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"outer\"\n"
	"\n"
	"This is a multi-part message in MIME format.\n"
	"--outer\n"
	"Content-Type: multipart/alternative; boundary=\"alt\"\n"
	"\n"
	"--alt\n"
	"Content-Type: text/html; charset=us-ascii\n"
	"\n"
	"<p>The <b>httpd</b> crashes</p>\n"
	"--alt\n"
	"Content-Type: text/plain; charset=us-ascii\n"
	"\n"
	"Product: AcmeOS\n"
	"Model: R1\n"
	"Version: 4.2\n"
	"\n"
	"The httpd crashes on a long Host header.\n"
	"--alt--\n"
	"--outer\n"
	"Content-Type: application/pdf; name=\"poc.pdf\"\n"
	"Content-Disposition: attachment; filename=\"poc.pdf\"\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"JVBERi0xLjQKJcfsj6IKAAEC/w==\n"
	"--outer\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Disposition: attachment;\n"
	" filename*=UTF-8''%E6%BC%8F%E6%B4%9E%E8%AF%81%E6%98%8E.txt\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"crash log =E2=9C=93\n"
	"--outer\n"
	"Content-Type: image/png\n"
	"Content-Disposition: inline; filename=\"=?UTF-8?B?5oiq5Zu+LnBuZw==?=\"\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"iVBORw0KGgo=\n"
	"--outer\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"From: x@example.com\n"
	"Subject: forwarded\n"
	"\n"
	"inner text\n"
	"--outer--\n";

static void test_multipart_attachments(void **state)
{
	static const unsigned char pdf[] = "%PDF-1.4\n%\xc7\xec\x8f\xa2\n\x00\x01\x02\xff";
	struct mail_in *m = parse_ok(multipart, NULL);
	const struct intake_report *r = &m->report;

	(void)state;
	/* text/plain wins over text/html in the alternative, whatever the order */
	assert_string_equal(r->description,
			    "Product: AcmeOS\nModel: R1\nVersion: 4.2\n\n"
			    "The httpd crashes on a long Host header.");
	assert_string_equal(r->product_name, "AcmeOS");
	assert_string_equal(r->product_model, "R1");
	assert_string_equal(r->product_version, "4.2");
	assert_int_equal(r->nattachments, 4);
	assert_string_equal(att(m, 0)->filename, "poc.pdf");
	assert_string_equal(att(m, 0)->declared_type, "application/pdf");
	assert_int_equal(att(m, 0)->len, sizeof(pdf) - 1);
	assert_memory_equal(att(m, 0)->data, pdf, sizeof(pdf) - 1);
	/* RFC 2231 file name; the newline before the boundary belongs to the boundary */
	assert_string_equal(att(m, 1)->filename, "漏洞证明.txt");
	assert_string_equal(att(m, 1)->declared_type, "text/plain");
	assert_int_equal(att(m, 1)->len, strlen("crash log ✓"));
	assert_memory_equal(att(m, 1)->data, "crash log ✓", strlen("crash log ✓"));
	/* an inline part with a file name is a file; RFC 2047 in a quoted name */
	assert_string_equal(att(m, 2)->filename, "截图.png");
	assert_string_equal(att(m, 2)->declared_type, "image/png");
	assert_int_equal(att(m, 2)->len, 8);
	assert_memory_equal(att(m, 2)->data, "\x89PNG\r\n\x1a\n", 8);
	/* an attached message is kept as a message */
	assert_null(att(m, 3)->filename);
	assert_string_equal(att(m, 3)->declared_type, "message/rfc822");
	assert_non_null(strstr((const char *)att(m, 3)->data, "Subject: forwarded"));
	assert_non_null(strstr((const char *)att(m, 3)->data, "inner text"));
	mail_in_free(m);
}

static void test_html_only(void **state)
{
	static const char raw[] =
		"From: c@example.com\nSubject: html\nContent-Type: text/html; charset=utf-8\n\n"
		"<html><head><title>T</title><style>p{color:red}</style></head><body>"
		"<p>Line&nbsp;one &amp; <b>bold</b></p><script>alert(1)</script>"
		"<!-- a comment <p>not text</p> -->"
		"<div>第二行 &#x4E2D;&#25991;</div><ul><li>a</li><li>b &lt;3</li></ul></body></html>\n";
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_message *mm;
	struct err e = ERR_INIT;
	char *t;

	(void)state;
	assert_int_equal(mime_parse_message(&mm, raw, strlen(raw), &lim, &e), 0);
	assert_int_equal(mm->body_from_html, 1);
	assert_string_equal(mm->body, "Line one & bold\n\n第二行 中文\n\n- a\n- b <3");
	mime_message_free(mm);
	{
		static const char h[] = "a<br>b<br/><tr><td>x</td><td>y</td></tr>&#0;&bogus; 1 < 2";

		t = mime_html_to_text(h, sizeof(h) - 1);
	}
	assert_string_equal(t, "a\nb\nx y\n\xEF\xBF\xBD&bogus; 1 < 2");
	free(t);
	/* a head never closed does not swallow the text */
	{
		static const char h[] = "<html><head><title>T</title><body>text</body>";

		t = mime_html_to_text(h, sizeof(h) - 1);
		assert_string_equal(t, "text");
		free(t);
	}
	/* a blank text/plain alternative gives way to the text/html one */
	{
		static const char alt[] =
			"From: c@example.com\nContent-Type: multipart/alternative; boundary=a\n\n"
			"--a\nContent-Type: text/plain\n\n \n\n--a\nContent-Type: text/html\n\n"
			"<p>the real text</p>\n--a--\n";

		assert_int_equal(mime_parse_message(&mm, alt, strlen(alt), &lim, &e), 0);
		assert_string_equal(mm->body, "the real text");
		assert_int_equal(mm->body_from_html, 1);
		assert_int_equal(mm->nattachments, 0);
		mime_message_free(mm);
	}
}

static void test_charsets(void **state)
{
	/* GB18030 body (with a four-byte character, U+20000) */
	static const char gb18030[] =
		"From: z@example.cn\nSubject: gb\nContent-Type: text/plain; charset=GB18030\n"
		"Content-Transfer-Encoding: 8bit\n\n"
		"\xc2\xa9\xb6\xb4\xb1\xa8\xb8\xe6\xa3\xba\xbb\xba\xb3\xe5\xc7\xf8\xd2\xe7\xb3\xf6"
		"\x20\x95\x32\x82\x36\n";
	/* labelled GB2312, holding a GBK character (喆) as mail often does */
	static const char gbk_body[] =
		"From: z@example.cn\nSubject: gbk\nContent-Type: text/plain; charset=gb2312\n\n"
		"\xb2\xfa\xc6\xb7\xa3\xba\x86\xb4\xc2\xb7\xd3\xc9\xc6\xf7\n";
	/* GBK subject in RFC 2047; a GB2312-labelled word with a GBK character */
	static const char gbk_subject[] =
		"From: =?GB2312?B?vKqGtA==?= <j@example.cn>\n"
		"Subject: =?GBK?B?wrfTycb3wqm2tCCGtA==?=\n\nbody\n";
	/* no charset, and 8-bit: UTF-8 when it is, else GB18030 */
	static const char undeclared[] =
		"From: z@example.cn\nSubject: \xe4\xbd\xa0\xe5\xa5\xbd\n\n\xc4\xe3\xba\xc3\n";
	struct mail_in *m;
	size_t n;
	char *s;

	(void)state;
	m = parse_ok(gb18030, NULL);
	assert_string_equal(m->report.description, "漏洞报告：缓冲区溢出 𠀀");
	assert_string_equal(m->report.language, "zh-CN");
	mail_in_free(m);

	m = parse_ok(gbk_body, NULL);
	assert_string_equal(m->report.description, "产品：喆路由器");
	assert_string_equal(m->report.product_name, "喆路由器");
	mail_in_free(m);

	m = parse_ok(gbk_subject, NULL);
	assert_string_equal(m->report.title, "路由器漏洞 喆");
	assert_string_equal(m->report.reporter_name, "吉喆");
	assert_string_equal(m->report.language, "zh-CN");
	mail_in_free(m);

	m = parse_ok(undeclared, NULL);
	assert_string_equal(m->report.title, "你好");
	assert_string_equal(m->report.description, "你好");
	mail_in_free(m);

	s = mime_to_utf8("\xba\x7c\xac\x7d\xb3\xf8\xa7\x69", 8, "Big5", &n);
	assert_string_equal(s, "漏洞報告");
	assert_int_equal(n, strlen("漏洞報告"));
	free(s);
	s = mime_to_utf8("S\xe9" "curit\xe9", 8, "iso-8859-1", NULL);
	assert_string_equal(s, "Sécurité");
	free(s);
	s = mime_to_utf8("\xa4\xa4", 2, "ISO-8859-15", NULL);
	assert_string_equal(s, "€€");
	free(s);
	/* a wrong label on UTF-8 text: the bytes win */
	s = mime_to_utf8("\xe4\xbd\xa0", 3, "us-ascii", NULL);
	assert_string_equal(s, "你");
	free(s);
	/* bytes no charset explains; NUL bytes dropped */
	s = mime_to_utf8("a\xff\xfe" "b\0c", 6, NULL, &n);
	assert_string_equal(s, "a\xEF\xBF\xBD\xEF\xBF\xBD" "bc");
	assert_int_equal(n, 9);
	free(s);
	/* an unknown charset falls back to guessing */
	s = mime_to_utf8("\xc4\xe3", 2, "x-no-such-charset", NULL);
	assert_string_equal(s, "你");
	free(s);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"this is not mail at all\nsecond line\n",
		"\x01\x02\x03\xff\xfe\n\n\n",
		"From: a@example.com\nContent-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n",
	};
	struct mail_in_options o = options(NULL);
	struct mail_in *m;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(mail_in_parse(&m, bad[i], strlen(bad[i]), &o, &e), -1);
		assert_null(m);
		assert_int_equal(e.code, ERR_MALFORMED);
		assert_true(e.msg[0] != '\0');
	}
	assert_string_equal(e.msg, "a multipart has no boundary");
	/* nested deeper than the limit */
	{
		struct buf b;

		buf_init(&b, 1 << 20);
		buf_adds(&b, "From: a@example.com\n");
		for (int i = 0; i < 30; i++)
			buf_addf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
		buf_adds(&b, "\nbottom\n");
		assert_int_equal(mail_in_parse(&m, b.data, b.len, &o, &e), -1);
		assert_int_equal(e.code, ERR_MALFORMED);
		assert_string_equal(e.msg, "MIME parts are nested deeper than 20");
		buf_release(&b);
	}
}

static void test_oversize(void **state)
{
	struct mail_in_options o = options(NULL);
	struct mail_in *m;
	struct err e = ERR_INIT;
	struct buf b;

	(void)state;
	o.max_bytes = 100;
	buf_init(&b, 1 << 26);
	buf_adds(&b, "From: a@example.com\nSubject: big\n\n");
	while (b.len <= 100)
		buf_adds(&b, "0123456789");
	assert_int_equal(mail_in_parse(&m, b.data, b.len, &o, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	assert_int_equal(mail_in_parse(&m, b.data, 100, &o, &e), 0);
	mail_in_free(m);

	/* more parts than allowed: refused before GMime builds them ... */
	o = options(NULL);
	o.max_bytes = 0;
	o.limits.max_parts = 10;
	buf_reset(&b);
	buf_adds(&b, "From: a@example.com\nContent-Type: multipart/mixed; boundary=x\n\n");
	for (int i = 0; i < 200; i++)
		buf_adds(&b, "--x\n\n");
	buf_adds(&b, "--x--\n");
	assert_int_equal(mail_in_parse(&m, b.data, b.len, &o, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	assert_string_equal(e.msg, "message has more than 10 MIME parts");
	/* ... or counted while walking them */
	o.limits.max_parts = 30;
	assert_int_equal(mail_in_parse(&m, b.data, b.len, &o, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	assert_string_equal(e.msg, "message has more than 30 MIME parts");

	/* a flood of header lines */
	buf_reset(&b);
	buf_adds(&b, "From: a@example.com\n");
	for (int i = 0; i < 5000; i++)
		buf_adds(&b, "X-A: b\n");
	buf_adds(&b, "\nbody\n");
	assert_int_equal(mail_in_parse(&m, b.data, b.len, &o, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);

	/* a part over the part size */
	o = options(NULL);
	o.limits.max_part_size = 16;
	assert_int_equal(mail_in_parse(&m, multipart, strlen(multipart), &o, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);

	/* a text longer than intake takes is cut, and attached whole */
	o = options(NULL);
	o.max_bytes = 1 << 22;
	buf_reset(&b);
	buf_adds(&b, "From: a@example.com\nSubject: long\nContent-Type: text/plain; charset=utf-8\n\n"
		     "Version: 9\n");
	for (int i = 0; i < 12000; i++)
		buf_adds(&b, "漏洞0123456\n");   /* 10 characters a line */
	assert_int_equal(mail_in_parse(&m, b.data, b.len, &o, &e), 0);
	assert_int_equal(m->report.nattachments, 1);
	assert_string_equal(att(m, 0)->filename, "message.txt");
	assert_int_equal(att(m, 0)->len, b.len - strlen("From: a@example.com\nSubject: long\n"
		"Content-Type: text/plain; charset=utf-8\n\n") - 1);
	assert_string_equal(m->report.product_version, "9");
	{
		size_t chars = 0;

		for (const char *p = m->report.description; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		assert_true(chars <= 100000);
		assert_true(chars > 99000);
	}
	assert_non_null(strstr(m->report.description, "attached as message.txt"));
	mail_in_free(m);
	buf_release(&b);
}

/* ---- PGP ----------------------------------------------------------------- */

static void test_pgp_keys(void **state)
{
	char dir[PATH_LEN], file[PATH_LEN], fpr[PGP_FPR_LEN], *armored, *sec;
	struct pgp *p;
	struct pgp_import_result r;
	struct err e = ERR_INIT;
	struct stat st;
	size_t len;

	(void)state;
	assert_int_equal(strlen(org_fpr), 40);
	snprintf(dir, sizeof(dir), "%s/org/gnupg", tmp);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* one organisation key: a second init is refused */
	assert_int_equal(pgp_init(org, "Again", ORG_EMAIL, 0, fpr, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(pgp_init(org, "Bad <name>", ORG_EMAIL, 0, fpr, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(pgp_fingerprint(org, fpr, &e), 0);
	assert_string_equal(fpr, org_fpr);
	/* the export is the public key, with the encryption subkey */
	assert_int_equal(pgp_export(org, &armored, &len, &e), 0);
	assert_int_equal(strncmp(armored, "-----BEGIN PGP PUBLIC KEY BLOCK-----", 36), 0);
	assert_null(strstr(armored, "PRIVATE"));
	snprintf(file, sizeof(file), "%s/list.txt", tmp);
	assert_int_equal(run("gpg --homedir '%s' --batch --with-colons --list-keys > '%s' 2>/dev/null",
			     sender, file), 0);
	sec = read_file(file, NULL);
	assert_non_null(strstr(sec, org_fpr));
	assert_non_null(strstr(sec, ":ed25519:"));
	assert_non_null(strstr(sec, ":cv25519:"));
	assert_non_null(strstr(sec, "Example PSIRT <" ORG_EMAIL ">"));
	free(sec);

	/* a public key imported into an empty keyring is not an organisation key */
	snprintf(dir, sizeof(dir), "%s/pub", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(pgp_open(&p, dir, &e), 0);
	assert_int_equal(pgp_import(p, armored, len, &r, &e), 0);
	assert_int_equal(r.considered, 1);
	assert_int_equal(r.imported, 1);
	assert_int_equal(r.secret_imported, 0);
	assert_string_equal(r.fpr, org_fpr);
	assert_int_equal(pgp_import(p, armored, len, &r, &e), 0);
	assert_int_equal(r.unchanged, 1);
	free(armored);
	assert_int_equal(pgp_export(p, &armored, &len, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(pgp_import(p, "not a key", 9, &r, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	pgp_close(p);

	/* the secret key, exported by gpg, imported elsewhere: that keyring can decrypt */
	snprintf(file, sizeof(file), "%s/secret.asc", tmp);
	assert_int_equal(run("gpg --homedir '%s/org/gnupg' --batch --armor --export-secret-keys "
			     "> '%s' 2>/dev/null", tmp, file), 0);
	sec = read_file(file, &len);
	snprintf(dir, sizeof(dir), "%s/other", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(pgp_open(&p, dir, &e), 0);
	assert_int_equal(pgp_import(p, sec, len, &r, &e), 0);
	assert_int_equal(r.secret_imported, 1);
	free(sec);
	assert_int_equal(pgp_fingerprint(p, fpr, &e), 0);
	assert_string_equal(fpr, org_fpr);
	{
		char *c = gpg_encrypt(sender, "moved key", 9);
		unsigned char *plain;
		size_t plen;

		assert_int_equal(pgp_decrypt(p, c, strlen(c), 1024, &plain, &plen, &e), 0);
		assert_int_equal(plen, 9);
		assert_string_equal((char *)plain, "moved key");
		free(plain);
		free(c);
	}
	pgp_close(p);
}

static void test_pgp_decrypt_errors(void **state)
{
	static const char plain[] = "Product: Limits\nforty-five bytes of plaintext here...\n";
	char *c = gpg_encrypt(sender, plain, strlen(plain));
	unsigned char *out;
	size_t n;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(pgp_decrypt(org, c, strlen(c), 1 << 20, &out, &n, &e), 0);
	assert_int_equal(n, strlen(plain));
	assert_memory_equal(out, plain, n);
	free(out);
	/* the plaintext may not pass the maximum */
	assert_int_equal(pgp_decrypt(org, c, strlen(c), 10, &out, &n, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	assert_null(out);
	free(c);
	assert_int_equal(pgp_decrypt(org, "hello", 5, 1024, &out, &n, &e), -1);
	assert_int_equal(e.code, ERR_MALFORMED);
}

static void test_pgp_mime(void **state)
{
	static const char inner[] =
		"Content-Type: multipart/mixed; boundary=\"inner\"; protected-headers=\"v1\"\r\n"
		"Subject: =?UTF-8?B?56eY5a+G77ya6K6k6K+B57uV6L+H?=\r\n"
		"\r\n"
		"--inner\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: 8bit\r\n"
		"\r\n"
		"产品：SecureGate\r\n"
		"版本：2.0\r\n"
		"\r\n"
		"登录页面可以绕过认证。\r\n"
		"--inner\r\n"
		"Content-Type: application/octet-stream\r\n"
		"Content-Disposition: attachment; filename=\"exploit.py\"\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"\r\n"
		"cHJpbnQoMSkK\r\n"
		"--inner--\r\n";
	char *armor = gpg_encrypt(sender, inner, strlen(inner));
	struct buf b;
	struct mail_in *m;
	const struct intake_report *r;

	(void)state;
	buf_init(&b, 1 << 20);
	buf_addf(&b, "From: =?UTF-8?B?546L5LqU?= <wang@example.cn>\n"
		     "To: " ORG_EMAIL "\n"
		     "Subject: ...\n"
		     "Message-ID: <pgp1@example.cn>\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\n"
		     " boundary=\"enc\"\n\n"
		     "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\n"
		     "--enc\n"
		     "Content-Type: application/pgp-encrypted\n"
		     "Content-Description: PGP/MIME version identification\n\n"
		     "Version: 1\n\n"
		     "--enc\n"
		     "Content-Type: application/octet-stream; name=\"encrypted.asc\"\n"
		     "Content-Disposition: inline; filename=\"encrypted.asc\"\n\n"
		     "%s\n"
		     "--enc--\n", armor);
	m = parse_ok(b.data, org);
	r = &m->report;
	assert_int_equal(m->pgp, MAIL_PGP_DECRYPTED);
	assert_string_equal(m->pgp_error, "");
	/* the protected subject replaces the placeholder */
	assert_string_equal(r->title, "秘密：认证绕过");
	assert_string_equal(m->subject, "秘密：认证绕过");
	assert_string_equal(r->description, "产品：SecureGate\n版本：2.0\n\n登录页面可以绕过认证。");
	assert_string_equal(r->product_name, "SecureGate");
	assert_string_equal(r->product_version, "2.0");
	assert_string_equal(r->language, "zh-CN");
	assert_string_equal(r->reporter_name, "王五");
	assert_string_equal(r->reporter_email, "wang@example.cn");
	assert_int_equal(r->nattachments, 1);
	assert_string_equal(att(m, 0)->filename, "exploit.py");
	assert_int_equal(att(m, 0)->len, 9);
	assert_memory_equal(att(m, 0)->data, "print(1)\n", 9);
	/* the report keeps the message as it came, encrypted */
	assert_int_equal(r->raw_len, b.len);
	assert_non_null(strstr((const char *)r->raw, "-----BEGIN PGP MESSAGE-----"));
	mail_in_free(m);

	/* no key to decrypt with: nothing is lost, the encrypted part is attached */
	m = parse_ok(b.data, NULL);
	r = &m->report;
	assert_int_equal(m->pgp, MAIL_PGP_UNDECRYPTED);
	assert_string_equal(m->pgp_error, "no OpenPGP key is configured");
	assert_string_equal(r->title, "...");
	assert_non_null(strstr(r->description, "could not be decrypted: no OpenPGP key is configured"));
	assert_int_equal(r->nattachments, 1);
	assert_string_equal(att(m, 0)->filename, "encrypted.asc");
	assert_string_equal(att(m, 0)->declared_type, "application/pgp-encrypted");
	/* the armor's own last line end is its; the one before the boundary is not */
	assert_int_equal(att(m, 0)->len, strlen(armor));
	assert_memory_equal(att(m, 0)->data, armor, strlen(armor));
	mail_in_free(m);
	buf_release(&b);
	free(armor);
}

static void test_inline_pgp(void **state)
{
	static const char plain[] = "Product: InlineBox\nThe password is hunter2.\n";
	char *armor = gpg_encrypt(sender, plain, strlen(plain));
	struct buf b;
	struct mail_in *m;

	(void)state;
	buf_init(&b, 1 << 20);
	buf_addf(&b, "From: eve@example.org\nSubject: inline\n"
		     "Content-Type: text/plain; charset=us-ascii\n\n"
		     "Hello PSIRT,\n\n%sRegards\n", armor);
	m = parse_ok(b.data, org);
	assert_int_equal(m->pgp, MAIL_PGP_DECRYPTED);
	assert_string_equal(m->report.description,
			    "Hello PSIRT,\n\nProduct: InlineBox\nThe password is hunter2.\nRegards");
	assert_string_equal(m->report.product_name, "InlineBox");
	assert_int_equal(m->report.nattachments, 0);
	mail_in_free(m);
	/* without the key the armored text stays in the report */
	m = parse_ok(b.data, NULL);
	assert_int_equal(m->pgp, MAIL_PGP_UNDECRYPTED);
	assert_non_null(strstr(m->report.description, "-----BEGIN PGP MESSAGE-----"));
	assert_string_equal(m->report.product_name, "(not stated)");
	mail_in_free(m);
	{
		struct mime_limits lim = MIME_LIMITS_DEFAULT;
		struct mime_message *mm;
		struct err e = ERR_INIT;

		assert_int_equal(mime_parse_message(&mm, b.data, b.len, &lim, &e), 0);
		assert_int_equal(mm->pgp_inline, 1);
		assert_int_equal(mm->pgp_mime, 0);
		assert_int_equal(mm->pgp_len, strlen(armor));
		assert_memory_equal(mm->pgp_data, armor, strlen(armor));
		mime_message_free(mm);
	}
	buf_release(&b);
	free(armor);
}

/* ---- multipart/form-data ------------------------------------------------- */

static const char form_body[] =
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"title\"\r\n\r\n"
	"SQL 注入\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"product_name\"\r\n\r\n"
	"网关\r\nsecond line\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"file1\"; filename=\"截图.png\"\r\n"
	"Content-Type: image/png\r\n\r\n"
	"\x89PNG\r\n\x1a\n\0\x01\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"file2\"; filename=\"漏洞说明.txt\"\r\n"
	"Content-Type: text/plain\r\n\r\n"
	"line1\r\nline2\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
	"Content-Type: application/octet-stream\r\n\r\n"
	"\r\n"
	"--XyZ--\r\n";

static void test_form(void **state)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_form *f;
	struct err e = ERR_INIT;
	size_t n = sizeof(form_body) - 1;

	(void)state;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body, n,
					 &lim, &e), 0);
	assert_int_equal(f->nfields, 2);
	assert_string_equal(mime_form_get(f, "title"), "SQL 注入");
	assert_string_equal(mime_form_get(f, "product_name"), "网关\r\nsecond line");
	assert_null(mime_form_get(f, "missing"));
	assert_int_equal(f->nfiles, 3);
	assert_string_equal(f->files[0].field, "file1");
	assert_string_equal(f->files[0].filename, "截图.png");
	assert_string_equal(f->files[0].content_type, "image/png");
	assert_int_equal(f->files[0].len, 10);
	assert_memory_equal(f->files[0].data, "\x89PNG\r\n\x1a\n\0\x01", 10);
	assert_string_equal(f->files[1].field, "file2");
	assert_string_equal(f->files[1].filename, "漏洞说明.txt");
	assert_string_equal(f->files[1].content_type, "text/plain");
	assert_int_equal(f->files[1].len, 12);
	assert_memory_equal(f->files[1].data, "line1\r\nline2", 12);
	/* a file input left empty */
	assert_string_equal(f->files[2].filename, "");
	assert_int_equal(f->files[2].len, 0);
	mime_form_free(f);
	/* the boundary quoted, in another case of the media type */
	assert_int_equal(mime_parse_form(&f, "Multipart/Form-Data; boundary=\"XyZ\"; charset=utf-8",
					 form_body, n, &lim, &e), 0);
	assert_int_equal(f->nfiles, 3);
	mime_form_free(f);
}

static void test_form_errors(void **state)
{
	static const char nameless[] =
		"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n";
	static const char no_headers[] = "--b\r\n\r\nx\r\n--b--\r\n";
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_form *f;
	struct err e = ERR_INIT;
	size_t n = sizeof(form_body) - 1;
	struct buf b;

	(void)state;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data", form_body, n, &lim, &e), -1);
	assert_null(f);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_string_equal(e.msg, "multipart/form-data has no boundary");
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=", form_body, n, &lim,
					 &e), -1);
	assert_int_equal(e.code, ERR_MALFORMED);
	/* cut anywhere before the closing delimiter */
	for (size_t cut = 0; cut < n - 4; cut += 7) {
		assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body,
						 cut, &lim, &e), -1);
		assert_int_equal(e.code, ERR_MALFORMED);
	}
	assert_string_equal(e.msg, "multipart/form-data body is truncated (no closing boundary)");
	assert_int_equal(mime_parse_form(&f, "application/json", "{}", 2, &lim, &e), -1);
	assert_int_equal(e.code, ERR_MEDIA_TYPE);
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=b\r\nX: y", nameless,
					 strlen(nameless), &lim, &e), -1);
	assert_int_equal(e.code, ERR_MEDIA_TYPE);
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=b", nameless,
					 strlen(nameless), &lim, &e), -1);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_string_equal(e.msg, "form part 1 has no form-data name");
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=b", no_headers,
					 strlen(no_headers), &lim, &e), -1);
	assert_int_equal(e.code, ERR_MALFORMED);
	/* limits: parts, part size */
	lim.max_parts = 4;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body, n,
					 &lim, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	lim = (struct mime_limits)MIME_LIMITS_DEFAULT;
	/* the largest part is product_name's 19 bytes; all parts hold 10+19+10+12+0 */
	lim.max_part_size = 18;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body, n,
					 &lim, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	lim.max_part_size = 19;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body, n,
					 &lim, &e), 0);
	mime_form_free(f);
	lim.max_total = 50;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body, n,
					 &lim, &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	lim.max_total = 51;
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=XyZ", form_body, n,
					 &lim, &e), 0);
	mime_form_free(f);
	/* many parts are refused before GMime builds them */
	lim = (struct mime_limits)MIME_LIMITS_DEFAULT;
	lim.max_parts = 5;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 100; i++)
		buf_adds(&b, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n");
	buf_adds(&b, "--b--\r\n");
	assert_int_equal(mime_parse_form(&f, "multipart/form-data; boundary=b", b.data, b.len, &lim,
					 &e), -1);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	buf_release(&b);
}

/* ---- building and sending ------------------------------------------------ */

static void test_build_text(void **state)
{
	struct mime_text_message tm = {
		.from = ORG_EMAIL, .from_name = "示例 PSIRT", .to = "alice@example.com",
		.to_name = "Alice \"A\" Smith",
		.subject = "漏洞报告已收到 / Vulnerability report received (receipt 42) ✓ and more",
		.body = "第一行\n第二行 = 2\n\n.dot\n",
		.date_us = INT64_C(1764000000) * 1000000,
		.message_id = "x1@example.cn", .in_reply_to = "orig@example.com",
	};
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_message *mm;
	struct err e = ERR_INIT;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(mime_build_text(&text, &len, &tm, &e), 0);
	assert_int_equal(len, strlen(text));
	assert_non_null(strstr(text, "Date: Mon, 24 Nov 2025 16:00:00 +0000\r\n"));
	assert_non_null(strstr(text, "To: \"Alice \\\"A\\\" Smith\" <alice@example.com>\r\n"));
	assert_non_null(strstr(text, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(text, "Content-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(text, "Content-Transfer-Encoding: base64\r\n"));
	assert_non_null(strstr(text, "In-Reply-To: <orig@example.com>\r\n"));
	assert_non_null(strstr(text, "Subject: =?UTF-8?Q?"));
	for (const char *p = text; *p; p++)
		assert_true((unsigned char)*p < 0x80);   /* all 7-bit on the wire */
	assert_int_equal(mime_parse_message(&mm, text, len, &lim, &e), 0);
	assert_string_equal(mm->subject, tm.subject);
	assert_string_equal(mm->from_name, "示例 PSIRT");
	assert_string_equal(mm->from_addr, ORG_EMAIL);
	assert_string_equal(mm->message_id, "x1@example.cn");
	assert_true(mm->date_us == tm.date_us);
	assert_string_equal(mm->body, tm.body);
	mime_message_free(mm);
	free(text);

	/* ASCII text goes quoted-printable; a line break in the subject is no new header */
	tm.subject = "plain\r\nBcc: victim@example.com";
	tm.body = "Line one\nx = y\n.starts with a dot\n";
	tm.to_name = NULL;
	tm.in_reply_to = "not a message id";
	assert_int_equal(mime_build_text(&text, &len, &tm, &e), 0);
	assert_non_null(strstr(text, "Content-Transfer-Encoding: quoted-printable\r\n"));
	assert_null(strstr(text, "\nBcc:"));
	assert_null(strstr(text, "In-Reply-To"));
	assert_non_null(strstr(text, "To: <alice@example.com>\r\n"));
	assert_int_equal(mime_parse_message(&mm, text, len, &lim, &e), 0);
	assert_string_equal(mm->subject, "plain  Bcc: victim@example.com");
	assert_string_equal(mm->body, tm.body);
	mime_message_free(mm);
	free(text);

	tm.to = "not an address";
	assert_int_equal(mime_build_text(&text, &len, &tm, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	tm.to = "a@b@c";
	assert_int_equal(mime_build_text(&text, &len, &tm, &e), -1);
	tm.to = "a@example.com>\r\nRCPT TO:<x@y";
	assert_int_equal(mime_build_text(&text, &len, &tm, &e), -1);
}

struct sink {
	pid_t pid;
	int port;
	char dir[PATH_LEN];
};

static void sink_start(struct sink *s, const char *name)
{
	char script[PATH_LEN + 64], line[64];
	int fd[2];
	FILE *f;

	snprintf(s->dir, sizeof(s->dir), "%s/%s", tmp, name);
	assert_int_equal(mkdir(s->dir, 0700), 0);
	snprintf(script, sizeof(script), "%stests/mail/smtp_sink.py", repo_dir());
	assert_int_equal(access(script, R_OK), 0);
	assert_int_equal(pipe(fd), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("/usr/bin/python3", "python3", script, s->dir, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL || sscanf(line, "PORT %d", &s->port) != 1)
		fail_msg("smtp_sink.py did not start");
	fclose(f);
}

static void sink_stop(struct sink *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

/* The k-th message the sink received (waiting up to 10 s), or NULL. */
static char *sink_message(const struct sink *s, int k, size_t *len)
{
	char path[PATH_LEN + 32];

	snprintf(path, sizeof(path), "%s/%d.eml", s->dir, k);
	for (int i = 0; i < 200 && access(path, R_OK) != 0; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return read_file(path, len);
}

static void test_smtp_ack(void **state)
{
	struct sink s;
	char url[64], *raw, *env, path[PATH_LEN + 32];
	struct intake_receipt r;
	struct mail_out_config c = { .from = ORG_EMAIL, .from_name = "Example PSIRT", .timeout = 10 };
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_message *mm;
	struct err e = ERR_INIT;
	size_t len;

	(void)state;
	sink_start(&s, "sink1");
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s.port);
	c.url = url;
	memset(&r, 0, sizeof(r));
	r.id = 4242;
	r.received_at = INT64_C(1764000000123456);   /* 2025-11-24T16:00:00.123456Z */
	r.leaf_index = 17;
	for (int i = 0; i < HASH_LEN; i++)
		r.leaf_hash[i] = (unsigned char)i;
	snprintf(r.status_token, sizeof(r.status_token), "vfst_TeStToKeN");
	assert_int_equal(mail_out_receipt(&c, "li.lei@example.cn", "李雷", "orig-1@example.cn", &r,
					  &e), 0);
	raw = sink_message(&s, 1, &len);
	assert_non_null(raw);
	snprintf(path, sizeof(path), "%s/1.env", s.dir);
	env = read_file(path, NULL);
	assert_string_equal(env, "MAIL FROM " ORG_EMAIL "\nRCPT TO li.lei@example.cn\n");
	free(env);
	assert_int_equal(mime_parse_message(&mm, raw, len, &lim, &e), 0);
	assert_string_equal(mm->subject,
			    "漏洞报告已收到 / Vulnerability report received (receipt 4242)");
	assert_string_equal(mm->from_addr, ORG_EMAIL);
	assert_string_equal(mm->from_name, "Example PSIRT");
	assert_non_null(strstr(raw, "In-Reply-To: <orig-1@example.cn>"));
	assert_non_null(strstr(raw, "Message-ID: <vulnflow."));
	assert_non_null(strstr(mm->body, "回执编号：4242\n"));
	assert_non_null(strstr(mm->body, "  Receipt:        4242\n"));
	assert_non_null(strstr(mm->body, "2025-11-25T00:00:00.123456+08:00（北京时间）"));
	assert_non_null(strstr(mm->body, "2025-11-24T16:00:00.123456Z (UTC)"));
	assert_non_null(strstr(mm->body, "  Log leaf index: 17\n"));
	assert_non_null(strstr(mm->body, "000102030405060708090a0b0c0d0e0f"
					 "101112131415161718191a1b1c1d1e1f"));
	assert_non_null(strstr(mm->body, "  Status token:   vfst_TeStToKeN\n"));
	assert_non_null(strstr(mm->body, "状态查询令牌：vfst_TeStToKeN"));
	mime_message_free(mm);
	free(raw);

	/* a password is never sent over a connection that has no TLS */
	c.user = "psirt";
	c.password = "secret";
	assert_int_equal(mail_out_receipt(&c, "li.lei@example.cn", NULL, NULL, &r, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	snprintf(path, sizeof(path), "%s/2.eml", s.dir);
	assert_int_not_equal(access(path, F_OK), 0);
	sink_stop(&s);

	/* the relay is not there */
	c.user = NULL;
	assert_int_equal(mail_out_receipt(&c, "li.lei@example.cn", NULL, NULL, &r, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	/* configuration errors */
	c.url = "http://127.0.0.1/";
	assert_int_equal(mail_out_receipt(&c, "li.lei@example.cn", NULL, NULL, &r, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	c.url = url;
	c.from = "";
	assert_int_equal(mail_out_check(&c, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

/* ---- `vulnflow mail ingest` end to end ----------------------------------- */

static json_t *run_json(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[65536];
	size_t n;
	json_t *j;

	assert_non_null(p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	j = json_loads(buf, 0, NULL);
	if (j == NULL)
		fail_msg("not JSON: %s", buf);
	return j;
}

static void test_cli_ingest(void **state)
{
	const char *bin = vulnflow_bin();
	struct init_options io = { 0 };
	struct init_result ir;
	struct sink s;
	struct err e = ERR_INIT;
	char inst[PATH_LEN], md[PATH_LEN], home[PATH_LEN], path[PATH_LEN * 2], cmd[PATH_LEN * 4];
	char *out, *armor, *raw;
	struct buf b;
	size_t pgp_len;
	json_t *j;

	(void)state;
	assert_int_equal(access(bin, X_OK), 0);
	snprintf(inst, sizeof(inst), "%s/inst", tmp);
	io.dir = inst;
	assert_int_equal(instance_init(&io, &ir, &e), 0);
	assert_int_equal(run("'%s' pgp init --dir '%s' --name 'Example PSIRT' --email " ORG_EMAIL
			     " >/dev/null", bin, inst), 0);
	assert_int_equal(run("'%s' pgp init --dir '%s' --name Again --email " ORG_EMAIL
			     " 2>/dev/null", bin, inst), 1);
	assert_int_equal(run("'%s' pgp --help >/dev/null", bin), 0);
	assert_int_equal(run("'%s' pgp init --dir '%s' 2>/dev/null", bin, inst), 2);
	/* a reporter's keyring with the exported key */
	snprintf(home, sizeof(home), "%s/reporter", tmp);
	assert_int_equal(mkdir(home, 0700), 0);
	assert_int_equal(run("'%s' pgp export --dir '%s' > '%s/inst.asc' && gpg --homedir '%s' "
			     "--batch --quiet --import '%s/inst.asc' 2>/dev/null",
			     bin, inst, tmp, home, tmp), 0);

	snprintf(md, sizeof(md), "%s/Maildir", tmp);
	assert_int_equal(run("mkdir -p '%s/new' '%s/cur' '%s/tmp'", md, md, md), 0);
	snprintf(path, sizeof(path), "%s/new/1-plain", md);
	write_file(path, multipart, strlen(multipart));
	armor = gpg_encrypt(home, "Content-Type: text/plain; charset=utf-8\n\n产品：Box\n秘密\n",
			    strlen("Content-Type: text/plain; charset=utf-8\n\n产品：Box\n秘密\n"));
	buf_init(&b, 1 << 20);
	buf_addf(&b, "From: wang@example.cn\nSubject: encrypted\nMessage-ID: <e2@example.cn>\n"
		     "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
		     "boundary=enc\n\n--enc\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
		     "--enc\nContent-Type: application/octet-stream\n\n%s\n--enc--\n", armor);
	free(armor);
	snprintf(path, sizeof(path), "%s/new/2-pgp", md);
	write_file(path, b.data, b.len);
	pgp_len = b.len;
	snprintf(path, sizeof(path), "%s/new/3-garbage", md);
	write_file(path, "not a message\n", 14);
	buf_reset(&b);
	buf_adds(&b, "From: big@example.com\nSubject: big\n\n");
	while (b.len < 5000)
		buf_adds(&b, "0123456789012345678901234567890123456789\n");
	snprintf(path, sizeof(path), "%s/new/4-big", md);
	write_file(path, b.data, b.len);
	snprintf(path, sizeof(path), "%s/new/.hidden", md);
	write_file(path, "x", 1);

	sink_start(&s, "sink2");
	snprintf(cmd, sizeof(cmd),
		 "VULNFLOW_SMTP_URL=smtp://127.0.0.1:%d VULNFLOW_SMTP_FROM=" ORG_EMAIL
		 " VULNFLOW_MAIL_MAX_BYTES=4096 '%s' mail ingest --dir '%s' --maildir '%s' "
		 "> '%s/ingest.out'", s.port, bin, inst, md, tmp);
	assert_int_equal(run("%s", cmd), 0);
	snprintf(path, sizeof(path), "%s/ingest.out", tmp);
	out = read_file(path, NULL);
	snprintf(cmd, sizeof(cmd),
		 "accepted 1-plain report 1 leaf 0 ack sent\n"
		 "accepted 2-pgp report 2 leaf 1 decrypted ack sent\n"
		 "rejected 3-garbage leaf 2: message cannot be parsed as MIME\n"
		 "rejected 4-big leaf 3: message of %zu bytes is over the limit of 4096 bytes\n",
		 b.len);
	assert_string_equal(out, cmd);
	free(out);
	/* every logged message moved to cur/, marked seen */
	assert_int_equal(run("ls '%s/new' | wc -l | grep -qx 0 && ls '%s/cur' | tr '\\n' ' ' | "
			     "grep -qx '1-plain:2,S 2-pgp:2,S 3-garbage:2,S 4-big:2,S '", md, md), 0);
	/* the acknowledgements */
	raw = sink_message(&s, 1, NULL);
	assert_non_null(raw);
	assert_non_null(strstr(raw, "To: \"Alice\" <alice@example.com>"));
	assert_non_null(strstr(raw, "In-Reply-To: <m2@example.com>"));
	free(raw);
	raw = sink_message(&s, 2, NULL);
	assert_non_null(raw);
	assert_non_null(strstr(raw, "To: <wang@example.cn>"));
	free(raw);
	/* the decrypted report as intake stored it */
	snprintf(cmd, sizeof(cmd), "'%s' report show 2 --dir '%s'", bin, inst);
	j = run_json(cmd);
	assert_string_equal(json_string_value(json_object_get(j, "description")), "产品：Box\n秘密");
	assert_string_equal(json_string_value(json_object_get(j, "channel")), "email");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "product"),
							      "name")), "Box");
	assert_int_equal(json_integer_value(json_object_get(j, "raw_size")), (json_int_t)pgp_len);
	json_decref(j);
	snprintf(cmd, sizeof(cmd), "'%s' report show 1 --dir '%s'", bin, inst);
	j = run_json(cmd);
	assert_int_equal(json_array_size(json_object_get(j, "attachments")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "raw_size")),
			 (json_int_t)strlen(multipart));
	json_decref(j);

	/* one message on stdin; no smtp_url: no acknowledgement */
	snprintf(path, sizeof(path), "%s/stdin.eml", tmp);
	write_file(path, "From: s@example.com\nSubject: via pipe\n\ntext\n", 43);
	assert_true(snprintf(cmd, sizeof(cmd), "'%s' mail ingest --dir '%s' --json < '%s'", bin,
			     inst, path) < (int)sizeof(cmd));
	j = run_json(cmd);
	assert_string_equal(json_string_value(json_object_get(j, "outcome")), "accepted");
	/* rejections are log entries with ids of their own: 3 and 4 */
	assert_int_equal(json_integer_value(json_object_get(j, "report_id")), 5);
	assert_int_equal(json_integer_value(json_object_get(j, "leaf_index")), 4);
	assert_null(json_object_get(j, "ack"));
	json_decref(j);
	sink_stop(&s);
	/* usage errors */
	assert_int_equal(run("'%s' mail 2>/dev/null >/dev/null", bin), 2);
	assert_int_equal(run("'%s' mail fetch 2>/dev/null", bin), 2);
	assert_int_equal(run("'%s' mail ingest --dir '%s' --maildir '%s/none' 2>/dev/null",
			     bin, inst, tmp), 1);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_no_subject_no_text),
		cmocka_unit_test(test_multipart_attachments),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_pgp_keys),
		cmocka_unit_test(test_pgp_decrypt_errors),
		cmocka_unit_test(test_pgp_mime),
		cmocka_unit_test(test_inline_pgp),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_form_errors),
		cmocka_unit_test(test_build_text),
		cmocka_unit_test(test_smtp_ack),
		cmocka_unit_test(test_cli_ingest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
