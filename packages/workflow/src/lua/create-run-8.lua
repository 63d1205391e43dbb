-- create-run: stores a new run in status `running` and adds it to every index of its partition.
-- KEYS: 1 run hash, 2 index of all runs, 3 status index (running), 4 workflow index,
--       5 workflow+status index (running), 6 workflow names hash, 7 workflow run-count hash,
--       8 stalled-run index (running runs with no step in flight, by last activity)
-- ARGV: 1 run id, 2 workflow name, 3 workflow digest, 4 input JSON ('' = none), 5 inline (1|0),
--       6 graph hash ('' = none), 7 deterministic ('' | 1 | 0), 8 planned steps JSON ('' = none),
--       9 wire JSON
-- Returns: the creation time (ms, server clock). CONFLICT when the run id exists already.
--- @include "fail"
--- @include "server-time"
--- @include "activity"
if ARGV[1] == '' or ARGV[2] == '' or ARGV[3] == '' or ARGV[9] == '' then
  return fail('VALIDATION', 'create-run needs a run id, a workflow name, a digest and a wire')
end
if ARGV[5] ~= '1' and ARGV[5] ~= '0' then return fail('VALIDATION', 'inline must be 1 or 0') end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return fail('CONFLICT', 'run ' .. ARGV[1] .. ' already exists')
end
local now = now_ms()
local member = string.format('%013d', now) .. ':' .. ARGV[1]
local fields = {
  'workflow', ARGV[2], 'status', 'running', 'inline', ARGV[5], 'wire', ARGV[9],
  'createdAt', now, 'updatedAt', now, 'seq', 0, 'busy', 0, 'member', member,
}
local optional = { input = ARGV[4], graphHash = ARGV[6], deterministic = ARGV[7], plannedSteps = ARGV[8] }
for name, value in pairs(optional) do
  if value ~= '' then
    fields[#fields + 1] = name
    fields[#fields + 1] = value
  end
end
redis.call('HSET', KEYS[1], unpack(fields))
for i = 2, 5 do redis.call('ZADD', KEYS[i], 0, member) end
redis.call('HSET', KEYS[6], ARGV[3], ARGV[2])
redis.call('HINCRBY', KEYS[7], ARGV[3], 1)
touch_activity(KEYS[1], KEYS[8], ARGV[1], now)
return now
