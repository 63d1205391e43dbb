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
    local row, bad = load_row(id)
    if bad then return bad end
    if row and (keep == nil or keep(row)) then push(row) end
  end
end
local bad
if mode == 'get' then
  bad = push_ids({ ARGV[2] })
elseif mode == 'runnable' then
  bad = push_ids(redis.call('ZRANGE', KEYS[7], 0, -1), function(row)
    return row.ready ~= nil and session_head(row) == row.id
  end)
elseif mode == 'unready' then
  bad = push_ids(redis.call('ZRANGE', KEYS[7], 0, -1), function(row) return row.ready == nil end)
elseif mode == 'running' then
  bad = push_ids(redis.call('ZRANGE', KEYS[8], 0, -1))
elseif mode == 'pending' then
  bad = push_ids(redis.call('ZRANGE', KEYS[11], 0, -1), function(row) return row.status == 'terminalizing' end)
elseif mode == 'expired' then
  bad = push_ids(redis.call('ZRANGEBYSCORE', KEYS[9], 1, '(' .. now_ms()), function(row) return row.status == 'running' end)
elseif mode == 'joined' then
  local prefix = ARGV[2] .. ':'
  local members = redis.call('ZRANGEBYLEX', KEYS[12], '[' .. prefix, '[' .. prefix .. '\255')
  local ids = {}
  for i, member in ipairs(members) do ids[i] = string.sub(member, #prefix + 18) end
  bad = push_ids(ids, function(row) return row.status == 'joining' or row.status == 'joined' end)
else
  return redis.error_reply('RSERR VALIDATION unknown listing mode')
end
if bad then return bad end
return out
