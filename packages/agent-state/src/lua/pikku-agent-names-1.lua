-- Pikku agent runs: adjusts per-agent run counts; names at zero are dropped.
-- KEYS[1] agent-names HASH (agentName -> run count)
-- ARGV pairs: agentName, delta
-- Returns 1, or RSERR VALIDATION / CORRUPT_DATA (then no count changed)
--- @include "fail"
--- @include "stored-int"
if #ARGV % 2 ~= 0 then return fail('VALIDATION', 'expected name, delta pairs') end
local names = {}
for i = 1, #ARGV, 2 do
  if tonumber(ARGV[i + 1]) == nil then return fail('VALIDATION', 'delta must be a number') end
  names[#names + 1] = ARGV[i]
end
-- Every count is checked before the first HINCRBY, so a corrupt one changes none of them.
if #names > 0 then
  for i, count in ipairs(redis.call('HMGET', KEYS[1], unpack(names))) do
    if count and not stored_int(count) then return fail('CORRUPT_DATA', 'agent ' .. names[i] .. ' has a non-integer run count') end
  end
end
for i = 1, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1
