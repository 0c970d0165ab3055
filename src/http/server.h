/* server.h - the HTTP server: libmicrohttpd, thread pool, epoll, limits and the router. */
#ifndef VF_SERVER_H
#define VF_SERVER_H

#include <pthread.h>
#include <stdint.h>

#include "base/err.h"
#include "service/instance.h"

struct metrics;
struct accesslog;
struct intake;
struct cases;
struct bulletins;
struct pow;
struct ratelimit;
struct static_site;

/* What every handler can reach. */
struct app {
	struct instance *in;
	struct metrics *metrics;
	struct accesslog *log;          /* batched access log on stderr */
	int secure_cookies;            /* public_url is https:// */
	char *openapi;                 /* the OpenAPI document, built once */
	/* /healthz caches its database check for a second */
	pthread_mutex_t health_mu;
	int64_t health_checked_us;
	int health_ok;
	char health_body[384];         /* the 200 reply of the last good check */
	char health_error[384];
	/* intake (NULL when the server runs without it, in some tests) */
	struct intake *intake;
	struct cases *cases;           /* NULL when the server runs without it */
	struct bulletins *bulletins;   /* our advisories (issue 7); NULL: their routes answer 503 */
	struct federation *federation; /* issue 9; NULL: its routes answer 503 */
	struct ratelimit *intake_rl;   /* NULL: no rate limit */
	struct pow *pow;               /* NULL: no proof of work asked */
	struct static_site *web;       /* the web UI (static.h), or NULL without one */
	char *pgp_key;                 /* the organisation's armored public key, or NULL */
	char pgp_fpr[65];              /* its fingerprint, "" if none */
	_Atomic int stopping;          /* server_stop() began: intake refuses new work */
	_Atomic int suspended;         /* connections suspended for a commit right now */
};

struct server;

/* Start serving in->cfg.listen in background threads. */
/* The services the handlers call (any may be NULL: its routes answer 503). */
struct server_services {
	struct intake *intake;
	struct cases *cases;
	struct bulletins *bulletins;
	struct federation *federation;
};

int server_start(struct server **out, struct instance *in, const struct server_services *sv,
		 struct err *e);
/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *s);
void server_stop(struct server *s);

#endif
