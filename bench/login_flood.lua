-- wrk script for bench/login_flood.py: POST the admin's login form with a wrong password,
-- over and over, as a password-guessing flood does.
--
--   wrk ... -s bench/login_flood.lua URL -- CSRF_TOKEN ORIGIN
init = function(args)
  local token, origin = args[1], args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. token
  wrk.headers["Origin"] = origin
  wrk.headers["Referer"] = origin .. "/admin/login/"
  wrk.headers["Sec-Fetch-Site"] = "same-origin"
  wrk.body = "csrfmiddlewaretoken=" .. token .. "&username=alice&password=wrong-guess&next=/admin/"
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non_2xx_3xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
