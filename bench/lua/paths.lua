-- GET a random path from the file named by BENCH_PATHS (one request path a line): product detail
-- by random slug, filtered list pages, or searches. The same file drives nginx and the service.
local dir = os.getenv("BENCH_LUA_DIR") or "bench/lua"
dofile(dir .. "/report.lua")

-- BENCH_HEADER ("Name: value"), when set, goes with every request (e.g. Accept-Encoding: gzip).
-- Every request is formatted once, in init: formatting per request cost wrk more CPU with a header
-- than without, on the same two cores as the server, and so lowered the rate of the gzip runs.
local requests = {}

function init(args)
   local headers = {}
   local header = os.getenv("BENCH_HEADER")
   if header and header ~= "" then
      local name, value = header:match("^([^:]+):%s*(.*)$")
      headers[name] = value
   end
   for _, path in ipairs(read_lines(os.getenv("BENCH_PATHS"))) do
      requests[#requests + 1] = wrk.format("GET", path, headers)
   end
   math.randomseed(1234 + id)  -- same sequence for nginx and the service
end

function request()
   return requests[math.random(#requests)]
end
