-- now_ms(): the server's clock in milliseconds, so leases and timestamps never depend
-- on client clocks.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
