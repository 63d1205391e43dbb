-- Reads a session's rollup hash as a flat field/value list (a script reply, so clients
-- never reshape it into an object where a field like "__proto__" could be lost).
-- KEYS[1] rollup hash
-- ARGV none
-- Returns { field, value, field, value, ... } (empty when the session has no usage)
return redis.call('HGETALL', KEYS[1])
