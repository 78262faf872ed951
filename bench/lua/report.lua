-- Shared by every wrk script: per-thread ids and status counts, and one JSON line at the end
-- ("BENCH_JSON {...}") that bench/harness.py parses, so numbers are exact rather than scraped
-- from wrk's rounded text (which is kept beside it as the raw record).

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

-- Reads a file of non-empty lines into a table.
function read_lines(path)
   local lines = {}
   local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
   for line in f:lines() do
      if line ~= "" then lines[#lines + 1] = line end
   end
   f:close()
   assert(#lines > 0, "no lines in " .. path)
   return lines
end

-- Scripts that need status counts call count(status) from their response() callback.
statuses = {}
function count(status)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
   local merged = {}
   for _, t in ipairs(threads) do
      local s = t:get("statuses")
      if s then
         for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end
      end
   end
   local parts = {}
   for k, v in pairs(merged) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,' ..
      '"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"statuses":{%s}}\n',
      summary.requests, summary.duration, summary.bytes, latency.mean, latency:percentile(50),
      latency:percentile(90), latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status,
      e.timeout, table.concat(parts, ",")))
end
