-- wrk script for the sign-up case: POST /signup/ as the page's script does (JSON answer),
-- each request with an address no other request uses, from a same-origin page.
--
--   wrk ... -s bench/signup.lua URL -- RUN_TOKEN ACTIVE_SECONDS NEXT_PATH
--
-- Sign-ups are sent for ACTIVE_SECONDS only; after that each connection waits (delay())
-- until wrk's -d ends, so every sign-up sent has been answered when wrk stops and the
-- count of successes can be compared exactly with the subscribers stored. A success is
-- a 200 whose JSON says "ok": true; anything else that is not 2xx/3xx is an error.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  run_token = args[1] or "run"
  active = tonumber(args[2] or "10")
  next_path = args[3] or "/"
  started = now()
  deadline = started + active
  sent, successes, failures, last_answer = 0, 0, 0, started
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Sec-Fetch-Site"] = "same-origin"
  wrk.headers["X-Forwarded-Proto"] = "https"
end

delay = function()
  if now() >= deadline then
    return 3600000  -- past the active window: send nothing more
  end
  return 0
end

request = function()
  counter = counter + 1
  sent = sent + 1
  local email = string.format("bench-%s-t%d-%d@example.com", run_token, id, counter)
  local body = "email=" .. email:gsub("@", "%%40") .. "&next=" .. next_path ..
               "&rendered_at=&copy_version=&utm_source=bench&hp_q7x="
  return wrk.format(nil, nil, nil, body)
end

response = function(status, headers, body)
  last_answer = now()
  if status == 200 and body:find('"ok": true', 1, true) then
    successes = successes + 1
  else
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  local sent_all, ok_all, failed_all, first, last = 0, 0, 0, math.huge, 0
  for _, thread in ipairs(threads) do
    sent_all = sent_all + thread:get("sent")
    ok_all = ok_all + thread:get("successes")
    failed_all = failed_all + thread:get("failures")
    first = math.min(first, thread:get("started"))
    last = math.max(last, thread:get("last_answer"))
  end
  -- wrk calls request() once in the first thread to check the script; that one is
  -- never sent.
  sent_all = sent_all - 1
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non_2xx_3xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"sent": %d, "successes": %d, "failures": %d, "active_s": %.3f}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout, sent_all, ok_all, failed_all, last - first))
end
