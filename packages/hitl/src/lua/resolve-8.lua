-- Moves a pending request to resolved with its result (stored as an opaque string).
-- KEYS[1] status hash   KEYS[2] position hash   KEYS[3] result hash   KEYS[4] resolvedAt hash
-- KEYS[5] pending zset   KEYS[6] resolved zset   KEYS[7] namespace pending zset
-- KEYS[8] namespace resolved zset
-- ARGV[1] id   ARGV[2] result JSON
-- Returns resolvedAt (ISO-8601, server clock), or RSERR NOT_FOUND / ALREADY_RESOLVED / CORRUPT_DATA / VALIDATION
--- @include "fail"
--- @include "server-time"
--- @include "iso-time"
--- @include "members"
--- @include "staged"
local id = ARGV[1]
if id == nil or id == '' or ARGV[2] == nil or ARGV[2] == '' then return fail('VALIDATION', 'resolve needs an id and a result') end
local status = redis.call('HGET', KEYS[1], id)
if not status then return fail('NOT_FOUND', 'Unknown human request "' .. id .. '"') end
if status ~= 'pending' then return fail('ALREADY_RESOLVED', 'Human request "' .. id .. '" is already resolved') end
local pos = redis.call('HGET', KEYS[2], id)
if not pos or #pos < 16 or not string.match(string.sub(pos, 1, 15), '^%d+$') then
  return fail('CORRUPT_DATA', 'human request "' .. id .. '" has no index position')
end
local m, nm = members(pos, id)
local resolved_at = iso_utc(now_ms())
-- KEYS[1] is a hash (HGET read it): its write cannot fail, so it goes after the staged ones.
-- stage_* take KEYS indexes (includes/staged.lua)
local err = stage_hset(3, id, ARGV[2]) or stage_hset(4, id, resolved_at)
  or stage_zrem(5, m) or stage_zadd(6, 0, m) or stage_zrem(7, nm) or stage_zadd(8, 0, nm)
if err then return staged_abort(err, 'human request "' .. id .. '" not resolved, an index or field hash has the wrong type') end
staged_commit()
redis.call('HSET', KEYS[1], id, 'resolved')
return resolved_at
