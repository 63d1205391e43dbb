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
-- Returns 1 when imported, 0 when it was already there, or RSERR VALIDATION / CORRUPT_DATA
--- @include "fail"
--- @include "members"
--- @include "staged"
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
-- The core hash (KEYS[1], read above) is written last: it is what marks the request imported.
-- stage_* take KEYS indexes (includes/staged.lua).
local err
for i = 8 + n, #ARGV, 2 do
  local k = tonumber(ARGV[i])
  if k ~= 1 then err = err or stage_hset(k, id, ARGV[i + 1]) end
end
err = err or stage_hset(4, id, pos)
if ARGV[6] == '1' then
  err = err or stage_hset(10, token, id)
else
  err = err or stage_hsetnx(10, token, id)
end
for i = 8, 7 + n do err = err or stage_hset(11, ARGV[i], id) end
local m, nm = members(pos, id)
err = err or stage_zadd(12, 0, m) or stage_zadd(13, 0, m) or stage_zadd(14, 0, nm)
  or stage_zadd(15, 0, nm) or (ARGV[4] == '1' and stage_zadd(16, ARGV[5], id))
if err then return staged_abort(err, 'legacy human request "' .. id .. '" not imported, an index or field hash has the wrong type') end
staged_commit()
for i = 8 + n, #ARGV, 2 do
  if tonumber(ARGV[i]) == 1 then redis.call('HSET', KEYS[1], id, ARGV[i + 1]) end
end
return 1
