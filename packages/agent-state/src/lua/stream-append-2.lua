-- Appends one or more chunks to a stream under consecutive sequences, all or none.
-- Chunk entries have stream id <sequence>-0; the end marker written by stream-finish is <lastSequence>-1.
-- KEYS[1] stream meta hash  KEYS[2] chunk stream
-- ARGV[1] ttl seconds  ARGV[2] max stream length (0 = no trim)
-- ARGV[3] sequence the caller claims for the first chunk ('' = take the next one)
-- ARGV[4..] chunk JSON (opaque), one per chunk, in order
-- Returns the first chunk's sequence, or RSERR VALIDATION / NOT_FOUND / STREAM_CLOSED / SEQUENCE_CONFLICT
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
local ttl, maxlen = int_arg(ARGV[1]), int_arg(ARGV[2])
if ttl == nil or maxlen == nil or (ARGV[3] ~= '' and int_arg(ARGV[3]) == nil) or #ARGV < 4 then
  return fail('VALIDATION', 'stream-append: bad arguments')
end
local meta = redis.call('HMGET', KEYS[1], 'status', 'lastSequence')
if not meta[1] then return fail('NOT_FOUND', 'stream does not exist: create it first') end
if meta[1] ~= 'active' then return fail('STREAM_CLOSED', 'stream is ' .. meta[1] .. ' and takes no more chunks') end
local first = tonumber(meta[2]) + 1
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= first then
  return fail('SEQUENCE_CONFLICT', 'sequence ' .. ARGV[3] .. ' is not the next one (expected ' .. first .. ')')
end
local seq = first - 1
for i = 4, #ARGV do
  seq = seq + 1
  if maxlen > 0 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, seq .. '-0', 'chunk', ARGV[i])
  else
    redis.call('XADD', KEYS[2], seq .. '-0', 'chunk', ARGV[i])
  end
end
redis.call('HSET', KEYS[1], 'lastSequence', seq, 'updatedAt', now_ms())
touch(ttl)
return first
