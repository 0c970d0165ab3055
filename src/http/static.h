/* static.h - the web UI: pages and assets from web/, rendered in zh-CN or en.
 *
 * At start the server reads every regular file under the web directory (the
 * `web_dir` key; default the source tree's web/) into memory once: nothing is
 * read from disk per request, and a request path is only ever looked up in
 * that table, so no path can reach outside it ("..", "//", dot-files and
 * symbolic links never enter the table at all).
 *
 * Pages are fixed: "/" (index.html), "/report", "/receipt/{status_token}",
 * "/advisories", "/advisories/{id}" (advisory.html, the id in {{v:id}}) and
 * "/console" (the single-page console).  An HTML file is a
 * template:
 *
 *	{{lang}}        the page's language, "zh-CN" or "en"
 *	{{t:KEY}}       KEY from web/i18n/<lang>.json (the key itself if absent)
 *	{{v:NAME}}      a value the page handler supplies (configuration, a receipt)
 *
 * every substitution HTML-escaped.  The language is, first to last: a
 * `?lang=` query (which also sets the vf_lang cookie), the vf_lang cookie,
 * the best of Accept-Language, zh-CN.  Every other file (CSS, ES modules,
 * catalogs, images) is served at its own path, "/js/app.js" for
 * web/js/app.js; .html files never are.
 *
 * Replies carry a strong ETag (If-None-Match answers 304) and Cache-Control:
 * no-cache (always revalidated); the server adds the HTML security headers
 * (Content-Security-Policy, Referrer-Policy, X-Frame-Options) to every
 * text/html reply (see static_html_headers()).
 */
#ifndef VF_STATIC_H
#define VF_STATIC_H

#include <stddef.h>

#include "base/err.h"

struct buf;
struct req;
struct static_site;

/* A value for a template's {{v:NAME}}. */
struct static_var {
	const char *name;
	const char *value;
};

/* Load every file under dir.  A missing dir is an error. */
int static_open(struct static_site **out, const char *dir, struct err *e);
void static_close(struct static_site *s);
/* The number of files loaded (for logging and tests). */
size_t static_count(const struct static_site *s);

/* The language ("zh-CN" or "en") an Accept-Language header prefers: the
 * highest q among zh* and en*, the earlier on a tie; NULL if it names neither. */
const char *static_lang_accept(const char *header);

/* Render the template at path (e.g. "/index.html") in lang ("zh-CN" or "en")
 * with vars into b.  -1 with ERR_NOT_FOUND if there is no such template. */
int static_render(struct buf *b, const struct static_site *s, const char *lang, const char *path,
		  const struct static_var *vars, size_t nvars, struct err *e);

/* The same for a template given as text (len bytes, any bytes). */
void static_render_text(struct buf *b, const struct static_site *s, const char *lang,
			const char *text, size_t len, const struct static_var *vars, size_t nvars);

/* Serve a GET or HEAD of a UI page or asset into r (status, body, headers).
 * Returns 1 when the path is the UI's (served, 304 or an HTML 404 for a
 * missing receipt), 0 when it is not (the caller answers as before). */
int static_serve(struct req *r);

/* Render r's error (r->err) as an HTML page in the caller's language, for a
 * route whose callers are browsers posting forms. */
void static_error_page(struct req *r);

/* The Content-Security-Policy of the UI's pages: scripts, styles, images
 * and connections only from this origin, nothing inline, no framing. */
#define STATIC_CSP                                                                          \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "  \
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; object-src 'none'"
/* The CSP of other HTML replies (printable reports with their own inline
 * style): no script at all, no framing. */
#define STATIC_CSP_DOCUMENT                                                                 \
	"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "            \
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

#endif
