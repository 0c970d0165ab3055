/* cwe.h - CWE ids and names from MITRE's catalogue (pure).
 *
 * The table is data/cwe/cwe.tsv, made by tools/cwe_convert.py from the npm
 * package cwe-sdk (which ships MITRE's catalogue XML) and embedded into the
 * binary at build time by tools/embed_text.py as cwe_tsv[].  It holds every
 * weakness, category and view of the catalogue, one line each, sorted by id:
 *
 *	id <TAB> kind <TAB> status <TAB> usage <TAB> name_zh <TAB> name_en
 *
 * Lookups binary-search that text in place: no parsing at start-up, no
 * allocation, no mutable state, safe from any thread.
 *
 * Names: name_en is MITRE's; name_zh is empty unless a reviewed Chinese
 * source was merged by the converter (never machine translation).
 */
#ifndef VF_CWE_H
#define VF_CWE_H

#include <stddef.h>

#define CWE_NAME_MAX 256      /* longest name, with NUL (the converter enforces it) */

/* The embedded data/cwe/cwe.tsv (generated; see tools/embed_text.py). */
extern const char cwe_tsv[];
extern const size_t cwe_tsv_len;

struct cwe_entry {
	int id;
	char kind[16];        /* "weakness", "category" or "view" */
	char status[16];      /* MITRE's: "Stable", "Draft", "Incomplete", "Obsolete",
			       * "Deprecated" */
	char usage[24];       /* MITRE's mapping guidance: "Allowed", "Allowed-with-Review",
			       * "Discouraged", "Prohibited", or "" */
	char name_zh[CWE_NAME_MAX];   /* "" when there is no reviewed Chinese name */
	char name_en[CWE_NAME_MAX];
};

/* Fill *out with CWE-id; 0 if found, -1 if the catalogue has no such id. */
int cwe_lookup(int id, struct cwe_entry *out);
/* 1 if id is in the catalogue and not Deprecated (what a case may carry). */
int cwe_valid(int id);
/* Parse "CWE-79", "cwe-79" or "79" (whole string) into *id; 0 ok, -1 if not an id. */
int cwe_parse(const char *s, int *id);
/* Number of entries in the table. */
size_t cwe_count(void);
/* The first header line of the table, without "# ": generator, package and
 * MITRE catalogue version; copied into buf (truncated to n - 1 bytes). */
void cwe_provenance(char *buf, size_t n);

#endif
