-- step-get: reads the current attempt of one step in one round trip.
-- KEYS: 1 current-attempt hash, 2 steps hash
-- ARGV: 1 step name
-- Returns: false when the step has no attempt, else { seq, field, value, field, value, ... }
--          with the attempt's fields (names without the `seq:` prefix).
local seq = redis.call('HGET', KEYS[1], ARGV[1])
if not seq then return false end
local names = {
  'name', 'status', 'attempt', 'rpc', 'data', 'retries', 'retryDelay', 'from', 'createdAt', 'updatedAt',
  'runningAt', 'scheduledAt', 'succeededAt', 'failedAt', 'result', 'error', 'child', 'branch',
}
local keys = {}
for i, name in ipairs(names) do keys[i] = seq .. ':' .. name end
local values = redis.call('HMGET', KEYS[2], unpack(keys))
local out = { seq }
for i, name in ipairs(names) do
  if values[i] then
    out[#out + 1] = name
    out[#out + 1] = values[i]
  end
end
return out
