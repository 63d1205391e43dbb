-- Reserves the exact canonical settlement record as an obligation: running (owned by the
-- attempt) or joined (into a host running under the attempt) -> terminalizing.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 attempt id, 3 record id, 4 record JSON (opaque), 5 '1' when the record carries
--       an error message, 6 that message.
-- Returns: the row reply (4 entries), or an empty array when nothing may be reserved.
--- @include "sub-lib"
--- @include "server-time"
local row, bad = load_row(ARGV[1])
if bad then return bad end
if not row then return {} end
if row.status == 'terminalizing' then
  if row.attempt == ARGV[2] and row.ob == ARGV[3] and redis.call('HGET', KEYS[4], row.id) == ARGV[4] then
    return row_reply(row)
  end
  return {}
end
if row.status == 'joined' then
  local host = nil
  if row.joined then
    host, bad = running_as(row.joined, ARGV[2])
    if bad then return bad end
  end
  if not host then return {} end
  row.attempt = ARGV[2]
  row.started = host.started
elseif row.status ~= 'running' or row.attempt ~= ARGV[2] then
  return {}
end
row.ob = ARGV[3]
if ARGV[5] == '1' then row.oberr = ARGV[6] else row.oberr = nil end
redis.call('HSET', KEYS[4], row.id, ARGV[4])
set_status(row, 'terminalizing', now_ms())
return row_reply(row)
