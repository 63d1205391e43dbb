-- Appends (or replaces, same id) one timeline entry of a thread.
-- KEYS[1] thread zset (score = createdAt ms, member = entry id)   KEYS[2] thread entries hash
-- ARGV[1] entry id   ARGV[2] createdAt ms   ARGV[3] entry JSON (opaque)
-- Returns 1, or RSERR VALIDATION
--- @include "fail"
if ARGV[1] == '' or tonumber(ARGV[2]) == nil or ARGV[3] == nil then return fail('VALIDATION', 'needs an id, a time and an entry') end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
