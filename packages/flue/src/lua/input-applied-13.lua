-- Installs the durability budget once, at first input application, for the owning attempt.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 attempt id, 3 max attempts or '', 4 timeoutAt ms or ''.
-- Returns: 1 when the attempt owns the running submission, else 0.
--- @include "sub-lib"
--- @include "server-time"
local row, bad = running_as(ARGV[1], ARGV[2])
if bad then return bad end
if not row then return 0 end
if row.applied == nil then
  row.applied = tostring(now_ms())
  if ARGV[3] ~= '' then row.max = ARGV[3] end
  if ARGV[4] ~= '' then row.timeout = ARGV[4] end
  save_row(row)
end
return 1
