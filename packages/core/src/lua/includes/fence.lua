-- check_fence(fence_key, token): fencing for writes guarded by a lock.
-- fence_key holds the newest token seen for the resource (must be in the caller's KEYS,
-- in the same slot as the resource). A token older than it is stale: returns false and
-- writes nothing. Otherwise records the token and returns true. An empty token skips.
local function check_fence(fence_key, token)
  if token == nil or token == '' then return true end
  local t = tonumber(token)
  if t == nil then return false end
  local seen = tonumber(redis.call('GET', fence_key) or '0')
  if t < seen then return false end
  if t > seen then redis.call('SET', fence_key, token) end
  return true
end
