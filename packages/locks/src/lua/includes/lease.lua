-- A lock lease is one string, '<value>|<token>|<at>|<owner>', expiring with the lease.
-- value: the random ownership value (never contains '|'); token, at: decimal; owner comes
-- last, so it may hold any byte, '|' included.

-- lease_string(value, token, at, owner): the stored form of a new lease.
local function lease_string(value, token, at, owner)
  return value .. '|' .. string.format('%d|%d|', token, at) .. owner
end

-- lease_value(lock): the random ownership value of the lease at `lock`, or nil when free
-- (or when another type sits there: nobody's lease, and the batch's other items go on).
local function lease_value(lock)
  local stored = redis.pcall('GET', lock)
  if type(stored) ~= 'string' then return nil end
  local bar = string.find(stored, '|', 1, true)
  if not bar then return stored end
  return string.sub(stored, 1, bar - 1)
end
