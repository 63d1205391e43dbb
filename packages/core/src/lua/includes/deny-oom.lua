-- deny_oom(zset_key): call before the first write of a script that adds data. Redis checks
-- maxmemory (with noeviction) at a script's first write command only if that command is a
-- "deny-oom" one; a script that starts by deleting (a sweep, replacing a record) would
-- otherwise go on to add data past maxmemory. ZADD XX of a member that never exists is such
-- a command and changes nothing (and creates no key). zset_key must be in KEYS (a zset or absent).
local function deny_oom(zset_key)
  redis.call('ZADD', zset_key, 'XX', 0, '\0redstate:deny-oom')
end
