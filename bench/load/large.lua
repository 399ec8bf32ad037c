-- wrk script for bench/load/run.py, for pages whose body is larger than a megabyte (the public IATI file): the
-- same headers as session.lua, but no response() hook. With that hook wrk gathers every body into one buffer and
-- copies it into Lua, which for a 13 MB file costs the client more than the server spends answering. Without it
-- wrk still reads every byte, and counts 4xx and 5xx answers itself (summary.errors.status); the runner checks the
-- page's status before and after the row, so a redirect would be seen there.
local cookie = os.getenv("PONTIS_WRK_COOKIE")
local bearer = os.getenv("PONTIS_WRK_BEARER")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
if bearer and bearer ~= "" then wrk.headers["Authorization"] = "Bearer " .. bearer end
local encoding = os.getenv("PONTIS_WRK_ACCEPT_ENCODING")
if encoding and encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end
wrk.headers["X-Forwarded-Proto"] = "https"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'PONTIS_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"non_2xx": %d, "first_bad_status": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, 0, e.connect + e.read + e.write + e.timeout))
end
