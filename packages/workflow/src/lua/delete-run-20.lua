-- delete-run: removes a run, its steps and state, and its entries in every index.
-- KEYS: 1 run hash, 2 steps hash, 3 current-attempt hash, 4 run state hash, 5 index of all
--       runs, 6..10 status indexes, 11 workflow index, 12..16 workflow+status indexes,
--       17 workflow names hash, 18 workflow run-count hash, 19 stalled-run index,
--       20 undispatched-step index
-- ARGV: 1 workflow digest, 2 run id
-- Returns: 1 when the run existed, else 0. CORRUPT_DATA (nothing deleted) for a current-attempt
--          key of another type or a run count that is not an integer.
--- @include "fail"
--- @include "activity"
--- @include "pcall-error"
local run = redis.call('HMGET', KEYS[1], 'member', 'workflow')
if not run[1] then return 0 end
-- Commands that can fail on corrupt data run before any other write (HINCRBY is the first
-- write), and the run's own keys go last: a failure leaves the run as it was.
local seqs = current_attempts(KEYS[3])
if not seqs then return fail('CORRUPT_DATA', 'run ' .. ARGV[2] .. ' has a current-attempt key of another type') end
local left = redis.pcall('HINCRBY', KEYS[18], ARGV[1], -1)
if pcall_error(left) then
  return fail('CORRUPT_DATA', 'workflow run count of run ' .. ARGV[2] .. ' is corrupt: ' .. tostring(left.err))
end
if left <= 0 then
  redis.call('HDEL', KEYS[18], ARGV[1])
  redis.call('HDEL', KEYS[17], ARGV[1])
end
drop_pending(seqs, KEYS[20], ARGV[2])
redis.call('ZREM', KEYS[19], ARGV[2])
for i = 5, 16 do redis.call('ZREM', KEYS[i], run[1]) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
