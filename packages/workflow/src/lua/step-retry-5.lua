-- step-retry: opens the next attempt of a failed step. Only the step's current attempt can
-- be retried, so two workers retrying the same failure create one new attempt, not two.
-- KEYS: 1 run hash, 2 steps hash, 3 current-attempt hash, 4 stalled-run index,
--       5 undispatched-step index
-- ARGV: 1 failed attempt seq, 2 status of the new attempt (pending | running), 3 run id
-- Returns: { new attempt seq, field, value, ... } (the new attempt, field names without prefix). NOT_FOUND for a missing attempt, CONFLICT
--          when the attempt has not failed or was already retried, CORRUPT_DATA (nothing written)
--          for a non-integer seq or busy counter.
--- @include "fail"
--- @include "server-time"
--- @include "step-ttl"
--- @include "activity"
--- @include "stored-int"
local status = ARGV[2]
if ARGV[3] == nil or ARGV[3] == '' then return fail('VALIDATION', 'step-retry needs the run id') end
if status ~= 'pending' and status ~= 'running' then return fail('VALIDATION', 'retry status must be pending or running') end
local p = ARGV[1] .. ':'
local names = { 'name', 'status', 'attempt', 'rpc', 'data', 'retries', 'retryDelay', 'from' }
local keys = {}
for i, name in ipairs(names) do keys[i] = p .. name end
local f = redis.call('HMGET', KEYS[2], unpack(keys))
if not f[1] then return fail('NOT_FOUND', 'step attempt not found') end
if f[2] ~= 'failed' then return fail('CONFLICT', 'only a failed attempt can be retried (it is ' .. tostring(f[2]) .. ')') end
if redis.call('HGET', KEYS[3], f[1]) ~= ARGV[1] then
  return fail('CONFLICT', 'step ' .. f[1] .. ' was already retried')
end
local attempt = tonumber(f[3])
if attempt == nil then return fail('CORRUPT_DATA', 'step attempt has no attempt count') end
-- The counters are checked before the first write: a failing HINCRBY would leave the new
-- attempt written.
local counters = redis.call('HMGET', KEYS[1], 'seq', 'busy')
if not counters[1] and not counters[2] then return fail('NOT_FOUND', 'workflow run not found') end
if not stored_int(counters[1]) or (status == 'running' and not stored_int(counters[2])) then
  return fail('CORRUPT_DATA', 'run ' .. ARGV[3] .. ' has a non-integer seq or busy counter')
end
local now = now_ms()
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local q = seq .. ':'
local out = { seq, 'name', f[1], 'status', status, 'attempt', attempt + 1, 'createdAt', now, 'updatedAt', now }
for i = 4, 8 do
  if f[i] then
    out[#out + 1] = names[i]
    out[#out + 1] = f[i]
  end
end
if status == 'running' then
  out[#out + 1] = 'runningAt'
  out[#out + 1] = now
end
local fields = {}
for i = 2, #out, 2 do
  fields[#fields + 1] = q .. out[i]
  fields[#fields + 1] = out[i + 1]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('HSET', KEYS[3], f[1], seq)
if status == 'running' then
  redis.call('HINCRBY', KEYS[1], 'busy', 1)
else
  redis.call('ZADD', KEYS[5], now, ARGV[3] .. '.' .. seq)
end
touch_activity(KEYS[1], KEYS[4], ARGV[3], now)
follow_run_ttl(KEYS[1], KEYS[2], KEYS[3])
return out
