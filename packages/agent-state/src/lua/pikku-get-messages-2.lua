-- Pikku agent storage: reads messages of a thread in createdAt order.
-- KEYS[1] messages ZSET, KEYS[2] message data HASH
-- ARGV[1] mode: 'all' | 'last' (ARGV[2] = n) | 'after' (ARGV[2] = message id, exclusive)
-- Returns an array of message JSON strings (empty when the thread has none)
--- @include "fail"
local mode = ARGV[1]
local ids
if mode == 'all' then
  ids = redis.call('ZRANGE', KEYS[1], 0, -1)
elseif mode == 'last' then
  local n = tonumber(ARGV[2])
  if n == nil or n < 1 then return fail('VALIDATION', 'lastN must be a positive integer') end
  ids = redis.call('ZRANGE', KEYS[1], -n, -1)
elseif mode == 'after' then
  local rank = redis.call('ZRANK', KEYS[1], ARGV[2] or '')
  if rank == false then return {} end
  ids = redis.call('ZRANGE', KEYS[1], rank + 1, -1)
else
  return fail('VALIDATION', 'unknown mode')
end
local out = {}
for i, id in ipairs(ids) do out[i] = redis.call('HGET', KEYS[2], id) end
return out
