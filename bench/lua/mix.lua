-- 90% reads, 10% counter sales, on one set of connections: 60% product detail, 15% filtered
-- list pages, 15% searches, 10% sales (see sales.lua). Statuses are counted per code.
local dir = os.getenv("BENCH_LUA_DIR") or "bench/lua"
dofile(dir .. "/sales.lua")
local sales_init = init

local detail, list, search

function init(args)
   sales_init(args)
   detail = read_lines(os.getenv("BENCH_DETAIL"))
   list = read_lines(os.getenv("BENCH_LIST"))
   search = read_lines(os.getenv("BENCH_SEARCH"))
end

function request()
   local r = math.random()
   if r < 0.10 then return sale_request() end
   local paths = r < 0.70 and detail or (r < 0.85 and list or search)
   return wrk.format("GET", paths[math.random(#paths)])
end
