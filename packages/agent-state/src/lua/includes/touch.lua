-- touch(ttl): sliding expiry for one atomic unit. EXPIREs every key in KEYS by ttl
-- seconds (keys that do not exist are skipped by Redis); ttl 0 removes any expiry.
local function touch(ttl)
  for i = 1, #KEYS do
    if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) else redis.call('PERSIST', KEYS[i]) end
  end
end
