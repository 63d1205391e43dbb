-- The items of a batch in batchIndex order (ties by id).
-- KEYS[1] batch items zset (score = batchIndex, member = request id)
-- KEYS[2..8] request field hashes: core, status, created-at, result, resolved-at, ext, ext-ids
-- ARGV none
-- Returns a list of request rows (see includes/read-requests.lua)
--- @include "read-requests"
return read_requests(redis.call('ZRANGE', KEYS[1], 0, -1))
