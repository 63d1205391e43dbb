-- Pikku agent storage: creates a thread record.
-- KEYS[1] thread data HASH
-- ARGV[1] thread id, ARGV[2] resourceId, ARGV[3] '1' when ARGV[4] (title) is set,
-- ARGV[5] '1' when ARGV[6] (metadata JSON, opaque) is set
-- Returns the server time (ms) used as createdAt/updatedAt; CONFLICT when it exists
--- @include "fail"
--- @include "server-time"
if ARGV[1] == nil or ARGV[1] == '' then return fail('VALIDATION', 'thread id must not be empty') end
if ARGV[2] == nil or ARGV[2] == '' then return fail('VALIDATION', 'resourceId must not be empty') end
if redis.call('EXISTS', KEYS[1]) == 1 then return fail('CONFLICT', 'thread already exists: ' .. ARGV[1]) end
local now = now_ms()
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'resourceId', ARGV[2], 'createdAt', now, 'updatedAt', now)
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'title', ARGV[4]) end
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'metadata', ARGV[6]) end
return now
