-- follow_run_ttl(run_key, a, b): a finished run with a retention TTL expires as a whole, so
-- keys written after it finished (steps, current attempts, state) take the run's TTL.
local function follow_run_ttl(run_key, a, b)
  local ttl = redis.call('PTTL', run_key)
  if ttl > 0 then
    redis.call('PEXPIRE', a, ttl)
    if b then redis.call('PEXPIRE', b, ttl) end
  end
end
