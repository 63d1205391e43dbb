-- Deletes every key of one session.
-- KEYS[1..6] state, messages, checkpoint index, checkpoint data, staging, fence
-- ARGV (none)
-- Returns 1 when the session state existed, else 0
local existed = redis.call('EXISTS', KEYS[1])
redis.call('DEL', unpack(KEYS))
return existed
