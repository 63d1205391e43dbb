-- Creates a conversation stream once; a racing create with another identity is rejected.
-- KEYS: 1 stream meta hash.
-- ARGV: 1 agent name, 2 instance id, 3 new incarnation id.
-- Returns: 1 when created, 0 when the same identity already existed.
--- @include "fail"
local agent = redis.call('HGET', KEYS[1], 'agent')
if agent then
  if agent ~= ARGV[1] or redis.call('HGET', KEYS[1], 'inst') ~= ARGV[2] then
    return fail('STREAM', 'Stream identity conflicts.')
  end
  return 0
end
redis.call('HSET', KEYS[1], 'agent', ARGV[1], 'inst', ARGV[2], 'inc', ARGV[3], 'pid', '', 'epoch', '0', 'nseq', '0', 'next', '0')
return 1
