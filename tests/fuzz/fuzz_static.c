/* fuzz_static.c - libFuzzer target for the web UI's templates and Accept-Language (static.c).
 *
 * The input's first line is an Accept-Language header, the rest a template.
 * The header yields "zh-CN", "en" or NULL; the template renders in that
 * language against two small catalogs and two values, and whatever the
 * input, nothing of a value or catalog string comes out unescaped: the
 * output never holds a '<' that the template text did not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "http/static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct static_site *site;

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

static char dir[] = "/tmp/vulnflow-fuzz-static.XXXXXX";

/* The catalogs are in memory once loaded: the directory goes at exit. */
static void remove_site(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/i18n/zh-CN.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/i18n/en.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/i18n", dir);
	rmdir(path);
	rmdir(dir);
}

static void make_site(void)
{
	char sub[64];
	struct err e = ERR_INIT;

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(remove_site);
	snprintf(sub, sizeof(sub), "%s/i18n", dir);
	if (mkdir(sub, 0700) < 0)
		abort();
	put(dir, "i18n/zh-CN.json", "{\"a\":\"<甲>\",\"b\":\"&'\\\"\",\"c\":\"{{t:a}}\"}");
	put(dir, "i18n/en.json", "{\"a\":\"<a>\",\"b\":\"x\"}");
	if (static_open(&site, dir, &e) < 0)
		abort();
}

static size_t count_lt(const char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == '<';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct static_var vars[] = { { "x", "<b>\"'&" }, { "y", "" } };
	const uint8_t *nl = memchr(data, '\n', size);
	char header[256];
	const char *lang;
	struct buf b;
	size_t k;

	if (site == NULL)
		make_site();
	if (nl == NULL || (size_t)(nl - data) >= sizeof(header))
		return 0;
	k = (size_t)(nl - data);
	memcpy(header, data, k);
	header[k] = '\0';
	lang = static_lang_accept(header);
	if (lang != NULL && strcmp(lang, "zh-CN") != 0 && strcmp(lang, "en") != 0)
		abort();
	buf_init(&b, 1 << 24);
	static_render_text(&b, site, lang, (const char *)nl + 1, size - k - 1, vars, 2);
	if (count_lt(b.data ? b.data : "", b.len) > count_lt((const char *)nl + 1, size - k - 1))
		abort();
	buf_release(&b);
	return 0;
}
