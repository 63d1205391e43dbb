-- Extends the schema ledger lock while a long migration runs.
-- KEYS[1] ledger lock
-- ARGV[1] lock token   ARGV[2] ttl ms
-- Returns 1 when extended, 0 when the lock was not ours
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
