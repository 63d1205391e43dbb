-- Adds or refreshes sessions in one shard of the global session index (its own hash slot,
-- run next to record-entries in the same pipeline). Expiry uses this node's clock.
-- KEYS[1] sessions by id (zset, all scores 0, paged by lex)   KEYS[2] sessions by expiry (zset)
-- ARGV[1] ttl seconds (0 = never expires)   ARGV[2..] session ids (at least one)
-- Returns the number of session ids touched
--- @include "fail"
--- @include "server-time"
--- @include "usage-args"
if not is_uint(ARGV[1]) then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if #ARGV < 2 then return fail('VALIDATION', 'index-touch needs at least one session id') end
local expiry = '+inf'
if ARGV[1] ~= '0' then expiry = tostring(now_ms() + tonumber(ARGV[1]) * 1000) end
local by_id, by_expiry = {}, {}
for i = 2, #ARGV do
  if ARGV[i] == '' then return fail('VALIDATION', 'session id must not be empty') end
  by_id[#by_id + 1] = 0
  by_id[#by_id + 1] = ARGV[i]
  by_expiry[#by_expiry + 1] = expiry
  by_expiry[#by_expiry + 1] = ARGV[i]
end
redis.call('ZADD', KEYS[1], unpack(by_id))
redis.call('ZADD', KEYS[2], unpack(by_expiry))
return #ARGV - 1
