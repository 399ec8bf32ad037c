-- wrk script for bench/bench_feedback.py (--client wrk): posts the prepared feedback submissions, one JSON body
-- a line, from the file "<prefix>.<thread number>" (each thread its own file: a token is never sent by two threads
-- except as a planned duplicate), counts 201 (stored), 200 (a duplicate answered with the stored response) and
-- anything else, and prints one line the runner reads. When a thread has sent all its lines it stops.
local threads = {}
local count = 0

function setup(thread)
  thread:set("number", count)
  table.insert(threads, thread)
  count = count + 1
end

function init(args)
  bodies = {}
  for line in io.lines(args[1] .. "." .. number) do bodies[#bodies + 1] = line end
  sent = 0
  created, again, other, first_other = 0, 0, 0, 0
  wrk.method = "POST"
  wrk.path = "/api/v1/responses"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  sent = sent + 1
  if sent > #bodies then
    wrk.thread:stop()
    sent = #bodies
  end
  return wrk.format(nil, nil, nil, bodies[sent])
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    again = again + 1
  else
    other = other + 1
    if first_other == 0 then first_other = status end
  end
end

function done(summary, latency, requests)
  local c, a, o, f = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    a = a + t:get("again")
    o = o + t:get("other")
    if f == 0 then f = t:get("first_other") end
  end
  local e = summary.errors
  io.write(string.format(
    'PONTIS_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "created": %d, ' ..
    '"again": %d, "other": %d, "first_other": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    c, a, o, f, e.connect + e.read + e.write + e.timeout))
end
