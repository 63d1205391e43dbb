-- run-status: moves a run to a new status and keeps the status indexes right. A run in a
-- terminal status (completed, failed, cancelled) never changes again: repeating the same
-- terminal status is a no-op (the first outcome is kept), any other status is TERMINAL.
-- KEYS: 1 run hash, 2 steps hash, 3 current-attempt hash, 4 run state hash,
--       5..9 status indexes (running, suspended, completed, failed, cancelled),
--       10..14 workflow+status indexes in the same order, 15 stalled-run index,
--       16 undispatched-step index
-- ARGV: 1 new status, 2 output JSON ('' = leave), 3 error JSON ('' = none),
--       4 retention TTL in ms applied when the run becomes terminal (0 = keep forever), 5 run id
-- Returns: 1 when the status was written, 0 for a repeated terminal status.
--          NOT_FOUND for a missing run, TERMINAL for a change out of a terminal status,
--          CORRUPT_DATA (nothing written) for a current-attempt key of another type.
--- @include "fail"
--- @include "server-time"
--- @include "activity"
local order = { running = 1, suspended = 2, completed = 3, failed = 4, cancelled = 5 }
local terminal = { completed = true, failed = true, cancelled = true }
local target = ARGV[1]
if order[target] == nil then return fail('VALIDATION', 'unknown run status ' .. tostring(target)) end
local ttl = tonumber(ARGV[4])
if ARGV[5] == nil or ARGV[5] == '' then return fail('VALIDATION', 'run-status needs the run id') end
if ttl == nil or ttl < 0 or ttl ~= math.floor(ttl) then
  return fail('VALIDATION', 'ttl must be a non-negative integer')
end
local current = redis.call('HMGET', KEYS[1], 'status', 'member')
local from = current[1]
if not from then return fail('NOT_FOUND', 'workflow run not found') end
if order[from] == nil or not current[2] then return fail('CORRUPT_DATA', 'run hash has no valid status') end
if terminal[from] then
  if from == target then return 0 end
  return fail('TERMINAL', 'run is ' .. from .. ' and cannot become ' .. target)
end
local seqs
if terminal[target] then
  seqs = current_attempts(KEYS[3])
  if not seqs then return fail('CORRUPT_DATA', 'run ' .. ARGV[5] .. ' has a current-attempt key of another type') end
end
local now = now_ms()
redis.call('HSET', KEYS[1], 'status', target, 'updatedAt', now)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'output', ARGV[2]) end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'error', ARGV[3])
elseif target == 'running' or target == 'completed' then
  redis.call('HDEL', KEYS[1], 'error')
end
if from ~= target then
  redis.call('ZREM', KEYS[4 + order[from]], current[2])
  redis.call('ZADD', KEYS[4 + order[target]], 0, current[2])
  redis.call('ZREM', KEYS[9 + order[from]], current[2])
  redis.call('ZADD', KEYS[9 + order[target]], 0, current[2])
end
touch_activity(KEYS[1], KEYS[15], ARGV[5], now)
if terminal[target] then drop_pending(seqs, KEYS[16], ARGV[5]) end
if terminal[target] and ttl > 0 then
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
