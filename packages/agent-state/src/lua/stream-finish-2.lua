-- Ends or fails a stream and writes the end marker (<lastSequence>-1) that wakes blocked readers.
-- KEYS[1] stream meta hash  KEYS[2] chunk stream
-- ARGV[1] ttl seconds  ARGV[2] ended|failed  ARGV[3] error message ('' = none)
-- Returns 1 when the stream was active and is now finished, 0 when it was already finished,
-- or RSERR VALIDATION / NOT_FOUND / CORRUPT_DATA
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
local ttl, status = int_arg(ARGV[1]), ARGV[2]
if ttl == nil or (status ~= 'ended' and status ~= 'failed') then return fail('VALIDATION', 'stream-finish: bad arguments') end
local meta = redis.call('HMGET', KEYS[1], 'status', 'lastSequence')
if not meta[1] then return fail('NOT_FOUND', 'stream does not exist') end
if meta[1] ~= 'active' then return 0 end
if not meta[2] or not string.find(meta[2], '^%d+$') then
  return fail('CORRUPT_DATA', 'stream metadata has a missing or non-integer lastSequence')
end
-- The end marker first: XADD still fails on a wrong-typed key or on an id at or below the
-- stream's top, and Redis would keep the status change made before it.
redis.call('XADD', KEYS[2], meta[2] .. '-1', 'end', status)
redis.call('HSET', KEYS[1], 'status', status, 'updatedAt', now_ms())
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[3]) end
touch(ttl)
return 1
