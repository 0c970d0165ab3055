/* metrics.h - request counters and the latency histogram, in Prometheus text format. */
#ifndef VF_METRICS_H
#define VF_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

struct metrics;

/* Counters for nroutes routes (index nroutes counts unmatched requests). */
struct metrics *metrics_new(size_t nroutes);
void metrics_free(struct metrics *m);
/* Count one finished request; route is -1 when none matched. Lock-free. */
void metrics_observe(struct metrics *m, int route, int status, int64_t duration_us);
/* Render every metric; route_label(i, &method, &path) names route i. */
void metrics_render(struct metrics *m, struct buf *out,
		    void (*route_label)(size_t i, const char **method, const char **path),
		    const struct db_stats *db);

#endif
