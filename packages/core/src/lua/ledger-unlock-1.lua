-- Releases the schema ledger lock if the caller still holds it.
-- KEYS[1] ledger lock
-- ARGV[1] lock token
-- Returns 1 when released, 0 when the lock was not ours
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
