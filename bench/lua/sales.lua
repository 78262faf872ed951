-- Counter sales: POST /v1/points/{slug}/sales, one line of quantity 1, a unique Idempotency-Key
-- per request. BENCH_SALES names a file of "deep|scarce point sku" lines: deep SKUs hold plenty,
-- scarce ones only a few units, so some sales must be refused (409) and the ledger check after
-- the run shows whether any were oversold. 5% of the sales ask for a scarce SKU.
local dir = os.getenv("BENCH_LUA_DIR") or "bench/lua"
dofile(dir .. "/report.lua")

local deep, scarce = {}, {}
local token, run_id
local n = 0

function init(args)
   for _, line in ipairs(read_lines(os.getenv("BENCH_SALES"))) do
      local kind, point, sku = line:match("^(%S+) (%S+) (%S+)$")
      table.insert(kind == "scarce" and scarce or deep, { point, sku })
   end
   token = os.getenv("BENCH_TOKEN")
   run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
   math.randomseed(4321 + id)
end

-- Also used by mix.lua.
function sale_request()
   n = n + 1
   local pick = (math.random() < 0.05 and #scarce > 0) and scarce[math.random(#scarce)] or deep[math.random(#deep)]
   local body = '{"payment_method":"cash","lines":[{"sku":"' .. pick[2] .. '","quantity":1}]}'
   return wrk.format("POST", "/v1/points/" .. pick[1] .. "/sales", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = run_id .. "-" .. id .. "-" .. n,
   }, body)
end

request = sale_request

function response(status, headers, body)
   count(status)
end
