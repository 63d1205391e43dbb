-- Pikku agent runs: adjusts per-agent run counts; names at zero are dropped.
-- KEYS[1] agent-names HASH (agentName -> run count)
-- ARGV pairs: agentName, delta
-- Returns 1
--- @include "fail"
if #ARGV % 2 ~= 0 then return fail('VALIDATION', 'expected name, delta pairs') end
for i = 1, #ARGV, 2 do
  if tonumber(ARGV[i + 1]) == nil then return fail('VALIDATION', 'delta must be a number') end
end
for i = 1, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1
