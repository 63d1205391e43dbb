-- lock-renew: extends a lease if the caller still holds it.
-- KEYS: 1 lock key
-- ARGV: 1 holder token, 2 lease in ms
-- Returns: 1 when extended, 0 when the lease was lost.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
