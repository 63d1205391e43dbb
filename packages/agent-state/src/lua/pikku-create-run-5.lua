-- Pikku agent run state: stores a new run of a thread.
-- KEYS[1] runs ZSET, KEYS[2] run-data HASH, KEYS[3] run-versions HASH, KEYS[4] agents HASH,
-- KEYS[5] tool-calls SET
-- ARGV[1] run uuid, ARGV[2] createdAt ms, ARGV[3] run JSON (opaque), ARGV[4] agentName,
-- ARGV[5..n] tool call ids of pending approvals
-- Returns 1; CONFLICT when the uuid is taken; CORRUPT_DATA on a non-integer run count
--- @include "fail"
--- @include "stored-int"
if ARGV[1] == nil or ARGV[1] == '' then return fail('VALIDATION', 'run id must not be empty') end
if tonumber(ARGV[2]) == nil then return fail('VALIDATION', 'createdAt must be a number') end
if ARGV[4] == nil or ARGV[4] == '' then return fail('VALIDATION', 'agentName must not be empty') end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return fail('CONFLICT', 'run id taken') end
-- Reads that fail on corrupt stored data (another type, a non-integer count) come before the
-- first write: Redis keeps a script's earlier writes when a later command fails.
local count = redis.call('HGET', KEYS[4], ARGV[4])
if count and not stored_int(count) then return fail('CORRUPT_DATA', 'agent ' .. ARGV[4] .. ' has a non-integer run count') end
redis.call('HLEN', KEYS[3])
if #ARGV >= 5 then redis.call('SCARD', KEYS[5]) end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], 1)
redis.call('HINCRBY', KEYS[4], ARGV[4], 1)
for i = 5, #ARGV do redis.call('SADD', KEYS[5], ARGV[i]) end
return 1
