-- GET a random path from the file named by BENCH_PATHS (one request path a line): product detail
-- by random slug, filtered list pages, or searches. The same file drives nginx and the service.
local dir = os.getenv("BENCH_LUA_DIR") or "bench/lua"
dofile(dir .. "/report.lua")

-- BENCH_HEADER ("Name: value"), when set, goes with every request (e.g. Accept-Encoding: gzip).
local paths
local headers = {}

function init(args)
   paths = read_lines(os.getenv("BENCH_PATHS"))
   math.randomseed(1234 + id)  -- same sequence for nginx and the service
   local header = os.getenv("BENCH_HEADER")
   if header and header ~= "" then
      local name, value = header:match("^([^:]+):%s*(.*)$")
      headers[name] = value
   end
end

function request()
   return wrk.format("GET", paths[math.random(#paths)], headers)
end
