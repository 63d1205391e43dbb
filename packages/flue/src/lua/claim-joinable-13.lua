-- Claims the contiguous joinable prefix of the host's session queue: queued -> joining.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 host id, 2 host attempt id, 3 agent name.
-- Returns: a flat array of row replies (4 entries per claimed row), admission order.
--- @include "sub-lib"
--- @include "server-time"
local host, bad = running_as(ARGV[1], ARGV[2])
if bad then return bad end
if not host then return {} end
local prefix = host.sesc .. ':'
local members = redis.call('ZRANGEBYLEX', KEYS[10], '[' .. prefix, '[' .. prefix .. '\255')
-- Every row to join is read and checked before the first one is written.
local picked = {}
for _, member in ipairs(members) do
  local row
  row, bad = load_row(string.sub(member, #prefix + 18))
  if bad then return bad end
  if row and row.status == 'queued' then
    if row.ready == nil or row.agent ~= ARGV[3] or row.abort ~= nil then break end
    table.insert(picked, row)
  end
end
local now = now_ms()
local out = {}
for _, row in ipairs(picked) do
  row.joined = host.id
  row.jm = host.hm .. ':' .. seq16(row) .. ':' .. row.id
  set_status(row, 'joining', now)
  for _, v in ipairs(row_reply(row)) do table.insert(out, v) end
end
return out
