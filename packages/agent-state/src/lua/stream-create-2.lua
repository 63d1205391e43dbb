-- Creates a stream (or joins an active one).
-- KEYS[1] stream meta hash  KEYS[2] chunk stream (TTL only)
-- ARGV[1] ttl seconds  ARGV[2] mode create|join  ARGV[3] agent id ('' = none)  ARGV[4] agent type ('' = none)
-- Returns 1 when created, 0 when it already existed, or RSERR VALIDATION / STREAM_CLOSED
-- (join on an ended or failed stream)
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
local ttl, mode = int_arg(ARGV[1]), ARGV[2]
if ttl == nil or (mode ~= 'create' and mode ~= 'join') then return fail('VALIDATION', 'stream-create: bad arguments') end
local status = redis.call('HGET', KEYS[1], 'status')
if status then
  if mode == 'join' and status ~= 'active' then
    return fail('STREAM_CLOSED', 'stream is ' .. status .. ' and takes no more chunks')
  end
  return 0
end
local now = now_ms()
redis.call('HSET', KEYS[1], 'status', 'active', 'lastSequence', 0, 'createdAt', now, 'updatedAt', now)
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'agentId', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'agentType', ARGV[4]) end
touch(ttl)
return 1
