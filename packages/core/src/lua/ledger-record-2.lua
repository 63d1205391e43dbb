-- Records one applied migration in the schema ledger, only while the caller holds
-- the ledger lock (so a migration runner that lost its lock cannot write).
-- KEYS[1] ledger hash   KEYS[2] ledger lock
-- ARGV[1] lock token    ARGV[2] migration id   ARGV[3] record (JSON)   ARGV[4] lock ttl ms
-- Returns 1, or RSERR LOCK_LOST
--- @include "fail"
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return fail('LOCK_LOST', 'schema ledger lock expired while migrating')
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
