-- Reads a session's rollup hash as a flat field/value list (a script reply, so clients
-- never reshape it into an object where a field like "__proto__" could be lost), followed by
-- the bounds read from the index zsets' ends: ts.first, ts.last, step.max.
-- KEYS[1] rollup hash   KEYS[2] by-time zset   KEYS[3] by-step zset
-- ARGV none
-- Returns { field, value, field, value, ... } (empty when the session has no usage)
local out = redis.call('HGETALL', KEYS[1])
if #out == 0 then return out end
local function add_end(key, index, field)
  local found = redis.call('ZRANGE', key, index, index, 'WITHSCORES')
  if found[2] then
    out[#out + 1] = field
    out[#out + 1] = found[2]
  end
end
add_end(KEYS[2], 0, 'ts.first')
add_end(KEYS[2], -1, 'ts.last')
add_end(KEYS[3], -1, 'step.max')
return out
