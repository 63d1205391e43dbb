-- Retention for a settled submission with a chunk hash: deletes the row, its payload and its
-- chunk hash together, if it is still settled before the cutoff.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua), 14 the submission's chunk hash.
-- ARGV: 1 id, 2 retention ms.
-- Returns: 1 when dropped, else 0.
--- @include "server-time"
local retention = tonumber(ARGV[2])
if not retention or retention <= 0 then return redis.error_reply('RSERR VALIDATION bad retention') end
local settled = redis.call('ZSCORE', KEYS[13], ARGV[1])
if not settled or tonumber(settled) > now_ms() - retention then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[13], ARGV[1])
redis.call('DEL', KEYS[14])
return 1
