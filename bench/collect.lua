-- wrk script for bench/collect.mjs: every request is a distinct, realistic beacon.
-- Engagement events carry e=1 so that bench/collect.mjs can count stored engagement events as summed milliseconds.
-- Ids, visitors, user agents and client IPs vary so that caches see real churn. As with real
-- visitors, each of the 20,000 visitors of a run keeps one IP address and one browser across its page views.
local thread_id = 0
local counter = 0
local last_pv = nil

local uas = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}
local paths = { "/", "/pricing", "/features", "/blog/launch", "/docs/start", "/demo", "/contact", "/careers", "/integrations/slack", "/customers" }

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  site_key = args[1]
  run_id = args[2]
  math.randomseed(os.time() + tid * 7919)
  -- Both wrk threads must give a visitor the same address: the salt depends on the run, not the thread.
  salt = 0
  for i = 1, #run_id do salt = (salt * 31 + string.byte(run_id, i)) % 65536 end
end

request = function()
  counter = counter + 1
  local n = math.random(1, 20000)
  local ua = uas[(n % #uas) + 1]
  -- A multiplicative hash spreads the visitors' addresses over the IPv4 space (exact in doubles: n * h < 2^53).
  local h = (n * 2654435761 + salt) % 4294967296
  local ip = string.format("%d.%d.%d.%d", 1 + math.floor(h / 16777216) % 223, math.floor(h / 65536) % 256, math.floor(h / 256) % 256, 1 + h % 254)
  local visitor = string.format("vis_%s_%06d", run_id, n)
  local body
  if last_pv ~= nil and counter % 4 == 0 then
    body = string.format('{"k":"%s","n":"engagement","v":"%s","p":"%s","u":"https://www.example.com/pricing","e":1}', site_key, visitor, last_pv)
  else
    last_pv = string.format("pv_%s_%d_%d", run_id, tid, counter)
    local path = paths[math.random(1, #paths)]
    body = string.format('{"k":"%s","n":"pageview","v":"%s","p":"%s","u":"https://www.example.com%s?utm_source=news","r":"https://www.google.com/","t":"Example page","w":1440}', site_key, visitor, last_pv, path)
  end
  return wrk.format("POST", "/api/v1/collect", { ["Content-Type"] = "text/plain", ["User-Agent"] = ua, ["X-Forwarded-For"] = ip }, body)
end
