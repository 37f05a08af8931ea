-- wrk script rotating through many pages (the stampede case): each request takes the next
-- path from a file of paths, one per line; each thread starts at its own place in the list
-- so the connections spread over the pages. At the end prints one line of JSON that
-- bench/run.py reads, as bench/report.lua does.
--
--   wrk ... -s bench/paths.lua URL -- PATHS_FILE
local threads = {}

setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

init = function(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  position = (id * 7) % #paths
end

request = function()
  position = position % #paths + 1
  return wrk.format(nil, paths[position])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non_2xx_3xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
