-- Pikku agent run state: replaces a run's JSON if its version is still the one read.
-- KEYS[1] run-data HASH, KEYS[2] run-versions HASH, KEYS[3] tool-calls SET
-- ARGV[1] run uuid, ARGV[2] expected version, ARGV[3] new run JSON (opaque),
-- ARGV[4..n] tool call ids to add to the thread's tool-call set
-- Returns the new version, or 0 when another writer got there first; NOT_FOUND when missing; CORRUPT_DATA on a non-integer version
--- @include "fail"
--- @include "stored-int"
if ARGV[1] == nil or ARGV[1] == '' then return fail('VALIDATION', 'run id must not be empty') end
if tonumber(ARGV[2]) == nil then return fail('VALIDATION', 'expected version must be a number') end
if ARGV[3] == nil or ARGV[3] == '' then return fail('VALIDATION', 'run JSON must not be empty') end
local version = redis.call('HGET', KEYS[2], ARGV[1])
if version == false or redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return fail('NOT_FOUND', 'run not found') end
if not stored_int(version) then return fail('CORRUPT_DATA', 'run ' .. ARGV[1] .. ' has a non-integer version') end
if version ~= ARGV[2] then return 0 end
-- SADD first: it is the only write left that can fail (on a wrong-typed set).
for i = 4, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
