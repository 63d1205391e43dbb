-- run-state: sets one named value of a run's state.
-- KEYS: 1 run hash, 2 run state hash
-- ARGV: 1 name, 2 value JSON
-- Returns: 1. NOT_FOUND for a missing run.
--- @include "fail"
--- @include "step-ttl"
if ARGV[1] == '' or ARGV[2] == '' then return fail('VALIDATION', 'run-state needs a name and a value') end
if redis.call('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'workflow run not found') end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
follow_run_ttl(KEYS[1], KEYS[2], nil)
return 1
