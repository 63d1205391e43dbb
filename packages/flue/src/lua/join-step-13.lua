-- Confirms (joining -> joined) or reverts (joining -> queued) one claimed join, fenced on the
-- host still running under its attempt.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 host id, 2 host attempt id, 3 delivery id, 4 'finalize' or 'revert'.
-- Returns: 1 when applied, else 0.
--- @include "sub-lib"
--- @include "server-time"
if ARGV[4] ~= 'finalize' and ARGV[4] ~= 'revert' then return redis.error_reply('RSERR VALIDATION bad join step') end
local host, bad = running_as(ARGV[1], ARGV[2])
if bad then return bad end
if not host then return 0 end
local row
row, bad = load_row(ARGV[3])
if bad then return bad end
if not row or row.status ~= 'joining' or row.joined ~= ARGV[1] then return 0 end
local now = now_ms()
if ARGV[4] == 'finalize' then
  if row.applied == nil then row.applied = tostring(now) end
  set_status(row, 'joined', now)
else
  leave_status(row)
  row.joined = nil
  row.jm = nil
  row.applied = nil
  row.status = 'queued'
  enter_status(row, now)
  save_row(row)
end
return 1
