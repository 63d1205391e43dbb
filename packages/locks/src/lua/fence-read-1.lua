-- Reads the newest fencing token recorded for a resource.
-- KEYS[1] fence key of the resource
-- ARGV none
-- Returns the token, or 0 when none was recorded
return tonumber(redis.call('GET', KEYS[1]) or '0')
