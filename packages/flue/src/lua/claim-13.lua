-- Claims a queued, canonical-ready submission that heads its session: queued -> running.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 attempt id, 3 owner id, 4 lease expiry ms, 5 default max attempts,
--       6 default timeout ms.
-- Returns: the row reply (4 entries), or an empty array when the claim does not apply.
--- @include "sub-lib"
--- @include "server-time"
local lease = tonumber(ARGV[4])
if not lease or not tonumber(ARGV[5]) or not tonumber(ARGV[6]) then
  return redis.error_reply('RSERR VALIDATION bad number')
end
local row, bad = load_row(ARGV[1])
if bad then return bad end
if not row or row.status ~= 'queued' or row.ready == nil then return {} end
if session_head(row) ~= row.id then return {} end
local now = now_ms()
row.attempt = ARGV[2]
row.owner = ARGV[3]
row.lease = ARGV[4]
row.started = tostring(now)
row.count = tostring((tonumber(row.count) or 0) + 1)
row.max = ARGV[5]
if (tonumber(row.timeout) or 0) == 0 then row.timeout = tostring(now + tonumber(ARGV[6])) end
set_status(row, 'running', now)
return row_reply(row)
