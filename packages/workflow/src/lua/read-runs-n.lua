-- Reads the run hashes of several runs at once (getRun calls issued in the same tick).
-- KEYS run hashes (at least one; on a Cluster all in one partition)
-- ARGV none
-- Returns one flat field/value list per key, in KEYS order ({} for a missing run)
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGETALL', KEYS[i]) end
return out
