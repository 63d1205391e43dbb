-- version-upsert: stores a workflow version once; a second upsert of the same hash is a no-op.
-- KEYS: 1 version hash
-- ARGV: 1 graph JSON, 2 source, 3 status (draft | active | declined)
-- Returns: 1 when stored, 0 when the version existed already.
--- @include "fail"
--- @include "server-time"
if ARGV[3] ~= 'draft' and ARGV[3] ~= 'active' and ARGV[3] ~= 'declined' then
  return fail('VALIDATION', 'unknown version status ' .. tostring(ARGV[3]))
end
if ARGV[1] == '' then return fail('VALIDATION', 'version-upsert needs a graph') end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'graph', ARGV[1], 'source', ARGV[2], 'status', ARGV[3], 'createdAt', now_ms())
return 1
