-- Pikku agent run state: every run of a thread, oldest first.
-- KEYS[1] runs ZSET, KEYS[2] run-data HASH
-- ARGV none
-- Returns a flat array {uuid, run JSON, ...}
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[2], id)
  if json then
    out[#out + 1] = id
    out[#out + 1] = json
  end
end
return out
