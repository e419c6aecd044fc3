-- Copied unchanged from the shared peer harness (/work/shared/peer-bench/load/wrk_post.lua).
-- wrk script: POST a JSON body read from $WRK_BODY_FILE (path relative to wrk's cwd).
-- $WRK_STREAM=1 adds "X-Bench-Stream: 1" (used only by the nginx reverse proxy to pick the
-- SSE upstream). done() prints one line "WRKJSON {...}" that run.py parses.
local f = assert(io.open(os.getenv("WRK_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("WRK_API_KEY") or "sk-bench-4f1c2a9e7b3d4c8a9e0f1a2b3c4d5e6f")
if os.getenv("WRK_STREAM") == "1" then
  wrk.headers["X-Bench-Stream"] = "1"
end

function done(summary, latency, requests)
  local e = summary.errors
  local p = function(q) return latency:percentile(q) / 1000.0 end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_s":%.6f,"bytes":%d,"err_connect":%d,"err_read":%d,' ..
    '"err_write":%d,"err_status":%d,"err_timeout":%d,"lat_ms":{"p50":%.3f,"p90":%.3f,' ..
    '"p99":%.3f,"max":%.3f,"mean":%.3f}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, p(50), p(90), p(99), latency.max / 1000.0, latency.mean / 1000.0))
end
