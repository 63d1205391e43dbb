-- Creates one pending human request and indexes it, or refuses (nothing written).
-- KEYS[1] core hash   KEYS[2] status hash   KEYS[3] createdAt hash   KEYS[4] position hash
-- KEYS[5] channel hash   KEYS[6] token index hash   KEYS[7] all zset   KEYS[8] pending zset
-- KEYS[9] namespace zset   KEYS[10] namespace pending zset
-- KEYS[11] batch items zset (the core hash again when the request has no batch)
-- (hash fields are request ids; zsets are lex indexes, see includes/members.lua)
-- ARGV[1] id   ARGV[2] token   ARGV[3] channel   ARGV[4] escaped namespace
-- ARGV[5] record JSON (opaque, encoded by the client)   ARGV[6] '1' to index in the batch
-- ARGV[7] batch index
-- Returns createdAt (ISO-8601, server clock), or RSERR DUPLICATE_ID / TOKEN_IN_USE / VALIDATION / CORRUPT_DATA
--- @include "fail"
--- @include "server-time"
--- @include "iso-time"
--- @include "members"
--- @include "staged"
local id, token, channel, ns = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if id == '' or token == '' or channel == '' or ns == '' or ARGV[5] == nil or ARGV[5] == '' then
  return fail('VALIDATION', 'create needs an id, a token, a channel, a namespace and a record')
end
if string.find(ns, '\0', 1, true) then return fail('VALIDATION', 'namespace part must be escaped') end
if ARGV[6] == '1' and tonumber(ARGV[7]) == nil then
  return fail('VALIDATION', 'batch index must be a number')
end
if redis.call('HEXISTS', KEYS[1], id) == 1 then
  return fail('DUPLICATE_ID', 'Human request "' .. id .. '" already exists')
end
local owner = redis.call('HGET', KEYS[6], token)
if owner then
  return fail('TOKEN_IN_USE', 'token is already used by human request "' .. owner .. '"')
end
local ms = now_ms()
local created_at = iso_utc(ms)
local pos = ms15(ms) .. ns
local m, nm = members(pos, id)
-- stage_* take KEYS indexes (includes/staged.lua)
local err = stage_hset(2, id, 'pending') or stage_hset(3, id, created_at) or stage_hset(4, id, pos)
  or stage_hset(5, id, channel) or stage_zadd(7, 0, m) or stage_zadd(8, 0, m)
  or stage_zadd(9, 0, nm) or stage_zadd(10, 0, nm) or (ARGV[6] == '1' and stage_zadd(11, ARGV[7], id))
if err then return staged_abort(err, 'human request "' .. id .. '" not created, an index or field hash has the wrong type') end
staged_commit()
-- KEYS[1] and KEYS[6] are hashes (read above): these writes cannot fail.
redis.call('HSET', KEYS[1], id, ARGV[5])
redis.call('HSET', KEYS[6], token, id)
return created_at
