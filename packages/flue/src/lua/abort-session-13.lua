-- Stamps abortRequestedAt (first request wins) on every queued, running, joining or joined
-- submission of one session, in one step.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 escaped session key.
-- Returns: the ids of the affected submissions, in admission order.
--- @include "sub-lib"
--- @include "server-time"
local prefix = ARGV[1] .. ':'
local members = redis.call('ZRANGEBYLEX', KEYS[10], '[' .. prefix, '[' .. prefix .. '\255')
-- Every row is read and checked before the first one is stamped.
local rows = {}
for _, member in ipairs(members) do
  local row, bad = load_row(string.sub(member, #prefix + 18))
  if bad then return bad end
  if row and (row.status == 'queued' or row.status == 'running' or row.status == 'joining' or row.status == 'joined') then
    table.insert(rows, row)
  end
end
local now = tostring(now_ms())
local out = {}
for _, row in ipairs(rows) do
  if row.abort == nil then
    row.abort = now
    save_row(row)
  end
  table.insert(out, row.id)
end
return out
