-- Copies one legacy (@hitl-sdk/state-ioredis) request into this layout; used by migration
-- 004 only. Skips a request already present, so a rerun is harmless.
-- KEYS[1] core hash   KEYS[2] status hash   KEYS[3] createdAt hash   KEYS[4] position hash
-- KEYS[5] channel hash   KEYS[6] result hash   KEYS[7] resolvedAt hash   KEYS[8] externalId hash
-- KEYS[9] externalIds hash   KEYS[10] token index hash   KEYS[11] external-id index hash
-- KEYS[12] all zset   KEYS[13] status zset   KEYS[14] namespace zset   KEYS[15] namespace status zset
-- KEYS[16] batch items zset (the core hash again when none)
-- ARGV[1] id   ARGV[2] token   ARGV[3] position (`<ms15><escaped namespace>`)
-- ARGV[4] '1' to index in the batch   ARGV[5] batch index
-- ARGV[6] '1' when the legacy token index names this request   ARGV[7] n, then n external ids,
-- then pairs (k, value): HSET KEYS[k] id value, k in 1..9 (KEYS[1] core must be among them)
-- Returns 1 when imported, 0 when it was already there
--- @include "fail"
--- @include "members"
local id, token, pos = ARGV[1], ARGV[2], ARGV[3]
local n = tonumber(ARGV[7])
if id == '' or token == '' or pos == nil or #pos < 16 or not string.match(string.sub(pos, 1, 15), '^%d+$')
  or n == nil or (#ARGV - 7 - n) % 2 ~= 0 then
  return fail('VALIDATION', 'bad import arguments')
end
local has_core = false
for i = 8 + n, #ARGV, 2 do
  local k = tonumber(ARGV[i])
  if k == nil or k < 1 or k > 9 or k == 4 then return fail('VALIDATION', 'bad import field ' .. ARGV[i]) end
  if k == 1 then has_core = true end
end
if not has_core then return fail('VALIDATION', 'import needs the record') end
if redis.call('HEXISTS', KEYS[1], id) == 1 then return 0 end
for i = 8 + n, #ARGV, 2 do
  local k = tonumber(ARGV[i])
  redis.call('HSET', KEYS[k], id, ARGV[i + 1])
end
redis.call('HSET', KEYS[4], id, pos)
if ARGV[6] == '1' then redis.call('HSET', KEYS[10], token, id) else redis.call('HSETNX', KEYS[10], token, id) end
for i = 8, 7 + n do redis.call('HSET', KEYS[11], ARGV[i], id) end
local m, nm = members(pos, id)
redis.call('ZADD', KEYS[12], 0, m)
redis.call('ZADD', KEYS[13], 0, m)
redis.call('ZADD', KEYS[14], 0, nm)
redis.call('ZADD', KEYS[15], 0, nm)
if ARGV[4] == '1' then redis.call('ZADD', KEYS[16], ARGV[5], id) end
return 1
