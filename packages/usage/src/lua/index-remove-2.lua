-- Removes a session from the global session index.
-- KEYS[1] sessions by id   KEYS[2] sessions by expiry
-- ARGV[1] session id
-- Returns 1 if the session was indexed, else 0
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
