-- step-set: one transition of a step attempt. `running`, `scheduled`, `succeeded` and
-- `failed` are refused (TERMINAL) once the attempt succeeded or failed; `child` and
-- `branch` annotate the attempt in any status.
-- KEYS: 1 run hash, 2 steps hash, 3 stalled-run index, 4 undispatched-step index
-- ARGV: 1 attempt seq, 2 action (running | scheduled | succeeded | failed | child | branch),
--       3 value: result JSON ('' = undefined), error JSON, child run id JSON or branch key,
--       4 run id
-- Returns: the update time (ms, server clock). NOT_FOUND for a missing attempt, CORRUPT_DATA
--          (nothing written) for a run stored as another type or a non-integer busy counter.
--- @include "fail"
--- @include "server-time"
--- @include "step-ttl"
--- @include "activity"
--- @include "stored-int"
--- @include "pcall-error"
local p = ARGV[1] .. ':'
local action = ARGV[2]
local stamp = { running = 'runningAt', scheduled = 'scheduledAt', succeeded = 'succeededAt', failed = 'failedAt' }
if stamp[action] == nil and action ~= 'child' and action ~= 'branch' then
  return fail('VALIDATION', 'unknown step action ' .. tostring(action))
end
if ARGV[4] == nil or ARGV[4] == '' then return fail('VALIDATION', 'step-set needs the run id') end
if (action == 'failed' or action == 'child' or action == 'branch') and ARGV[3] == '' then
  return fail('VALIDATION', action .. ' needs a value')
end
local status = redis.call('HGET', KEYS[2], p .. 'status')
if not status then return fail('NOT_FOUND', 'step attempt not found') end
-- Replaces an EXISTS: it also fails on a run key of another type before any write, and reads
-- the busy counter so that its HINCRBY cannot fail after the other writes.
local run = redis.pcall('HMGET', KEYS[1], 'status', 'busy')
if pcall_error(run) then return fail('CORRUPT_DATA', 'run ' .. ARGV[4] .. ' is stored as another type') end
if not run[1] then return fail('NOT_FOUND', 'workflow run not found') end
local now = now_ms()
if action == 'child' or action == 'branch' then
  redis.call('HSET', KEYS[2], p .. action, ARGV[3], p .. 'updatedAt', now)
  follow_run_ttl(KEYS[1], KEYS[2], nil)
  touch_activity(KEYS[1], KEYS[3], ARGV[4], now)
  return now
end
if status == 'succeeded' or status == 'failed' then
  return fail('TERMINAL', 'step attempt already ' .. status .. '; cannot become ' .. action)
end
local in_flight = { running = 1, scheduled = 1, suspended = 1 }
local delta = (in_flight[action] or 0) - (in_flight[status] or 0)
if delta ~= 0 and not stored_int(run[2]) then
  return fail('CORRUPT_DATA', 'run ' .. ARGV[4] .. ' has a non-integer busy counter')
end
if status == 'pending' then redis.call('ZREM', KEYS[4], ARGV[4] .. '.' .. ARGV[1]) end
if delta ~= 0 then redis.call('HINCRBY', KEYS[1], 'busy', delta) end
redis.call('HSET', KEYS[2], p .. 'status', action, p .. stamp[action], now, p .. 'updatedAt', now)
if action == 'succeeded' then
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], p .. 'result', ARGV[3]) else redis.call('HDEL', KEYS[2], p .. 'result') end
elseif action == 'failed' then
  redis.call('HSET', KEYS[2], p .. 'error', ARGV[3])
end
follow_run_ttl(KEYS[1], KEYS[2], nil)
touch_activity(KEYS[1], KEYS[3], ARGV[4], now)
return now
