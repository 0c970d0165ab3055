/* sbom.c - the SBOM model: parse entry point, memory, ref index, edges, diagnostics, checks.
 *
 * sbom_parse() loads the JSON with jansson, tells the format apart and hands
 * the document to cyclonedx_parse() or spdx_parse(), which fill the model
 * through the sb_* helpers below (sbom_build.h).  Then one pass over the
 * dependency graph (iterative Tarjan) reports every cycle.  Everything is
 * linear in the input: strings and small arrays come from a bump arena,
 * refs are found through an open-addressing hash table, duplicate edges
 * through a hash set of (from, to, kind).
 */
#include "formats/sbom.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "formats/cyclonedx.h"
#include "formats/sbom_build.h"
#include "formats/spdx.h"

#define ARENA_BLOCK (64 * 1024)
#define CYCLE_SHOW 8          /* refs named in a cycle warning */
#define MAX_COMPONENTS ((size_t)1 << 30)

struct arena_block {
	_Alignas(16) struct arena_block *next;
	size_t used;
	size_t size;
};

struct ref_slot {
	const char *key;      /* NULL: empty */
	uint32_t hash;
	long idx;
};

struct sbom_priv {
	uint64_t seed;        /* per sbom, so crafted refs cannot all collide */
	struct arena_block *blocks;
	size_t comp_alloc;
	size_t edge_alloc;
	struct ref_slot *refs;
	size_t ref_cap;       /* a power of two, or 0 */
	size_t ref_n;
	uint64_t *eset;       /* edge keys + 1; 0: empty */
	size_t eset_cap;
	size_t eset_n;
};

/* ---- diagnostics ---------------------------------------------------- */

void sbom_diag_init(struct sbom_diag *d, size_t max)
{
	memset(d, 0, sizeof(*d));
	d->max = max ? max : SBOM_DIAG_MAX_DEFAULT;
}

void sbom_diag_release(struct sbom_diag *d)
{
	size_t max = d->max;

	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].path);
		free(d->items[i].msg);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
	d->max = max;
}

static char *vformat(const char *fmt, va_list ap)
{
	char tmp[256], *s;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, aq);
	va_end(aq);
	if (n < 0)
		return xstrdup("");
	if ((size_t)n < sizeof(tmp))
		return xstrdup(tmp);
	s = xmalloc((size_t)n + 1);
	if (vsnprintf(s, (size_t)n + 1, fmt, ap) < 0)
		s[0] = '\0';
	return s;
}

static void diag_add(struct sbom_diag *d, const char *code, const char *path, const char *key,
		     const char *fmt, va_list ap)
{
	struct sbom_diag_item *it;
	size_t plen = strlen(path), klen = key ? strlen(key) : 0;
	char *p;

	if (d == NULL)
		return;
	if (d->n >= d->max) {
		d->dropped++;
		return;
	}
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 16;
		d->items = xrealloc(d->items, d->alloc * sizeof(*d->items));
	}
	p = xmalloc(plen + klen + 2);
	memcpy(p, path, plen);
	if (key != NULL) {
		size_t at = plen;

		if (plen > 0)
			p[at++] = '.';
		memcpy(p + at, key, klen);
		p[at + klen] = '\0';
	} else {
		p[plen] = '\0';
	}
	it = &d->items[d->n++];
	it->code = code;
	it->path = p;
	it->msg = vformat(fmt, ap);
}

void sb_warn(struct sb *b, const char *code, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(b->d, code, b->path, key, fmt, ap);
	va_end(ap);
}

int sb_fail(struct sb *b, struct err *e, const char *key, const char *name, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key != NULL)
		return err_setn(e, ERR_INVALID, name, "%s%s%s: %s", b->path, b->plen ? "." : "",
				key, msg);
	return err_setn(e, ERR_INVALID, name, "%s: %s", b->plen ? b->path : "document", msg);
}

/* ---- the path -------------------------------------------------------- */

/* Append n bytes to the path, as many as fit (a path is only ever shown). */
static void path_put(struct sb *b, const char *p, size_t n)
{
	if (n > sizeof(b->path) - 1 - b->plen)
		n = sizeof(b->path) - 1 - b->plen;
	memcpy(b->path + b->plen, p, n);
	b->plen += n;
	b->path[b->plen] = '\0';
}

size_t sb_push_key(struct sb *b, const char *key)
{
	size_t old = b->plen;

	if (b->plen > 0)
		path_put(b, ".", 1);
	path_put(b, key, strlen(key));
	return old;
}

size_t sb_push_index(struct sb *b, size_t i)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	size_t old = b->plen;

	*--p = ']';
	do {
		*--p = (char)('0' + i % 10);
		i /= 10;
	} while (i > 0);
	*--p = '[';
	path_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
	return old;
}

void sb_pop(struct sb *b, size_t len)
{
	if (len < sizeof(b->path)) {
		b->plen = len;
		b->path[len] = '\0';
	}
}

/* ---- memory ---------------------------------------------------------- */

void *sb_alloc(struct sb *b, size_t n)
{
	struct sbom_priv *p = b->s->priv;
	struct arena_block *blk = p->blocks;
	char *mem;

	n = (n + 15) & ~(size_t)15;
	if (blk == NULL || blk->size - blk->used < n) {
		size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;

		blk = xmalloc(sizeof(*blk) + size);
		blk->size = size;
		blk->used = 0;
		if (size == ARENA_BLOCK || p->blocks == NULL) {
			blk->next = p->blocks;
			p->blocks = blk;
		} else {	/* a big one-off: keep filling the current block */
			blk->next = p->blocks->next;
			p->blocks->next = blk;
		}
	}
	mem = (char *)(blk + 1) + blk->used;
	blk->used += n;
	memset(mem, 0, n);
	return mem;
}

const char *sb_strndup(struct sb *b, const char *s, size_t n)
{
	char *p = sb_alloc(b, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

const char *sb_jstr(struct sb *b, const json_t *v)
{
	return sb_strndup(b, json_string_value(v), json_string_length(v));
}

/* ---- typed members --------------------------------------------------- */

int sb_str(struct sb *b, json_t *obj, const char *key, int required, const char **out,
	   struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return required ? sb_fail(b, e, key, "missing_field", "missing") : 0;
	if (!json_is_string(v))
		return sb_fail(b, e, key, NULL, "not a string");
	*out = sb_jstr(b, v);
	return 0;
}

int sb_arr(struct sb *b, json_t *obj, const char *key, int required, json_t **out,
	   struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return required ? sb_fail(b, e, key, "missing_field", "missing") : 0;
	if (!json_is_array(v))
		return sb_fail(b, e, key, NULL, "not an array");
	*out = v;
	return 0;
}

int sb_obj(struct sb *b, json_t *obj, const char *key, int required, json_t **out,
	   struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return required ? sb_fail(b, e, key, "missing_field", "missing") : 0;
	if (!json_is_object(v))
		return sb_fail(b, e, key, NULL, "not an object");
	*out = v;
	return 0;
}

/* ---- components, refs, edges ----------------------------------------- */

size_t sb_component(struct sb *b, enum sbom_kind kind, long parent)
{
	struct sbom *s = b->s;
	struct sbom_priv *p = s->priv;
	struct sbom_component *c;

	if (s->n_components == p->comp_alloc) {
		p->comp_alloc = p->comp_alloc ? p->comp_alloc * 2 : 64;
		s->components = xrealloc(s->components, p->comp_alloc * sizeof(*s->components));
	}
	c = &s->components[s->n_components];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->parent = parent;
	return s->n_components++;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* FNV-1a (64 bits) from a per-sbom basis, then mixed. */
static uint32_t str_hash(const struct sbom_priv *p, const char *s)
{
	uint64_t h = 14695981039346656037ULL ^ p->seed;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (uint32_t)mix64(h);
}

static void refs_grow(struct sbom_priv *p)
{
	size_t cap = p->ref_cap ? p->ref_cap * 2 : 256;
	struct ref_slot *t = xcalloc(cap, sizeof(*t));

	for (size_t i = 0; i < p->ref_cap; i++) {
		struct ref_slot *o = &p->refs[i];
		size_t j;

		if (o->key == NULL)
			continue;
		for (j = o->hash & (cap - 1); t[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		t[j] = *o;
	}
	free(p->refs);
	p->refs = t;
	p->ref_cap = cap;
}

int sb_ref_add(struct sb *b, const char *ref, long idx)
{
	struct sbom_priv *p = b->s->priv;
	uint32_t h = str_hash(p, ref);
	size_t j;

	if ((p->ref_n + 1) * 2 > p->ref_cap)
		refs_grow(p);
	for (j = h & (p->ref_cap - 1); p->refs[j].key != NULL; j = (j + 1) & (p->ref_cap - 1))
		if (p->refs[j].hash == h && strcmp(p->refs[j].key, ref) == 0)
			return -1;
	p->refs[j].key = ref;
	p->refs[j].hash = h;
	p->refs[j].idx = idx;
	p->ref_n++;
	return 0;
}

long sb_ref_find(const struct sbom *s, const char *ref)
{
	const struct sbom_priv *p = s->priv;
	uint32_t h;

	if (p == NULL || p->ref_cap == 0 || ref == NULL)
		return SB_REF_NONE;
	h = str_hash(p, ref);
	for (size_t j = h & (p->ref_cap - 1); p->refs[j].key != NULL;
	     j = (j + 1) & (p->ref_cap - 1))
		if (p->refs[j].hash == h && strcmp(p->refs[j].key, ref) == 0)
			return p->refs[j].idx;
	return SB_REF_NONE;
}

long sbom_find(const struct sbom *s, const char *ref)
{
	long i = sb_ref_find(s, ref);

	return i >= 0 ? i : -1;
}

static void eset_grow(struct sbom_priv *p)
{
	size_t cap = p->eset_cap ? p->eset_cap * 2 : 256;
	uint64_t *t = xcalloc(cap, sizeof(*t));

	for (size_t i = 0; i < p->eset_cap; i++) {
		size_t j;

		if (p->eset[i] == 0)
			continue;
		for (j = mix64(p->eset[i] ^ p->seed) & (cap - 1); t[j] != 0;
		     j = (j + 1) & (cap - 1))
			;
		t[j] = p->eset[i];
	}
	free(p->eset);
	p->eset = t;
	p->eset_cap = cap;
}

int sb_edge(struct sb *b, size_t from, size_t to, enum sbom_edge_kind kind)
{
	struct sbom *s = b->s;
	struct sbom_priv *p = s->priv;
	uint64_t key = (((uint64_t)from << 33) | ((uint64_t)to << 1) | (uint64_t)kind) + 1;
	size_t j;

	if ((p->eset_n + 1) * 2 > p->eset_cap)
		eset_grow(p);
	for (j = mix64(key ^ p->seed) & (p->eset_cap - 1); p->eset[j] != 0;
	     j = (j + 1) & (p->eset_cap - 1))
		if (p->eset[j] == key)
			return 0;
	p->eset[j] = key;
	p->eset_n++;
	if (s->n_edges == p->edge_alloc) {
		p->edge_alloc = p->edge_alloc ? p->edge_alloc * 2 : 64;
		s->edges = xrealloc(s->edges, p->edge_alloc * sizeof(*s->edges));
	}
	s->edges[s->n_edges].from = from;
	s->edges[s->n_edges].to = to;
	s->edges[s->n_edges].kind = kind;
	s->n_edges++;
	return 1;
}

/* ---- shape checks ---------------------------------------------------- */

static int is_hex(int c)
{
	return isxdigit((unsigned char)c);
}

int sb_purl_ok(const char *purl)
{
	const char *p = purl, *name_end, *slash;

	if (strncasecmp(p, "pkg:", 4) != 0)
		return 0;
	p += 4;
	while (*p == '/')	/* "pkg://type/..." is tolerated by the spec */
		p++;
	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '.' || *p == '+' || *p == '-')
		p++;
	if (*p != '/')
		return 0;
	for (const char *q = purl; *q; q++) {
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return 0;
		if (*q == '%' && !(is_hex(q[1]) && is_hex(q[2])))
			return 0;
	}
	name_end = p + strcspn(p, "@?#");
	while (name_end > p && name_end[-1] == '/')
		name_end--;
	for (slash = name_end; slash > p && slash[-1] != '/'; slash--)
		;
	return name_end > slash;	/* a non-empty name */
}

int sb_cpe_ok(const char *cpe)
{
	int fields = 1;

	if (strncmp(cpe, "cpe:/", 5) == 0)
		return cpe[5] == 'a' || cpe[5] == 'o' || cpe[5] == 'h' || cpe[5] == '\0' ||
		       cpe[5] == ':';
	if (strncmp(cpe, "cpe:2.3:", 8) != 0)
		return 0;
	for (const char *p = cpe; *p; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == ':')
			fields++;
		else if ((unsigned char)*p <= ' ')
			return 0;
	}
	return fields == 13;
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int sb_datetime_ok(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int mon, day;

	/* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return 0;
	mon = num(s + 5, 2);
	day = num(s + 8, 2);
	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || num(s + 11, 2) > 23 ||
	    num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
		return 0;
	s += 19;
	if (*s == '.') {
		if (!isdigit((unsigned char)s[1]))
			return 0;
		for (s++; isdigit((unsigned char)*s); s++)
			;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return 1;
	return (*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
	       s[6] == '\0' && num(s + 1, 2) <= 23 && num(s + 4, 2) <= 59;
}

int sb_wants_version(const char *type)
{
	static const char *const typed[] = { "application", "framework", "library", "container",
		"platform", "operating-system", "firmware", "device-driver", NULL };

	for (size_t i = 0; typed[i]; i++)
		if (strcmp(type, typed[i]) == 0)
			return 1;
	return 0;
}

/* ---- dependency cycles ----------------------------------------------- */

struct graph {
	size_t n;
	size_t *off;   /* n + 1 offsets into adj */
	size_t *adj;
};

static void graph_build(struct graph *g, const struct sbom *s)
{
	size_t n = s->n_components;

	g->n = n;
	g->off = xcalloc(n + 1, sizeof(*g->off));
	g->adj = xmalloc((s->n_edges ? s->n_edges : 1) * sizeof(*g->adj));
	for (size_t i = 0; i < s->n_edges; i++)
		if (s->edges[i].kind == SBOM_DEPENDS_ON)
			g->off[s->edges[i].from + 1]++;
	for (size_t i = 0; i < n; i++)
		g->off[i + 1] += g->off[i];
	{
		size_t *fill = xmalloc((n ? n : 1) * sizeof(*fill));

		memcpy(fill, g->off, n * sizeof(*fill));
		for (size_t i = 0; i < s->n_edges; i++)
			if (s->edges[i].kind == SBOM_DEPENDS_ON)
				g->adj[fill[s->edges[i].from]++] = s->edges[i].to;
		free(fill);
	}
}

static void graph_free(struct graph *g)
{
	free(g->off);
	free(g->adj);
}

/*
 * Report one cycle through root, whose strongly connected component has
 * size members marked scc[v] == id: breadth-first from root inside the
 * component until an edge leads back to root, then name the refs on that
 * path.  prev[] and queue[] are scratch of n entries; prev[] is left as -1.
 */
static void report_cycle(struct sb *b, const struct graph *g, size_t root, size_t id,
			 size_t size, const size_t *scc, long *prev, size_t *queue)
{
	const struct sbom *s = b->s;
	size_t head = 0, tail = 0, last = root, len = 0, shown;
	size_t *path;
	struct buf m;
	int found = 0;

	prev[root] = (long)root;
	queue[tail++] = root;
	while (head < tail && !found) {
		size_t v = queue[head++];

		for (size_t k = g->off[v]; k < g->off[v + 1]; k++) {
			size_t w = g->adj[k];

			if (w == root) {
				last = v;
				found = 1;
				break;
			}
			if (scc[w] == id && prev[w] < 0) {
				prev[w] = (long)v;
				queue[tail++] = w;
			}
		}
	}
	/* the path root -> ... -> last, collected backwards */
	for (size_t v = last;; v = (size_t)prev[v]) {
		len++;
		if (v == root)
			break;
	}
	path = xmalloc(len * sizeof(*path));
	{
		size_t i = len;

		for (size_t v = last;; v = (size_t)prev[v]) {
			path[--i] = v;
			if (v == root)
				break;
		}
	}
	for (size_t i = 0; i < tail; i++)
		prev[queue[i]] = -1;
	/* "a" -> "b" -> "a", at most CYCLE_SHOW refs */
	buf_init(&m, SIZE_MAX);
	shown = len < CYCLE_SHOW ? len : CYCLE_SHOW;
	for (size_t i = 0; i < shown; i++)
		buf_addf(&m, "%s\"%s\"", i ? " -> " : "", s->components[path[i]].bom_ref);
	if (shown < len)
		buf_adds(&m, " -> ...");
	else
		buf_addf(&m, " -> \"%s\"", s->components[root].bom_ref);
	if (size > len)
		sb_warn(b, "cycle", NULL,
			"dependency cycle of %zu components: %s (in a group of %zu mutually "
			"dependent components)", len, m.data, size);
	else
		sb_warn(b, "cycle", NULL, "dependency cycle of %zu component%s: %s", len,
			len == 1 ? "" : "s", m.data);
	buf_release(&m);
	free(path);
}

/* Warn about every strongly connected component of the depends-on graph
 * with a cycle (more than one member, or a self-dependency). */
static void find_cycles(struct sb *b)
{
	const struct sbom *s = b->s;
	size_t n = s->n_components, counter = 0, sp = 0, csp = 0, ids = 0;
	struct graph g;
	size_t *index, *low, *stack, *calls, *pos, *scc, *queue;
	long *prev;
	unsigned char *on;

	if (n == 0 || s->n_edges == 0)
		return;
	graph_build(&g, s);
	index = xmalloc(n * sizeof(*index));
	low = xmalloc(n * sizeof(*low));
	stack = xmalloc(n * sizeof(*stack));
	calls = xmalloc(n * sizeof(*calls));
	pos = xmalloc(n * sizeof(*pos));
	scc = xmalloc(n * sizeof(*scc));
	queue = xmalloc(n * sizeof(*queue));
	prev = xmalloc(n * sizeof(*prev));
	on = xcalloc(n, 1);
	for (size_t i = 0; i < n; i++) {
		index[i] = SIZE_MAX;
		scc[i] = SIZE_MAX;
		prev[i] = -1;
	}
	for (size_t root = 0; root < n; root++) {
		if (index[root] != SIZE_MAX || g.off[root] == g.off[root + 1])
			continue;
		index[root] = low[root] = counter++;
		pos[root] = g.off[root];
		stack[sp++] = root;
		on[root] = 1;
		calls[csp++] = root;
		while (csp > 0) {
			size_t v = calls[csp - 1];

			if (pos[v] < g.off[v + 1]) {
				size_t w = g.adj[pos[v]++];

				if (index[w] == SIZE_MAX) {
					index[w] = low[w] = counter++;
					pos[w] = g.off[w];
					stack[sp++] = w;
					on[w] = 1;
					calls[csp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			csp--;
			if (csp > 0 && low[v] < low[calls[csp - 1]])
				low[calls[csp - 1]] = low[v];
			if (low[v] != index[v])
				continue;
			{
				size_t size = 0, id = ids++, w;
				int self = 0;

				do {
					w = stack[--sp];
					on[w] = 0;
					scc[w] = id;
					size++;
				} while (w != v);
				if (size == 1)
					for (size_t k = g.off[v]; k < g.off[v + 1]; k++)
						self |= g.adj[k] == v;
				if (size > 1 || self)
					report_cycle(b, &g, v, id, size, scc, prev, queue);
			}
		}
	}
	free(index);
	free(low);
	free(stack);
	free(calls);
	free(pos);
	free(scc);
	free(queue);
	free(prev);
	free(on);
	graph_free(&g);
}

/* ---- parse, free ----------------------------------------------------- */

const char *sbom_format_name(enum sbom_format f)
{
	return f == SBOM_FORMAT_SPDX ? "SPDX" : "CycloneDX";
}

void sbom_free(struct sbom *s)
{
	struct arena_block *blk, *next;

	if (s == NULL)
		return;
	if (s->priv != NULL) {
		for (blk = s->priv->blocks; blk != NULL; blk = next) {
			next = blk->next;
			free(blk);
		}
		free(s->priv->refs);
		free(s->priv->eset);
		free(s->priv);
	}
	free(s->components);
	free(s->edges);
	free(s);
}

int sbom_parse(struct sbom **out, const char *json, size_t len, size_t max_len,
	       struct sbom_diag *diags, struct err *e)
{
	struct sb b = { 0 };
	json_error_t jerr;
	json_t *root = NULL, *v;
	struct sbom *s = NULL;
	int rc = -1;

	*out = NULL;
	if (max_len == 0)
		max_len = SBOM_MAX_LEN_DEFAULT;
	if (len > max_len)
		return err_setn(e, ERR_TOO_LARGE, "too_large",
				"document: %zu bytes, more than the limit of %zu", len, max_len);
	if (json == NULL || len == 0)
		return err_setn(e, ERR_MALFORMED, "malformed_json", "document: empty");
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return err_setn(e, ERR_MALFORMED, "malformed_json",
				"document: not valid JSON at line %d, column %d: %s", jerr.line,
				jerr.column, jerr.text);
	s = xcalloc(1, sizeof(*s));
	s->priv = xcalloc(1, sizeof(*s->priv));
	s->priv->seed = mix64((uint64_t)(uintptr_t)s->priv ^ (uint64_t)(uintptr_t)&jerr);
	s->main = -1;
	s->bom_version = 1;
	b.s = s;
	b.d = diags;
	if (!json_is_object(root)) {
		sb_fail(&b, e, NULL, NULL, "not a JSON object");
		goto out;
	}
	if ((v = json_object_get(root, "bomFormat")) != NULL) {
		if (!json_is_string(v) || strcmp(json_string_value(v), "CycloneDX") != 0) {
			sb_fail(&b, e, "bomFormat", NULL, "not \"CycloneDX\"");
			goto out;
		}
		s->format = SBOM_FORMAT_CYCLONEDX;
		if (cyclonedx_parse(&b, root, e) < 0)
			goto out;
		sb_push_key(&b, "dependencies");
	} else if (json_object_get(root, "spdxVersion") != NULL) {
		s->format = SBOM_FORMAT_SPDX;
		if (spdx_parse(&b, root, e) < 0)
			goto out;
		sb_push_key(&b, "relationships");
	} else {
		sb_fail(&b, e, NULL, NULL,
			"neither a CycloneDX BOM (no \"bomFormat\") nor an SPDX document (no "
			"\"spdxVersion\")");
		goto out;
	}
	if (s->n_components > MAX_COMPONENTS) {
		err_setn(e, ERR_TOO_LARGE, "too_large", "document: more than %zu components",
			 MAX_COMPONENTS);
		goto out;
	}
	find_cycles(&b);
	free(s->priv->eset);	/* only needed while edges are added */
	s->priv->eset = NULL;
	s->priv->eset_cap = s->priv->eset_n = 0;
	rc = 0;
out:
	json_decref(root);
	if (rc < 0)
		sbom_free(s);
	else
		*out = s;
	return rc;
}
