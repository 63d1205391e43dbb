-- Appends one chunk to a stream under the next sequence. Chunk entries have stream id
-- <sequence>-0; the end marker written by stream-finish is <lastSequence>-1.
-- KEYS[1] stream meta hash  KEYS[2] chunk stream
-- ARGV[1] ttl seconds  ARGV[2] max stream length (0 = no trim)
-- ARGV[3] sequence the caller claims ('' = take the next one)  ARGV[4] chunk JSON (opaque)
-- Returns the chunk's sequence, or RSERR VALIDATION / NOT_FOUND / STREAM_CLOSED / SEQUENCE_CONFLICT
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
local ttl, maxlen = int_arg(ARGV[1]), int_arg(ARGV[2])
if ttl == nil or maxlen == nil or (ARGV[3] ~= '' and int_arg(ARGV[3]) == nil) or ARGV[4] == nil then
  return fail('VALIDATION', 'stream-append: bad arguments')
end
local meta = redis.call('HMGET', KEYS[1], 'status', 'lastSequence')
if not meta[1] then return fail('NOT_FOUND', 'stream does not exist: create it first') end
if meta[1] ~= 'active' then return fail('STREAM_CLOSED', 'stream is ' .. meta[1] .. ' and takes no more chunks') end
local seq = tonumber(meta[2]) + 1
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= seq then
  return fail('SEQUENCE_CONFLICT', 'sequence ' .. ARGV[3] .. ' is not the next one (expected ' .. seq .. ')')
end
if maxlen > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, seq .. '-0', 'chunk', ARGV[4])
else
  redis.call('XADD', KEYS[2], seq .. '-0', 'chunk', ARGV[4])
end
redis.call('HSET', KEYS[1], 'lastSequence', seq, 'updatedAt', now_ms())
touch(ttl)
return seq
