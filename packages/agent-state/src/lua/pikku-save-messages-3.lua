-- Pikku agent storage: upserts messages of a thread (by message id) and bumps updatedAt.
-- KEYS[1] thread data HASH, KEYS[2] messages ZSET (id by createdAt ms), KEYS[3] message data HASH
-- ARGV triples: message id, createdAt ms, message JSON (opaque)
-- Returns the number of messages written; NOT_FOUND when the thread does not exist
--- @include "fail"
--- @include "server-time"
if #ARGV % 3 ~= 0 then return fail('VALIDATION', 'expected id, createdAt, json triples') end
for i = 1, #ARGV, 3 do
  if ARGV[i] == '' then return fail('VALIDATION', 'message id must not be empty') end
  if tonumber(ARGV[i + 1]) == nil then return fail('VALIDATION', 'createdAt must be a number') end
end
-- HLEN fails on a key of another type, so both hashes are checked before the first write.
if redis.call('HLEN', KEYS[1]) == 0 then return fail('NOT_FOUND', 'thread not found') end
redis.call('HLEN', KEYS[3])
for i = 1, #ARGV, 3 do
  redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 2])
end
redis.call('HSET', KEYS[1], 'updatedAt', now_ms())
return #ARGV / 3
