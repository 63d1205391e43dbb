-- Reads submissions for one listing, atomically.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 mode (get | runnable | unready | running | pending | expired | joined), 2 id (get) or
--       escaped host id (joined).
-- Returns: a flat array of row replies, 4 entries per row (row JSON, payload, chunk count, obligation).
--- @include "sub-lib"
--- @include "server-time"
local mode = ARGV[1]
local out = {}
local function push(row)
  for _, v in ipairs(row_reply(row)) do table.insert(out, v) end
end
local function push_ids(ids, keep)
  for _, id in ipairs(ids) do
    local row = load_row(id)
    if row and (keep == nil or keep(row)) then push(row) end
  end
end
if mode == 'get' then
  local row = load_row(ARGV[2])
  if row then push(row) end
elseif mode == 'runnable' then
  push_ids(redis.call('ZRANGE', KEYS[7], 0, -1), function(row)
    return row.ready ~= nil and session_head(row) == row.id
  end)
elseif mode == 'unready' then
  push_ids(redis.call('ZRANGE', KEYS[7], 0, -1), function(row) return row.ready == nil end)
elseif mode == 'running' then
  push_ids(redis.call('ZRANGE', KEYS[8], 0, -1))
elseif mode == 'pending' then
  push_ids(redis.call('ZRANGE', KEYS[11], 0, -1), function(row) return row.status == 'terminalizing' end)
elseif mode == 'expired' then
  push_ids(redis.call('ZRANGEBYSCORE', KEYS[9], 1, '(' .. now_ms()), function(row) return row.status == 'running' end)
elseif mode == 'joined' then
  local prefix = ARGV[2] .. ':'
  local members = redis.call('ZRANGEBYLEX', KEYS[12], '[' .. prefix, '[' .. prefix .. '\255')
  for _, member in ipairs(members) do
    local row = load_row(string.sub(member, #prefix + 18))
    if row and (row.status == 'joining' or row.status == 'joined') then push(row) end
  end
else
  return redis.error_reply('RSERR VALIDATION unknown listing mode')
end
return out
