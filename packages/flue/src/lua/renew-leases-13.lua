-- Extends the lease (server time + lease ms) of each listed running submission owned by owner.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 owner id, 2 lease duration ms, 3.. submission ids.
-- Returns: the number of leases renewed.
--- @include "sub-lib"
--- @include "server-time"
local ms = tonumber(ARGV[2])
if not ms then return redis.error_reply('RSERR VALIDATION bad lease duration') end
local now = now_ms()
local renewed = 0
for i = 3, #ARGV do
  local row = load_row(ARGV[i])
  if row and row.status == 'running' and row.owner == ARGV[1] then
    row.lease = tostring(now + ms)
    set_status(row, 'running', now)
    renewed = renewed + 1
  end
end
return renewed
