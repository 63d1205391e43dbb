-- Makes producerId the stream's producer with a new epoch, fencing every earlier producer.
-- KEYS: 1 stream meta hash.
-- ARGV: 1 producer id.
-- Returns: {producer epoch, incarnation, number of batches}.
--- @include "fail"
if redis.call('EXISTS', KEYS[1]) == 0 then return fail('STREAM', 'Stream does not exist.') end
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'pid', ARGV[1], 'nseq', '0')
return { epoch, redis.call('HGET', KEYS[1], 'inc'), tonumber(redis.call('HGET', KEYS[1], 'next')) }
