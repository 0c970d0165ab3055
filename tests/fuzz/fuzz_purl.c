/* fuzz_purl.c - libFuzzer target for the Package URL parser (rules/purl.c).
 *
 * Any bytes either parse or are refused with ERR_INVALID and a message
 * naming the purl.  What parses must be idempotent: its canonical form
 * parses again, to the same components and to a canonical form equal to the
 * first one; anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

static int same_purl(const struct purl *a, const struct purl *b)
{
	if (!same(a->type, b->type) || !same(a->namespace, b->namespace) ||
	    !same(a->name, b->name) || !same(a->version, b->version) ||
	    !same(a->subpath, b->subpath) || a->nqualifiers != b->nqualifiers)
		return 0;
	for (size_t i = 0; i < a->nqualifiers; i++)
		if (!same(a->qualifiers[i].key, b->qualifiers[i].key) ||
		    !same(a->qualifiers[i].value, b->qualifiers[i].value))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct purl *a = NULL, *b = NULL;
	struct err e = ERR_INIT;
	char *first = NULL, *second = NULL;

	if (purl_parse(&a, (const char *)data, size, &e) < 0) {
		if (a != NULL || e.code != ERR_INVALID || strncmp(e.msg, "purl \"", 6) != 0)
			abort();
		return 0;
	}
	if (a->type == NULL || a->name == NULL || a->name[0] == '\0')
		abort();
	if (purl_build(&first, a, &e) < 0) {
		/* only a canonical form too long to be parsed again may be refused */
		if (first != NULL || size < PURL_MAX_LEN / 8)
			abort();
		purl_free(a);
		return 0;
	}
	if (purl_parse(&b, first, strlen(first), &e) < 0 || !same_purl(a, b))
		abort();
	if (purl_build(&second, b, &e) < 0 || strcmp(first, second) != 0)
		abort();
	free(first);
	free(second);
	purl_free(a);
	purl_free(b);
	return 0;
}
