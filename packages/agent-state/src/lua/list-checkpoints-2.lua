-- One page of a session's checkpoints, newest first.
-- KEYS[1] checkpoint index zset (score = checkpoint sequence)  KEYS[2] checkpoint data hash
-- ARGV[1] highest sequence to include ('+inf' for the first page)  ARGV[2] page size
-- Returns {bodies (array, false for a missing body), next cursor sequence or ''}
--- @include "fail"
--- @include "args"
local limit = int_arg(ARGV[2])
if limit == nil or limit < 1 or (ARGV[1] ~= '+inf' and int_arg(ARGV[1]) == nil) then
  return fail('VALIDATION', 'list-checkpoints: bad arguments')
end
local rows = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1)
local ids, next_cursor = {}, ''
for i = 1, #rows, 2 do
  if #ids < limit then ids[#ids + 1] = rows[i] else next_cursor = rows[i + 1] end
end
if #ids == 0 then return {{}, next_cursor} end
return {redis.call('HMGET', KEYS[2], unpack(ids)), next_cursor}
