-- create-run: stores a new run in status `running` and adds it to every index of its partition.
-- KEYS: 1 run hash, 2 index of all runs, 3 status index (running), 4 workflow index,
--       5 workflow+status index (running), 6 workflow names hash, 7 workflow run-count hash,
--       8 stalled-run index (running runs with no step in flight, by last activity)
-- ARGV: 1 run id, 2 workflow name, 3 workflow digest, 4 spec JSON (inline, wire, graph hash,
--       deterministic, planned steps: how the run was created; never changes), 5 input JSON ('' = none)
-- Returns: the creation time (ms, server clock). CONFLICT when the run id exists already,
--          CORRUPT_DATA when the workflow's run count is not an integer.
--- @include "fail"
--- @include "server-time"
--- @include "activity"
--- @include "pcall-error"
if ARGV[1] == '' or ARGV[2] == '' or ARGV[3] == '' or ARGV[4] == '' then
  return fail('VALIDATION', 'create-run needs a run id, a workflow name, a digest and a spec')
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return fail('CONFLICT', 'run ' .. ARGV[1] .. ' already exists')
end
-- The count goes first: it is the one write that can fail on corrupt data (not an integer),
-- and then nothing else has been written.
local count = redis.pcall('HINCRBY', KEYS[7], ARGV[3], 1)
if pcall_error(count) then
  return fail('CORRUPT_DATA', 'run count of workflow ' .. ARGV[2] .. ' is corrupt: ' .. tostring(count.err))
end
local now = now_ms()
local member = string.format('%013d', now) .. ':' .. ARGV[1]
local fields = {
  'spec', ARGV[4], 'workflow', ARGV[2], 'status', 'running',
  'createdAt', now, 'updatedAt', now, 'seq', 0, 'busy', 0, 'member', member,
}
if ARGV[5] ~= '' then
  fields[#fields + 1] = 'input'
  fields[#fields + 1] = ARGV[5]
end
redis.call('HSET', KEYS[1], unpack(fields))
for i = 2, 5 do redis.call('ZADD', KEYS[i], 0, member) end
redis.call('HSET', KEYS[6], ARGV[3], ARGV[2])
touch_activity(KEYS[1], KEYS[8], ARGV[1], now)
return now
