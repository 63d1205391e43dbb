-- All entries of a thread, oldest first by (createdAt ms, id).
-- KEYS[1] thread zset   KEYS[2] thread entries hash
-- ARGV none
-- Returns a list of entry JSON strings
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for i = 1, #ids do
  local raw = redis.call('HGET', KEYS[2], ids[i])
  if raw then out[#out + 1] = raw end
end
return out
