-- report.lua - wrk script for bench/http/run: after the run, print one
-- machine-readable line with throughput, latency percentiles and error counts.
--
-- Only done() is defined: defining request()/response() would make wrk call
-- into Lua for every request and lower the throughput it can generate.
--
-- Output (one line, space-separated key=value, latencies in microseconds):
--   WRK_REPORT requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N
--              max_us=N non2xx=N connect=N read=N write=N timeout=N
-- non2xx is wrk's "Non-2xx or 3xx responses" counter (errors.status, which
-- wrk increments for status codes >= 400).

function done(summary, latency, requests)
   local rps = 0
   if summary.duration > 0 then
      rps = summary.requests / (summary.duration / 1e6)
   end
   local e = summary.errors
   io.write(string.format(
      "WRK_REPORT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d " ..
      "p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, rps,
      latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
end
