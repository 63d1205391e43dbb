-- Pikku agent run state: appends a score to a run (re-grades append, never replace).
-- KEYS[1] run-data HASH, KEYS[2] scores ZSET (score 0, lex members), KEYS[3] score-seq counter
-- ARGV[1] run uuid, ARGV[2] score JSON (opaque)
-- Returns the sequence number; NOT_FOUND when the run does not exist
-- Member layout: "<uuid>:<12-digit seq>:<server ms>:<json>"
--- @include "fail"
--- @include "server-time"
if ARGV[1] == nil or ARGV[1] == '' then return fail('VALIDATION', 'run id must not be empty') end
if ARGV[2] == nil or ARGV[2] == '' then return fail('VALIDATION', 'score JSON must not be empty') end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return fail('NOT_FOUND', 'run not found') end
local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1] .. ':' .. string.format('%012d', seq) .. ':' .. now_ms() .. ':' .. ARGV[2])
return seq
