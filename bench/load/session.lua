-- wrk script for bench/load/run.py: sends the session cookie or the bearer token given in the environment,
-- counts every answer that is not 2xx (wrk itself counts redirects as successes: a page that sends the visitor to
-- the sign-in or two-factor page must count as an error here), and prints one JSON line the runner reads.
local cookie = os.getenv("PONTIS_WRK_COOKIE")
local bearer = os.getenv("PONTIS_WRK_BEARER")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
if bearer and bearer ~= "" then wrk.headers["Authorization"] = "Bearer " .. bearer end
local encoding = os.getenv("PONTIS_WRK_ACCEPT_ENCODING")
if encoding and encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end
-- As the TLS-terminating proxy in front of gunicorn does (docs/deploy.md).
wrk.headers["X-Forwarded-Proto"] = "https"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local b, first = 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    if first == 0 then first = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'PONTIS_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"non_2xx": %d, "first_bad_status": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    b, first, e.connect + e.read + e.write + e.timeout))
end
