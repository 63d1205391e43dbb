-- Extends the lease (server time + lease ms) of each listed running submission owned by owner.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 owner id, 2 lease duration ms, 3.. submission ids.
-- Returns: the number of leases renewed.
--- @include "sub-lib"
--- @include "server-time"
local ms = tonumber(ARGV[2])
if not ms then return redis.error_reply('RSERR VALIDATION bad lease duration') end
-- Every row is read and checked before the first lease is renewed.
local rows = {}
for i = 3, #ARGV do
  local row, bad = load_row(ARGV[i])
  if bad then return bad end
  if row and row.status == 'running' and row.owner == ARGV[1] then table.insert(rows, row) end
end
local now = now_ms()
for _, row in ipairs(rows) do
  row.lease = tostring(now + ms)
  set_status(row, 'running', now)
end
return #rows
