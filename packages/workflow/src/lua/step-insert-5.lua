-- step-insert: records the first attempt of a step (status pending) and makes it the
-- step's current attempt.
-- KEYS: 1 run hash, 2 steps hash, 3 current-attempt hash (step name -> attempt seq),
--       4 stalled-run index, 5 undispatched-step index (pending attempts by time)
-- ARGV: 1 step name, 2 rpc name JSON, 3 data JSON ('' = none), 4 retries JSON ('' = none),
--       5 retry delay JSON ('' = none), 6 from-step name JSON ('' = none), 7 run id
-- Returns: { attempt seq, created at ms }. NOT_FOUND for a missing run, CONFLICT when the
--          step already has an attempt.
--- @include "fail"
--- @include "server-time"
--- @include "step-ttl"
--- @include "activity"
if ARGV[1] == '' or ARGV[2] == '' or ARGV[7] == '' then return fail('VALIDATION', 'step-insert needs a step name and rpc name') end
if redis.call('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'workflow run not found') end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  return fail('CONFLICT', 'step ' .. ARGV[1] .. ' already exists')
end
local now = now_ms()
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local p = seq .. ':'
local fields = {
  p .. 'name', ARGV[1], p .. 'status', 'pending', p .. 'attempt', 1, p .. 'rpc', ARGV[2],
  p .. 'createdAt', now, p .. 'updatedAt', now,
}
local optional = { data = ARGV[3], retries = ARGV[4], retryDelay = ARGV[5], from = ARGV[6] }
for name, value in pairs(optional) do
  if value ~= '' then
    fields[#fields + 1] = p .. name
    fields[#fields + 1] = value
  end
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('HSET', KEYS[3], ARGV[1], seq)
redis.call('ZADD', KEYS[5], now, ARGV[7] .. '.' .. seq)
touch_activity(KEYS[1], KEYS[4], ARGV[7], now)
follow_run_ttl(KEYS[1], KEYS[2], KEYS[3])
return { seq, now }
