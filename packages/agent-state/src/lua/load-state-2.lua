-- Reads a session's state hash and its whole message history in one consistent snapshot.
-- KEYS[1] state hash  KEYS[2] messages list
-- ARGV (none)
-- Returns {} when the session does not exist, else {fieldList, messageList}
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {} end
return {fields, redis.call('LRANGE', KEYS[2], 0, -1)}
