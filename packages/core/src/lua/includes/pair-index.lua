-- A two-way link index on two sorted sets in one slot, all scores 0:
--   forward key: members "<a>:<b>"   reverse key: members "<b>:<a>"
-- (a = topic / function, b = channel / deployment). Parts are escaped by Keyspace and never
-- contain ':', so "<x>:" .. "<x>;" is exactly the lex range of one part's links.

-- Members of `key` that start with "<head>:".
local function pair_members(key, head)
  return redis.call('ZRANGEBYLEX', key, '[' .. head .. ':', '(' .. head .. ';')
end

-- Removes every link of `b` from both sets; returns how many it removed.
local function pair_unlink_all(forward_key, reverse_key, b)
  local offset = string.len(b) + 2
  local members = pair_members(reverse_key, b)
  for _, member in ipairs(members) do
    redis.call('ZREM', forward_key, string.sub(member, offset) .. ':' .. b)
    redis.call('ZREM', reverse_key, member)
  end
  return #members
end
